"""Test helpers of publication: signed final documents without going through the signing keys.

    document = make_signed_final(act, item=item)

With an agenda item, the final document is the real one (documents/final.py: rendered by
Typst from the act and its sitting); without, the act rendered by documents/render.py (an
individual act's notification does not depend on its layout). The rendered PDF is recorded as
the signed file, with one Signature row carrying the signatory's name and capacity: what
publication needs (a signed final and its author), independent of the PAdES machinery.
"""

import datetime

from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.documents import final
from hemicycle.documents.models import FinalDocument, Signature
from hemicycle.documents.render import render_act_pdf


def make_signed_final(act, *, item=None, decision_date=None, signer=None) -> FinalDocument:
    if item is not None:
        document = FinalDocument.objects.create(
            authority=act.authority, act=act, item=item, number=item.number, decision_date=item.sitting.date,
            state=FinalDocument.State.PENDING)
        document = final.render_final(document)
        signatory = document.signatories[0]
        name = f"{signatory['first_name']} {signatory['last_name']}"
        capacity = signatory["capacity"]
    else:
        sha = blobs.put(render_act_pdf(act, pdfa=True))
        document = FinalDocument.objects.create(
            authority=act.authority, act=act, item=None, number=None,
            decision_date=decision_date or timezone.localdate() - datetime.timedelta(days=1),
            state=FinalDocument.State.RENDERED, source_sha256=sha, pdf_sha256=sha, pages=1,
            rendered_at=timezone.now())
        name, capacity = "Anne Lefèvre", f"Maire {final._of(final.place_name(act.authority))}"
    document.state = FinalDocument.State.SIGNED
    document.signed_sha256 = document.pdf_sha256
    document.signed_at = timezone.now()
    document.save(update_fields=["state", "signed_sha256", "signed_at"])
    Signature.objects.create(
        document=document, position=1, signer=signer, signer_name=name, capacity=capacity, field_name="Signature1",
        signed_at=timezone.now(), input_sha256=document.pdf_sha256, output_sha256=document.signed_sha256)
    return document
