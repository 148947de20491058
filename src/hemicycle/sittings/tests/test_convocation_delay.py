"""The delay in jours francs blocks a late convocation (commune of 3,500 inhabitants and more:
5 jours francs, L2121-12) unless an explicit override with a reason is given; the override is
journaled and kept on the convocation and in the manifest."""

import pytest
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions.convocation import ConvocationBlocked, check_before_sending, send_convocation
from hemicycle.sittings.models import Convocation, Sitting

from .convocation_helpers import convocation_world, generate, send

pytestmark = pytest.mark.django_db


def test_in_time_convocation_has_no_error(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=20)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    check = check_before_sending(conv)
    assert check.errors == [] and check.blockers == []
    assert check.delay.required_days == 5


def test_sitting_in_three_days_is_blocked(world, django_capture_on_commit_callbacks):
    assert world.authority.population >= 3500
    sw = convocation_world(world, days_ahead=3)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    check = check_before_sending(conv)
    assert [e.code for e in check.errors] == ["convocation_too_late"]
    assert check.errors[0].article == "L2121-12"
    with pytest.raises(ConvocationBlocked):
        send_convocation(world.users[Role.SECRETARIAT], conv)
    with pytest.raises(ConvocationBlocked):  # ticking the override is not enough: a reason is required
        send_convocation(world.users[Role.SECRETARIAT], conv, override=True, override_reason="   ")
    conv.refresh_from_db()
    assert conv.state == Convocation.State.READY
    assert not conv.recipients.exists()


def test_send_page_shows_errors_with_article_and_refuses(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=3)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("sittings:convocation", args=[sw.sitting.slug]))
    assert "il en faut 5" in page.content.decode()
    assert "L2121-12" in page.content.decode()
    response = client.post(reverse("sittings:convocation_send", args=[sw.sitting.slug, conv.pk]),
                           {"override": "on", "override_reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif de la dérogation." in response.content.decode()
    conv.refresh_from_db()
    assert conv.state == Convocation.State.READY


def test_override_with_reason_sends_and_is_journaled(world, client, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=3)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    client.force_login(world.users[Role.SECRETARIAT])
    reason = "Report de la séance précédente décidé par le maire ; élus prévenus par téléphone."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sittings:convocation_send", args=[sw.sitting.slug, conv.pk]),
                               {"override": "on", "override_reason": reason})
    assert response.status_code == 302
    conv.refresh_from_db()
    assert conv.state == Convocation.State.SENT
    assert conv.override_reason == reason
    assert [e["code"] for e in conv.legal_errors] == ["convocation_too_late"]
    assert conv.manifest["override_reason"] == reason
    assert conv.manifest["legal_errors"][0]["article"] == "L2121-12"
    entry = JournalEntry.objects.get(action="sitting.convocation_override")
    assert entry.data["reason"] == reason
    assert entry.data["errors"][0]["code"] == "convocation_too_late"
    assert entry.actor_id == world.users[Role.SECRETARIAT].pk
    sw.sitting.refresh_from_db()
    assert sw.sitting.state == Sitting.State.CONVENED


def test_no_override_recorded_when_nothing_is_broken(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, days_ahead=20)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    conv = send(world, conv, django_capture_on_commit_callbacks, override=True, override_reason="inutile")
    assert conv.override_reason == "" and conv.legal_errors == []
    assert not JournalEntry.objects.filter(action="sitting.convocation_override").exists()
