"""Every change of state of an act goes through these functions: check rights, apply the
change in a transaction, write the journal, queue notifications."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hemicycle.journal.services import record

from . import permissions
from .content import clean_lines, sanitise_report
from .models import Act, ActState, ActVersion
from .numbering import next_reference


class StaleEdit(Exception):
    """The act changed since the form was opened (optimistic locking)."""

    def __init__(self, act: Act, latest_version: ActVersion | None):
        super().__init__("L'acte a été modifié entre-temps.")
        self.act = act
        self.latest_version = latest_version


CONTENT_INPUTS = ("object", "nature", "department", "rapporteur", "target_sitting_type", "target_sitting_date",
                  "budget_year", "budget_name", "amount", "confidential", "personal_data", "matiere_codes",
                  "report", "visas", "considerants", "articles")


def _apply_content(act: Act, data: dict) -> None:
    for field in CONTENT_INPUTS:
        if field not in data:
            continue
        value = data[field]
        if field == "report":
            value = sanitise_report(value)
        elif field in ("visas", "considerants", "articles"):
            value = clean_lines(value)
        elif field == "object":
            value = " ".join((value or "").split())
        setattr(act, field, value)
    if len(act.object) > 500:
        raise ValidationError({"object": "L'objet ne peut pas dépasser 500 caractères."})
    if not act.object:
        raise ValidationError({"object": "L'objet de l'acte est obligatoire."})


def _make_version(act: Act, user, summary: str) -> ActVersion:
    number = (act.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ActVersion.objects.create(act=act, number=number, author=user, content=act.content_snapshot(),
                                     summary=summary[:300])


@transaction.atomic
def create_act(user, *, department, committees=(), year: int | None = None, **data) -> Act:
    """A drafter creates an act in one of their departments; it gets its reference now."""
    if not permissions.can_create_in(user, department):
        raise PermissionDenied("Vous ne pouvez pas rédiger d'acte pour cette direction.")
    nature = data.get("nature") or "DE"
    year = year or timezone.localdate().year
    act = Act(authority=user.authority, department=department, drafter=user, nature=nature, state=ActState.DRAFT)
    _apply_content(act, {**data, "department": department})
    act.reference = next_reference(user.authority, nature=nature, dept=department.code, year=year)
    act.full_clean(exclude=["reference", "drafter", "authority"])
    act.save()
    if committees:
        act.committees.set(committees)
    _make_version(act, user, "Création")
    record("act.created", actor=user, obj=act, data={"reference": act.reference, "nature": nature})
    return act


@transaction.atomic
def update_act(user, act: Act, *, lock_version: int, committees=None, summary: str = "", **data) -> Act:
    """Save the content. Refused with StaleEdit when someone saved since ``lock_version``."""
    act = Act.objects.select_for_update().get(pk=act.pk)
    if not permissions.can_edit(user, act):
        raise PermissionDenied("Cet acte n'est pas modifiable par vous dans son état actuel.")
    if act.lock_version != int(lock_version):
        raise StaleEdit(act, act.versions.order_by("-number").first())
    before = act.content_snapshot()
    _apply_content(act, data)
    act.full_clean(exclude=["reference", "drafter", "authority"])
    if committees is not None:
        act.committees.set(committees)
    after = act.content_snapshot()
    if after == before:
        return act
    act.lock_version += 1
    act.save()
    version = _make_version(act, user, summary or "Modification")
    changed = sorted(k for k in after if after[k] != before.get(k))
    record("act.edited", actor=user, obj=act, data={"version": version.number, "fields": changed})
    return act


@dataclass
class StateChange:
    act: Act
    old: str
    new: str


def set_state(act: Act, new_state: str, *, actor, reason: str = "") -> StateChange:
    """Low-level state change, for use inside other actions' transactions only (circuits…)."""
    assert transaction.get_connection().in_atomic_block
    old = act.state
    act.state = new_state
    Act.objects.filter(pk=act.pk).update(state=new_state, updated_at=timezone.now())
    record("act.state_changed", actor=actor, obj=act, data={"from": old, "to": new_state, "reason": reason})
    return StateChange(act, old, new_state)
