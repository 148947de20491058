"""Quorum computed live (L2121-17): at the opening and when each item is taken up; a
departure mid-sitting blocks the next item; second convocation needs none."""

import pytest
from django.core.exceptions import ValidationError

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Attendance, AttendanceEvent, Sitting
from hemicycle.sittings.samples_live import live_world


@pytest.mark.parametrize("members, vacancies, present, met, required", [
    (9, 0, 5, True, 5),     # odd: 9 → 5
    (9, 0, 4, False, 5),
    (10, 0, 6, True, 6),    # even: 10 → 6
    (10, 0, 5, False, 6),
    (10, 2, 5, True, 5),    # vacancies: 8 in office → 5
    (10, 2, 4, False, 5),
])
def test_quorum_at_the_opening(world, members, vacancies, present, met, required):
    sw = live_world(world, members=members, present=present, open_it=False)
    sw.assembly.vacancies = vacancies
    sw.assembly.save()
    sitting = Sitting.objects.get(pk=sw.sitting.pk)
    state = live.quorum(sitting)
    assert (state.present, state.required, state.met) == (present, required, met)
    clerk = world.users[Role.SECRETARIAT]
    if met:
        live.open_sitting(clerk, sitting)
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.OPEN
    else:
        with pytest.raises(ValidationError, match="Quorum non atteint"):
            live.open_sitting(clerk, sitting)
        assert Sitting.objects.get(pk=sitting.pk).state == Sitting.State.CONVENED


def test_failed_sitting_is_recorded_and_acts_go_back_to_ready(world):
    sw = live_world(world, members=9, present=4, open_it=False)
    clerk = world.users[Role.SECRETARIAT]
    live.record_no_quorum(clerk, sw.sitting)
    sitting = Sitting.objects.get(pk=sw.sitting.pk)
    assert sitting.state == Sitting.State.NO_QUORUM
    assert set(sitting.items.values_list("state", flat=True)) == {AgendaItem.State.NO_QUORUM}
    for act in sw.acts:
        act.refresh_from_db()
        assert act.state == "ready"


def test_no_quorum_refused_when_quorum_is_met(world):
    sw = live_world(world, members=9, present=5, open_it=False)
    with pytest.raises(ValidationError, match="quorum est atteint"):
        live.record_no_quorum(world.users[Role.SECRETARIAT], sw.sitting)


def test_second_convocation_needs_no_quorum(world):
    sw = live_world(world, members=9, present=2, open_it=False, second_convocation=True)
    live.open_sitting(world.users[Role.SECRETARIAT], sw.sitting)
    assert Sitting.objects.get(pk=sw.sitting.pk).state == Sitting.State.OPEN


def test_opening_needs_the_convocation_sent(world):
    sw = live_world(world, members=9, open_it=False)
    Sitting.objects.filter(pk=sw.sitting.pk).update(state=Sitting.State.PLANNED)
    with pytest.raises(ValidationError, match="convocation"):
        live.open_sitting(world.users[Role.SECRETARIAT], Sitting.objects.get(pk=sw.sitting.pk))


def test_departure_mid_sitting_blocks_the_next_item(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=5)  # exactly the quorum (5 of 9)
    first, second = sw.items[0], sw.items[1]
    assert live.take_up_item(clerk, first).met
    ballot = votes.open_ballot(clerk, first, method="show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=5, contre=0, abstention=0)

    live.set_attendance(clerk, sw.sitting, sw.members[4], Attendance.Status.PRESENT)  # no change
    live.set_attendance(clerk, sw.sitting, sw.members[4], Attendance.Status.ABSENT)  # leaves during the sitting
    attendance = Attendance.objects.get(sitting=sw.sitting, member=sw.members[4])
    assert attendance.status == Attendance.Status.LEFT and attendance.left_at is not None
    event = AttendanceEvent.objects.filter(sitting=sw.sitting, member=sw.members[4]).last()
    assert event.kind == "leave" and event.during_item_id == first.pk

    state = live.take_up_item(clerk, second)
    assert not state.met and state.present == 4 and state.required == 5
    with pytest.raises(ValidationError, match="Quorum non atteint"):
        votes.open_ballot(clerk, second, method="show_of_hands")
    assert AgendaItem.objects.get(pk=second.pk).state == AgendaItem.State.IN_DEBATE

    # Back in the room: the quorum is met again and the vote can be opened.
    live.set_attendance(clerk, sw.sitting, sw.members[4], Attendance.Status.PRESENT)
    assert votes.open_ballot(clerk, second, method="show_of_hands").state == "open"


def test_item_without_quorum_can_be_recorded_as_such(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=5)
    live.set_attendance(clerk, sw.sitting, sw.members[3], Attendance.Status.LEFT)
    item = sw.items[0]
    live.take_up_item(clerk, item)
    live.postpone_item(clerk, item, no_quorum=True)
    item.refresh_from_db()
    item.act.refresh_from_db()
    assert item.state == AgendaItem.State.NO_QUORUM and item.act.state == "ready"


def test_item_not_on_the_convocation_cannot_be_taken_up(world):
    sw = live_world(world, members=9)
    AgendaItem.objects.filter(pk=sw.items[0].pk).update(on_convocation=False)
    with pytest.raises(ValidationError, match="convocation"):
        live.take_up_item(world.users[Role.SECRETARIAT], sw.items[0])


def test_urgency_is_voted_first(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9)
    urgency = AgendaItem.objects.create(sitting=sw.sitting, position=0, kind=AgendaItem.Kind.URGENCY,
                                        title="Vote sur l'urgence", on_convocation=True)
    with pytest.raises(ValidationError, match="d'abord sur l'urgence"):
        live.take_up_item(clerk, sw.items[0])
    live.take_up_item(clerk, urgency)
    ballot = votes.open_ballot(clerk, urgency, method="show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=2, contre=7, abstention=0)
    with pytest.raises(ValidationError, match="pas été reconnue"):
        live.take_up_item(clerk, sw.items[0])
