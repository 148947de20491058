"""« Calculer le scrutin requis » as a browser posts it (the method select always sends its
value, « à main levée » by default): the form the requests impose is then selected, so that
« Ouvrir le vote » opens it; a form the requests allow is kept."""

import html

import pytest

from hemicycle.core.roles import Role
from hemicycle.sittings.models import Ballot
from hemicycle.sittings.samples_live import live_world


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def item_url(world, client):
    client.force_login(world.users[Role.SECRETARIAT])
    sw = live_world(world, members=9, present=6)
    item = sw.items[0]
    client.post(f"/seances/{sw.sitting.slug}/console/", {"op": "take_up", "item": item.pk})
    return sw, f"/seances/{sw.sitting.slug}/console/point/{item.pk}/"


def test_secret_requests_select_the_secret_ballot(client, item_url):
    sw, url = item_url
    requesters = [sw.members[1].pk, sw.members[2].pk]  # a third of the 6 present
    response = client.post(url, {"op": "compute", "subject": "item", "secret": requesters,
                                 "method": Ballot.Method.SHOW_OF_HANDS})
    page = text(response)
    assert response.status_code == 200
    assert 'value="secret" selected' in page and 'value="show_of_hands" selected' not in page
    assert "Mode proposé sélectionné ci-dessous." in page


def test_an_allowed_choice_is_kept(client, item_url):
    sw, url = item_url
    publics = [sw.members[1].pk, sw.members[2].pk]  # a quarter of the 6 present: a public ballot
    response = client.post(url, {"op": "compute", "subject": "item", "public": publics,
                                 "method": Ballot.Method.ELECTRONIC})
    page = text(response)
    assert 'value="electronic" selected' in page and 'value="roll_call" selected' not in page
    assert "Le mode choisi ci-dessous est permis par les demandes." in page
    response = client.post(url, {"op": "compute", "subject": "item", "public": publics,
                                 "method": Ballot.Method.SHOW_OF_HANDS})
    assert 'value="roll_call" selected' in text(response)
