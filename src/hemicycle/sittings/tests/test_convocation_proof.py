"""The sending manifest is hashed and timestamped (RFC 3161, embedded timestamping key); the
verification recomputes the hash and checks the token, and fails when the manifest or the
token was altered. The proof page and its CSV show the proof per member."""

import csv
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from hemicycle.core.roles import Role
from hemicycle.sittings import timestamping
from hemicycle.sittings.actions.convocation import canonical_json, record_consultation, verify_proof
from hemicycle.sittings.models import Convocation

from .convocation_helpers import convocation_world, generate, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    sw = convocation_world(world, members=4, paper=1)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    return sw, send(world, conv, django_capture_on_commit_callbacks)


def test_manifest_lists_recipients_and_files(sent):
    sw, conv = sent
    manifest = conv.manifest
    assert manifest["convocation"] == conv.pk and manifest["sitting"]["slug"] == sw.sitting.slug
    assert manifest["sent_at"] == conv.sent_at.isoformat()
    assert {(r["member"], r["channel"], r["email"]) for r in manifest["recipients"]} == {
        (m.pk, "paper" if m.paper_convocation else "email", "" if m.paper_convocation else m.email)
        for m in sw.members}
    files = {f["name"]: f for f in manifest["files"]}
    assert files["dossier-de-seance.pdf"]["sha256"] == conv.pack_sha256
    assert set(files) == {"lettre-de-convocation.pdf", "ordre-du-jour.pdf", "note-explicative-de-synthese.pdf",
                          "dossier-de-seance.pdf"}
    assert conv.manifest_sha256 == hashlib.sha256(canonical_json(manifest)).hexdigest()


def test_token_verifies_and_a_modified_manifest_fails(sent):
    _, conv = sent
    proof = verify_proof(conv)
    assert proof.valid and proof.manifest_ok and proof.files_ok
    assert proof.timestamp.imprint_ok and proof.timestamp.signature_ok and proof.timestamp.trusted
    assert abs((proof.timestamp.gen_time - conv.sent_at).total_seconds()) < 60
    assert conv.timestamped_at == proof.timestamp.gen_time

    conv.manifest["recipients"][0]["email"] = "quelqu-un-d-autre@example.org"
    conv.save(update_fields=["manifest"])
    conv.refresh_from_db()
    proof = verify_proof(conv)
    assert not proof.valid and not proof.manifest_ok
    assert not proof.timestamp.imprint_ok
    assert "modifié" in proof.timestamp.errors[0]


def test_a_tampered_token_fails(sent):
    _, conv = sent
    token = bytearray(bytes(conv.timestamp_token))
    token[-20] ^= 0xFF  # inside the signature value
    result = timestamping.verify(bytes(token), canonical_json(conv.manifest))
    assert not result.valid and not result.signature_ok


def test_verify_command_prints_the_proof_per_member(sent):
    sw, conv = sent
    out = io.StringIO()
    call_command("convocation_verify", sw.sitting.slug, stdout=out)
    text = out.getvalue()
    assert "PREUVE VALIDE" in text and conv.manifest_sha256 in text
    for member in sw.members:
        assert f"{member.first_name} {member.last_name}" in text
    assert "papier, posté le —" in text

    Convocation.objects.filter(pk=conv.pk).update(manifest={**conv.manifest, "sent_at": "2000-01-01"})
    with pytest.raises(CommandError):
        call_command("convocation_verify", sw.sitting.slug, stdout=io.StringIO())


def test_proof_page_and_csv(world, client, sent):
    sw, conv = sent
    reader = conv.recipients.get(member=sw.members[0])
    record_consultation(reader, "dossier-de-seance")
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("sittings:convocation_proof", args=[sw.sitting.slug, conv.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert conv.manifest_sha256 in html
    assert "Dossier de séance —" in html
    response = client.get(reverse("sittings:convocation_proof_csv", args=[sw.sitting.slug, conv.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Élu", "Identifiant", "Canal"]
    by_id = {int(row[1]): row for row in rows[1:]}
    assert set(by_id) == {m.pk for m in sw.members}
    assert "Dossier de séance" in by_id[sw.members[0].pk][7]
    assert by_id[sw.members[-1].pk][2] == "Papier"
    assert by_id[sw.members[1].pk][5]  # delivered
    verify = client.get(reverse("sittings:convocation_verify", args=[sw.sitting.slug, conv.pk]))
    assert "Preuve intègre" in verify.content.decode()


def test_paper_posting_is_recorded(world, client, sent):
    from django.utils import timezone

    sw, conv = sent
    paper = conv.recipients.get(channel="paper")
    client.force_login(world.users[Role.SECRETARIAT])
    url = reverse("sittings:convocation_paper", args=[sw.sitting.slug, conv.pk])
    assert client.get(url).status_code == 200
    future = (timezone.localdate() + timezone.timedelta(days=2)).isoformat()
    response = client.post(url, {"posted_on": future, "recipients": [str(paper.pk)]})
    assert response.status_code == 400 and "futur" in response.content.decode()
    response = client.post(url, {"posted_on": timezone.localdate().isoformat(), "recipients": [str(paper.pk)]})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert timezone.localdate(paper.paper_posted_at) == timezone.localdate()
    letters = client.get(reverse("sittings:convocation_paper_letters", args=[sw.sitting.slug, conv.pk]))
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    one = client.get(reverse("sittings:convocation_paper_letter", args=[sw.sitting.slug, conv.pk, paper.pk]))
    assert one.status_code == 200


def test_external_timestamp_service_is_used_when_configured(settings, monkeypatch):
    from pyhanko.sign.timestamps import HTTPTimeStamper

    settings.HEMICYCLE_TSA_URL = "http://tsa.example.org/tsr"
    assert isinstance(timestamping.timestamper(), HTTPTimeStamper)
    settings.HEMICYCLE_TSA_URL = ""
    assert not isinstance(timestamping.timestamper(), HTTPTimeStamper)


def test_unreachable_timestamp_service_refuses_to_send(world, settings, django_capture_on_commit_callbacks):
    from hemicycle.sittings.actions.convocation import ConvocationError, send_convocation

    sw = convocation_world(world)
    conv = generate(world, sw.sitting, django_capture_on_commit_callbacks)
    settings.HEMICYCLE_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    with pytest.raises(ConvocationError, match="horodatage"):
        send_convocation(world.users[Role.SECRETARIAT], conv)
    conv.refresh_from_db()
    assert conv.state == Convocation.State.READY and not conv.recipients.exists()


def test_downloaded_manifest_token_and_certificate_verify_together(world, client, sent):
    from asn1crypto import pem, x509

    sw, conv = sent
    client.force_login(world.users[Role.SECRETARIAT])
    args = [sw.sitting.slug, conv.pk]
    manifest = client.get(reverse("sittings:convocation_manifest", args=args)).content
    token = client.get(reverse("sittings:convocation_token", args=args)).content
    certificate = client.get(reverse("sittings:convocation_tsa_certificate", args=args)).content
    assert hashlib.sha256(manifest).hexdigest() == conv.manifest_sha256
    assert timestamping.verify(token, manifest).valid
    _, _, der = pem.unarmor(certificate)
    assert x509.Certificate.load(der).dump() == timestamping.embedded_certificate().dump()


def test_timestamping_works_from_inside_an_event_loop():
    import asyncio

    async def stamp():
        return timestamping.timestamp(b"manifeste")

    token = asyncio.run(stamp())
    assert timestamping.verify(token, b"manifeste").valid
    assert not timestamping.verify(token, b"manifestE").valid
