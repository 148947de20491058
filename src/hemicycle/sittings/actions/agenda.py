"""Before the sitting: assemblies, sittings and their agenda (ordre du jour).

Every change goes through one of these functions: it checks the user's rights (the assembly
secretariat of the sitting's authority; administrators for assemblies), runs in a
transaction, and writes the journal (``obj=sitting`` for agenda changes, ``obj=act`` for the
act's state through ``acts.actions.set_state``). Bad input raises ``ValidationError`` with a
French message; a missing right raises ``PermissionDenied``.

Legal computations are the rules module's: the convocation delay of a sitting comes from
``rules.delays.check_convocation`` / ``latest_send_date`` with the assembly's regime
(``Assembly.regime``, tightened by its règlement intérieur through ``Regime.tightened``).
"""

import re
from dataclasses import dataclass
from datetime import date as Date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from hemicycle.acts.actions import set_state
from hemicycle.acts.models import Act, ActState, SittingType
from hemicycle.core.roles import Role
from hemicycle.journal.services import record
from hemicycle.organisation.models import Committee, Member, PoliticalGroup
from hemicycle.rules.delays import check_convocation
from hemicycle.rules.errors import fr_date

from ..models import AgendaItem, Assembly, CommitteeOpinion, Convocation, ItemConcern, Motion, Sitting

# Sittings whose agenda may still change (add, remove, reorder). Details (sections,
# rapporteur, committee opinions, concerned organisations) may change until it is closed.
AGENDA_OPEN_STATES = (Sitting.State.PLANNED, Sitting.State.CONVENED)
DETAIL_OPEN_STATES = (Sitting.State.PLANNED, Sitting.State.CONVENED, Sitting.State.OPEN, Sitting.State.SUSPENDED)



# --- Rights and states --------------------------------------------------------------------

def _same_authority(user, authority_id) -> bool:
    return bool(user.is_authenticated and user.authority_id is not None and user.authority_id == authority_id)


def can_manage_agenda(user, sitting: Sitting) -> bool:
    return _same_authority(user, sitting.authority_id) and user.has_role(Role.SECRETARIAT)


def can_manage_assemblies(user, authority) -> bool:
    return _same_authority(user, authority.pk) and user.has_role(Role.ADMINISTRATOR)


def _require_secretariat(user, authority_id) -> None:
    if not (_same_authority(user, authority_id) and user.has_role(Role.SECRETARIAT)):
        raise PermissionDenied(_("Seul le secrétariat des assemblées de la collectivité peut préparer les séances."))


def convocation_sent(sitting: Sitting) -> bool:
    """A convocation (not only an addendum being prepared) has left for this sitting."""
    return sitting.convocations.filter(state=Convocation.State.SENT).exists()


def _lock_sitting(user, sitting: Sitting, states=AGENDA_OPEN_STATES) -> Sitting:
    """The sitting row, locked for the change (serialises positions), after the checks."""
    _require_secretariat(user, sitting.authority_id)
    sitting = (Sitting.objects.select_for_update(of=("self",)).select_related("assembly", "authority")
               .get(pk=sitting.pk))
    if sitting.state not in states:
        if states is AGENDA_OPEN_STATES:
            raise ValidationError(_("La séance est « %(state)s » : son ordre du jour ne peut plus être modifié "
                                    "(un point peut seulement être retiré ou reporté en séance).")
                                  % {"state": sitting.get_state_display()})
        raise ValidationError(_("La séance est « %(state)s » : l'ordre du jour ne peut plus être modifié.")
                              % {"state": sitting.get_state_display()})
    return sitting


def _item_of(sitting: Sitting, item: AgendaItem) -> AgendaItem:
    try:
        return AgendaItem.objects.select_related("act", "motion").get(pk=item.pk, sitting=sitting)
    except AgendaItem.DoesNotExist:
        raise ValidationError(_("Ce point n'appartient pas à l'ordre du jour de cette séance.")) from None


def _next_position(sitting: Sitting) -> int:
    return (sitting.items.aggregate(m=Max("position"))["m"] or 0) + 1


def _renumber(sitting: Sitting, ordered: list[AgendaItem]) -> list[int]:
    """Give positions 1..n in this order (only the rows whose position changes are written)."""
    changed = []
    for index, item in enumerate(ordered, start=1):
        if item.position != index:
            item.position = index
            changed.append(item)
    if changed:
        AgendaItem.objects.bulk_update(changed, ["position"])
    return [item.pk for item in ordered]


def _clean_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ValidationError({field: _("%(label)s est obligatoire.") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError({field: _("%(label)s ne peut pas dépasser %(n)s caractères.")
                                      % {"label": label, "n": max_length}})
    return value


def _clean_long_text(value, *, field: str, label: str, required: bool = True, max_length: int = 20000) -> str:
    value = str(value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationError({field: _("%(label)s est obligatoire.") % {"label": label}})
    if len(value) > max_length:
        raise ValidationError({field: _("%(label)s ne peut pas dépasser %(n)s caractères.")
                                      % {"label": label, "n": max_length}})
    return value


# --- Assemblies ---------------------------------------------------------------------------

@transaction.atomic
def save_assembly(user, authority, assembly: Assembly | None = None, *, kind: str, name: str,
                  committee: Committee | None = None, seats: int = 0, vacancies: int = 0,
                  convocation_days: int | None = None) -> Assembly:
    """Create or change an assembly. ``convocation_days``: the règlement intérieur's delay in
    jours francs, which may only be stricter than the law (``Regime.tightened``)."""
    if not can_manage_assemblies(user, authority):
        raise PermissionDenied(_("Seul un administrateur de la collectivité peut gérer les assemblées."))
    if assembly is not None:
        assembly = Assembly.objects.select_for_update().get(pk=assembly.pk, authority=authority)
    errors = {}
    if kind not in Assembly.Kind.values:
        errors["kind"] = _("Choisissez le type d'assemblée.")
    name = " ".join(str(name or "").split())
    if not name:
        errors["name"] = _("Le nom de l'assemblée est obligatoire.")
    elif len(name) > 200:
        errors["name"] = _("Le nom ne peut pas dépasser 200 caractères.")
    if kind == Assembly.Kind.COMMITTEE:
        if committee is None:
            errors["committee"] = _("Une assemblée de type « Commission » doit indiquer sa commission.")
        elif committee.authority_id != authority.pk:
            errors["committee"] = _("Cette commission n'appartient pas à votre collectivité.")
    else:
        committee = None
    seats, vacancies = int(seats or 0), int(vacancies or 0)
    if seats < 0 or vacancies < 0:
        errors["seats"] = _("Le nombre de sièges ne peut pas être négatif.")
    seat_count = seats or authority.seats
    if vacancies and vacancies >= seat_count:
        errors["vacancies"] = _("Les sièges vacants (%(v)s) doivent être moins nombreux que les sièges (%(s)s).") % {
            "v": vacancies, "s": seat_count}
    overrides = dict(assembly.regime_overrides) if assembly is not None else {}
    law = authority.regime
    if convocation_days in (None, ""):
        overrides.pop("convocation_days", None)
    else:
        days = int(convocation_days)
        if days == law.convocation_days:
            overrides.pop("convocation_days", None)
        else:
            overrides["convocation_days"] = days
    try:
        if overrides:
            law.tightened(**overrides)
    except ValueError as exc:
        message = str(exc)
        if "convocation" in message:
            message = _("%(why)s Le délai légal pour ce régime est de %(n)s jours francs ; le règlement intérieur "
                        "peut seulement l'allonger.") % {"why": message, "n": law.convocation_days}
        errors["convocation_days"] = message
    except TypeError:
        errors["convocation_days"] = _("Le règlement intérieur enregistré contient un réglage inconnu.")
    if errors:
        raise ValidationError(errors)
    values = {"kind": kind, "name": name, "committee": committee, "seats": seats, "vacancies": vacancies,
              "regime_overrides": overrides}
    if assembly is None:
        assembly = Assembly.objects.create(authority=authority, **values)
        record("assembly.created", actor=user, obj=assembly,
               data={"kind": kind, "name": name, "committee": committee.pk if committee else None,
                     "seats": seats, "vacancies": vacancies, "regime_overrides": overrides})
        return assembly
    changes = {}
    for field, value in values.items():
        old = getattr(assembly, field)
        if old != value:
            changes[field] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(assembly, field, value)
    if changes:
        assembly.save()
        record("assembly.updated", actor=user, obj=assembly, data={"changes": changes})
    return assembly


# --- Sittings -----------------------------------------------------------------------------

def sitting_slug(authority, day: Date, assembly: Assembly, exclude_pk=None) -> str:
    """"2026-11-14"; when another sitting of the authority has that day, suffixed with the
    assembly's kind ("2026-11-14-commission-permanente"), its committee ("…-commission-cult"),
    then a counter."""
    taken = set(Sitting.objects.filter(authority=authority, slug__startswith=day.isoformat())
                .exclude(pk=exclude_pk).values_list("slug", flat=True))
    base = day.isoformat()
    if base not in taken:
        return base
    kind_slug = slugify(str(Assembly.Kind(assembly.kind).label)) or assembly.kind.replace("_", "-")
    candidate = f"{base}-{kind_slug}"
    if assembly.committee_id:
        candidate = f"{candidate}-{slugify(assembly.committee.short_name) or assembly.committee_id}"
    candidate = candidate[:56]
    slug, n = candidate, 1
    while slug in taken:
        n += 1
        slug = f"{candidate}-{n}"
    return slug


SITTING_LOCKED_AFTER_CONVOCATION = ("assembly", "date", "start_time", "urgency", "second_convocation",
                                    "failed_sitting")


@transaction.atomic
def save_sitting(user, authority, sitting: Sitting | None = None, *, assembly: Assembly, date: Date,
                 start_time=None, place: str = "", public: bool = True, urgency: bool = False,
                 second_convocation: bool = False, failed_sitting: Sitting | None = None) -> Sitting:
    """Create or change a sitting (before it opens). Once its convocation is sent, what the
    convocation announced (assembly, date, time, urgency, second convocation) is fixed."""
    _require_secretariat(user, authority.pk)
    if sitting is not None:
        sitting = Sitting.objects.select_for_update().get(pk=sitting.pk, authority=authority)
        if sitting.state not in AGENDA_OPEN_STATES:
            raise ValidationError(_("La séance est « %(state)s » : elle ne peut plus être modifiée.")
                                  % {"state": sitting.get_state_display()})
    errors = {}
    if assembly is None or assembly.authority_id != authority.pk:
        errors["assembly"] = _("Choisissez une assemblée de votre collectivité.")
    if date is None:
        errors["date"] = _("La date de la séance est obligatoire.")
    place = " ".join(str(place or "").split())
    if len(place) > 200:
        errors["place"] = _("Le lieu ne peut pas dépasser 200 caractères.")
    if second_convocation:
        if failed_sitting is None:
            errors["failed_sitting"] = _("Une seconde convocation (L2121-17) doit indiquer la séance qui n'a pas "
                                         "atteint le quorum.")
        elif failed_sitting.authority_id != authority.pk:
            errors["failed_sitting"] = _("Cette séance n'appartient pas à votre collectivité.")
        elif sitting is not None and failed_sitting.pk == sitting.pk:
            errors["failed_sitting"] = _("Une séance ne peut pas être sa propre seconde convocation.")
        else:
            if failed_sitting.state != Sitting.State.NO_QUORUM:
                errors["failed_sitting"] = _("La séance du %(d)s n'a pas été constatée sans quorum.") % {
                    "d": fr_date(failed_sitting.date)}
            elif assembly is not None and failed_sitting.assembly_id != assembly.pk:
                errors["failed_sitting"] = _("La séance sans quorum doit être une séance de la même assemblée.")
            elif date is not None and failed_sitting.date >= date:
                errors["failed_sitting"] = _("La seconde convocation doit réunir l'assemblée après la séance sans "
                                             "quorum du %(d)s.") % {"d": fr_date(failed_sitting.date)}
    else:
        failed_sitting = None
    if errors:
        raise ValidationError(errors)
    values = {"assembly": assembly, "date": date, "start_time": start_time, "place": place, "public": bool(public),
              "urgency": bool(urgency), "second_convocation": bool(second_convocation),
              "failed_sitting": failed_sitting}
    if sitting is None:
        sitting = Sitting.objects.create(authority=authority, slug=sitting_slug(authority, date, assembly), **values)
        record("sitting.created", actor=user, obj=sitting,
               data={"slug": sitting.slug, "assembly": assembly.pk, "date": date.isoformat(),
                     "public": sitting.public, "urgency": sitting.urgency,
                     "second_convocation": sitting.second_convocation,
                     "failed_sitting": failed_sitting.pk if failed_sitting else None})
        return sitting
    changes = {}
    for field, value in values.items():
        old = getattr(sitting, field)
        if old != value:
            changes[field] = [str(getattr(old, "pk", old)) if old is not None else None,
                              str(getattr(value, "pk", value)) if value is not None else None]
    if changes and convocation_sent(sitting):
        fixed = [f for f in changes if f in SITTING_LOCKED_AFTER_CONVOCATION]
        if fixed:
            labels = ", ".join(str(Sitting._meta.get_field(f).verbose_name) for f in fixed)
            raise ValidationError(_("La convocation a été envoyée : %(fields)s ne peuvent plus être modifiés. "
                                    "Pour changer de date, créez une nouvelle séance et convoquez-la.")
                                  % {"fields": labels})
    if not changes:
        return sitting
    for field, value in values.items():
        setattr(sitting, field, value)
    if "date" in changes or "assembly" in changes:
        new_slug = sitting_slug(authority, date, assembly, exclude_pk=sitting.pk)
        if new_slug != sitting.slug:
            changes["slug"] = [sitting.slug, new_slug]
            sitting.slug = new_slug
    sitting.save()
    record("sitting.updated", actor=user, obj=sitting, data={"changes": changes})
    return sitting


@dataclass
class LegalSummary:
    regime_name: str
    required_days: int
    latest_send_date: Date
    passed: bool  # the latest sending date is behind us and nothing was sent
    article: str
    urgency: bool
    second_convocation: bool
    sent_on: Date | None
    sent_in_time: bool | None
    synthesis_note_required: bool
    errors: list


def legal_summary(sitting: Sitting, today: Date | None = None) -> LegalSummary:
    """What the law asks of this sitting's convocation, from the assembly's regime."""
    regime = sitting.assembly.regime
    sent = (sitting.convocations.filter(state=Convocation.State.SENT, kind=Convocation.Kind.CONVOCATION)
            .order_by("sent_at").values_list("sent_at", flat=True).first())
    sent_on = timezone.localdate(sent) if sent else None
    check = check_convocation(sitting=sitting.date, sent=sent_on, regime=regime, urgency=sitting.urgency,
                              second_convocation=sitting.second_convocation,
                              failed_sitting=sitting.failed_sitting.date if sitting.failed_sitting_id else None)
    today = today or timezone.localdate()
    errors = [e for e in check.errors if e.code != "convocation_missing"]
    return LegalSummary(
        regime_name=regime.name, required_days=check.required_days, latest_send_date=check.latest_send_date,
        passed=sent_on is None and today > check.latest_send_date, article=check.article,
        urgency=sitting.urgency, second_convocation=sitting.second_convocation, sent_on=sent_on,
        sent_in_time=(check.valid if sent_on else None),
        synthesis_note_required=regime.synthesis_note_required, errors=errors)


# --- The agenda: acts ---------------------------------------------------------------------

def ready_acts(sitting: Sitting):
    """Acts of the sitting's authority that may be put on its agenda (state « prêt »)."""
    return (Act.objects.filter(authority_id=sitting.authority_id, state=ActState.READY)
            .exclude(target_sitting_type=SittingType.NONE))


def not_on_convocation_warning(sitting: Sitting) -> str:
    """The warning shown for items added after the convocation left ("" before)."""
    if not convocation_sent(sitting):
        return ""
    return _("Cet élément n'est pas sur la convocation : envoyez un additif avant la séance (L2121-10)")


@transaction.atomic
def add_acts(user, sitting: Sitting, acts) -> list[AgendaItem]:
    """Put ready acts on the agenda, at its end: each act becomes « inscrit à l'ordre du
    jour ». After the convocation was sent, the new items are not on it (an addendum must be
    sent: ``not_on_convocation_warning``)."""
    sitting = _lock_sitting(user, sitting)
    acts = list(acts)
    if not acts:
        raise ValidationError(_("Choisissez au moins un acte prêt pour la séance."))
    after_convocation = convocation_sent(sitting)
    position = _next_position(sitting)
    items = []
    for given in acts:
        act = Act.objects.select_for_update(of=("self",)).select_related("department").get(pk=given.pk)
        if act.authority_id != sitting.authority_id:
            raise ValidationError(_("L'acte %(ref)s n'appartient pas à votre collectivité.") % {"ref": act.reference})
        if act.state != ActState.READY:
            raise ValidationError(_("L'acte %(ref)s n'est pas prêt pour la séance (état : %(state)s) : seul un acte "
                                    "« Prêt pour la séance » peut être inscrit à l'ordre du jour.")
                                  % {"ref": act.reference, "state": act.get_state_display()})
        if act.target_sitting_type == SittingType.NONE:
            raise ValidationError(_("L'acte %(ref)s est un acte hors séance : il ne peut pas être inscrit à un "
                                    "ordre du jour.") % {"ref": act.reference})
        item = AgendaItem.objects.create(sitting=sitting, position=position, kind=AgendaItem.Kind.ACT, act=act,
                                         title=act.object[:500], rapporteur_id=act.rapporteur_id,
                                         on_convocation=False)
        position += 1
        set_state(act, ActState.ON_AGENDA, actor=user,
                  reason=_("Inscrit à l'ordre du jour de la séance du %(d)s") % {"d": fr_date(sitting.date)})
        record("agenda.item_added", actor=user, obj=sitting,
               data={"item": item.pk, "kind": item.kind, "act": act.reference, "title": item.title,
                     "position": item.position, "after_convocation": after_convocation})
        items.append(item)
    return items


@transaction.atomic
def remove_item(user, item: AgendaItem) -> None:
    """Take an item off the agenda before the convocation: its act is « prêt » again. Once
    the item is on a sent convocation it can only be withdrawn or postponed in the sitting."""
    sitting = _lock_sitting(user, item.sitting)
    item = _item_of(sitting, item)
    if item.on_convocation:
        raise ValidationError(_("« %(title)s » figure sur la convocation envoyée : il ne peut plus être supprimé de "
                                "l'ordre du jour. Il pourra être retiré ou reporté pendant la séance.")
                              % {"title": item.title})
    data = {"item": item.pk, "kind": item.kind, "title": item.title, "position": item.position}
    act = item.act
    if act is not None:
        data["act"] = act.reference
    if item.motion_id:
        data["motion"] = item.motion_id
    item.delete()
    if act is not None:
        act = Act.objects.select_for_update().get(pk=act.pk)
        still_on_agenda = AgendaItem.objects.filter(act=act).exclude(
            state__in=(AgendaItem.State.POSTPONED, AgendaItem.State.WITHDRAWN)).exists()
        if act.state == ActState.ON_AGENDA and not still_on_agenda:
            set_state(act, ActState.READY, actor=user,
                      reason=_("Retiré de l'ordre du jour de la séance du %(d)s avant la convocation")
                      % {"d": fr_date(sitting.date)})
    _renumber(sitting, list(sitting.items.order_by("position", "pk")))
    record("agenda.item_removed", actor=user, obj=sitting, data=data)


# --- The agenda: order --------------------------------------------------------------------

@transaction.atomic
def reorder(user, sitting: Sitting, item_ids) -> list[int]:
    """Set the order of the agenda (drag and drop): ``item_ids`` lists every item once."""
    sitting = _lock_sitting(user, sitting)
    try:
        wanted = [int(pk) for pk in item_ids]
    except (TypeError, ValueError):
        raise ValidationError(_("L'ordre envoyé n'est pas lisible.")) from None
    items = {item.pk: item for item in sitting.items.all()}
    if len(wanted) != len(set(wanted)) or set(wanted) != set(items):
        raise ValidationError(_("L'ordre du jour a changé entre-temps : rechargez la page et recommencez."))
    before = [pk for pk, _item in sorted(items.items(), key=lambda kv: (kv[1].position, kv[0]))]
    order = _renumber(sitting, [items[pk] for pk in wanted])
    if order != before:
        record("agenda.reordered", actor=user, obj=sitting, data={"order": order, "how": "drag_and_drop"})
    return order


@transaction.atomic
def move_item(user, item: AgendaItem, direction: str) -> list[int]:
    """Move an item one place up ("up") or down ("down") — the buttons that work without JS."""
    sitting = _lock_sitting(user, item.sitting)
    item = _item_of(sitting, item)
    if direction not in ("up", "down"):
        raise ValidationError(_("Sens de déplacement inconnu."))
    ordered = list(sitting.items.order_by("position", "pk"))
    index = next(i for i, it in enumerate(ordered) if it.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(ordered):
        return [it.pk for it in ordered]
    ordered[index], ordered[target] = ordered[target], ordered[index]
    order = _renumber(sitting, ordered)
    record("agenda.reordered", actor=user, obj=sitting,
           data={"order": order, "how": "move_" + direction, "item": item.pk})
    return order


def _natural(text: str) -> list:
    """"2026 DAC 10" after "2026 DAC 9"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text or "")]


def _committee_key(item):
    if item.act is None:
        return None
    names = sorted(c.name.lower() for c in item.act.committees.all())
    return names[0] if names else None


SORT_RULES = {
    "committee": (_l("commission"), _committee_key),
    "department": (_l("direction"), lambda item: item.act.department.code if item.act else None),
    "rapporteur": (_l("rapporteur"), lambda item: (item.rapporteur.last_name.lower(), item.rapporteur.first_name.lower())
                   if item.rapporteur else None),
    "reference": (_l("référence"), lambda item: _natural(item.act.reference) if item.act else None),
}


@transaction.atomic
def sort_by_rule(user, sitting: Sitting, rule: str) -> list[int]:
    """Order the agenda by committee, department, rapporteur or reference, in one click.
    Sections (rubriques) keep their order; items are sorted within each; items the rule does
    not apply to (vœux, questions, items without committee…) come last in their section."""
    sitting = _lock_sitting(user, sitting)
    if rule not in SORT_RULES:
        raise ValidationError(_("Règle de tri inconnue."))
    key = SORT_RULES[rule][1]
    items = list(sitting.items.select_related("act__department", "rapporteur").prefetch_related("act__committees")
                 .order_by("position", "pk"))
    section_rank = {}
    for item in items:
        section_rank.setdefault(item.section, len(section_rank))

    def sort_key(item):
        value = key(item)
        return (section_rank[item.section], value is None, value if value is not None else 0, item.position)

    order = _renumber(sitting, sorted(items, key=sort_key))
    record("agenda.sorted", actor=user, obj=sitting, data={"rule": rule, "order": order})
    return order


# --- The agenda: sections, items' details ---------------------------------------------------

@transaction.atomic
def set_section(user, sitting: Sitting, items, section: str) -> int:
    """Put items under a section (rubrique) of the agenda; an empty section removes them from
    their rubrique."""
    sitting = _lock_sitting(user, sitting, DETAIL_OPEN_STATES)
    section = _clean_text(section, field="section", label=_("La rubrique"), max_length=200, required=False)
    ids = [item.pk for item in items]
    if not ids:
        raise ValidationError(_("Cochez au moins un point de l'ordre du jour."))
    selected = list(sitting.items.filter(pk__in=ids))
    if len(selected) != len(set(ids)):
        raise ValidationError(_("Ce point n'appartient pas à l'ordre du jour de cette séance."))
    for item in selected:
        item.section = section
    AgendaItem.objects.bulk_update(selected, ["section"])
    record("agenda.section_set", actor=user, obj=sitting, data={"section": section, "items": sorted(ids)})
    return len(selected)


@transaction.atomic
def update_item(user, item: AgendaItem, *, title: str, section: str = "", rapporteur: Member | None = None,
                text: str = "") -> AgendaItem:
    """Change an item's title, section, rapporteur or text. What the convocation announced
    (title, text) is fixed once it was sent."""
    sitting = _lock_sitting(user, item.sitting, DETAIL_OPEN_STATES)
    item = _item_of(sitting, item)
    title = _clean_text(title, field="title", label=_("L'intitulé"), max_length=500)
    section = _clean_text(section, field="section", label=_("La rubrique"), max_length=200, required=False)
    text = _clean_long_text(text, field="text", label=_("Le texte"), required=False)
    if rapporteur is not None and rapporteur.authority_id != sitting.authority_id:
        raise ValidationError({"rapporteur": _("Cet élu n'appartient pas à votre collectivité.")})
    if item.kind == AgendaItem.Kind.QUESTION and not text:
        raise ValidationError({"text": _("Le texte de la question est obligatoire.")})
    values = {"title": title, "section": section, "rapporteur": rapporteur, "text": text}
    changes = {f: [str(getattr(getattr(item, f), "pk", getattr(item, f)) or ""), str(getattr(v, "pk", v) or "")]
               for f, v in values.items() if getattr(item, f) != v}
    if item.on_convocation and ({"title", "text"} & set(changes)):
        raise ValidationError(_("Ce point figure sur la convocation envoyée : son intitulé et son texte ne peuvent "
                                "plus être modifiés (la rubrique et le rapporteur, si)."))
    if changes:
        for field, value in values.items():
            setattr(item, field, value)
        item.save(update_fields=list(values))
        record("agenda.item_updated", actor=user, obj=sitting, data={"item": item.pk, "changes": changes})
    return item


# --- Vœux and questions ---------------------------------------------------------------------

def _new_item(sitting: Sitting, **fields) -> AgendaItem:
    return AgendaItem.objects.create(sitting=sitting, position=_next_position(sitting), on_convocation=False,
                                     **fields)


@transaction.atomic
def file_motion(user, sitting: Sitting, *, group: PoliticalGroup, title: str, text: str,
                section: str = "") -> AgendaItem:
    """Register a vœu filed by a political group and put it on the agenda."""
    sitting = _lock_sitting(user, sitting)
    errors = {}
    if group is None or group.authority_id != sitting.authority_id:
        errors["group"] = _("Choisissez le groupe politique qui dépose le vœu.")
    try:
        title = _clean_text(title, field="title", label=_("Le titre du vœu"), max_length=500)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        text = _clean_long_text(text, field="text", label=_("Le texte du vœu"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    section = _clean_text(section, field="section", label=_("La rubrique"), max_length=200, required=False)
    motion = Motion.objects.create(authority_id=sitting.authority_id, group=group, filed_by=user, title=title,
                                   text=text)
    item = _new_item(sitting, kind=AgendaItem.Kind.MOTION, motion=motion, title=title, section=section)
    record("agenda.motion_filed", actor=user, obj=sitting,
           data={"item": item.pk, "motion": motion.pk, "group": group.short_name, "title": title,
                 "position": item.position, "after_convocation": convocation_sent(sitting)})
    return item


def pending_motions(sitting: Sitting):
    """Vœux filed and not on any agenda (or postponed), which may be put on this one."""
    scheduled = AgendaItem.objects.filter(motion__isnull=False).exclude(state=AgendaItem.State.POSTPONED)
    return (Motion.objects.filter(authority_id=sitting.authority_id, state=Motion.State.FILED)
            .exclude(pk__in=scheduled.values("motion_id")).select_related("group"))


@transaction.atomic
def add_motion(user, sitting: Sitting, motion: Motion) -> AgendaItem:
    """Put an already filed vœu (not on an agenda, or postponed) on this agenda."""
    sitting = _lock_sitting(user, sitting)
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if motion.authority_id != sitting.authority_id:
        raise ValidationError(_("Ce vœu n'appartient pas à votre collectivité."))
    if motion.state != Motion.State.FILED:
        raise ValidationError(_("Ce vœu est « %(state)s » : il ne peut plus être inscrit.")
                              % {"state": motion.get_state_display()})
    current = motion.agenda_items.exclude(state=AgendaItem.State.POSTPONED).select_related("sitting").first()
    if current is not None:
        raise ValidationError(_("Ce vœu est déjà inscrit à l'ordre du jour de la séance du %(d)s.")
                              % {"d": fr_date(current.sitting.date)})
    item = _new_item(sitting, kind=AgendaItem.Kind.MOTION, motion=motion, title=motion.title[:500])
    record("agenda.item_added", actor=user, obj=sitting,
           data={"item": item.pk, "kind": item.kind, "motion": motion.pk, "title": item.title,
                 "position": item.position, "after_convocation": convocation_sent(sitting)})
    return item


@transaction.atomic
def add_question(user, sitting: Sitting, *, title: str, text: str, section: str = "") -> AgendaItem:
    """Put a question (title and text) on the agenda."""
    sitting = _lock_sitting(user, sitting)
    errors = {}
    try:
        title = _clean_text(title, field="title", label=_("Le titre de la question"), max_length=500)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        text = _clean_long_text(text, field="text", label=_("Le texte de la question"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    section = _clean_text(section, field="section", label=_("La rubrique"), max_length=200, required=False)
    item = _new_item(sitting, kind=AgendaItem.Kind.QUESTION, title=title, text=text, section=section)
    record("agenda.question_added", actor=user, obj=sitting,
           data={"item": item.pk, "title": title, "position": item.position,
                 "after_convocation": convocation_sent(sitting)})
    return item


# --- Committee opinions ---------------------------------------------------------------------

@transaction.atomic
def record_opinion(user, item: AgendaItem, *, committee: Committee, opinion: str, given_on: Date | None = None,
                   note: str = "") -> CommitteeOpinion:
    """Record a committee's opinion on an item (one per committee: a new one replaces it)."""
    sitting = _lock_sitting(user, item.sitting, DETAIL_OPEN_STATES)
    item = _item_of(sitting, item)
    errors = {}
    if committee is None or committee.authority_id != sitting.authority_id:
        errors["committee"] = _("Choisissez une commission de votre collectivité.")
    if opinion not in CommitteeOpinion.Opinion.values:
        errors["opinion"] = _("Choisissez l'avis : favorable, défavorable, réservé ou pris acte.")
    if given_on is not None and given_on > sitting.date:
        errors["given_on"] = _("L'avis ne peut pas être postérieur à la séance (%(d)s).") % {"d": fr_date(sitting.date)}
    note = str(note or "").replace("\r\n", "\n").strip()
    if len(note) > 5000:
        errors["note"] = _("La note ne peut pas dépasser 5000 caractères.")
    if errors:
        raise ValidationError(errors)
    existing = item.opinions.filter(committee=committee).first()
    previous = existing.opinion if existing else None
    if existing is None:
        existing = CommitteeOpinion(item=item, committee=committee)
    existing.opinion, existing.given_on, existing.note = opinion, given_on, note
    existing.save()
    record("agenda.opinion_recorded", actor=user, obj=sitting,
           data={"item": item.pk, "title": item.title, "committee": committee.short_name, "opinion": opinion,
                 "previous": previous, "given_on": given_on.isoformat() if given_on else None})
    return existing


@transaction.atomic
def remove_opinion(user, opinion: CommitteeOpinion) -> None:
    sitting = _lock_sitting(user, opinion.item.sitting, DETAIL_OPEN_STATES)
    opinion = CommitteeOpinion.objects.select_related("item", "committee").get(pk=opinion.pk, item__sitting=sitting)
    data = {"item": opinion.item_id, "title": opinion.item.title, "committee": opinion.committee.short_name,
            "opinion": opinion.opinion}
    opinion.delete()
    record("agenda.opinion_removed", actor=user, obj=sitting, data=data)


# --- Concerned organisations (conflicts of interest) ----------------------------------------

_QUOTED = re.compile(r"[«\"“]\s*([^«»\"“”]{2,200}?)\s*[»\"”]")
_ORGANISATION = re.compile(
    r"(?<![\w-])(?:association|fondation|fédération|société|compagnie|coopérative|SEM|SPL|SCIC|SCOP|GIP|EPIC|"
    r"office|théâtre|club|comité|union|centre|maison|collectif|syndicat)\b", re.IGNORECASE)
# Where an organisation's name stops: punctuation, or words that start the rest of the sentence
# ("pour la saison…", "au titre de…", "et à la…"); "pour tous" stays part of the name.
_NAME_END = re.compile(
    r"\s*(?:[,;:()«»\"“”]|\.(?:\s|$)|$)|\s+(?:pour\s+(?:la|le|les|l['’]|un|une|son|sa|ses|leur|leurs|\d)|"
    r"au titre|dans le cadre|afin|relati(?:f|ve|fs|ves)\b|portant|concernant|en vue|d['’]un montant|à hauteur|"
    r"et\s+(?:à|au|aux|de|du|des)\b|avec\b|sise?\b|situé)", re.IGNORECASE)


def suggest_concerns(text: str) -> list[str]:
    """Organisations named in an act's object, to pre-fill the concerned organisations:
    « Paris Habitat » quoted, or "à l'association Les Amis du Théâtre pour la saison…"."""
    text = text or ""
    found: list[str] = []
    taken: list[tuple[int, int]] = []

    def add(name: str, span: tuple[int, int]):
        taken.append(span)
        name = " ".join(name.split()).strip(" .'’")
        if len(name) >= 3 and name.lower() not in {f.lower() for f in found}:
            found.append(name[:300])

    for match in _QUOTED.finditer(text):
        add(match.group(1), match.span())
    for match in _ORGANISATION.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        end = _NAME_END.search(text, match.end())
        stop = end.start() if end else len(text)
        name = text[match.start():stop]
        if len(name.split()) < 2:
            continue
        add(name[0].upper() + name[1:], (match.start(), stop))
    return found


@transaction.atomic
def add_concern(user, item: AgendaItem, organisation: str) -> ItemConcern:
    """Record an organisation the item concerns (e.g. the association receiving a subsidy),
    used to flag members whose declared interests match it."""
    sitting = _lock_sitting(user, item.sitting, DETAIL_OPEN_STATES)
    item = _item_of(sitting, item)
    organisation = _clean_text(organisation, field="organisation", label=_("Le nom de l'organisme"), max_length=300)
    if any(c.lower() == organisation.lower() for c in item.concerns.values_list("organisation", flat=True)):
        raise ValidationError({"organisation": _("« %(name)s » est déjà indiqué pour ce point.") % {"name": organisation}})
    concern = ItemConcern.objects.create(item=item, organisation=organisation)
    record("agenda.concern_added", actor=user, obj=sitting,
           data={"item": item.pk, "title": item.title, "organisation": organisation})
    return concern


@transaction.atomic
def remove_concern(user, concern: ItemConcern) -> None:
    sitting = _lock_sitting(user, concern.item.sitting, DETAIL_OPEN_STATES)
    concern = ItemConcern.objects.select_related("item").get(pk=concern.pk, item__sitting=sitting)
    data = {"item": concern.item_id, "title": concern.item.title, "organisation": concern.organisation}
    concern.delete()
    record("agenda.concern_removed", actor=user, obj=sitting, data=data)
