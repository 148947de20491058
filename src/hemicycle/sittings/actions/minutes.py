"""Every change to a sitting's minutes (procès-verbal, L2121-15) and to the publication of its
list of deliberations (L2121-25) goes through these functions: check rights, apply the change
in a transaction, write the journal.

- ``draft_minutes``: draft, or redraft, the minutes from the sitting's data (the secretariat's
  introduction, conclusion and debate summaries are kept);
- ``update_minutes``: the secretariat's texts, with optimistic locking (``StaleMinutes``);
- ``submit_minutes``: put "Adoption du procès-verbal" first on the next sitting's agenda;
- ``on_item_decided``: called by the live sitting when an item is decided: the minutes whose
  adoption item it is become adopted (and are then published);
- ``publish_list``: put the list of deliberations online, recording when.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hemicycle.core.roles import Role
from hemicycle.documents.render import french_date
from hemicycle.journal.services import record

from ..minutes import MAX_TEXT, build_body, clean_text, list_deadline
from ..models import AgendaItem, Minutes, Sitting

HELD_STATES = (Sitting.State.OPEN, Sitting.State.SUSPENDED, Sitting.State.CLOSED, Sitting.State.NO_QUORUM)
ENDED_STATES = (Sitting.State.CLOSED, Sitting.State.NO_QUORUM)
NOT_ADOPTED_STATES = (AgendaItem.State.REJECTED, AgendaItem.State.WITHDRAWN, AgendaItem.State.POSTPONED,
                      AgendaItem.State.NO_QUORUM)


class MinutesRefused(Exception):
    """The action cannot be done now; the message is French and says why."""


class StaleMinutes(Exception):
    """The minutes were saved by someone else since the form was opened (optimistic locking)."""

    def __init__(self, minutes: Minutes):
        super().__init__(_("Le procès-verbal a été modifié entre-temps."))
        self.minutes = minutes


def can_manage(user, sitting: Sitting) -> bool:
    """The assembly secretariat of the sitting's authority drafts, edits and publishes."""
    return (user is not None and user.is_authenticated and user.authority_id == sitting.authority_id
            and user.has_role(Role.SECRETARIAT))


def _check(user, sitting: Sitting) -> None:
    if not can_manage(user, sitting):
        raise PermissionDenied(_("Seul le secrétariat des assemblées peut établir le procès-verbal."))


def _date(sitting: Sitting) -> str:
    return french_date(sitting.date)


# --- Drafting --------------------------------------------------------------------------------

def generate(sitting: Sitting, *, actor=None) -> Minutes:
    """Draft or redraft the minutes of a held sitting, without a rights check (used by the
    actions below and by the importer of historical sittings). Inside a transaction."""
    if sitting.state not in HELD_STATES:
        raise MinutesRefused(_("La séance du %(date)s n'a pas encore eu lieu : le procès-verbal sera établi après "
                               "son ouverture.") % {"date": _date(sitting)})
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(sitting=sitting).first()
        if minutes is not None and minutes.current_state == Minutes.State.ADOPTED:
            raise MinutesRefused(_("Le procès-verbal est adopté : il ne peut plus être redressé."))
        if minutes is None:
            minutes = Minutes(sitting=sitting)
        created = not minutes.body.get("items")
        minutes.body = build_body(sitting, previous=minutes.body)
        if minutes.pk is not None:
            minutes.lock_version += 1
        minutes.save()
        record("minutes.drafted" if created else "minutes.redrafted", actor=actor, obj=sitting,
               data={"minutes": minutes.pk, "items": len(minutes.body["items"])})
    return minutes


def draft_minutes(user, sitting: Sitting) -> Minutes:
    """The secretariat drafts (or redrafts) the minutes from the sitting's data."""
    _check(user, sitting)
    return generate(sitting, actor=user)


# --- Editing ---------------------------------------------------------------------------------

def update_minutes(user, minutes: Minutes, *, lock_version: int, introduction: str, conclusion: str,
                   summaries: dict) -> Minutes:
    """Save the secretariat's texts: introduction, conclusion and, per agenda item (by id), the
    substance of the debates (also kept on ``AgendaItem.debate_summary``). Refused with
    ``StaleMinutes`` when someone saved since ``lock_version``."""
    _check(user, minutes.sitting)
    introduction, conclusion = clean_text(introduction), clean_text(conclusion)
    summaries = {str(k): clean_text(v) for k, v in summaries.items()}
    errors = {}
    for field, value in [("introduction", introduction), ("conclusion", conclusion),
                         *((f"summary_{k}", v) for k, v in summaries.items())]:
        if len(value) > MAX_TEXT:
            errors[field] = (_("Ce texte dépasse %(n)s caractères : raccourcissez-le.")
                             % {"n": f"{MAX_TEXT:,}".replace(",", "\u202f")})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = (Minutes.objects.select_for_update(of=("self",)).select_related("sitting", "adopted_at_item")
                   .get(pk=minutes.pk))
        if current.current_state == Minutes.State.ADOPTED:
            raise MinutesRefused(_("Le procès-verbal est adopté : il ne peut plus être modifié."))
        if current.lock_version != int(lock_version):
            raise StaleMinutes(current)
        body = dict(current.body)
        texts = dict(body.get("texts") or {})
        changed = []
        for key, value in (("introduction", introduction), ("conclusion", conclusion)):
            if texts.get(key, "") != value:
                texts[key] = value
                changed.append(key)
        body["texts"] = texts
        items = []
        for item in body.get("items", []):
            item = dict(item)
            key = str(item.get("id"))
            if key in summaries and item.get("debate_summary", "") != summaries[key]:
                item["debate_summary"] = summaries[key]
                AgendaItem.objects.filter(pk=item["id"], sitting=current.sitting).update(debate_summary=summaries[key])
                changed.append(f"item:{key}")
            items.append(item)
        body["items"] = items
        if not changed:
            return current
        current.body = body
        current.lock_version += 1
        current.save()
        record("minutes.edited", actor=user, obj=current.sitting, data={"minutes": current.pk, "fields": changed})
    return current


# --- Adoption at the next sitting -------------------------------------------------------------

def next_sitting(sitting: Sitting) -> Sitting | None:
    """The next sitting of the same assembly still being prepared (planned or convened)."""
    return (Sitting.objects.filter(authority=sitting.authority, assembly=sitting.assembly, date__gt=sitting.date,
                                   state__in=(Sitting.State.PLANNED, Sitting.State.CONVENED))
            .order_by("date", "start_time", "pk").first())


def submit_minutes(user, minutes: Minutes) -> AgendaItem:
    """"Soumettre à l'adoption": an item "Adoption du procès-verbal de la séance du …" opens the
    agenda of the next sitting of the same assembly (the minutes are adopted at the start of
    the next sitting)."""
    sitting = minutes.sitting
    _check(user, sitting)
    with transaction.atomic():
        current = (Minutes.objects.select_for_update(of=("self",)).select_related("adopted_at_item__sitting")
                   .get(pk=minutes.pk))
        state = current.current_state
        if state == Minutes.State.ADOPTED:
            raise MinutesRefused(_("Le procès-verbal est déjà adopté."))
        if state == Minutes.State.SUBMITTED:
            raise MinutesRefused(_("Le procès-verbal est déjà inscrit à l'ordre du jour de la séance du %(date)s.")
                                 % {"date": _date(current.adopted_at_item.sitting)})
        if sitting.state not in ENDED_STATES:
            raise MinutesRefused(_("La séance n'est pas close : le procès-verbal ne peut pas encore être soumis "
                                   "à l'adoption."))
        target = next_sitting(sitting)
        if target is None:
            raise MinutesRefused(_("Aucune prochaine séance de « %(assembly)s » n'est en préparation : créez-la "
                                   "d'abord, puis soumettez le procès-verbal à son adoption.")
                                 % {"assembly": sitting.assembly.name})
        target = Sitting.objects.select_for_update().get(pk=target.pk)
        AgendaItem.objects.filter(sitting=target).update(position=F("position") + 1)
        item = AgendaItem.objects.create(
            sitting=target, position=1, kind=AgendaItem.Kind.MINUTES,
            title=_("Adoption du procès-verbal de la séance du %(date)s") % {"date": _date(sitting)},
        )
        current.adopted_at_item = item
        current.state = Minutes.State.SUBMITTED
        current.save(update_fields=["adopted_at_item", "state", "updated_at"])
        record("minutes.submitted", actor=user, obj=sitting,
               data={"minutes": current.pk, "to_sitting": target.slug, "item": item.pk})
        record("sitting.item_added", actor=user, obj=target,
               data={"item": item.pk, "kind": item.kind, "title": item.title, "position": 1})
    return item


def on_item_decided(item: AgendaItem, actor=None) -> Minutes | None:
    """Called by the live sitting once an item's state is decided. When the item is the
    adoption of minutes: ADOPTED makes the minutes adopted (and so published); rejected,
    withdrawn, postponed or without quorum sends them back to draft, to be submitted again.
    Returns the minutes concerned, or None. Runs inside the caller's transaction if any."""
    if item.kind != AgendaItem.Kind.MINUTES:
        return None
    with transaction.atomic():
        minutes = (Minutes.objects.select_for_update(of=("self",)).select_related("sitting")
                   .filter(adopted_at_item_id=item.pk).first())
        if minutes is None:
            return None
        if item.state == AgendaItem.State.ADOPTED and minutes.state != Minutes.State.ADOPTED:
            minutes.state = Minutes.State.ADOPTED
            minutes.adopted_at = timezone.now()
            minutes.save(update_fields=["state", "adopted_at", "updated_at"])
            record("minutes.adopted", actor=actor, obj=minutes.sitting,
                   data={"minutes": minutes.pk, "item": item.pk, "at_sitting": item.sitting.slug})
        elif item.state in NOT_ADOPTED_STATES and minutes.state == Minutes.State.SUBMITTED:
            minutes.state = Minutes.State.DRAFT
            minutes.save(update_fields=["state", "updated_at"])
            record("minutes.not_adopted", actor=actor, obj=minutes.sitting,
                   data={"minutes": minutes.pk, "item": item.pk, "item_state": item.state})
    return minutes


def sync_state(minutes: Minutes) -> Minutes:
    """Persist what ``Minutes.current_state`` computes from the adoption item, in case the
    live sitting decided it without calling ``on_item_decided``."""
    if minutes.adopted_at_item_id and minutes.current_state != minutes.state:
        return on_item_decided(minutes.adopted_at_item) or minutes
    return minutes


# --- The list of deliberations -----------------------------------------------------------------

def publish_list(user, sitting: Sitting) -> Minutes:
    """"Publier": the list of deliberations goes online (public sittings); the time is kept as
    proof of the one-week delay (L2121-25)."""
    _check(user, sitting)
    if sitting.state not in ENDED_STATES:
        raise MinutesRefused(_("La séance n'est pas close : la liste des délibérations sera publiée après la séance."))
    if not sitting.public:
        raise MinutesRefused(_("Séance à huis clos : sa liste des délibérations n'est pas publiée en ligne."))
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(sitting=sitting).first()
        if minutes is None:
            minutes = generate(sitting, actor=user)
            minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.list_published_at is not None:
            raise MinutesRefused(_("La liste des délibérations est déjà en ligne depuis le %(date)s.")
                                 % {"date": french_date(timezone.localtime(minutes.list_published_at).date())})
        now = timezone.now()
        minutes.list_published_at = now
        minutes.save(update_fields=["list_published_at", "updated_at"])
        deadline = list_deadline(sitting)
        record("deliberations_list.published", actor=user, obj=sitting,
               data={"minutes": minutes.pk, "deadline": deadline.isoformat(),
                     "late": timezone.localtime(now).date() > deadline})
    return minutes
