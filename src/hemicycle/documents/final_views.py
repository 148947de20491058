"""Pages of the final documents.

- ``sitting_finals`` (secretariat; signatories and administrators may view): the acts adopted
  in a sitting with their number, reference, object, state, pages and PDF, the button that
  generates them, and the progress of the background rendering (``sitting_finals_progress``,
  a fragment htmx polls every second while documents are waiting).
- ``final_pdf``: the final PDF of an act (the signed one once there is one): secretariat,
  signatories, administrators and the drafters of the act's department.
- ``arrete_finalize`` (secretariat, POST): the final document of an arrêté signed outside a sitting.
"""

import datetime
import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hemicycle.acts.models import Act
from hemicycle.core import blobs
from hemicycle.core.access import for_authority, require, roles
from hemicycle.core.roles import Role
from hemicycle.sittings.models import AgendaItem, Sitting

from . import final
from .models import FinalDocument

logger = logging.getLogger(__name__)
VIEW_ROLES = (Role.SECRETARIAT, Role.SIGNATORY, Role.ADMINISTRATOR)


def _sitting(request, slug) -> Sitting:
    return for_authority(Sitting.objects.select_related("assembly", "authority"), request, slug=slug)


def _rows(sitting: Sitting) -> list[dict]:
    items = (sitting.items.filter(state=AgendaItem.State.ADOPTED, act__isnull=False)
             .select_related("act").order_by("position", "pk"))
    documents = {d.act_id: d for d in FinalDocument.objects.filter(act__in=[i.act_id for i in items])}
    return [{"item": item, "act": item.act, "document": documents.get(item.act_id)} for item in items]


def _context(request, sitting: Sitting) -> dict:
    return {
        "sitting": sitting,
        "rows": _rows(sitting),
        "progress": final.sitting_progress(sitting),
        "can_generate": final.can_prepare(request.user, sitting.authority_id),
        "closed": sitting.state == Sitting.State.CLOSED,
        "can_sign": request.user.has_role(Role.SIGNATORY),
    }


@roles(*VIEW_ROLES)
def sitting_finals(request, slug):
    sitting = _sitting(request, slug)
    return render(request, "documents/sitting_finals.html", _context(request, sitting))


@roles(Role.SECRETARIAT)
def sitting_finals_generate(request, slug):
    sitting = _sitting(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        documents = final.prepare_finals(request.user, sitting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        waiting = sum(1 for d in documents if d.state == FinalDocument.State.PENDING)
        if waiting:
            messages.info(request, _("Génération lancée pour %(n)s acte(s) ; les autres sont à jour.") % {"n": waiting})
        else:
            messages.info(request, _("Tous les actes définitifs sont à jour : rien à régénérer."))
    return redirect("documents:sitting_finals", slug=sitting.slug)


@roles(*VIEW_ROLES)
def sitting_finals_progress(request, slug):
    """The progress fragment, polled every second by htmx while documents wait; once they are
    all done it asks htmx to reload the page (states, pages and links)."""
    sitting = _sitting(request, slug)
    progress = final.sitting_progress(sitting)
    response = render(request, "documents/sitting_finals_progress.html", {"sitting": sitting, "progress": progress})
    if not progress["running"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@roles(*VIEW_ROLES, Role.DRAFTER)
def final_pdf(request, slug):
    act = for_authority(Act.objects.select_related("department", "authority"), request, slug=slug)
    require(final.can_read(request.user, act), _("Vous n'avez pas accès au document définitif de cet acte."))
    document = FinalDocument.objects.filter(act=act).first()
    if document is None or not document.current_sha256:
        raise Http404(_("Le document définitif de cet acte n'est pas encore généré."))
    response = HttpResponse(blobs.get(document.current_sha256), content_type="application/pdf")
    suffix = "-signe" if document.signed_sha256 else ""
    response["Content-Disposition"] = f'inline; filename="{act.slug}-definitif{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@roles(Role.SECRETARIAT)
def arrete_finalize(request, slug):
    act = for_authority(Act.objects.select_related("department", "authority"), request, slug=slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        day = datetime.date.fromisoformat(request.POST.get("decision_date", "").strip())
    except ValueError:
        messages.error(request, _("Date de l'arrêté invalide : utilisez le format JJ/MM/AAAA du calendrier."))
        return redirect(reverse("acts:detail", kwargs={"slug": act.slug}) + "#document-definitif")
    try:
        final.finalize_arrete(request.user, act, decision_date=day)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Exception:  # a document that cannot be rendered must never be a 500
        logger.exception("Arrêté %s : document définitif impossible", act.pk)
        messages.error(request, _("Le document n'a pas pu être généré (détails dans le journal du serveur)."))
    else:
        messages.success(request, _("Arrêté établi : son document définitif est prêt à signer."))
    return redirect(reverse("acts:detail", kwargs={"slug": act.slug}) + "#document-definitif")
