"""Pages of the legality control: the secretariat's dashboard, the act's exchange with the
prefecture, and the POST endpoints of the act panel (transmit, resend, cancel, answer)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hemicycle.acts.models import Act
from hemicycle.acts.permissions import STAFF_ROLES
from hemicycle.acts.views.common import get_act
from hemicycle.core import blobs
from hemicycle.core.access import roles
from hemicycle.core.roles import Role
from hemicycle.documents.models import FinalDocument
from hemicycle.rules import transmission as rules

from . import actions
from .models import PrefectureMessage, Transmission
from .panel import panel_context

State = Transmission.State
MAX_ANSWER_BYTES = 20 * 1024 * 1024


def _act_page(act, anchor: str = "legalite"):
    return redirect(reverse("legality:act", kwargs={"slug": act.slug}) + f"#{anchor}")


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


# --- dashboard -----------------------------------------------------------------------------------

def dashboard_context(request) -> dict:
    authority = request.authority
    today = timezone.localdate()
    transmissions = (Transmission.objects.filter(authority=authority).select_related("act")
                     .order_by("act_id", "-attempt"))
    latest: dict[int, Transmission] = {}
    for t in transmissions:
        latest.setdefault(t.act_id, t)
    live_act_ids = {t.act_id for t in latest.values() if t.state in actions.LIVE_STATES}
    finals = (FinalDocument.objects.filter(authority=authority, state=FinalDocument.State.SIGNED)
              .exclude(act_id__in=live_act_ids).select_related("act").order_by("decision_date", "act__reference"))
    to_send = []
    alerts = []
    for final in finals:
        act = final.act
        previous = latest.get(act.pk)
        if previous is not None and previous.state == State.ANOMALY:
            continue  # listed with the anomalies (resend)
        deadline = actions.individual_act_deadline(act, signed_on=timezone.localdate(final.signed_at)
                                                   if final.signed_at else None)
        deepest = max(act.matiere_codes or [""], key=lambda c: c.count("."))
        obligation = rules.must_transmit(act.nature, subject=rules.subject_from_matiere(deepest), amount=act.amount,
                                         authority_kind=authority.kind)
        row = {"act": act, "final": final, "deadline": deadline, "obligation": obligation,
               "days_left": (deadline - today).days if deadline else None}
        to_send.append(row)
        if deadline and row["days_left"] <= actions.ALERT_DAYS:
            alerts.append(row)
    rows = list(latest.values())
    acknowledged = sorted((t for t in rows if t.state == State.ACKNOWLEDGED), key=lambda t: t.received_on or today,
                          reverse=True)[:25]
    return {
        "title": _("Contrôle de légalité"),
        "to_send": to_send, "alerts": alerts,
        "in_progress": [t for t in rows if t.state in actions.IN_FLIGHT_STATES],
        "anomalies": [t for t in rows if t.state == State.ANOMALY],
        "requests": [t for t in rows if t.state == State.REQUEST_PENDING],
        "acknowledged": [(t, actions.defere_window(t)) for t in acknowledged],
        "alert_days": actions.ALERT_DAYS,
    }


@roles(Role.SECRETARIAT)
def dashboard(request):
    return render(request, "legality/dashboard.html", dashboard_context(request))


@roles(Role.SECRETARIAT)
@require_POST
def transmit_selection(request):
    ids = [int(v) for v in request.POST.getlist("acts") if v.isdigit()]
    acts = list(Act.objects.filter(authority=request.authority, pk__in=ids).order_by("reference"))
    if not acts:
        messages.error(request, _("Cochez au moins un acte à transmettre."))
        return redirect("legality:dashboard")
    done, refused = actions.transmit_many(request.user, acts)
    if done:
        messages.success(request, _("%(n)s acte(s) mis en transmission : %(refs)s.") % {
            "n": len(done), "refs": ", ".join(t.act.reference for t in done)})
    for act, reason in refused:
        messages.error(request, _("%(ref)s non transmis : %(reason)s") % {"ref": act.reference, "reason": reason})
    return redirect("legality:dashboard")


@roles(Role.SECRETARIAT)
@require_POST
def poll_now(request):
    from .tasks import poll_authority_task

    poll_authority_task.enqueue(request.authority.pk)
    messages.success(request, _("L'opérateur de transmission va être interrogé : rechargez la page dans un instant."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/legalite/")
                    else reverse("legality:dashboard"))


# --- the act's exchange ---------------------------------------------------------------------------

@roles(*STAFF_ROLES)
def act_page(request, slug):
    act = get_act(request, slug)
    context = panel_context(request.user, act, full=True)
    context.update(act=act, title=_("Contrôle de légalité — %(ref)s") % {"ref": act.reference})
    return render(request, "legality/act.html", context)


def _refused(request, act, exc, *, answer_to=None, text=""):
    context = panel_context(request.user, act, full=True, error=_error_text(exc), answer_to=answer_to,
                            answer_text=text)
    context.update(act=act, title=_("Contrôle de légalité — %(ref)s") % {"ref": act.reference})
    return render(request, "legality/act.html", context, status=200)


@roles(Role.SECRETARIAT)
def transmit(request, slug):
    act = get_act(request, slug)
    if request.method != "POST":
        return _act_page(act)
    try:
        actions.transmit(request.user, act)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, act, exc)
    messages.success(request, _("L'acte %(ref)s est mis en transmission à la préfecture.") % {"ref": act.reference})
    return _act_page(act)


def _transmission(act, pk) -> Transmission:
    return get_object_or_404(Transmission, act=act, pk=pk)


@roles(Role.SECRETARIAT)
def resend(request, slug, pk):
    act = get_act(request, slug)
    if request.method != "POST":
        return _act_page(act)
    try:
        new = actions.resend(request.user, _transmission(act, pk))
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, act, exc)
    messages.success(request, _("L'acte %(ref)s est renvoyé (envoi n° %(n)s).") % {"ref": act.reference, "n": new.attempt})
    return _act_page(act)


@roles(Role.SECRETARIAT)
def cancel(request, slug, pk):
    act = get_act(request, slug)
    if request.method != "POST":
        return _act_page(act)
    try:
        actions.cancel(request.user, _transmission(act, pk))
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, act, exc)
    messages.success(request, _("La transmission de l'acte %(ref)s est annulée.") % {"ref": act.reference})
    return _act_page(act)


@roles(Role.SECRETARIAT)
def answer(request, slug, pk):
    act = get_act(request, slug)
    if request.method != "POST":
        return _act_page(act)
    message = get_object_or_404(PrefectureMessage, transmission__act=act, pk=pk)
    text = request.POST.get("text", "")
    files = []
    for upload in request.FILES.getlist("files"):
        if upload.size > MAX_ANSWER_BYTES:
            return _refused(request, act, ValidationError(_("« %(name)s » dépasse 20 Mo.") % {"name": upload.name}),
                            answer_to=message.pk, text=text)
        files.append((upload.name, upload.read()))
    try:
        actions.answer_request(request.user, message, files=files, text=text)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, act, exc, answer_to=message.pk, text=text)
    messages.success(request, _("La réponse est envoyée à la préfecture."))
    return _act_page(act)


@roles(*STAFF_ROLES)
def message_file(request, slug, pk, index):
    act = get_act(request, slug)
    message = get_object_or_404(PrefectureMessage, transmission__act=act, pk=pk)
    if index == 0:
        if not message.xml_sha256:
            raise Http404
        data, name, mime = blobs.get(message.xml_sha256), f"{message.kind}-{message.pk}.xml", "application/xml"
    else:
        if index > len(message.files):
            raise Http404
        entry = message.files[index - 1]
        data, name = blobs.get(entry["sha256"]), entry["name"]
        mime = "application/pdf" if data.startswith(b"%PDF") else "application/octet-stream"
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@roles(*STAFF_ROLES)
def archive(request, slug, pk):
    act = get_act(request, slug)
    t = _transmission(act, pk)
    if not t.archive_sha256:
        raise Http404
    response = HttpResponse(blobs.get(t.archive_sha256), content_type="application/gzip")
    response["Content-Disposition"] = f'attachment; filename="{t.archive_name}"'
    return response
