"""During the sitting a member finds the voting page from the portal (home and the sitting's
page); before and after it, there is no such link."""

import pytest
from django.urls import reverse

from hemicycle.sittings.models import Sitting

from .helpers import convene


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Sitting.State.OPEN, Sitting.State.SUSPENDED])
def test_live_sitting_links_to_the_voting_page(client, sw, colleague, state):
    convene(sw.sitting)
    Sitting.objects.filter(pk=sw.sitting.pk).update(state=state)
    vote_url = reverse("sittings:live_vote", args=[sw.sitting.slug])
    client.force_login(colleague)
    home = client.get(reverse("portal:home")).content.decode()
    assert vote_url in home and "Séance en cours" in home
    assert reverse("portal:sitting", args=[sw.sitting.slug]) in home
    page = client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
    assert vote_url in page and "La séance est en cours" in page
    assert client.get(vote_url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Sitting.State.CONVENED, Sitting.State.CLOSED])
def test_no_voting_link_outside_the_sitting(client, sw, colleague, state):
    convene(sw.sitting)
    Sitting.objects.filter(pk=sw.sitting.pk).update(state=state)
    vote_url = reverse("sittings:live_vote", args=[sw.sitting.slug])
    client.force_login(colleague)
    assert vote_url not in client.get(reverse("portal:home")).content.decode()
    assert vote_url not in client.get(reverse("portal:sitting", args=[sw.sitting.slug])).content.decode()
