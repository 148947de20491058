"""Requests for a public or a secret ballot (L2121-21): a quarter of the members present for a
public ballot, a third for a secret one, the secret ballot prevailing; the console proposes
the ballot the rules require and refuses a form the requests exclude."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.samples_live import live_world


@pytest.fixture
def debate(world):
    sw = live_world(world, members=9, present=8)
    live.take_up_item(world.users[Role.SECRETARIAT], sw.items[0])
    return sw, sw.items[0]


def ids(sw, n):
    return [m.pk for m in sw.members[:n]]


def test_required_ballot_from_requests(world, debate):
    sw, item = debate
    assert votes.propose(sw.sitting, item).method == "show_of_hands"
    assert votes.propose(sw.sitting, item, public=ids(sw, 1)).method == "show_of_hands"  # 1 of 8 < 1/4
    assert votes.propose(sw.sitting, item, public=ids(sw, 2)).method == "roll_call"  # 2 of 8 = 1/4
    assert votes.propose(sw.sitting, item, secret=ids(sw, 2)).method == "show_of_hands"  # < 1/3
    proposal = votes.propose(sw.sitting, item, public=ids(sw, 4), secret=ids(sw, 3))  # both: secret wins
    assert proposal.method == "secret" and proposal.allowed == ("secret",)
    assert "secret l'emporte" in proposal.decision.reason


def test_public_ballot_refuses_a_show_of_hands_and_records_the_requesters(world, debate):
    sw, item = debate
    clerk = world.users[Role.SECRETARIAT]
    with pytest.raises(ValidationError, match="pas possible"):
        votes.open_ballot(clerk, item, method="show_of_hands", public_requesters=ids(sw, 2))
    ballot = votes.open_ballot(clerk, item, method="electronic", public_requesters=ids(sw, 2),
                               secret_requesters=ids(sw, 1))
    assert ballot.requesters == {"public": ids(sw, 2), "secret": ids(sw, 1)}
    assert (ballot.public_requests, ballot.secret_requests) == (2, 1)
    assert ballot.results["required"] == "public"


def test_secret_ballot_only_when_required(world, debate):
    sw, item = debate
    clerk = world.users[Role.SECRETARIAT]
    with pytest.raises(ValidationError, match="pas possible"):
        votes.open_ballot(clerk, item, method="secret")
    with pytest.raises(ValidationError, match="pas possible"):
        votes.open_ballot(clerk, item, method="roll_call", secret_requesters=ids(sw, 3))
    assert votes.open_ballot(clerk, item, method="secret", secret_requesters=ids(sw, 3)).method == "secret"


def test_only_members_in_the_room_can_ask(world, debate):
    sw, item = debate
    with pytest.raises(ValidationError, match="présents dans la salle"):
        votes.open_ballot(world.users[Role.SECRETARIAT], item, method="roll_call",
                          public_requesters=[sw.members[8].pk, sw.members[0].pk])
