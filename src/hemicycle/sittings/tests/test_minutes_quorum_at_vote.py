"""The minutes give each item's quorum at its vote (L2121-17): a member who leaves during the
debate, before the vote, is not counted; an item without a vote keeps the quorum of its call."""

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.actions.minutes import draft_minutes
from hemicycle.sittings.models import Attendance, Sitting
from hemicycle.sittings.samples_live import live_world


def test_departure_during_the_debate_counts_for_the_quorum_of_the_vote(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=6, acts=2)
    first, second = sw.items
    live.take_up_item(clerk, first)  # 6 present when called
    live.set_attendance(clerk, sw.sitting, sw.members[5], Attendance.Status.ABSENT)  # leaves during the debate
    ballot = votes.open_ballot(clerk, first, method="show_of_hands")
    assert ballot.present == 5
    votes.close_with_totals(clerk, ballot, pour=5, contre=0, abstention=0)
    live.take_up_item(clerk, second)
    live.close_sitting(clerk, Sitting.objects.get(pk=sw.sitting.pk), postpone_remaining=True)

    body = draft_minutes(clerk, Sitting.objects.get(pk=sw.sitting.pk)).body
    assert body["quorum"]["opening"]["present"] == 6
    assert body["items"][0]["quorum"]["present"] == 5  # at the vote, not 6 as when the item was called
    assert body["items"][1]["quorum"]["present"] == 5  # called, never voted: its call
