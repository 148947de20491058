"""Appointments (L2121-21): secret rounds, absolute majority at rounds 1 and 2, relative at
round 3, a tie elects the oldest (rules.appointments.elect)."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem
from hemicycle.sittings.samples_live import live_world


@pytest.fixture
def appointment(world):
    sw = live_world(world, members=9, present=8)
    live.take_up_item(world.users[Role.SECRETARIAT], sw.items[0])
    return sw, sw.items[0], [sw.members[5], sw.members[3]]  # members[3] is the older (1953 vs 1955)


def round_of(clerk, item, candidates, counts, blank=0):
    ballot = votes.open_ballot(clerk, item, method="appointment", candidates=candidates)
    return votes.close_appointment_round(clerk, ballot, counts={c.pk: n for c, n in zip(candidates, counts)},
                                         blank=blank)


def test_three_rounds_and_the_oldest_wins_a_tie(world, appointment):
    clerk = world.users[Role.SECRETARIAT]
    sw, item, candidates = appointment
    first = round_of(clerk, item, candidates, [3, 3], blank=2)
    assert first.round == 1 and first.outcome == "not_elected"
    assert first.results["round_result"]["majority_needed"] == 4
    assert AgendaItem.objects.get(pk=item.pk).state == AgendaItem.State.IN_DEBATE
    second = round_of(clerk, item, candidates, [4, 3], blank=1)  # 4 of 7 exprimés: absolute majority is 4
    assert second.round == 2 and second.outcome == "elected" and second.elected == "Prénom5 Élu5"


def test_third_round_relative_majority_tie_elects_the_oldest(world, appointment):
    clerk = world.users[Role.SECRETARIAT]
    sw, item, candidates = appointment
    round_of(clerk, item, candidates, [3, 3], blank=2)
    round_of(clerk, item, candidates, [3, 3], blank=2)
    third = round_of(clerk, item, candidates, [4, 4])
    assert third.round == 3 and third.outcome == "elected"
    assert third.elected == "Prénom3 Élu3" and third.results["round_result"]["tied"] == ["Prénom3 Élu3", "Prénom5 Élu5"]
    item.refresh_from_db()
    item.act.refresh_from_db()
    assert item.state == AgendaItem.State.ELECTED and item.number == 1 and item.act.state == ActState.ADOPTED
    with pytest.raises(ValidationError):
        votes.open_ballot(clerk, item, method="appointment", candidates=candidates)


def test_appointment_is_by_secret_ballot_and_counts_are_checked(world, appointment):
    clerk = world.users[Role.SECRETARIAT]
    sw, item, candidates = appointment
    assert votes.propose(sw.sitting, item, appointment=True).decision.ballot == "secret"
    with pytest.raises(ValidationError, match="candidat"):
        votes.open_ballot(clerk, item, method="appointment", candidates=[])
    ballot = votes.open_ballot(clerk, item, method="appointment", candidates=candidates)
    with pytest.raises(ValidationError, match="votants possibles"):
        votes.close_appointment_round(clerk, ballot, counts={candidates[0].pk: 9}, blank=0)
