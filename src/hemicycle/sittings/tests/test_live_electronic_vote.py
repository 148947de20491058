"""Electronic vote from the members' devices: one vote per member, a proxy holder votes a
second time for his mandator, a vote is final, nothing is accepted once the vote is closed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Attendance, Ballot, Proxy, Vote
from hemicycle.sittings.samples_live import live_world


def member_user(world, member, name):
    user = make_user(world.authority, name, [Role.MEMBER])
    member.user = user
    member.save()
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The live payload is cached per sitting and version; test databases reuse primary keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def electronic(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=8, open_it=False)
    proxy = Proxy.objects.create(authority=world.authority, mandator=sw.members[8], holder=sw.members[2],
                                 given_by=clerk)
    proxy.sittings.add(sw.sitting)
    live.open_sitting(clerk, sw.sitting)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method="electronic")
    users = {i: member_user(world, sw.members[i], f"elu-{i}") for i in range(1, 9)}
    return sw, item, ballot, users


def test_one_vote_per_member_and_final(world, electronic):
    sw, item, ballot, users = electronic
    votes.cast_vote(users[1], ballot, value="pour")
    with pytest.raises(ValidationError, match="définitif"):
        votes.cast_vote(users[1], ballot, value="contre")
    assert list(Vote.objects.filter(ballot=ballot).values_list("member_id", "cast_by_id", "value")) == [
        (sw.members[1].pk, sw.members[1].pk, "pour")]
    assert JournalEntry.objects.filter(action="sitting.vote_cast", object_id=str(item.pk)).count() == 1


def test_proxy_holder_votes_for_himself_and_his_mandator(world, electronic):
    sw, item, ballot, users = electronic
    votes.cast_vote(users[2], ballot, value="pour")
    votes.cast_vote(users[2], ballot, value="contre", for_member=sw.members[8].pk)
    rows = set(Vote.objects.filter(ballot=ballot).values_list("member_id", "cast_by_id", "value"))
    assert rows == {(sw.members[2].pk, sw.members[2].pk, "pour"), (sw.members[8].pk, sw.members[2].pk, "contre")}
    with pytest.raises(ValidationError, match="définitif"):
        votes.cast_vote(users[2], ballot, value="pour", for_member=sw.members[8].pk)
    # Nobody else may vote for the mandator.
    with pytest.raises(ValidationError, match="pouvoir"):
        votes.cast_vote(users[3], ballot, value="pour", for_member=sw.members[8].pk)


def test_absent_member_cannot_vote(world, electronic):
    sw, item, ballot, users = electronic
    live.set_attendance(world.users[Role.SECRETARIAT], sw.sitting, sw.members[5], Attendance.Status.LEFT)
    with pytest.raises(ValidationError, match="présent"):
        votes.cast_vote(users[5], ballot, value="pour")
    with pytest.raises(ValidationError, match="présent"):
        votes.cast_vote(users[8], ballot, value="pour")  # the mandator himself is absent


def test_closed_ballot_refuses_votes_and_counts_them(world, electronic):
    sw, item, ballot, users = electronic
    clerk = world.users[Role.SECRETARIAT]
    for i in (1, 2, 3):
        votes.cast_vote(users[i], ballot, value="pour")
    votes.cast_vote(users[2], ballot, value="pour", for_member=sw.members[8])
    votes.cast_vote(users[4], ballot, value="contre")
    votes.cast_vote(users[5], ballot, value="abstention")
    ballot = votes.close_electronic(clerk, ballot)
    assert (ballot.pour, ballot.contre, ballot.abstention, ballot.nppv) == (4, 1, 1, 0)
    assert ballot.outcome == "adopted" and ballot.represented == 1
    assert "Élue0 Conseillère0" in ballot.results["non_voters"]
    with pytest.raises(ValidationError, match="clos"):
        votes.cast_vote(users[6], ballot, value="contre")
    assert Vote.objects.filter(ballot=ballot).count() == 6
    item.refresh_from_db()
    assert item.state == AgendaItem.State.ADOPTED and item.number == 1


def test_vote_page(world, client, electronic):
    sw, item, ballot, users = electronic
    client.force_login(users[2])
    url = f"/seances/{sw.sitting.slug}/voter/"
    page = client.get(url).content.decode()
    assert item.title in page and "Votre vote" in page and "Au nom de Prénom8 Élu8 (pouvoir)" in page
    response = client.post(url, {"ballot": ballot.pk, "value": "pour"})
    assert response.status_code == 302
    response = client.post(url, {"ballot": ballot.pk, "value": "nppv", "for_member": sw.members[8].pk}, follow=True)
    assert "Vote enregistré pour Prénom8 Élu8" in response.content.decode()
    assert Vote.objects.filter(ballot=ballot).count() == 2
    state = client.get(f"/seances/{sw.sitting.slug}/voter.json").json()
    assert state["ballot"] == ballot.pk and state["state"] == "open" and state["method"] == "electronic"
    # A vote posted for a ballot that is no longer open is refused with a message.
    votes.close_electronic(world.users[Role.SECRETARIAT], ballot)
    response = client.post(url, {"ballot": ballot.pk, "value": "pour"}, follow=True)
    assert "plus ouvert" in response.content.decode() or "clos" in response.content.decode()


def test_member_role_without_member_record_gets_403(world, client, electronic):
    sw, *_ = electronic
    client.force_login(make_user(world.authority, "elu-sans-fiche", [Role.MEMBER]))
    response = client.get(f"/seances/{sw.sitting.slug}/voter/")
    assert response.status_code == 403


def test_only_electronic_ballots_take_device_votes(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9)
    live.take_up_item(clerk, sw.items[0])
    ballot = votes.open_ballot(clerk, sw.items[0], method="show_of_hands")
    with pytest.raises(ValidationError, match="terminaux"):
        votes.cast_vote(member_user(world, sw.members[1], "elu-1"), ballot, value="pour")
    with pytest.raises(PermissionDenied):
        votes.cast_vote(world.users[Role.DRAFTER], ballot, value="pour")
    assert Ballot.objects.get(pk=ballot.pk).state == "open"


def test_vote_panel_alone_for_htmx(world, client, electronic):
    """live.js asks for the panel only when a ballot opens or closes, and the buttons post
    through htmx: the answer is the panel with its message, not a whole page."""
    sw, item, ballot, users = electronic
    client.force_login(users[2])
    url = f"/seances/{sw.sitting.slug}/voter/"
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert panel.lstrip().startswith('<div id="member-vote"') and "<html" not in panel
    assert item.title in panel and f'name="ballot" value="{ballot.pk}"' in panel and 'hx-post="' in panel
    response = client.post(url, {"ballot": ballot.pk, "value": "pour"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    panel = response.content.decode()
    assert "Vote enregistré : Pour." in panel and "<html" not in panel
    assert Vote.objects.filter(ballot=ballot, member=sw.members[2]).exists()
    votes.close_electronic(world.users[Role.SECRETARIAT], ballot)
    response = client.post(url, {"ballot": ballot.pk, "value": "contre"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Le vote est clos" in response.content.decode()
