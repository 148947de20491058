"""Test helpers of the archives: a decided sitting whose adopted acts have final documents.

    decided, finals = build_archived_sitting(world)

``decided`` is ``hemicycle.documents.testing.build_decided_sitting(world)``; ``finals`` the
FinalDocuments of its adopted acts, rendered as PDF/A-2b by documents/render.py and stored as
blobs, in state SIGNED with one Signature row each (the "signed" file is the rendered PDF with a
marker appended: these tests are about archiving what is stored, not about PAdES, which
documents/signing.py tests), plus an annex on the first act.
"""

import datetime

from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.core.roles import Role


def make_final(act, item, *, signed: bool = True, signer=None):
    from hemicycle.documents.models import FinalDocument, Signature
    from hemicycle.documents.render import render_act_pdf

    pdf = render_act_pdf(act, pdfa=True)
    pdf_sha = blobs.put(pdf)
    signed_sha = blobs.put(pdf + f"\n% signature de test {act.reference}\n".encode()) if signed else ""
    final = FinalDocument.objects.create(
        authority=act.authority, act=act, item=item, number=item.number if item else None,
        decision_date=item.sitting.date if item else timezone.localdate(),
        state=FinalDocument.State.SIGNED if signed else FinalDocument.State.RENDERED,
        source_sha256=pdf_sha, pdf_sha256=pdf_sha, signed_sha256=signed_sha, pages=1,
        rendered_at=timezone.now(), signed_at=timezone.now() if signed else None)
    if signed:
        Signature.objects.create(
            document=final, position=1, signer=signer, signer_name="Anne Lefèvre", capacity="Maire",
            field_name="Signature1", signed_at=timezone.now(), timestamped=True, input_sha256=pdf_sha,
            output_sha256=signed_sha)
    return final


def add_annex(act, user, *, name="plan.pdf", data: bytes | None = None):
    from hemicycle.acts.models import Annex

    data = data or b"%PDF-1.7\n% annexe de test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    sha = blobs.put(data)
    return Annex.objects.create(act=act, title="Plan de situation", original_name=name, mime_type="application/pdf",
                                size=len(data), sha256=sha, uploaded_by=user)


def add_acknowledgement(act, user, *, id_acte="075-217500016-20261114-2026DAC1-DE", received_on=None):
    """A transmission acknowledged by the prefecture, with its ARActe message stored as a blob."""
    from hemicycle.legality.models import PrefectureMessage, Transmission

    received_on = received_on or timezone.localdate()
    archive = blobs.put(b"\x1f\x8b\x08\x00" + act.reference.encode() + b" archive de test")
    transmission = Transmission.objects.create(
        authority=act.authority, act=act, state=Transmission.State.ACKNOWLEDGED,
        idempotency_key=f"test-{act.pk}", archive_name=f"075-217500016-{act.pk}.tar.gz", archive_sha256=archive,
        id_acte=id_acte, received_on=received_on, created_by=user)
    xml = (f'<?xml version="1.0" encoding="ISO-8859-1"?>\n<actes:ARActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" '
           f'actes:IDActe="{id_acte}" actes:DateReception="{received_on.isoformat()}"/>\n').encode("iso-8859-1")
    PrefectureMessage.objects.create(transmission=transmission, direction=PrefectureMessage.Direction.IN,
                                     flow="1-2", kind="ARActe", date=received_on, xml_sha256=blobs.put(xml))
    return transmission


def build_archived_sitting(world, **kwargs):
    from hemicycle.documents.testing import build_decided_sitting

    decided = build_decided_sitting(world, **kwargs)
    finals = []
    for act in decided.adopted:
        item = act.agenda_items.get(sitting=decided.sitting)
        finals.append(make_final(act, item, signer=world.users[Role.SIGNATORY]))
    add_annex(decided.adopted[0], world.users[Role.DRAFTER])
    return decided, finals


def link_member(user, member):
    member.user = user
    member.save(update_fields=["user"])
    return member


def sitting_date(days_ago: int = 2) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)
