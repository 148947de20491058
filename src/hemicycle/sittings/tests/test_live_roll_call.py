"""Roll call: presence, arrivals and departures with the item under way, officers, and the
proxies of the sitting sorted by rules.proxies.check_proxies (refusals with their reason)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live
from hemicycle.sittings.models import Attendance, AttendanceEvent, Proxy, Sitting
from hemicycle.sittings.samples_live import live_world


def give(world, sw, mandator, holder, sittings=None, illness=False):
    proxy = Proxy.objects.create(authority=world.authority, mandator=mandator, holder=holder, illness=illness,
                                 given_by=world.users[Role.SECRETARIAT])
    proxy.sittings.set(sittings or [sw.sitting])
    return proxy


def test_proxies_valid_and_refused_with_reasons(world):
    sw = live_world(world, members=9, present=6, open_it=False)
    m = sw.members
    earlier = []
    for days in (40, 30, 25):  # three earlier sittings of the same assembly
        day = sw.sitting.date - datetime.timedelta(days=days)
        earlier.append(Sitting.objects.create(authority=world.authority, assembly=sw.assembly, slug=day.isoformat(),
                                              date=day))
    ok = give(world, sw, m[6], m[1])
    holder_absent = give(world, sw, m[7], m[8])
    too_long = give(world, sw, m[8], m[2], sittings=[*earlier, sw.sitting])
    state = live.proxies(sw.sitting)
    rows = {row.proxy.pk: row for row in state.rows}
    assert state.valid == {m[6].pk: m[1].pk}
    assert rows[ok.pk].valid and rows[ok.pk].consecutive == 1
    assert not rows[holder_absent.pk].valid
    assert any("n'est pas présent" in r for r in rows[holder_absent.pk].reasons)
    assert rows[too_long.pk].consecutive == 4 and any("séances consécutives" in r for r in rows[too_long.pk].reasons)
    # Illness lifts the limit of three consecutive sittings.
    Proxy.objects.filter(pk=too_long.pk).update(illness=True)
    assert m[8].pk in live.proxies(sw.sitting).valid
    # Two proxies from one member: both refused, the reason said once for each.
    give(world, sw, m[7], m[1])
    rows = [row for row in live.proxies(sw.sitting).rows if row.proxy.mandator_id == m[7].pk]
    assert [row.valid for row in rows] == [False, False]
    assert rows[1].reasons == ["Prénom7 Élu7 a donné 2 pouvoirs pour la même séance : aucun n'est retenu."]
    # One proxy per holder: once the first is revoked, the second, to a holder who already
    # carries one, is refused.
    Proxy.objects.filter(pk=holder_absent.pk).update(revoked_at=sw.sitting.opened_at or datetime.datetime.now(
        datetime.timezone.utc))
    rows = {row.proxy.mandator_id: row for row in live.proxies(sw.sitting).rows}
    assert not rows[m[7].pk].valid and any("porte déjà" in r for r in rows[m[7].pk].reasons)


def test_arrivals_and_departures_are_events_with_the_item(world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=6)
    live.set_attendance(clerk, sw.sitting, sw.members[7], Attendance.Status.PRESENT)  # late arrival
    live.take_up_item(clerk, sw.items[0])
    live.set_attendance(clerk, sw.sitting, sw.members[2], Attendance.Status.LEFT)
    live.set_attendance(clerk, sw.sitting, sw.members[2], Attendance.Status.PRESENT)  # comes back
    events = list(AttendanceEvent.objects.filter(sitting=sw.sitting).order_by("-pk")
                  .values_list("member_id", "kind", "during_item_id")[:3])[::-1]
    assert events == [(sw.members[7].pk, "arrive", None), (sw.members[2].pk, "leave", sw.items[0].pk),
                      (sw.members[2].pk, "arrive", sw.items[0].pk)]
    back = Attendance.objects.get(sitting=sw.sitting, member=sw.members[2])
    assert back.status == "present" and back.left_at is None and back.arrived_at is not None


def test_officers_are_members_and_the_president_must_be_present(world, other_world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, present=6, open_it=False)
    stranger = other_world.members[0]
    with pytest.raises(ValidationError, match="ne siège pas"):
        live.set_officers(clerk, sw.sitting, president=stranger, secretaries=[])
    live.set_officers(clerk, sw.sitting, president=sw.members[8], secretaries=[sw.members[2], sw.members[3]])
    assert list(sw.sitting.secretaries.order_by("pk")) == [sw.members[2], sw.members[3]]
    with pytest.raises(ValidationError, match="président de séance n'est pas inscrit présent"):
        live.open_sitting(clerk, sw.sitting)


def test_live_panel_for_the_sitting_hub(world):
    sw = live_world(world, members=9)
    request = RequestFactory().get("/")
    request.user = world.users[Role.SECRETARIAT]
    html = render_to_string("sittings/live_panel.html", {"sitting": sw.sitting, "user": request.user},
                            request=request)
    assert "Ouvrir la console de séance" in html and f"/seances/{sw.sitting.slug}/console/" in html
    request.user = world.users[Role.MEMBER]
    html = render_to_string("sittings/live_panel.html", {"sitting": sw.sitting, "user": request.user},
                            request=request)
    assert "Ouvrir la console de séance" not in html and f"/seances/{sw.sitting.slug}/voter/" in html
