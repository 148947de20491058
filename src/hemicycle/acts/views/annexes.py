"""An act's annexes: upload, download, preview, flags (prefecture / published / confidential), removal."""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.access import require, roles

from .. import permissions, previews
from ..actions import add_annex, remove_annex, update_annex_flags
from ..annexes import PDF, detect, read_upload
from ..forms import AnnexFlagsForm, AnnexUploadForm
from ..models import Annex
from .common import STAFF_ROLES, get_act
from .pages import detail_context

logger = logging.getLogger(__name__)


def _annex(act, pk) -> Annex:
    return get_object_or_404(Annex.objects.select_related("uploaded_by"), act=act, pk=pk)


def _back(act):
    return redirect(reverse("acts:detail", args=[act.slug]) + "#annexes")


def _viewable_annex(request, slug, pk) -> tuple:
    """The act and one of its annexes, if the user may see it: the act's view right, and for a
    confidential annex the right to see confidential material (403 otherwise). Another
    authority's act, or an annex of another act, is a 404."""
    act = get_act(request, slug)
    annex = _annex(act, pk)
    if annex.confidential and not permissions.can_view_confidential_annexes(request.user, act):
        raise PermissionDenied(_("Cette annexe est confidentielle."))
    return act, annex


def _annex_bytes(annex) -> bytes:
    try:
        return blobs.get(annex.sha256)
    except FileNotFoundError:
        raise Http404(_("Le fichier de cette annexe est introuvable sur le stockage.")) from None
    except blobs.BlobIntegrityError:
        logger.error("Annexe %s : le fichier %s a été altéré sur le stockage.", annex.pk, annex.sha256)
        raise Http404(_("Le fichier de cette annexe a été altéré sur le stockage.")) from None


@roles(*STAFF_ROLES)
def annex_add(request, slug):
    act = get_act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(permissions.can_manage_annexes(request.user, act),
            _("Vous ne pouvez pas ajouter d'annexe à cet acte dans son état actuel."))
    form = AnnexUploadForm(request.POST, request.FILES)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            name, data = read_upload(cd["file"])
            annex = add_annex(request.user, act, filename=name, content=data, title=cd["title"],
                              sent_to_prefecture=cd["sent_to_prefecture"], published=cd["published"],
                              confidential=cd["confidential"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Annexe « %(title)s » ajoutée.") % {"title": annex.title})
            return _back(act)
    return render(request, "acts/act_detail.html", detail_context(request, act, annex_form=form), status=400)


@roles(*STAFF_ROLES)
def annex_download(request, slug, pk):
    annex = _viewable_annex(request, slug, pk)[1]
    data = _annex_bytes(annex)
    response = HttpResponse(data, content_type=annex.mime_type)
    response["Content-Disposition"] = content_disposition_header(True, annex.original_name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@roles(*STAFF_ROLES)
def annex_inline(request, slug, pk):
    """The annex shown by the browser itself (PDF in the preview's iframe, image in an <img>):
    same access rules as the download; only PDF, PNG and JPEG, re-checked by content."""
    annex = _viewable_annex(request, slug, pk)[1]
    if annex.mime_type not in previews.INLINE_TYPES:
        raise Http404(_("Cette annexe ne s'affiche pas dans le navigateur : téléchargez-la."))
    data = _annex_bytes(annex)
    if detect(data)[0] != annex.mime_type:
        logger.error("Annexe %s : le contenu ne correspond plus au type %s.", annex.pk, annex.mime_type)
        raise Http404(_("Cette annexe ne s'affiche pas dans le navigateur : téléchargez-la."))
    response = HttpResponse(data, content_type=annex.mime_type)
    response["Content-Disposition"] = content_disposition_header(False, annex.original_name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if annex.mime_type == PDF:
        # No "sandbox" here: browsers' PDF viewers (Chrome, Safari) refuse to run in a
        # sandboxed document and show nothing. The type is fixed to application/pdf and
        # nosniff is set, so the bytes can only ever be shown as a PDF.
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'self'"
    return response


def _with_heading_tags(blocks: list[dict]) -> list[dict]:
    """The document's headings sit under the page's h1 (annex) and h2 (text rendition)."""
    return [{**b, "tag": f"h{min(b['level'] + 2, 6)}"} if b["kind"] == "heading" else b for b in blocks]


@roles(*STAFF_ROLES)
def annex_preview(request, slug, pk):
    """A page showing the annex: PDF in an iframe with its page count, images inline, ODT/DOCX
    as a text rendition (acts.previews). A damaged file gives a French message, not an error."""
    act, annex = _viewable_annex(request, slug, pk)
    context = {"title": (_("Aperçu : %(title)s") % {"title": annex.title})[:120],
               "act": act, "annex": annex, "kind_label": previews.KIND_LABELS.get(annex.mime_type, annex.mime_type),
               "kind": "none", "pages": None, "blocks": [], "truncated": False, "error": None}
    try:
        if annex.mime_type == PDF:
            context["kind"] = "pdf"
            info = previews.pdf_info(annex)
            context["pages"] = info.get("pages")
            if "error" in info:
                context["error"] = previews.error_message(info["error"])
        elif annex.mime_type in previews.IMAGE_TYPES:
            if not blobs.exists(annex.sha256):
                raise FileNotFoundError(annex.sha256)
            context["kind"] = "image"
        elif annex.mime_type in previews.TEXT_TYPES:
            context["kind"] = "text"
            rendition = previews.text_rendition(annex)
            if "error" in rendition:
                context["error"] = previews.error_message(rendition["error"])
            else:
                context["blocks"] = _with_heading_tags(rendition["blocks"])
                context["truncated"] = rendition["truncated"]
        else:
            context["error"] = previews.error_message("no_preview")
    except FileNotFoundError:
        context.update(kind="none", error=previews.error_message("missing_file"))
    except blobs.BlobIntegrityError:
        logger.error("Annexe %s : le fichier %s a été altéré sur le stockage.", annex.pk, annex.sha256)
        context.update(kind="none", error=previews.error_message("altered_file"))
    return render(request, "acts/annex_preview.html", context)


@roles(*STAFF_ROLES)
def annex_flags(request, slug, pk):
    act = get_act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    annex = _annex(act, pk)
    if annex.confidential and not permissions.can_view_confidential_annexes(request.user, act):
        raise PermissionDenied(_("Cette annexe est confidentielle."))
    form = AnnexFlagsForm(request.POST)
    form.is_valid()  # booleans: always valid
    try:
        before = (annex.sent_to_prefecture, annex.published, annex.confidential)
        annex = update_annex_flags(request.user, annex, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if before != (annex.sent_to_prefecture, annex.published, annex.confidential):
            messages.success(request, _("Indicateurs de l'annexe « %(title)s » enregistrés.") % {"title": annex.title})
        else:
            messages.info(request, _("Aucun indicateur modifié."))
    return _back(act)


@roles(*STAFF_ROLES)
def annex_remove(request, slug, pk):
    act = get_act(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    annex = _annex(act, pk)
    if annex.confidential and not permissions.can_view_confidential_annexes(request.user, act):
        raise PermissionDenied(_("Cette annexe est confidentielle."))
    try:
        remove_annex(request.user, annex)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Annexe « %(title)s » retirée. Elle reste visible dans le parcours du dossier.")
                         % {"title": annex.title})
    return _back(act)
