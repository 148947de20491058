"""What a member may see in the portal.

The rule, in full:

1. **Sittings.** A member sees the sittings of the assemblies they sit in
   (``Assembly.members()``: every member of the authority for the council, the standing
   committee and district councils; the committee's members for a committee). Sittings of
   other assemblies, and of other authorities, answer 404.
2. **Agenda and documents only once convened.** Nothing of a sitting's agenda or documents is
   shown before a convocation of the sitting has been *sent* (a ``Convocation`` in state
   SENT). An item added after the convocation is shown only once an addendum including it
   has been sent (``AgendaItem.on_convocation``, or the item listed in a sent convocation).
3. **Huis clos.** A sitting that is not public (huis clos) is shown, with all its items and
   documents, to the members of its assembly — rule 1 already limits it to them.
4. **Confidential acts** (``Act.confidential``): the item's title stays on the agenda (it is
   on the convocation), but the act's document and annexes are shown only to the members of
   the committees the act is sent to (``Act.committees``) and to the president (the sitting's
   president, or a member whose current mandate presides the assembly).
5. **Confidential annexes** (``Annex.confidential``): same entitlement as confidential acts.
   Removed annexes are never shown.
6. **The sitting pack** holds every act and annex of its convocation in one PDF: it is
   shown (and searched) only to members entitled to every confidential document it holds;
   the others read the documents one by one.

A user with the member role but no ``Member`` record gets a 403 with a French message.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.organisation.models import Member
from hemicycle.sittings.models import AgendaItem, Assembly, Convocation, Sitting

# Sittings still ahead (a proxy can be given, a vœu filed for them).
UPCOMING_STATES = (Sitting.State.PLANNED, Sitting.State.CONVENED)
# Sittings under way: the member votes from his device (sittings:live_vote).
LIVE_STATES = (Sitting.State.OPEN, Sitting.State.SUSPENDED)


def member_for(request) -> Member:
    """The member record of the logged-in user, or a 403 saying why."""
    member = Member.objects.filter(user=request.user, authority_id=request.user.authority_id).select_related(
        "group").first()
    if member is None:
        raise PermissionDenied(_("Votre compte n'est rattaché à aucun élu : demandez au secrétariat des "
                                 "assemblées de le relier à votre fiche d'élu."))
    return member


def member_assemblies(member: Member):
    """Assemblies the member sits in (rule 1)."""
    committee_ids = list(member.committees.values_list("pk", flat=True))
    return Assembly.objects.filter(authority_id=member.authority_id).filter(
        ~Q(kind=Assembly.Kind.COMMITTEE) | Q(committee__isnull=True) | Q(committee_id__in=committee_ids))


def visible_sittings(member: Member):
    return Sitting.objects.filter(authority_id=member.authority_id,
                                  assembly__in=member_assemblies(member)).select_related("assembly")


def sits_in(member: Member, assembly: Assembly) -> bool:
    return member_assemblies(member).filter(pk=assembly.pk).exists()


def sent_convocations(sitting: Sitting):
    return sitting.convocations.filter(state=Convocation.State.SENT).order_by("sent_at", "pk")


def is_convened(sitting: Sitting) -> bool:
    return sent_convocations(sitting).exists()


def visible_items(sitting: Sitting):
    """Items shown to the sitting's members (rule 2): none before a convocation is sent."""
    if not is_convened(sitting):
        return AgendaItem.objects.none()
    sent = Q(on_convocation=True) | Q(convocations__state=Convocation.State.SENT)
    return (AgendaItem.objects.filter(sitting=sitting).filter(sent).distinct()
            .select_related("act", "motion", "rapporteur").order_by("position"))


def is_president(member: Member, sitting: Sitting | None = None) -> bool:
    if sitting is not None and sitting.president_id == member.pk:
        return True
    cached = getattr(member, "_portal_presides", None)
    if cached is None:
        today = timezone.localdate()
        cached = member.mandates.filter(is_president=True, start_date__lte=today).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)).exists()
        member._portal_presides = cached
    return cached


def committee_ids(member: Member) -> set:
    cached = getattr(member, "_portal_committee_ids", None)
    if cached is None:
        cached = set(member.committees.values_list("pk", flat=True))
        member._portal_committee_ids = cached
    return cached


def entitled_to_confidential(member: Member, act, sitting: Sitting) -> bool:
    """Rule 4: the members of the act's committees, and the president."""
    if is_president(member, sitting):
        return True
    return any(c.pk in committee_ids(member) for c in act.committees.all())


def can_see_act_document(member: Member, act, sitting: Sitting) -> bool:
    return not act.confidential or entitled_to_confidential(member, act, sitting)


def visible_annexes(member: Member, act, sitting: Sitting) -> list:
    """Annexes of ``act`` the member may open (rules 4 and 5). Uses ``act.annexes.all()`` so
    that a prefetch serves it."""
    if not can_see_act_document(member, act, sitting):
        return []
    annexes = sorted((a for a in act.annexes.all() if a.removed_at is None), key=lambda a: (a.position, a.pk))
    if any(a.confidential for a in annexes) and not entitled_to_confidential(member, act, sitting):
        annexes = [a for a in annexes if not a.confidential]
    return annexes


def convocation_items(convocation: Convocation):
    """The items a convocation's documents cover: those it lists, or — when it lists none —
    every item of its sitting on a convocation."""
    items = convocation.items.all()
    if items.exists():
        return items
    return AgendaItem.objects.filter(sitting_id=convocation.sitting_id, on_convocation=True)


def can_see_pack(member: Member, convocation: Convocation) -> bool:
    """Rule 6: the pack holds every document of its items, confidential ones included."""
    sitting = convocation.sitting
    if is_president(member, sitting):
        return True
    items = (convocation_items(convocation).filter(act__isnull=False).select_related("act")
             .prefetch_related("act__committees", "act__annexes"))
    for item in items:
        act = item.act
        holds_confidential = act.confidential or any(a.confidential and a.removed_at is None for a in act.annexes.all())
        if holds_confidential and not entitled_to_confidential(member, act, sitting):
            return False
    return True


def is_upcoming(sitting: Sitting, today: datetime.date | None = None) -> bool:
    return sitting.state in UPCOMING_STATES and sitting.date >= (today or timezone.localdate())
