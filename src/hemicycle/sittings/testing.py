"""Test helpers for sittings: a council of N members, ready acts, a planned sitting.

    sw = build_sitting_world(world, members=9)
    sw.assembly, sw.sitting, sw.members (list, [0] is the president), sw.acts (ready acts),
    sw.items (agenda items of those acts, in order)

A sitting opens on its day, not before (sittings.actions.live.check_sitting_day): a test that
opens one builds it for today (``days_ahead=0``, as ``samples_live.live_world`` does). A test
that also sends its convocation in time prepares it days before with ``ClockBehind``.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from hemicycle.acts.actions import create_act, set_state
from hemicycle.acts.models import ActState
from hemicycle.core.roles import Role
from hemicycle.organisation.models import Mandate, Member

from .models import AgendaItem, Assembly, Sitting


class ClockBehind:
    """Django's time (``django.utils.timezone.now``, hence ``localdate``) running ``days``
    behind the real time, for a test that prepares a sitting days before holding it today —
    the convocation must leave N + 1 days before the sitting (rules.delays):

        clock = ClockBehind(days=7)   # from here Django reads the time of a week ago
        ...                           # agenda, convocation sent, proxies given
        clock.stop()                  # the sitting's day: the real time again

    The time still runs (the real time minus the shift), and only goes forward when the clock
    stops. Also a context manager. Like the demo's clock it patches the module attribute,
    which every thread of the process (the live server of a journey) reads; a model field
    whose default is the function object itself keeps the real time.
    """

    def __init__(self, *, days: int):
        self.shift = datetime.timedelta(days=days)
        self._real = timezone.now
        timezone.now = self._now

    def _now(self) -> datetime.datetime:
        return self._real() - self.shift

    def stop(self) -> None:
        if timezone.now == self._now:
            timezone.now = self._real

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


@dataclass
class SittingWorld:
    assembly: Assembly
    sitting: Sitting
    members: list = field(default_factory=list)
    acts: list = field(default_factory=list)
    items: list = field(default_factory=list)


def ready_act(world, object_text: str, department="DAC"):
    act = create_act(world.users[Role.DRAFTER], department=world.departments[department], object=object_text,
                     visas=["Vu le code général des collectivités territoriales"],
                     considerants=["Considérant l'intérêt local"], articles=["La proposition est adoptée."])
    with transaction.atomic():
        set_state(act, ActState.READY, actor=world.users[Role.SECRETARIAT], reason="test")
    return act


def build_sitting_world(world, *, members: int = 9, acts: int = 4, days_ahead: int = 20,
                        on_agenda: bool = True) -> SittingWorld:
    authority = world.authority
    existing = list(Member.objects.filter(authority=authority).order_by("pk"))
    for i in range(len(existing), members):
        existing.append(Member.objects.create(
            authority=authority, civility="M." if i % 2 else "Mme", first_name=f"Prénom{i}", last_name=f"Élu{i}",
            birth_date=datetime.date(1950 + i, 1 + i % 12, 1 + i % 28), email=f"elu{i}@example.org",
            group=existing[0].group if existing else None))
    chosen = existing[:members]
    Mandate.objects.get_or_create(member=chosen[0], function="Maire", defaults={
        "start_date": datetime.date(2026, 3, 22), "is_president": True})
    authority.seats = members
    authority.save(update_fields=["seats"])
    assembly = Assembly.objects.create(authority=authority, name="Conseil municipal", seats=members)
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    sitting = Sitting.objects.create(authority=authority, assembly=assembly, slug=day.isoformat(), date=day,
                                     start_time=datetime.time(18, 30), place="Salle du conseil", president=chosen[0])
    sw = SittingWorld(assembly=assembly, sitting=sitting, members=chosen)
    for i in range(acts):
        act = ready_act(world, f"Projet de délibération n° {i + 1}")
        sw.acts.append(act)
        if on_agenda:
            sw.items.append(AgendaItem.objects.create(sitting=sitting, position=i + 1, act=act, title=act.object,
                                                      kind=AgendaItem.Kind.ACT))
            with transaction.atomic():
                set_state(act, ActState.ON_AGENDA, actor=world.users[Role.SECRETARIAT], reason="test")
    return sw
