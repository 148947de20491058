"""URL parameters of the legality pages for the access-matrix test (core/tests/test_access_matrix.py):
an act with a signed final document, one transmission (its archive in the blob store) and a
request of the prefecture with its letter."""

from django.utils import timezone

from hemicycle.core.roles import Role

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url_samples(world) -> dict:
    from hemicycle.acts.actions import create_act
    from hemicycle.core import blobs
    from hemicycle.documents.models import FinalDocument

    from .models import PrefectureMessage, Transmission

    act = create_act(world.users[Role.DRAFTER], department=world.departments["DAC"],
                     object="Acte d'exemple transmis en préfecture", articles=["Article unique."])
    digest = blobs.put(_PDF)
    FinalDocument.objects.create(authority=world.authority, act=act, decision_date=timezone.localdate(),
                                 state=FinalDocument.State.SIGNED, pdf_sha256=digest, signed_sha256=digest,
                                 signed_at=timezone.now())
    t = Transmission.objects.create(authority=world.authority, act=act, state=Transmission.State.REQUEST_PENDING,
                                    idempotency_key="exemple-matrice", archive_name="HEM-EACT--exemple.tar.gz",
                                    archive_sha256=blobs.put(b"exemple d'archive"), operator_id="1",
                                    id_acte="075-217500016-20260101-EXEMPLE-DE", received_on=timezone.localdate(),
                                    created_by=world.users[Role.SECRETARIAT])
    message = PrefectureMessage.objects.create(
        transmission=t, direction=PrefectureMessage.Direction.IN, flow="3-1", kind="DemandePieceComplementaire",
        date=timezone.localdate(), text="Pièces demandées", operator_id="2",
        files=[{"name": "lettre.pdf", "sha256": digest}])
    slug = {"slug": act.slug}
    return {
        "legality:act": slug, "legality:transmit": slug,
        "legality:resend": {**slug, "pk": t.pk}, "legality:cancel": {**slug, "pk": t.pk},
        "legality:archive": {**slug, "pk": t.pk},
        "legality:answer": {**slug, "pk": message.pk},
        "legality:message_file": {**slug, "pk": message.pk, "index": 1},
    }
