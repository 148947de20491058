"""The public live screen and its JSON: reflects the sitting (item, speaker, vote, results,
quorum), is cheap to poll (one query, 304 when unchanged, payload cached per version), and
never exposes a sitting held in camera."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import Sitting
from hemicycle.sittings.samples_live import live_world


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live payload is cached per sitting and version; test databases reuse primary keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sitting(world):
    return live_world(world, members=9, present=7)


def state(client, sw):
    response = client.get(f"/seances/{sw.sitting.slug}/ecran.json")
    assert response.status_code == 200
    return response.json()


def test_json_reflects_the_live_state(world, client, sitting):
    clerk = world.users[Role.SECRETARIAT]
    sw = sitting
    data = state(client, sw)
    assert data["sitting"]["state"] == "open" and data["item"] is None
    assert data["quorum"] == {"present": 7, "required": 5, "in_office": 9, "met": True,
                              "message": data["quorum"]["message"]}

    item = sw.items[0]
    live.take_up_item(clerk, item)
    live.set_speaker(clerk, sw.sitting, member=sw.members[3])
    data = state(client, sw)
    assert data["item"]["title"] == item.title and data["item"]["reference"] == item.act.reference
    assert data["speaker"].startswith("M. Prénom3 Élu3")

    ballot = votes.open_ballot(clerk, item, method="electronic")
    data = state(client, sw)
    assert data["ballot"]["state"] == "open" and data["ballot"]["votes_cast"] == 0 and data["ballot"]["voters"] == 7
    assert "results" not in data["ballot"]

    votes.close_electronic(clerk, ballot)
    data = state(client, sw)
    assert data["ballot"]["state"] == "closed"
    assert data["ballot"]["results"]["outcome"] == "rejected"  # nobody voted: no suffrage exprimé
    assert data["decided"][0]["number"] == 1


def test_polling_is_cheap(world, client, sitting):
    url = f"/seances/{sitting.sitting.slug}/ecran.json"
    first = client.get(url)
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200 and len(queries) == 1  # the version only: the payload comes from the cache
    with CaptureQueriesContext(connection) as queries:
        unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and len(queries) == 1

    live.set_speaker(world.users[Role.SECRETARIAT], sitting.sitting, "Le directeur général des services")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["speaker"] == "Le directeur général des services"


def test_every_live_action_bumps_the_version(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    before = Sitting.objects.get(pk=sitting.sitting.pk).live_version
    live.take_up_item(clerk, sitting.items[0])
    live.end_debate(clerk, sitting.items[0])
    assert Sitting.objects.get(pk=sitting.sitting.pk).live_version == before + 2


def test_screen_page(world, client, sitting):
    page = client.get(f"/seances/{sitting.sitting.slug}/ecran/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Quorum atteint" in html and "sittings/screen.js" in html
    assert f"ecran.json?collectivite={world.authority.slug}" in html


def test_huis_clos_is_not_exposed(world, client, sitting):
    Sitting.objects.filter(pk=sitting.sitting.pk).update(public=False)
    live.take_up_item(world.users[Role.SECRETARIAT], sitting.items[0])
    page = client.get(f"/seances/{sitting.sitting.slug}/ecran/")
    assert page.status_code == 404 and "huis clos" in page.content.decode()
    assert sitting.items[0].title not in page.content.decode()
    data = client.get(f"/seances/{sitting.sitting.slug}/ecran.json")
    assert data.status_code == 404 and sitting.items[0].title not in data.content.decode()


def test_sittings_of_two_authorities_with_the_same_slug(world, other_world, client, sitting):
    other = live_world(other_world, members=5)
    assert other.sitting.slug == sitting.sitting.slug
    assert client.get(f"/seances/{sitting.sitting.slug}/ecran.json").status_code == 404  # ambiguous
    data = client.get(f"/seances/{sitting.sitting.slug}/ecran.json?collectivite={other_world.authority.slug}").json()
    assert data["quorum"]["in_office"] == 5
