"""Private annotations: a small JSON API the portal's script syncs with, and a plain form post
for browsers without JavaScript.

``GET /elu/annotations/?document=<key>`` → ``{"annotations": [...]}`` — the member's own notes
(of one document, or all), tombstones of deleted notes included (``"deleted": true``).
``POST /elu/annotations/`` with ``{"annotations": [{client_id, document, page, text,
updated_at, deleted}, …]}`` → ``{"results": [...], "annotations": [...]}`` — last write wins
by ``updated_at`` (portal.actions.sync_annotations). Nobody but the member reads them.
"""

import json
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.core.roles import Role

from .. import visibility
from ..actions import DOCUMENT, annotation_dict, sync_annotations
from ..models import Annotation
from .common import explain_denial

MAX_BODY = 2 * 1024 * 1024


def _listing(member, documents=None) -> list[dict]:
    notes = Annotation.objects.filter(member=member)
    if documents is not None:
        notes = notes.filter(document__in=documents)
    return [annotation_dict(n) for n in notes.order_by("document", "page", "updated_at")[:5000]]


def _form_post(request, member):
    """A note written without JavaScript: a new note from the document page's form."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "portal:home"
    page = request.POST.get("page", "1").strip()
    note = {"client_id": "srv-" + secrets.token_urlsafe(12), "document": request.POST.get("document", ""),
            "page": int(page) if page.isdigit() else 0, "text": request.POST.get("text", "").strip(),
            "updated_at": timezone.now().isoformat(), "deleted": False}
    if not note["text"]:
        messages.error(request, _("La note est vide."))
        return redirect(back)
    result = sync_annotations(member, [note])[0]
    if result["status"] == "invalid":
        messages.error(request, _("Note refusée : %(why)s.") % {"why": result["error"]})
    else:
        messages.success(request, _("Note enregistrée (visible de vous seul)."))
    return redirect(back)


@roles(Role.MEMBER)
@explain_denial
def annotations(request):
    member = visibility.member_for(request)
    if request.method == "GET":
        document = request.GET.get("document")
        if document is not None and not DOCUMENT.match(document):
            return JsonResponse({"error": _("Document invalide.")}, status=400)
        return JsonResponse({"annotations": _listing(member, [document] if document else None),
                             "server_time": timezone.now().isoformat()})
    if request.method != "POST":
        return JsonResponse({"error": _("Méthode non permise.")}, status=405)
    if request.content_type != "application/json":
        return _form_post(request, member)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": _("Envoi trop volumineux.")}, status=413)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JsonResponse({"error": _("JSON invalide.")}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": _("JSON invalide : un objet est attendu.")}, status=400)
    try:
        results = sync_annotations(member, payload.get("annotations", []))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    documents = {r["annotation"]["document"] for r in results if "annotation" in r}
    if isinstance(payload.get("document"), str) and DOCUMENT.match(payload["document"]):
        documents.add(payload["document"])
    return JsonResponse({"results": results, "annotations": _listing(member, documents),
                         "server_time": timezone.now().isoformat()})
