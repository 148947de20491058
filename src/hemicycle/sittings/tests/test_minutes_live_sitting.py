"""Minutes of a sitting run with the live console's actions (integration with sittings.actions.live/votes)."""

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.actions.minutes import draft_minutes
from hemicycle.sittings.minutes import render_minutes_pdf
from hemicycle.sittings.models import Attendance, Sitting
from hemicycle.sittings.samples_live import live_world


def test_minutes_of_a_live_sitting(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=8, acts=3)
    m = sw.members
    first, second, third = sw.items

    live.take_up_item(clerk, first)
    ballot = votes.open_ballot(clerk, first, method="roll_call")
    votes.close_roll_call(clerk, ballot, votes={x.pk: ("pour" if i % 3 else "contre") for i, x in enumerate(m[:8])})

    live.set_attendance(clerk, sw.sitting, m[7], Attendance.Status.ABSENT)  # leaves during the sitting
    live.take_up_item(clerk, second)
    live.record_withdrawal(clerk, second, m[6], reason="Trésorier de l'association")
    ballot = votes.open_ballot(clerk, second, method="show_of_hands")
    votes.close_with_totals(clerk, ballot, pour=4, contre=2, abstention=0)
    live.close_sitting(clerk, Sitting.objects.get(pk=sw.sitting.pk), postpone_remaining=True)

    minutes = draft_minutes(clerk, Sitting.objects.get(pk=sw.sitting.pk))
    body = minutes.body
    assert body["president"].endswith(m[0].last_name) and body["secretaries"][0].endswith(m[1].last_name)
    assert body["quorum"]["opening"]["present"] == 8 and body["quorum"]["opening"]["met"]
    assert [(a["name"].endswith(m[8].last_name), a["excused"]) for a in body["absent"]] == [(True, False)]
    leaver = next(p for p in body["present"] if p["id"] == m[7].pk)
    assert [mv["kind"] for mv in leaver["movements"]] == ["leave"]
    roll_call = body["items"][0]["ballots"][0]
    assert roll_call["public"] and len(roll_call["votes"]) == 8
    assert body["items"][1]["withdrawals"][0]["reason"] == "Trésorier de l'association"
    assert body["items"][1]["quorum"]["present"] == 6  # 8 at the opening, one left, one withdrew
    assert body["items"][2]["state"] == "postponed"
    assert b"%PDF" in render_minutes_pdf(minutes)[:8]
