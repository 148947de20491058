"""Who reaches the live pages: the secretariat of the authority runs the console, members vote
from their device, the public sees the screen; other authorities get 404."""

import pytest

from hemicycle.accounts.models import RoleAssignment
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import Attendance
from hemicycle.sittings.samples_live import live_world, url_samples

OTHERS = [Role.DRAFTER, Role.APPROVER, Role.MEMBER, Role.SIGNATORY, Role.ADMINISTRATOR, Role.PARTNER]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live payload is cached per sitting and version; test databases reuse primary keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def pages(world):
    sw = live_world(world, members=9)
    clerk = world.users[Role.SECRETARIAT]
    item = sw.items[0]
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="show_of_hands")
    slug = sw.sitting.slug
    return sw, {"console": f"/seances/{slug}/console/", "item": f"/seances/{slug}/console/point/{item.pk}/",
                "ballot": f"/seances/{slug}/vote/{ballot.pk}/"}


def test_console_pages_are_for_the_secretariat(world, client, pages):
    sw, urls = pages
    client.force_login(world.users[Role.SECRETARIAT])
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    for role in OTHERS:
        client.force_login(world.users[role])
        for url in urls.values():
            assert client.get(url).status_code == 403, (role, url)


def test_a_non_secretariat_post_changes_nothing(world, client, pages):
    sw, urls = pages
    client.force_login(world.users[Role.MEMBER])
    response = client.post(urls["console"], {"op": "attendance", "member": sw.members[2].pk, "status": "left"})
    assert response.status_code == 403
    assert Attendance.objects.get(sitting=sw.sitting, member=sw.members[2]).status == "present"


def test_other_authority_gets_404(world, other_world, client, pages):
    sw, urls = pages
    outsider = make_user(other_world.authority, "outsider", [])
    for role in [Role.SECRETARIAT, *OTHERS]:
        RoleAssignment.objects.create(user=outsider, role=role)
    client.force_login(outsider)
    for url in [*urls.values(), f"/seances/{sw.sitting.slug}/voter/", f"/seances/{sw.sitting.slug}/voter.json"]:
        assert client.get(url).status_code == 404, url
    response = client.post(urls["console"], {"op": "attendance", "member": sw.members[2].pk, "status": "left"})
    assert response.status_code == 404


def test_vote_page_is_for_members(world, client, pages):
    sw, _ = pages
    url = f"/seances/{sw.sitting.slug}/voter/"
    client.force_login(world.users[Role.MEMBER])  # linked to members[0]
    assert client.get(url).status_code == 200
    assert client.get(f"/seances/{sw.sitting.slug}/voter.json").status_code == 200
    for role in [Role.SECRETARIAT, Role.DRAFTER, Role.ADMINISTRATOR]:
        client.force_login(world.users[role])
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_url_samples_build(world):
    samples = url_samples(world)
    assert set(samples) == {"sittings:live_console", "sittings:live_item", "sittings:live_proxies",
                            "sittings:live_ballot", "sittings:live_vote", "sittings:live_vote_state",
                            "sittings:live_screen", "sittings:live_screen_json"}
