"""Documents seen in the browser: the PDF preview of an act, saved or being edited."""

import logging

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hemicycle.acts.content import clean_lines, sanitise_report
from hemicycle.acts.models import Act, Nature
from hemicycle.acts.permissions import STAFF_ROLES, can_edit, can_view
from hemicycle.core.access import for_authority, require, roles

from .render import act_document_data, render_act_pdf

logger = logging.getLogger(__name__)


def _posted_content(request, act: Act) -> dict:
    """The edit form's content as it is now, unsaved, over the act's other fields."""
    data = act_document_data(act)
    post = request.POST
    nature = post.get("nature", act.nature)
    data.update(
        object=post.get("object", "").strip(),
        nature=nature if nature in Nature.values else act.nature,
        report=sanitise_report(post.get("report", "")),
        visas=clean_lines(post.getlist("visas")),
        considerants=clean_lines(post.getlist("considerants")),
        articles=clean_lines(post.getlist("articles")),
    )
    return data


@roles(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def act_preview(request, slug):
    """GET: the saved act as PDF. POST: the edit form's unsaved content as PDF (shown in an
    iframe beside the form). Errors come back as a small French page inside the iframe."""
    act = for_authority(Act.objects.select_related("authority", "department", "rapporteur"), request, slug=slug)
    if request.method == "POST":
        require(can_edit(request.user, act), _("Vous ne pouvez pas modifier cet acte."))
        data = _posted_content(request, act)
    else:
        require(can_view(request.user, act), _("Vous n'avez pas accès à cet acte."))
        data = act_document_data(act)
    try:
        pdf = render_act_pdf(data)
    except Exception:  # a broken preview must never be a 500 inside the editing page
        logger.exception("Aperçu impossible pour l'acte %s", act.pk)
        # A standalone page for the iframe: no menu, no context processors to fail in turn.
        page = render_to_string("documents/preview_error.html", {"act": act, "posted": request.method == "POST"})
        return HttpResponse(page, status=422)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{act.slug}-apercu.pdf"'
    response["Cache-Control"] = "no-store"
    return response
