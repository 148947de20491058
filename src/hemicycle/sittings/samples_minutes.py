"""A held sitting with everything the minutes must record, and the URL parameters of the
minutes pages for the access-matrix test (core/tests/test_access_matrix.py).

``build_held_sitting(world)`` makes a closed council sitting of 9 members (7 present at the
opening, one of whom leaves before item 3; one absent represented by a proxy; one excused), a president and a secretary, and four items: an act with a committee opinion and
an amendment, voted by show of hands; a subsidy where an interested member withdraws, voted by
roll call at the request of members (names and votes, one cast by a proxy holder); a sale
voted by secret ballot at the request of a third of the members present (totals only);
and a postponed item. ``next_sitting=True`` also plans the next sitting of the assembly.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.organisation.models import Member

from .models import (
    AgendaItem, Amendment, Assembly, Attendance, AttendanceEvent, Ballot, CommitteeOpinion, Proxy, Sitting, Vote,
    Withdrawal,
)

NAMES = [("Mme", "Anne", "Lefèvre"), ("M.", "Bruno", "Garnier"), ("Mme", "Chantal", "Roux"),
         ("M.", "David", "Mercier"), ("Mme", "Élise", "Fontaine"), ("M.", "François", "Girard")]


@dataclass
class HeldSitting:
    sitting: Sitting
    members: list = field(default_factory=list)
    items: list = field(default_factory=list)
    next_sitting: Sitting | None = None


def _council(world) -> Assembly:
    assembly = Assembly.objects.filter(authority=world.authority, kind=Assembly.Kind.COUNCIL).order_by("pk").first()
    return assembly or Assembly.objects.create(authority=world.authority, name="Conseil municipal", seats=9)


def sitting_members(world) -> list:
    """Nine members of the council: six named here, then the three of the test world."""
    members = []
    for i, (civility, first, last) in enumerate(NAMES):
        member, _ = Member.objects.get_or_create(
            authority=world.authority, first_name=first, last_name=last,
            defaults={"civility": civility, "birth_date": datetime.date(1950 + 3 * i, 1 + i, 10),
                      "group": world.members[0].group if world.members else None})
        members.append(member)
    return members + list(world.members[:3])


def build_held_sitting(world, *, slug: str | None = None, days_ago: int = 2, public: bool = True,
                       next_sitting: bool = False, members=None) -> HeldSitting:
    authority = world.authority
    secretariat = world.users[Role.SECRETARIAT]
    assembly = _council(world)
    m = members or sitting_members(world)
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    tz = timezone.get_current_timezone()

    def at(hour, minute):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    sitting = Sitting.objects.create(
        authority=authority, assembly=assembly, slug=slug or day.isoformat(), date=day,
        start_time=datetime.time(18, 30), place="Salle du conseil", public=public, president=m[0],
        state=Sitting.State.CLOSED, opened_at=at(18, 32), closed_at=at(21, 5))
    sitting.secretaries.set([m[1]])
    held = HeldSitting(sitting=sitting, members=m)

    # Roll call: m0–m5 and m8 present (m8 leaves during item 3), m6 represented by m1, m7 excused.
    for i, member in enumerate(m):
        status = {6: Attendance.Status.ABSENT, 7: Attendance.Status.EXCUSED, 8: Attendance.Status.LEFT}.get(
            i, Attendance.Status.PRESENT)
        present = status in (Attendance.Status.PRESENT, Attendance.Status.LEFT)
        Attendance.objects.create(sitting=sitting, member=member, status=status,
                                  arrived_at=at(18, 25) if present else None,
                                  left_at=at(20, 10) if i == 8 else None)
        if present:
            AttendanceEvent.objects.create(sitting=sitting, member=member, kind="arrive", at=at(18, 25))
    proxy = Proxy.objects.create(authority=authority, mandator=m[6], holder=m[1], given_by=secretariat)
    proxy.sittings.add(sitting)

    def item(position, title, state, number, start, end, **extra):
        obj = AgendaItem.objects.create(sitting=sitting, position=position, title=title, state=state, number=number,
                                        kind=AgendaItem.Kind.ACT, on_convocation=True, debate_started_at=start,
                                        debate_ended_at=end, **extra)
        held.items.append(obj)
        return obj

    # 1. Budget: committee opinion, an amendment adopted, then the act adopted by show of hands.
    budget = item(1, "Budget supplémentaire 2026", AgendaItem.State.ADOPTED, 1, at(18, 40), at(19, 10),
                  rapporteur=m[2])
    if world.committee is not None:
        CommitteeOpinion.objects.create(item=budget, committee=world.committee, opinion="favourable",
                                        note="Avis unanime", given_on=day - datetime.timedelta(days=7))
    amendment = Amendment.objects.create(item=budget, number=1, filed_by=secretariat, target="articles:2",
                                         new_text="Le crédit est porté à 12 000 euros.",
                                         explanation="Renforcer l'entretien des écoles.",
                                         state=Amendment.State.ADOPTED)
    Ballot.objects.create(item=budget, amendment=amendment, method=Ballot.Method.SHOW_OF_HANDS,
                          state=Ballot.State.CLOSED, present=7, represented=1, pour=6, contre=2, outcome="adopted",
                          opened_at=at(18, 55), closed_at=at(18, 56))
    Ballot.objects.create(item=budget, method=Ballot.Method.SHOW_OF_HANDS, state=Ballot.State.CLOSED, present=7,
                          represented=1, pour=7, contre=0, abstention=1, outcome="adopted",
                          opened_at=at(19, 5), closed_at=at(19, 6))

    # 2. Subsidy: m3 withdraws (conflict of interest); roll call asked by m4 and m5; tie decided by the president.
    subsidy = item(2, "Subvention à l'association Les Amis du Moulin", AgendaItem.State.ADOPTED, 2, at(19, 10),
                   at(19, 40), rapporteur=m[4])
    Withdrawal.objects.create(item=subsidy, member=m[3], kind=Withdrawal.Kind.LEFT_ROOM,
                              reason="Président de l'association")
    roll_call = Ballot.objects.create(
        item=subsidy, method=Ballot.Method.ROLL_CALL, state=Ballot.State.CLOSED, public_requests=2,
        requesters={"public": [m[4].pk, m[5].pk], "secret": []}, present=6, represented=1,
        pour=3, contre=3, abstention=1, outcome="adopted", casting_vote_used=True,
        opened_at=at(19, 30), closed_at=at(19, 35))
    for member, value, cast_by in [(m[0], "pour", m[0]), (m[1], "pour", m[1]), (m[2], "contre", m[2]),
                                   (m[4], "pour", m[4]), (m[5], "contre", m[5]), (m[8], "abstention", m[8]),
                                   (m[6], "contre", m[1])]:
        Vote.objects.create(ballot=roll_call, member=member, cast_by=cast_by, value=value)

    # 3. Sale: secret ballot asked by a third of the members present; m8 has left.
    AttendanceEvent.objects.create(sitting=sitting, member=m[8], kind="leave", at=at(20, 10))
    sale = item(3, "Cession de la parcelle AB 112", AgendaItem.State.REJECTED, 3, at(20, 15), at(20, 40))
    Ballot.objects.create(item=sale, method=Ballot.Method.SECRET, state=Ballot.State.CLOSED, secret_requests=3,
                          requesters={"public": [], "secret": [m[2].pk, m[4].pk, m[5].pk]}, present=6,
                          represented=1, pour=3, contre=4, outcome="rejected",
                          opened_at=at(20, 30), closed_at=at(20, 38))

    # 4. Postponed.
    item(4, "Tarifs de la cantine scolaire", AgendaItem.State.POSTPONED, None, None, None)

    if next_sitting:
        later = timezone.localdate() + datetime.timedelta(days=12)
        held.next_sitting = Sitting.objects.create(
            authority=authority, assembly=assembly, slug=f"{later.isoformat()}{'-' + slug if slug else ''}",
            date=later, start_time=datetime.time(18, 30), place="Salle du conseil")
        AgendaItem.objects.create(sitting=held.next_sitting, position=1, title="Compte administratif 2025",
                                  kind=AgendaItem.Kind.ACT)
    return held


def url_samples(world) -> dict:
    """Two sittings: one whose minutes are adopted and list published (public pages), one with
    draft minutes (secretariat pages)."""
    from .actions.minutes import generate, on_item_decided, publish_list, submit_minutes

    secretariat = world.users[Role.SECRETARIAT]
    members = sitting_members(world)
    adopted = build_held_sitting(world, slug="exemple-pv-adopte", days_ago=30, next_sitting=True, members=members)
    generate(adopted.sitting, actor=secretariat)
    publish_list(secretariat, adopted.sitting)
    item = submit_minutes(secretariat, adopted.sitting.minutes)
    item.state = AgendaItem.State.ADOPTED
    item.save(update_fields=["state"])
    on_item_decided(item, actor=secretariat)
    draft = build_held_sitting(world, slug="exemple-pv", days_ago=3, members=members)
    generate(draft.sitting, actor=secretariat)
    public_slug = {"slug": adopted.sitting.slug}
    slug = {"slug": draft.sitting.slug}
    return {
        "sittings:minutes": slug, "sittings:minutes_draft": slug, "sittings:minutes_edit": slug,
        "sittings:minutes_pdf": slug, "sittings:minutes_submit": slug, "sittings:minutes_list_publish": slug,
        "sittings:deliberations_list": public_slug, "sittings:deliberations_list_pdf": public_slug,
        "sittings:minutes_public": public_slug, "sittings:minutes_public_pdf": public_slug,
    }
