"""The live sitting for tests and for the access-matrix samples.

    sw = live_world(world, members=9, present=7)   # convened, roll call taken, officers set, opened
    url_samples(world) → url name → kwargs for the live pages (core/samples.py merges it)
"""


from django.db import transaction
from django.utils import timezone

from hemicycle.core.roles import Role
from hemicycle.organisation.models import Member

from .models import AgendaItem, Assembly, Attendance, Sitting
from .testing import SittingWorld, build_sitting_world, ready_act

OBJECT_LEVEL_DENIED: dict = {}


def live_world(world, *, members: int = 9, present: int | None = None, acts: int = 4, open_it: bool = True,
               second_convocation: bool = False) -> SittingWorld:
    """A convened sitting dated today (a sitting opens on its day, not before) whose items are on
    the convocation; the first ``present`` members (all by default) are present; members[0]
    presides, members[1] is secretary; opened."""
    from .actions import live

    sw = build_sitting_world(world, members=members, acts=acts, days_ahead=0)
    sitting = sw.sitting
    Sitting.objects.filter(pk=sitting.pk).update(state=Sitting.State.CONVENED, second_convocation=second_convocation)
    AgendaItem.objects.filter(sitting=sitting).update(on_convocation=True)
    sitting.refresh_from_db()
    clerk = world.users[Role.SECRETARIAT]
    for member in sw.members[: members if present is None else present]:
        live.set_attendance(clerk, sitting, member, Attendance.Status.PRESENT)
    live.set_officers(clerk, sitting, president=sw.members[0], secretaries=[sw.members[1]])
    if open_it:
        live.open_sitting(clerk, sitting)
    sitting.refresh_from_db()
    for item in sw.items:
        item.refresh_from_db()
    return sw


def url_samples(world) -> dict:
    """A convened sitting of its own assembly (its own slug and seats, so as not to depend on
    other samples), dated today so that it can be opened, with every member present, one item
    taken up and an electronic vote open."""
    from .actions import live, votes

    clerk = world.users[Role.SECRETARIAT]
    members = list(Member.objects.filter(authority=world.authority).order_by("pk"))
    assembly = Assembly.objects.create(authority=world.authority, name="Conseil municipal (séance en direct)",
                                       seats=len(members))
    day = timezone.localdate()
    sitting = Sitting.objects.create(authority=world.authority, assembly=assembly, slug=f"{day.isoformat()}-direct",
                                     date=day, state=Sitting.State.CONVENED)
    act = ready_act(world, "Projet de délibération d'exemple pour la séance en direct")
    item = AgendaItem.objects.create(sitting=sitting, position=1, act=act, title=act.object, on_convocation=True)
    for member in members:
        live.set_attendance(clerk, sitting, member, Attendance.Status.PRESENT)
    live.set_officers(clerk, sitting, president=members[0], secretaries=members[1:2])
    live.open_sitting(clerk, sitting)
    live.take_up_item(clerk, item)
    with transaction.atomic():
        ballot = votes.open_ballot(clerk, item, method="electronic")
    slug = {"slug": sitting.slug}
    return {
        "sittings:live_console": slug, "sittings:live_item": {**slug, "pk": item.pk}, "sittings:live_proxies": slug,
        "sittings:live_ballot": {**slug, "pk": ballot.pk}, "sittings:live_vote": slug,
        "sittings:live_vote_state": slug, "sittings:live_screen": slug, "sittings:live_screen_json": slug,
    }
