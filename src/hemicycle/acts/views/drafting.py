"""Writing an act: the create and edit pages (same form), with annexes received on the way.

Nothing typed is ever lost: a refused file, an unknown classification code, a conflicting
edit or an act that left the drafting state re-render the form with the user's text.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hemicycle.core import blobs
from hemicycle.core.access import require, roles
from hemicycle.core.roles import Role

from .. import permissions
from ..actions import StaleEdit, add_annex, create_act, update_act
from ..annexes import inspect_upload, read_upload
from ..content import report_was_altered
from ..diff import diff_snapshots, has_changes
from ..forms import ActForm, EditBookkeepingForm, read_pending, sign_pending
from ..models import Matiere
from .common import STAFF_ROLES, add_validation_errors, get_act

LINE_GROUPS = (
    ("visas", gettext_lazy("Visas"), gettext_lazy("Visa"), gettext_lazy("Ajouter un visa"),
     gettext_lazy("Vu le code général des collectivités territoriales…")),
    ("considerants", gettext_lazy("Considérants"), gettext_lazy("Considérant"), gettext_lazy("Ajouter un considérant"),
     gettext_lazy("Considérant que…")),
    ("articles", gettext_lazy("Articles"), gettext_lazy("Article"), gettext_lazy("Ajouter un article"),
     gettext_lazy("Texte de l'article…")),
)
LINE_NAMES = {g[0] for g in LINE_GROUPS}


# --- Annex files received with the form -------------------------------------------------

def collect_annexes(request, data) -> tuple[list[dict], list[str]]:
    """Check the files sent with the form. Accepted ones are stored now and carried as signed
    "pending" tokens, so that a refused submission does not make the user pick them again."""
    dropped = set(data.getlist("drop_pending"))
    pending = [p for p in read_pending(request.user, data.getlist("pending_annexes")) if p["sha256"] not in dropped]
    errors = []
    for uploaded in request.FILES.getlist("annexes"):
        try:
            name, content = read_upload(uploaded)
            checked = inspect_upload(name, content)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        sha256 = blobs.put(content)
        if any(p["sha256"] == sha256 for p in pending):
            continue
        token = sign_pending(request.user, sha256=sha256, name=checked.name, size=checked.size,
                             mime_type=checked.mime_type)
        pending.append({"sha256": sha256, "name": checked.name, "size": checked.size,
                        "mime_type": checked.mime_type, "token": token})
    return pending, errors


def attach_pending(user, act, pending) -> None:
    for item in pending:
        add_annex(user, act, filename=item["name"], content=blobs.get(item["sha256"]))


# --- Adding, removing, moving rows without JavaScript -------------------------------------

def apply_row_operation(data, op: str) -> None:
    """``add:visas``, ``remove:articles:2``, ``up:considerants:1``, ``down:visas:0`` (0-based)."""
    parts = op.split(":")
    if len(parts) < 2 or parts[1] not in LINE_NAMES:
        return
    verb, name = parts[0], parts[1]
    items = data.getlist(name)
    try:
        index = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return
    if verb == "add":
        items.append("")
    elif index is not None and 0 <= index < len(items):
        if verb == "remove":
            items.pop(index)
        elif verb == "up" and index > 0:
            items[index - 1], items[index] = items[index], items[index - 1]
        elif verb == "down" and index < len(items) - 1:
            items[index + 1], items[index] = items[index], items[index + 1]
    data.setlist(name, items)


def unbound_from_data(data, **form_kwargs) -> ActForm:
    """An unbound form showing what was posted (no error messages after a row operation)."""
    bound = ActForm(data, **form_kwargs)
    initial = {name: bound[name].data for name in bound.fields}
    return ActForm(initial=initial, **form_kwargs)


def line_groups(form) -> list[dict]:
    groups = []
    for name, title, item_label, add_label, placeholder in LINE_GROUPS:
        values = [str(v) for v in (form[name].value() or [])]
        if not values or values[-1].strip():
            values.append("")
        groups.append({"name": name, "title": title, "item_label": item_label, "add_label": add_label,
                       "placeholder": placeholder, "items": values, "errors": form[name].errors,
                       "numbered": name == "articles"})
    return groups


def render_form(request, form, *, act=None, pending=(), annex_errors=(), lock=None, stale=None, status=200):
    version = form.classification_version
    context = {
        "title": _("Modifier l'acte %(ref)s") % {"ref": act.reference} if act else _("Rédiger un acte"),
        "form": form, "act": act, "line_groups": line_groups(form), "pending_annexes": pending,
        "annex_errors": annex_errors, "lock": lock or {}, "stale": stale,
        "matieres": Matiere.objects.filter(version=version).order_by("code") if version else [],
        "max_annex_mb": _max_annex_mb(),
    }
    return render(request, "acts/act_form.html", context, status=status)


def _max_annex_mb() -> str:
    from django.conf import settings

    return f"{settings.HEMICYCLE_MAX_ANNEX_BYTES / (1024 * 1024):g}"


def _warn_if_sanitised(request, raw_report: str, act) -> None:
    if report_was_altered(raw_report, act.report):
        messages.warning(request, _("L'exposé des motifs contenait des éléments non autorisés (scripts, styles, "
                                    "attributs ou balises non prises en charge) : ils ont été retirés. "
                                    "Vérifiez le texte enregistré."))


# --- Pages ---------------------------------------------------------------------------------

@roles(Role.DRAFTER)
def act_create(request):
    """Rédiger un acte: a drafter writes a new act for one of their departments."""
    kwargs = {"user": request.user, "authority": request.authority}
    if request.method != "POST":
        departments = ActForm(**kwargs).fields["department"].queryset
        require(departments.exists(), _("Vous n'êtes rédacteur d'aucune direction active."))
        default_dept = request.user.department_id if departments.filter(pk=request.user.department_id).exists() else None
        form = ActForm(initial={"nature": "DE", "department": default_dept or departments.first().pk,
                                "target_sitting_type": "council"}, **kwargs)
        return render_form(request, form)

    data = request.POST.copy()
    pending, annex_errors = collect_annexes(request, data)
    if data.get("_op"):
        apply_row_operation(data, data["_op"])
        return render_form(request, unbound_from_data(data, **kwargs), pending=pending, annex_errors=annex_errors)
    form = ActForm(data, **kwargs)
    if not form.is_valid() or annex_errors:
        return render_form(request, form, pending=pending, annex_errors=annex_errors, status=400)
    try:
        with transaction.atomic():
            act = create_act(request.user, **form.action_kwargs())
            attach_pending(request.user, act, pending)
    except ValidationError as exc:
        add_validation_errors(form, exc, {"matiere_codes": "classification"})
        return render_form(request, form, pending=pending, status=400)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return render_form(request, form, pending=pending, status=403)
    messages.success(request, _("L'acte %(ref)s a été créé.") % {"ref": act.reference})
    if pending:
        messages.info(request, _("%(n)d annexe(s) jointe(s).") % {"n": len(pending)})
    _warn_if_sanitised(request, form.cleaned_data["report"], act)
    return redirect("acts:detail", act.slug)


@roles(*STAFF_ROLES)
def act_edit(request, slug):
    """Modifier l'acte, with optimistic locking: a save based on an outdated page is refused and
    shown side by side with the current version; nothing is silently overwritten."""
    act = get_act(request, slug)
    kwargs = {"user": request.user, "authority": request.authority, "act": act}
    if request.method != "POST":
        require(permissions.can_edit(request.user, act), _("Cet acte n'est pas modifiable par vous dans son état actuel."))
        latest = act.versions.order_by("-number").values_list("number", flat=True).first() or 0
        form = ActForm(initial=ActForm.initial_for(act), **kwargs)
        return render_form(request, form, act=act, lock={"lock_version": act.lock_version, "base_version": latest})

    data = request.POST.copy()
    pending, annex_errors = collect_annexes(request, data)
    book = EditBookkeepingForm(data)
    book_ok = book.is_valid()
    lock = {"lock_version": data.get("lock_version", ""), "base_version": data.get("base_version", ""),
            "seen_lock_version": data.get("seen_lock_version", "")}
    if data.get("_op"):
        apply_row_operation(data, data["_op"])
        return render_form(request, unbound_from_data(data, **kwargs), act=act, pending=pending,
                           annex_errors=annex_errors, lock=lock)
    form = ActForm(data, **kwargs)
    if not permissions.can_edit(request.user, act):
        form.is_valid()
        form.add_error(None, _("Cet acte n'est plus modifiable par vous (état : %(state)s). Votre texte est "
                               "conservé ci-dessous : copiez-le si vous souhaitez le proposer autrement.")
                       % {"state": act.get_state_display()})
        return render_form(request, form, act=act, pending=pending, lock=lock, status=403)
    if not form.is_valid() or annex_errors:
        return render_form(request, form, act=act, pending=pending, annex_errors=annex_errors, lock=lock, status=400)
    lock_version = book.effective_lock_version() if book_ok else 0
    try:
        with transaction.atomic():
            saved = update_act(request.user, act, lock_version=lock_version, summary=form.cleaned_data["summary"],
                               **form.action_kwargs())
            attach_pending(request.user, saved, pending)
    except StaleEdit as exc:
        return render_form(request, form, act=act, pending=pending, lock=lock,
                           stale=stale_context(form, exc), status=409)
    except ValidationError as exc:
        add_validation_errors(form, exc, {"matiere_codes": "classification"})
        return render_form(request, form, act=act, pending=pending, lock=lock, status=400)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return render_form(request, form, act=act, pending=pending, lock=lock, status=403)
    if saved.lock_version != act.lock_version:
        messages.success(request, _("Modifications enregistrées (version %(n)d).")
                         % {"n": saved.versions.order_by("-number").first().number})
    else:
        messages.info(request, _("Aucune modification du texte à enregistrer."))
    if pending:
        messages.info(request, _("%(n)d annexe(s) jointe(s).") % {"n": len(pending)})
    _warn_if_sanitised(request, form.cleaned_data["report"], saved)
    return redirect("acts:detail", saved.slug)


def stale_context(form, exc: StaleEdit) -> dict:
    current, latest = exc.act, exc.latest_version
    who = latest.author.display_name if latest else _("un autre utilisateur")
    when = timezone.localtime(latest.created_at if latest else current.updated_at)
    rows = diff_snapshots(current.content_snapshot(), form.proposed_snapshot(current))
    return {
        "message": _("Cet acte a été modifié par %(who)s le %(date)s à %(time)s pendant que vous le modifiiez. "
                     "Votre texte est conservé ci-dessous ; comparez avec la version actuelle puis enregistrez "
                     "à nouveau.") % {"who": who, "date": date_format(when, "d/m/Y"),
                                      "time": date_format(when, "H:i")},
        "current": current, "latest_version": latest, "seen_lock_version": current.lock_version,
        "rows": rows, "differs": has_changes(rows),
    }
