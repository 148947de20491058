"""Test helpers for the legality control (issue 4).

    decided = build_decided_sitting(world)          # hemicycle.documents.testing
    final = signed_final(world, decided.adopted[0])  # a FinalDocument in state SIGNED

``signed_final`` stands in for the rendering and signing chain (documents/final.py,
documents/signing.py): the PDF comes from documents/render.py, stored in the blob store as both
the rendered and the "signed" file — enough for everything that only reads
``FinalDocument.current_sha256`` (@CTES archives, publication, archives). It reuses the act's
FinalDocument when one exists.
"""

from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.documents.models import FinalDocument
from hemicycle.documents.render import render_act_pdf
from hemicycle.sittings.models import AgendaItem

_PDF_CACHE: dict = {}


def act_pdf(act) -> bytes:
    """The act rendered as PDF (cached per act and content, tests render the same act often)."""
    key = (act.pk, act.lock_version, act.object)
    if key not in _PDF_CACHE:
        _PDF_CACHE[key] = render_act_pdf(act)
    return _PDF_CACHE[key]


def signed_final(world, act, *, decision_date=None, signed: bool = True) -> FinalDocument:
    item = AgendaItem.objects.filter(act=act).select_related("sitting").first()
    if decision_date is None:
        decision_date = item.sitting.date if item is not None else timezone.localdate()
    digest = blobs.put(act_pdf(act))
    final = FinalDocument.objects.filter(act=act).first() or FinalDocument(authority=world.authority, act=act)
    final.item = item
    final.number = item.number if item is not None else None
    final.decision_date = decision_date
    final.pdf_sha256 = digest
    final.signed_sha256 = digest if signed else ""
    final.state = FinalDocument.State.SIGNED if signed else FinalDocument.State.RENDERED
    final.rendered_at = timezone.now()
    final.signed_at = timezone.now() if signed else None
    final.save()
    return final
