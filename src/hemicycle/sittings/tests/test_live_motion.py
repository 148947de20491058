"""Vœux: adopted ones are numbered "2026 V. N" per authority and year, without gaps; rejected
ones are not numbered."""

from django.db import transaction

from hemicycle.core.roles import Role
from hemicycle.sittings.actions import live, votes
from hemicycle.sittings.models import AgendaItem, Motion
from hemicycle.sittings.samples_live import live_world


def test_adopted_vows_are_numbered_per_year(world, other_world):
    clerk = world.users[Role.SECRETARIAT]
    sw = live_world(world, members=9, acts=1)
    year = sw.sitting.date.year
    motions = []
    for i in range(3):
        motion = Motion.objects.create(authority=world.authority, filed_by=clerk, title=f"Vœu {i}", text="Que…")
        motions.append(motion)
        AgendaItem.objects.create(sitting=sw.sitting, position=10 + i, kind=AgendaItem.Kind.MOTION, motion=motion,
                                  title=motion.title, on_convocation=True)
    results = [(8, 1), (1, 8), (5, 4)]
    for motion, (pour, contre) in zip(motions, results):
        item = AgendaItem.objects.get(motion=motion)
        live.take_up_item(clerk, item)
        ballot = votes.open_ballot(clerk, item, method="show_of_hands")
        votes.close_with_totals(clerk, ballot, pour=pour, contre=contre, abstention=0)
    states = [(m.state, m.number) for m in Motion.objects.filter(pk__in=[m.pk for m in motions]).order_by("pk")]
    assert states == [("adopted", f"{year} V. 1"), ("rejected", ""), ("adopted", f"{year} V. 2")]
    # Another authority counts on its own.
    with transaction.atomic():
        assert votes.next_motion_number(other_world.authority, year) == f"{year} V. 1"
        assert votes.next_motion_number(world.authority, year + 1) == f"{year + 1} V. 1"
