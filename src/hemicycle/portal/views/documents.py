"""Documents of a sitting: a page showing one (the browser's own PDF viewer, in an <object>),
the file itself (inline, or as a download), and the search inside the sitting pack."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from hemicycle.core.access import roles
from hemicycle.core.roles import Role

from .. import documents, packs
from ..actions import annotation_dict, record_consultation
from ..models import Annotation, PackText
from .common import explain_denial, member_sitting


def _page_param(request) -> int | None:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else None


@roles(Role.MEMBER)
@explain_denial
def document(request, slug, key):
    member, sitting = member_sitting(request, slug)
    doc = documents.resolve(member, sitting, key)
    annotation_key = f"{sitting.slug}/{doc.key}"
    notes = Annotation.objects.filter(member=member, document=annotation_key, deleted=False).order_by("page", "updated_at")
    index = PackText.objects.filter(sha256=doc.sha256, state=PackText.State.DONE).first() if doc.kind == "pack" else None
    page = _page_param(request)
    file_url = reverse("portal:document_file", args=[sitting.slug, doc.key])
    return render(request, "portal/document.html", {
        "title": doc.title, "member": member, "sitting": sitting, "doc": doc, "page": page,
        "file_url": file_url, "frame_url": f"{file_url}#page={page}" if page else file_url,
        "annotation_key": annotation_key, "notes": list(notes),
        "notes_json": [annotation_dict(n) for n in notes],
        "outline": index.outline[:300] if index else [],
    })


def _file_response(doc, data: bytes, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=doc.mime_type)
    response["Content-Disposition"] = content_disposition_header(not inline, doc.filename)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if inline and doc.is_pdf:
        # No "sandbox": browsers' PDF viewers refuse to run in a sandboxed document. The type is
        # fixed and nosniff set, so the bytes can only be shown as a PDF.
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'self'"
    return response


@roles(Role.MEMBER)
@explain_denial
def document_file(request, slug, key):
    """The file shown by the browser (PDF viewer); other types are downloaded."""
    member, sitting = member_sitting(request, slug)
    doc = documents.resolve(member, sitting, key)
    data = doc.data()
    record_consultation(member, doc.convocation, doc.consultation)
    return _file_response(doc, data, inline=doc.is_pdf)


@roles(Role.MEMBER)
@explain_denial
def document_download(request, slug, key):
    member, sitting = member_sitting(request, slug)
    doc = documents.resolve(member, sitting, key)
    data = doc.data()
    record_consultation(member, doc.convocation, doc.consultation)
    return _file_response(doc, data, inline=False)


@roles(Role.MEMBER)
@explain_denial
def search(request, slug):
    """Search the sitting's packs the member may open; hits link to their page (#page=N)."""
    member, sitting = member_sitting(request, slug)
    query = " ".join(request.GET.get("q", "").split())[:200]
    pack_docs = [d for d in documents.pack_documents(member, sitting) if d.kind == "pack"]
    results, pending, failed = [], False, False
    if query and pack_docs:
        for doc in pack_docs:
            index = packs.ensure_indexed(doc.sha256)
            if index.state == PackText.State.PENDING:
                pending = True
                continue
            if index.state == PackText.State.FAILED:
                failed = True
                continue
            hits, truncated = packs.search(doc.sha256, query)
            page_url = reverse("portal:document", args=[sitting.slug, doc.key])
            file_url = reverse("portal:document_file", args=[sitting.slug, doc.key])
            results.append({"doc": doc, "hits": hits, "truncated": truncated, "page_url": page_url,
                             "file_url": file_url})
    total = sum(len(r["hits"]) for r in results)
    return render(request, "portal/search.html", {
        "title": _("Recherche dans le dossier de séance"), "member": member, "sitting": sitting, "query": query,
        "results": results, "total": total, "pending": pending, "failed": failed, "has_packs": bool(pack_docs),
        "terms": packs.terms_of(query) if query else [],
    })
