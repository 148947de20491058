"""Every change of state of an act goes through these functions: check rights, apply the
change in a transaction, write the journal, queue notifications."""

import re
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.journal.services import record
from hemicycle.notifications.services import notify

from . import permissions
from .annexes import inspect_upload
from .content import clean_lines, sanitise_report
from .matieres import latest_classification
from .models import Act, ActState, ActVersion, Annex, Comment, Matiere
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
    if "matiere_codes" in data:
        _apply_classification(act, data["matiere_codes"])
    if len(act.object) > 500:
        raise ValidationError({"object": _("L'objet ne peut pas dépasser 500 caractères.")})
    if not act.object:
        raise ValidationError({"object": _("L'objet de l'acte est obligatoire.")})


def _apply_classification(act: Act, codes) -> None:
    """Codes must exist in the authority's latest imported classification (when there is one)."""
    codes = [str(c).strip() for c in (codes or []) if str(c).strip()]
    version = latest_classification(act.authority) if codes else None
    if version is not None:
        known = set(Matiere.objects.filter(version=version, code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError({"matiere_codes": _("Le code de matière « %(code)s » n'existe pas dans la "
                                                      "classification de votre collectivité.") % {"code": unknown[0]}})
    act.matiere_codes = codes
    act.classification_version = version


# --- Signed acts are immutable (issue 4) ----------------------------------------------------

SIGNED_FINAL_STATES = ("partially_signed", "signed")


def _refuse_if_signed(user, act: Act, action: str) -> None:
    """Once its final document carries a signature (even one of two), an act can no longer
    change: the attempt is journaled ("act.change_refused") in a transaction of its own, so
    that the record survives the refusal, then refused."""
    from hemicycle.documents.models import FinalDocument

    final = FinalDocument.objects.filter(act_id=act.pk).values("state", "signed_sha256").first()
    if final is None or not (final["signed_sha256"] or final["state"] in SIGNED_FINAL_STATES):
        return
    with transaction.atomic():
        record("act.change_refused", actor=user, obj=act,
               data={"action": action, "final_state": final["state"], "signed_sha256": final["signed_sha256"]})
    raise PermissionDenied(_("Cet acte est signé : il ne peut plus être modifié."))


def _immutable_once_signed(action: str):
    def decorate(func):
        @wraps(func)
        def wrapper(user, target, *args, **kwargs):
            _refuse_if_signed(user, target.act if isinstance(target, Annex) else target, action)
            return func(user, target, *args, **kwargs)
        return wrapper
    return decorate


def _make_version(act: Act, user, summary: str) -> ActVersion:
    number = (act.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ActVersion.objects.create(act=act, number=number, author=user, content=act.content_snapshot(),
                                     summary=summary[:300])


@transaction.atomic
def create_act(user, *, department, committees=(), year: int | None = None, **data) -> Act:
    """A drafter creates an act in one of their departments; it gets its reference now."""
    if not permissions.can_create_in(user, department):
        raise PermissionDenied(_("Vous ne pouvez pas rédiger d'acte pour cette direction."))
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


@_immutable_once_signed("update_act")
@transaction.atomic
def update_act(user, act: Act, *, lock_version: int, committees=None, summary: str = "", **data) -> Act:
    """Save the content. Refused with StaleEdit when someone saved since ``lock_version``."""
    act = Act.objects.select_for_update().get(pk=act.pk)
    if not permissions.can_edit(user, act):
        raise PermissionDenied(_("Cet acte n'est pas modifiable par vous dans son état actuel."))
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


# --- Annexes ------------------------------------------------------------------------------

ANNEX_FLAGS = ("sent_to_prefecture", "published", "confidential")


@_immutable_once_signed("add_annex")
@transaction.atomic
def add_annex(user, act: Act, *, filename: str, content: bytes, title: str = "", sent_to_prefecture: bool = True,
              published: bool = True, confidential: bool = False) -> Annex:
    """Attach a file to the act. Its type is checked by content (annexes.inspect_upload) and
    its size against HEMICYCLE_MAX_ANNEX_BYTES; the bytes go to content-addressed storage."""
    act = Act.objects.select_for_update().get(pk=act.pk)
    if not permissions.can_manage_annexes(user, act):
        raise PermissionDenied(_("Vous ne pouvez pas ajouter d'annexe à cet acte dans son état actuel."))
    checked = inspect_upload(filename, content)
    title = " ".join((title or "").split())[:300] or checked.name.rsplit(".", 1)[0][:300]
    sha256 = blobs.put(content)
    last = act.annexes.order_by("-position").values_list("position", flat=True).first()
    annex = Annex.objects.create(act=act, title=title, original_name=checked.name, mime_type=checked.mime_type,
                                 size=checked.size, sha256=sha256, position=(last or 0) + 1,
                                 sent_to_prefecture=sent_to_prefecture, published=published,
                                 confidential=confidential, uploaded_by=user)
    record("act.annex_added", actor=user, obj=act,
           data={"annex": annex.pk, "title": title, "file": checked.name, "mime_type": checked.mime_type,
                 "size": checked.size, "sha256": sha256,
                 "flags": {flag: getattr(annex, flag) for flag in ANNEX_FLAGS}})
    return annex


@transaction.atomic
def update_annex_flags(user, annex: Annex, **flags) -> Annex:
    """Change whether an annex is sent to the prefecture, published, confidential."""
    annex = Annex.objects.select_for_update().select_related("act").get(pk=annex.pk)
    if annex.removed_at is not None:
        raise ValidationError(_("Cette annexe a été retirée."))
    if not permissions.can_set_annex_flags(user, annex.act):
        raise PermissionDenied(_("Vous ne pouvez pas modifier les indicateurs de cette annexe."))
    changes = {}
    for flag in ANNEX_FLAGS:
        if flag in flags and bool(flags[flag]) != getattr(annex, flag):
            changes[flag] = [getattr(annex, flag), bool(flags[flag])]
            setattr(annex, flag, bool(flags[flag]))
    if changes:
        annex.save(update_fields=list(changes))
        record("act.annex_flags_changed", actor=user, obj=annex.act,
               data={"annex": annex.pk, "title": annex.title, "changes": changes})
    return annex


@_immutable_once_signed("remove_annex")
@transaction.atomic
def remove_annex(user, annex: Annex) -> Annex:
    """Withdraw an annex: it stays stored (and in the history) but no longer belongs to the act."""
    annex = Annex.objects.select_for_update().select_related("act").get(pk=annex.pk)
    if not permissions.can_manage_annexes(user, annex.act):
        raise PermissionDenied(_("Vous ne pouvez pas retirer d'annexe de cet acte dans son état actuel."))
    if annex.removed_at is not None:
        raise ValidationError(_("Cette annexe a déjà été retirée."))
    annex.removed_at = timezone.now()
    annex.save(update_fields=["removed_at"])
    record("act.annex_removed", actor=user, obj=annex.act,
           data={"annex": annex.pk, "title": annex.title, "file": annex.original_name})
    return annex


# --- Comments -----------------------------------------------------------------------------

MENTION = re.compile(r"(?<![\w@.])@([\w.@+-]*[\w])")
MAX_COMMENT_CHARS = 5000


def mentioned_usernames(body: str) -> list[str]:
    """"@jdupont, merci" → ["jdupont"] (a trailing full stop is not part of the name)."""
    seen = []
    for name in MENTION.findall(body or ""):
        if name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def add_comment(user, act: Act, body: str, *, parent: Comment | None = None) -> Comment:
    """Comment on the act (or reply to a comment). Mentioned users who may view the act get a
    "mention" notification; the drafter (and the author of the comment answered) a "comment"
    one. ``comment.unreachable_mentions`` lists @names that were not notified."""
    from hemicycle.accounts.models import User

    if not permissions.can_comment(user, act):
        raise PermissionDenied(_("Vous ne pouvez pas commenter cet acte."))
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Le commentaire est vide.")})
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError({"body": _("Un commentaire ne peut pas dépasser %(n)d caractères.") % {"n": MAX_COMMENT_CHARS}})
    if parent is not None and parent.act_id != act.pk:
        raise ValidationError(_("Le commentaire auquel vous répondez n'appartient pas à cet acte."))
    comment = Comment.objects.create(act=act, parent=parent, author=user, body=body)
    names = mentioned_usernames(body)[:20]
    candidates = {}
    if names:
        by_name = Q()
        for name in names:
            by_name |= Q(username__iexact=name)
        candidates = {u.username.lower(): u for u in
                      User.objects.filter(by_name, authority_id=act.authority_id, is_active=True)}
    mentioned = [u for u in candidates.values() if permissions.can_view(u, act)]
    comment.mentions.set(mentioned)
    reached = {u.username.lower() for u in mentioned}
    comment.unreachable_mentions = [n for n in names if n.lower() not in reached]
    url = reverse("acts:detail", args=[act.slug]) + f"#commentaire-{comment.pk}"
    excerpt = body if len(body) <= 120 else body[:117] + "…"
    notify(mentioned, "mention", f"{user.display_name} vous mentionne sur l'acte {act.reference} : « {excerpt} »",
           act=act, url=url, exclude=user)
    others = [act.drafter] + ([parent.author] if parent is not None else [])
    notify([u for u in others if u.pk not in {m.pk for m in mentioned} and permissions.can_view(u, act)],
           "comment", f"{user.display_name} a commenté l'acte {act.reference} : « {excerpt} »",
           act=act, url=url, exclude=user)
    record("act.comment_added", actor=user, obj=act,
           data={"comment": comment.pk, "parent": parent.pk if parent else None,
                 "mentions": sorted(u.username for u in mentioned), "excerpt": excerpt})
    return comment
