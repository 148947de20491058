"""An act's annexes: upload, download, flags (prefecture / published / confidential), removal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from hemicycle.core import blobs
from hemicycle.core.access import require, roles

from .. import permissions
from ..actions import add_annex, remove_annex, update_annex_flags
from ..annexes import read_upload
from ..forms import AnnexFlagsForm, AnnexUploadForm
from ..models import Annex
from .common import STAFF_ROLES, get_act
from .pages import detail_context


def _annex(act, pk) -> Annex:
    return get_object_or_404(Annex, act=act, pk=pk)


def _back(act):
    return redirect(reverse("acts:detail", args=[act.slug]) + "#annexes")


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
    act = get_act(request, slug)
    annex = _annex(act, pk)
    if annex.confidential and not permissions.can_view_confidential_annexes(request.user, act):
        raise PermissionDenied(_("Cette annexe est confidentielle."))
    try:
        data = blobs.get(annex.sha256)
    except FileNotFoundError:
        raise Http404(_("Le fichier de cette annexe est introuvable sur le stockage.")) from None
    response = HttpResponse(data, content_type=annex.mime_type)
    response["Content-Disposition"] = content_disposition_header(True, annex.original_name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
