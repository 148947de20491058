"""Outcomes (rules.outcome.decide, L2121-20): adopted iff POUR > CONTRE; a tie is decided by
the president's vote in a public vote and rejected in a secret ballot; items get their order
number in the order voted; acts follow (adopted, rejected, withdrawn, back to ready)."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem
from hemicycle.sittings.samples_live import live_world


@pytest.fixture
def sitting(world):
    return live_world(world, members=9, present=8)


def vote(clerk, item, method, **kwargs):
    live.take_up_item(clerk, item)
    ballot = votes.open_ballot(clerk, item, method=method, **kwargs)
    return ballot


def test_tie_in_a_show_of_hands_needs_and_follows_the_president(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    item = sitting.items[0]
    ballot = vote(clerk, item, "show_of_hands")
    with pytest.raises(ValidationError, match="prépondérante"):
        votes.close_with_totals(clerk, ballot, pour=4, contre=4, abstention=0)
    ballot = votes.close_with_totals(clerk, ballot, pour=4, contre=4, abstention=0, president_vote="pour")
    assert ballot.outcome == "adopted" and ballot.casting_vote_used
    item.refresh_from_db()
    item.act.refresh_from_db()
    assert item.state == AgendaItem.State.ADOPTED and item.number == 1
    assert item.act.state == ActState.ADOPTED
    assert JournalEntry.objects.filter(action="act.state_changed", object_id=str(item.act.pk)).last().data["to"] == \
        "adopted"


def test_tie_in_a_roll_call_follows_the_presidents_own_vote(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    item = sitting.items[0]
    ballot = vote(clerk, item, "roll_call")
    m = sitting.members
    entries = {m[i].pk: ("contre" if i < 4 else "pour") for i in range(8)}  # president (0) votes contre
    ballot = votes.close_roll_call(clerk, ballot, votes=entries)
    assert (ballot.pour, ballot.contre) == (4, 4)
    assert ballot.outcome == "rejected" and ballot.casting_vote_used


def test_tie_in_a_secret_ballot_is_rejected(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    item = sitting.items[0]
    members = [m.pk for m in sitting.members[:3]]  # 3 of 8 present: a third asks for a secret ballot
    ballot = vote(clerk, item, "secret", secret_requesters=members)
    ballot = votes.close_with_totals(clerk, ballot, pour=3, contre=3, abstention=2)
    assert ballot.outcome == "rejected" and not ballot.casting_vote_used
    assert ballot.results["president_vote"] is None
    item.refresh_from_db()
    item.act.refresh_from_db()
    assert item.state == AgendaItem.State.REJECTED and item.act.state == ActState.REJECTED


def test_totals_cannot_exceed_the_voters(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    ballot = vote(clerk, sitting.items[0], "show_of_hands")
    with pytest.raises(ValidationError, match="votants possibles"):
        votes.close_with_totals(clerk, ballot, pour=9, contre=0, abstention=0)
    with pytest.raises(ValidationError, match="entier"):
        votes.close_with_totals(clerk, ballot, pour="beaucoup", contre=0, abstention=0)


def test_order_numbers_follow_the_votes_and_skip_withdrawn_items(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    first, second, third, fourth = sitting.items
    live.withdraw_item(clerk, first, reason="Dossier incomplet")
    ballot = vote(clerk, third, "show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=8, contre=0, abstention=0)
    live.take_up_item(clerk, second)
    live.postpone_item(clerk, second, reason="Attente de l'avis de la commission")
    ballot = vote(clerk, fourth, "show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=1, contre=7, abstention=0)
    for item in sitting.items:
        item.refresh_from_db()
        item.act.refresh_from_db()
    assert [(i.state, i.number, i.act.state) for i in sitting.items] == [
        ("withdrawn", None, ActState.WITHDRAWN), ("postponed", None, ActState.READY),
        ("adopted", 1, ActState.ADOPTED), ("rejected", 2, ActState.REJECTED)]


def test_closing_the_sitting_needs_every_item_handled(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    with pytest.raises(ValidationError, match="non traités"):
        live.close_sitting(clerk, sitting.sitting)
    live.close_sitting(clerk, sitting.sitting, postpone_remaining=True)
    sitting.sitting.refresh_from_db()
    assert sitting.sitting.state == "closed"
    assert set(AgendaItem.objects.filter(sitting=sitting.sitting).values_list("state", flat=True)) == {"postponed"}


def test_no_second_item_while_one_is_under_way(world, sitting):
    clerk = world.users[Role.SECRETARIAT]
    live.take_up_item(clerk, sitting.items[0])
    with pytest.raises(ValidationError, match="encore en cours"):
        live.take_up_item(clerk, sitting.items[1])


def test_the_drafter_is_told(world, sitting):
    from hemicycle.notifications.models import Notification

    clerk = world.users[Role.SECRETARIAT]
    ballot = vote(clerk, sitting.items[0], "show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=8, contre=0, abstention=0)
    live.withdraw_item(clerk, sitting.items[1])
    messages = list(Notification.objects.filter(user=world.users[Role.DRAFTER]).values_list("message", flat=True))
    assert any("adopté en séance" in m for m in messages)
    assert any("retiré de l'ordre du jour" in m for m in messages)
