"""The act's URL is its reference with dashes, stored and unique in the authority."""

from django.urls import reverse

from hemicycle.acts.models import Act, NumberingPattern
from hemicycle.core.roles import Role

from .helpers import make_act


def test_slug_follows_the_reference_and_survives_collisions(world, client):
    act = make_act(world)
    assert act.slug == "2026-DAC-1"
    NumberingPattern.objects.create(authority=world.authority, nature="AR", pattern="{year}-DAC-{seq}")
    clash = make_act(world, nature="AR")  # reference "2026-DAC-1": same URL form
    assert clash.reference == "2026-DAC-1" and clash.slug == "2026-DAC-1~2"
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("acts:detail", args=[clash.slug])).context["act"] == clash
    assert client.get(reverse("acts:detail", args=[act.slug])).context["act"] == act
    assert reverse("acts:detail", args=[act.slug]) == "/actes/2026-DAC-1/"


def test_slash_in_reference_is_url_safe(world):
    NumberingPattern.objects.create(authority=world.authority, nature="AI", pattern="{year}/{dept}/{seq}")
    act = make_act(world, nature="AI")
    assert act.reference == "2026/DAC/1" and act.slug == "2026_DAC_1"
    assert Act.objects.get(slug="2026_DAC_1") == act
