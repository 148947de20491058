"""Public open-data endpoints: the SCDL deliberations file and the OParl 1.1 API (read-only)."""

import json
import logging

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from hemicycle.core import blobs
from hemicycle.core.access import public
from hemicycle.organisation.models import Authority

from . import oparl
from .openapi import openapi_document
from .scdl import ScdlError, export

logger = logging.getLogger(__name__)


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # OParl: clients in browsers may read the API
    return response


def _error(message: str, status: int) -> JsonResponse:
    return _json({"type": oparl.typ("Error"), "message": message}, status=status)


def _authority(slug: str) -> Authority:
    authority = Authority.objects.filter(slug=slug).first()
    if authority is None:
        raise oparl.OParlError(f"Collectivité « {slug} » inconnue.", status=404)
    return authority


def _api(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except oparl.OParlError as exc:
            return _error(str(exc), exc.status)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@public
@require_GET
def scdl(request, authority):
    """The authority's published deliberations, SCDL « Délibérations » 2.1.5 (CSV, UTF-8);
    ``?annee=YYYY`` keeps one year."""
    target = get_object_or_404(Authority, slug=authority)
    year = request.GET.get("annee", "").strip()
    if year and not (year.isdigit() and len(year) == 4):
        return HttpResponse("Paramètre annee invalide : une année sur quatre chiffres est attendue.\n", status=400,
                            content_type="text/plain; charset=utf-8")
    try:
        result = export(authority=target, year=int(year) if year else None, reuse_validation=True)
    except ScdlError:
        logger.exception("SCDL export of %s failed validation", target.slug)
        return HttpResponse("Le fichier des délibérations n'a pas pu être produit ; réessayez plus tard.\n",
                            status=503, content_type="text/plain; charset=utf-8")
    for warning in result.warnings:
        logger.warning("SCDL %s: %s", target.slug, warning)
    response = HttpResponse(result.data, content_type="text/csv; charset=utf-8")
    name = f"deliberations-{target.slug}{'-' + year if year else ''}.csv"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
@require_GET
@_api
def system(request):
    return _json(oparl.system_data())


@public
@require_GET
@_api
def bodies(request):
    return _json(oparl.body_list(request.GET))


@public
@require_GET
@_api
def body(request, authority):
    target = oparl.authorities().filter(slug=authority).first()
    if target is None:
        raise oparl.OParlError(f"Collectivité « {authority} » inconnue.", status=404)
    return _json(oparl.body_data(target))


@public
@require_GET
@_api
def object_list(request, authority, kind):
    if kind not in oparl.SOURCES:
        raise oparl.OParlError(f"Liste inconnue : {kind}.", status=404)
    return _json(oparl.object_list(_authority(authority), kind, request.GET))


@public
@require_GET
@_api
def object_detail(request, authority, kind, key):
    if kind not in oparl.SOURCES:
        raise oparl.OParlError(f"Type d'objet inconnu : {kind}.", status=404)
    data = oparl.one_object(_authority(authority), kind, key)
    if data is None:
        raise oparl.OParlError("Objet inconnu ou non public.", status=404)
    return _json(data)


@public
@require_GET
def annex_download(request, authority, key):
    """A public annex of a published act (the File's accessUrl)."""
    target = get_object_or_404(Authority, slug=authority)
    annex = oparl.visible_annex(target, key)
    if annex is None:
        raise Http404("Annexe inconnue ou non publique.")
    response = HttpResponse(blobs.get(annex.sha256), content_type=annex.mime_type or "application/octet-stream")
    safe_name = annex.original_name.replace('"', "").replace("\r", "").replace("\n", "")
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
@require_GET
def openapi(request):
    response = HttpResponse(json.dumps(openapi_document(), ensure_ascii=False, indent=1),
                            content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
