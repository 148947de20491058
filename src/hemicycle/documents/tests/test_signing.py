"""Electronic signature (issue 4): PAdES signatures checked by poppler's pdfsig and by
pyHanko's validation, co-signature, tampering, rights, immutability of signed acts, pages and
the signature_verify command."""

import io
import json
import os
import shutil
import stat
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from hemicycle.acts import actions as act_actions
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.documents import keys, signing
from hemicycle.documents.models import FinalDocument, Signature
from hemicycle.documents.samples_signing import rendered_finals, signatory
from hemicycle.journal.models import JournalEntry
from hemicycle.notifications.models import Notification


def pdfsig(pdf: bytes, tmp_path) -> str:
    """poppler's own verification of every signature (the validator a user would run)."""
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.fail("pdfsig introuvable : installez poppler-utils (scripts/ensure-test-tools.sh le fait).")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def signature_blocks(output: str) -> list[str]:
    return [block for block in output.split("Signature #")[1:]]


@pytest.fixture
def finals(world):
    return rendered_finals(world)


@pytest.fixture
def mayor(world):
    return signatory(world, "Maire de Belval-sur-Loire")


@pytest.fixture
def secretary(world):
    user = make_user(world.authority, "secretaire-seance", [Role.SIGNATORY])
    user.first_name, user.last_name, user.title = "Bruno", "Séchaud", "Secrétaire de séance"
    user.save()
    return user


# --- sign_pdf ----------------------------------------------------------------------------------

def test_sign_pdf_is_a_valid_timestamped_pades_b_lt_signature(world, finals, mayor, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    source = blobs.get(finals[0].pdf_sha256)
    signed = signing.sign_pdf(source, mayor, capacity="Maire de Belval-sur-Loire", field_name="Signature1")

    assert signed.startswith(source)  # incremental update: the rendered bytes are untouched
    out = pdfsig(signed, tmp_path)
    [block] = signature_blocks(out)
    assert "Signature Field Name: Signature1" in block
    assert f"Common Name: {keys.signer_name(mayor)}" in block
    assert "ETSI.CAdES.detached" in block
    assert "Total document signed" in block
    assert "Signature Validation: Signature is Valid." in block

    [report] = signing.verify_pdf(signed)
    assert report.intact and report.valid and report.trusted and report.covers_whole_file
    assert report.timestamped and report.timestamp_valid and report.signing_time is not None
    assert report.signer_name == keys.signer_name(mayor)
    assert report.capacity == "Maire de Belval-sur-Loire"
    assert report.organisation == world.authority.name
    assert not report.broken and report.ok and report.problems == []

    # Long-term validation data in the document security store: certificates and the CA's CRL.
    dss = PdfFileReader(io.BytesIO(signed)).root["/DSS"]
    assert len(dss["/Certs"]) >= 3  # signer, embedded CA, TSA
    assert len(dss["/CRLs"]) >= 1


def test_visible_block_names_signer_capacity_and_date(finals, mayor):
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire de Belval-sur-Loire",
                              field_name="Signature1", box=(330, 60, 560, 140))
    reader = PdfFileReader(io.BytesIO(signed))
    [field] = [f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == "Signature1"]
    assert [round(float(v)) for v in field["/Rect"]] == [330, 60, 560, 140]
    assert field.raw_get("/P").idnum == reader.find_page_for_modification(-1)[0].idnum  # the last page
    text = _appearance_text(field["/AP"]["/N"])
    assert "Signé électroniquement par" in text
    assert keys.signer_name(mayor) in text
    assert "Maire de Belval-sur-Loire" in text


def stamp_fonts(pdf: bytes) -> list:
    """The font dictionaries used by the appearance streams of the signature fields."""
    import pypdf

    fonts = []

    def collect(stream):
        stream = stream.get_object()
        resources = (stream.get("/Resources") or {})
        fonts.extend(f.get_object() for f in (resources.get("/Font") or {}).values())
        for xobject in (resources.get("/XObject") or {}).values():
            collect(xobject)

    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    for field in root["/AcroForm"]["/Fields"]:
        collect(field.get_object()["/AP"]["/N"])
    return fonts


def pdfa_identification(pdf: bytes) -> tuple[str, str] | None:
    """(part, conformance) the PDF's XMP metadata claims (pdfaid, as elements or attributes)."""
    import pypdf
    from lxml import etree

    metadata = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/Metadata")
    if metadata is None:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(metadata.get_object().get_data(), parser)
    ns = "http://www.aiim.org/pdfa/ns/id/"
    values = {}
    for element in root.iter():
        for name in ("part", "conformance"):
            if element.get(f"{{{ns}}}{name}") is not None:
                values[name] = element.get(f"{{{ns}}}{name}")
        if isinstance(element.tag, str) and element.tag.startswith(f"{{{ns}}}"):
            values[element.tag.split("}")[1]] = (element.text or "").strip()
    return (values["part"], values["conformance"]) if "part" in values else None


def test_signed_pdfa_keeps_every_font_embedded(world, finals, mayor, secretary, settings):
    """The visible block is drawn with DejaVu Sans, embedded as a subset: a PDF/A-2b act
    stays PDF/A once signed (and co-signed), where pyHanko's default Courier is not embedded."""
    import pypdf

    settings.HEMICYCLE_FINAL_SIGNATURES = "2"
    document = finals[0]
    source = blobs.get(document.pdf_sha256)
    assert signing.unembedded_fonts(source)[0] == []
    signing.sign_final(mayor, document)
    signing.sign_final(secretary, document)
    document.refresh_from_db()
    signed = blobs.get(document.signed_sha256)

    missing, seen = signing.unembedded_fonts(signed)
    assert missing == []
    assert sum("DejaVuSans" in name for name in seen) == 2  # one subset per signature block
    assert pdfa_identification(source) == pdfa_identification(signed) == ("2", "B")
    # The widths given to the PDF are those of the font program (PDF/A 6.2.11.5), in 1/1000 em.
    shared = signing.stamp_font()
    e_glyph = shared.glyphs_of("e")[0]
    e_width = None
    for font in stamp_fonts(signed):
        widths = font["/DescendantFonts"][0].get_object()["/W"]
        for i in range(0, len(widths), 2):
            first = int(widths[i])
            for offset, width in enumerate(widths[i + 1]):
                assert abs(float(width) - shared.widths[first + offset]) <= 1
                if first + offset == e_glyph:
                    e_width = float(width)
    assert e_width is not None and 500 < e_width < 700  # DejaVu Sans's "e": 1260/2048 em
    # Names outside Latin-1 are drawn too (their glyphs join the subset).
    user = make_user(world.authority, "signataire-pl", [Role.SIGNATORY], first="Łukasz", last="Wałęsa")
    out = signing.sign_pdf(source, user, capacity="Adjoint au maire", field_name="Signature1")
    assert signing.unembedded_fonts(out)[0] == []
    assert "Łukasz Wałęsa" in _signature_block_texts(out)[0]


def _appearance_text(xobject) -> str:
    """Text shown in an appearance stream and the forms it draws: the glyphs are drawn by
    their ids (embedded CID font), each line tagged with its text (/ActualText, PDFDocEncoding
    literal string or UTF-16 hex string)."""
    import re

    chunks = []

    def literal(raw: bytes) -> bytes:
        text = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        return re.sub(rb"\\(.)", rb"\1", text)

    def walk(stream):
        data = stream.get_data() if hasattr(stream, "get_data") else stream.data
        for lit, hexa in re.findall(rb"/ActualText\s*(?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f\s]*)>)", data):
            raw = bytes.fromhex(hexa.decode()) if hexa else literal(lit)
            chunks.append(raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1"))
        resources = stream.get("/Resources")
        if resources is not None and "/XObject" in resources:
            for value in resources["/XObject"].values():
                walk(value.get_object())

    walk(xobject.get_object())
    return "\n".join(chunks)


def _signature_block_texts(pdf: bytes) -> list[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf))
    return [_appearance_text(f.get_object()["/AP"]["/N"]) for f in reader.root["/AcroForm"]["/Fields"]]


def test_cosignature_keeps_first_signature_valid(world, finals, mayor, secretary, tmp_path, settings):
    settings.HEMICYCLE_FINAL_SIGNATURES = "2"
    document = finals[0]
    first = signing.sign_final(mayor, document)
    document.refresh_from_db()
    assert document.state == FinalDocument.State.PARTIALLY_SIGNED and document.signed_at is None
    assert first.position == 1 and first.field_name == "Signature1"

    second = signing.sign_final(secretary, document)
    document.refresh_from_db()
    assert document.state == FinalDocument.State.SIGNED and document.signed_at == second.signed_at
    assert second.position == 2 and second.field_name == "Signature2" and second.input_sha256 == first.output_sha256

    signed = blobs.get(document.signed_sha256)
    blocks = signature_blocks(pdfsig(signed, tmp_path))
    assert len(blocks) == 2
    assert all("Signature Validation: Signature is Valid." in b for b in blocks)
    assert "Total document signed" in blocks[1]

    reports = signing.verify_pdf(signed)
    assert [r.signer_name for r in reports] == [keys.signer_name(mayor), keys.signer_name(secretary)]
    assert [r.capacity for r in reports] == ["Maire de Belval-sur-Loire", "Secrétaire de séance"]
    assert reports[0].later_changes == "signatures" and not reports[0].covers_whole_file
    assert reports[1].covers_whole_file
    assert not any(r.broken for r in reports) and all(r.ok for r in reports)


# --- tampering -----------------------------------------------------------------------------------

def _tampered(pdf: bytes) -> bytes:
    """Change one byte inside the signed range: a character of the first page's text stream is
    compressed, so change a byte of the document information instead (plain text)."""
    index = pdf.index(b"/Producer") if b"/Producer" in pdf else pdf.index(b"/Type")
    data = bytearray(pdf)
    position = index + 2
    data[position] = ord("X") if data[position] != ord("X") else ord("Y")
    return bytes(data)


def test_a_changed_byte_is_reported_broken_and_the_command_exits_1(finals, mayor, tmp_path):
    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire", field_name="Signature1")
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(signed)
    bad.write_bytes(_tampered(signed))

    [report] = signing.verify_pdf(bad.read_bytes())
    assert not report.intact and report.broken and not report.ok
    assert any("modifié" in p for p in report.problems)
    assert "Signature is Valid." not in pdfsig(bad.read_bytes(), tmp_path)

    out = io.StringIO()
    call_command("signature_verify", str(good), stdout=out)
    result = json.loads(out.getvalue())
    assert result["broken"] is False and result["signatures"][0]["intact"] is True
    assert result["signatures"][0]["timestamped"] is True

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("signature_verify", str(bad), stdout=out)
    assert exit_info.value.code == 1
    assert json.loads(out.getvalue())["signatures"][0]["broken"] is True


def test_content_changed_in_a_later_revision_is_reported(finals, mayor):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire", field_name="Signature1")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    extra = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (Article 7 ajoute apres signature) Tj ET")
    contents = page["/Contents"]
    page["/Contents"] = generic.ArrayObject(
        (list(contents) if isinstance(contents, generic.ArrayObject) else [contents]) + [writer.add_object(extra)])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)

    [report] = signing.verify_pdf(output.getvalue())
    assert report.intact  # the signed revision is untouched…
    assert report.later_changes == "other" and report.broken  # …but the document shown is not it


# --- long-term validation ------------------------------------------------------------------------

def test_a_signature_stays_valid_once_the_certificate_has_expired(finals, mayor, tmp_path):
    """PAdES B-LT: checked after the signer's certificate has expired (``at``: 4 years on, the
    certificates last 3), the signature is still proven by the timestamp and the certificates and
    revocation list embedded in the document — valid at signing time."""
    import datetime

    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire", field_name="Signature1")
    [today] = signing.verify_pdf(signed)
    assert today.trusted and today.trusted_at_signing_time and today.validation_data_embedded and today.notes == []

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4 * 365)
    assert keys.signer_kit(mayor, "Maire").certificate.not_valid_after < later
    [report] = signing.verify_pdf(signed, at=later)
    assert not report.trusted  # expired today…
    assert report.trusted_at_signing_time and report.ok and not report.broken  # …valid when it signed
    assert report.problems == [] and "l'était à la date de signature" in report.notes[0]
    assert report.validated_at == later

    path = tmp_path / "acte.pdf"
    path.write_bytes(signed)
    out = io.StringIO()
    call_command("signature_verify", str(path), "--at", later.date().isoformat(), stdout=out)
    result = json.loads(out.getvalue())["signatures"][0]
    assert result["trusted"] is False and result["trusted_at_signing_time"] is True and result["ok"] is True


def test_without_timestamp_an_expired_certificate_proves_nothing(finals, mayor):
    """No RFC 3161 token: nothing proves when the document was signed, so once the certificate
    has expired the signature is no longer valid."""
    import datetime

    kit = keys.signer_kit(mayor, "Maire")
    signed = signing.sign_with_kit(blobs.get(finals[0].pdf_sha256), kit, field_name="Signature1",
                                   timestamp=False).pdf
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4 * 365)
    [report] = signing.verify_pdf(signed, at=later)
    assert not report.trusted and not report.trusted_at_signing_time and not report.ok
    assert any("rien dans le document ne prouve" in p for p in report.problems)


def test_verification_page_says_valid_at_signing_time(client, finals, mayor, monkeypatch):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire", field_name="Signature1")
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=4 * 365)
    original = signing.verify_pdf
    monkeypatch.setattr(signing, "verify_pdf", lambda pdf: original(pdf, at=later))
    response = client.post(reverse("documents:verify"), {"pdf": SimpleUploadedFile("acte.pdf", signed)})
    page = response.content.decode().replace("&#x27;", "'")
    assert "Signature 1 : valide" in page and "n'est plus valide aujourd'hui" in page
    assert "certificat valide et non révoqué à la date du jeton d'horodatage" in page


def test_not_a_pdf_is_refused(tmp_path):
    with pytest.raises(signing.VerificationError):
        signing.verify_pdf(b"PK\x03\x04 not a pdf")
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\ngarbage")
    with pytest.raises(SystemExit) as exit_info:
        call_command("signature_verify", str(path), stdout=io.StringIO())
    assert exit_info.value.code == 1


# --- sign_final action ---------------------------------------------------------------------------

def test_sign_final_records_everything(world, finals, mayor):
    document = finals[0]
    source = document.pdf_sha256
    signature = signing.sign_final(mayor, document)
    document.refresh_from_db()

    assert document.state == FinalDocument.State.SIGNED and document.signed_at is not None
    assert document.signed_sha256 == signature.output_sha256 != source
    assert blobs.exists(document.signed_sha256)
    assert signature.signer == mayor and signature.signer_name == keys.signer_name(mayor)
    assert signature.capacity == "Maire de Belval-sur-Loire" and signature.timestamped
    assert signature.input_sha256 == source
    assert len(signature.certificate_sha256) == 64 and "Maire de Belval-sur-Loire" in signature.certificate_subject
    entry = JournalEntry.objects.filter(action="signature.applied").latest("seq")
    assert entry.data["output_sha256"] == signature.output_sha256 and entry.data["complete"] is True
    secretariat = world.users[Role.SECRETARIAT]
    assert Notification.objects.filter(user=secretariat, act=document.act, message__contains="a signé").exists()
    [report] = signing.verify_pdf(blobs.get(document.signed_sha256))
    assert abs((report.signing_time - signature.signed_at).total_seconds()) < 1

    with pytest.raises(ValidationError, match="déjà signé"):
        signing.sign_final(mayor, document)


def test_capacity_of_an_elected_signatory_comes_from_the_mandate(world, finals):
    """A signatory linked to an elected member signs as "<function> de <commune>", worded as
    the final document prints it; the title is only the fallback."""
    import datetime

    from hemicycle.organisation.models import Mandate, Member

    user = world.users[Role.SIGNATORY]
    user.title = "Titre saisi à la main"
    user.save(update_fields=["title"])
    member = Member.objects.create(authority=world.authority, civility="Mme", first_name="Claire", last_name="Adam",
                                   user=user)
    old = Mandate.objects.create(member=member, function="conseillère municipale",
                                 start_date=datetime.date(2014, 3, 30), end_date=datetime.date(2020, 3, 15))
    assert keys.default_capacity(user) == "Titre saisi à la main"  # no mandate running today
    old.delete()
    Mandate.objects.create(member=member, function="conseillère municipale", start_date=datetime.date(2020, 7, 3))
    Mandate.objects.create(member=member, function="adjointe au maire", start_date=datetime.date(2021, 1, 4))
    assert keys.default_capacity(user) == "Adjointe au maire de Villeneuve-sur-Test"
    signature = signing.sign_final(user, finals[1])
    assert signature.capacity == "Adjointe au maire de Villeneuve-sur-Test"
    assert signing.verify_pdf(blobs.get(signature.output_sha256))[0].capacity == signature.capacity
    assert Notification.objects.filter(kind=Notification.Kind.SIGNATURE, act=finals[1].act).exists()

    # The member the document reserves the zone for signs in the capacity printed above it.
    reserved = finals[0].signatories[0]
    Member.objects.filter(pk=member.pk).update(user=None)
    president = Member.objects.get(pk=reserved["member"])
    president.user = user
    president.save(update_fields=["user"])
    user = type(user).objects.get(pk=user.pk)
    assert signing.document_capacity(user, finals[0]) == reserved["capacity"]
    assert signing.sign_final(user, finals[0]).capacity == reserved["capacity"]


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.DRAFTER, Role.ADMINISTRATOR, Role.MEMBER])
def test_only_signatories_sign(world, finals, role):
    user = world.users[role]
    user.title = "Quelqu'un"
    user.save()
    with pytest.raises(PermissionDenied):
        signing.sign_final(user, finals[0])
    assert not Signature.objects.exists()


def test_signatory_of_another_authority_and_without_capacity_are_refused(world, other_world, finals):
    outsider = other_world.users[Role.SIGNATORY]
    outsider.title = "Maire d'Autreville"
    outsider.save()
    with pytest.raises(PermissionDenied):
        signing.sign_final(outsider, finals[0])
    nameless = world.users[Role.SIGNATORY]
    nameless.title = ""
    nameless.save()
    with pytest.raises(ValidationError, match="qualité"):
        signing.sign_final(nameless, finals[0])
    assert not Signature.objects.exists()


def test_a_document_not_rendered_cannot_be_signed(finals, mayor):
    document = finals[0]
    FinalDocument.objects.filter(pk=document.pk).update(state=FinalDocument.State.PENDING)
    with pytest.raises(ValidationError, match="pas prêt"):
        signing.sign_final(mayor, document)


# --- signed acts are immutable -------------------------------------------------------------------

def test_signed_act_cannot_change_and_attempts_are_journaled(world, finals, mayor, settings):
    settings.HEMICYCLE_FINAL_SIGNATURES = "2"  # even partially signed
    document = finals[0]
    act = document.act
    annex = act.annexes.first()
    drafter = world.users[Role.DRAFTER]
    # Before the signature, the act's own rules apply (adopted: not editable) — not our refusal.
    before = JournalEntry.objects.filter(action="act.change_refused").count()
    signing.sign_final(mayor, document)

    with pytest.raises(PermissionDenied, match="signé"):
        act_actions.update_act(drafter, act, lock_version=act.lock_version, object="Autre objet")
    with pytest.raises(PermissionDenied, match="signé"):
        act_actions.add_annex(drafter, act, filename="plan.pdf", content=b"%PDF-1.4\n%%EOF\n")
    refused = JournalEntry.objects.filter(action="act.change_refused").order_by("seq")
    expected = ["update_act", "add_annex"]
    if annex is not None:
        with pytest.raises(PermissionDenied, match="signé"):
            act_actions.remove_annex(drafter, annex)
        expected.append("remove_annex")
    assert refused.count() == before + len(expected)
    assert [e.data["action"] for e in refused][-len(expected):] == expected
    assert refused.last().object_id == str(act.pk)
    act.refresh_from_db()
    assert act.object != "Autre objet"


def test_unsigned_acts_follow_their_usual_rules(world):
    """The check costs nothing to acts without a final document: a draft is still edited."""
    from hemicycle.acts.actions import create_act, update_act

    drafter = world.users[Role.DRAFTER]
    act = create_act(drafter, department=world.departments["DAC"], object="Projet")
    act = update_act(drafter, act, lock_version=act.lock_version, object="Projet modifié")
    assert act.object == "Projet modifié"
    assert not JournalEntry.objects.filter(action="act.change_refused").exists()


# --- keys --------------------------------------------------------------------------------------

def test_embedded_keys_are_pkcs12_per_user_and_cached(world, mayor, secretary):
    from cryptography.hazmat.primitives.serialization import pkcs12

    kit = keys.signer_kit(mayor)
    assert keys.signer_kit(mayor) is kit  # loaded once per process
    path = keys.p12_path(mayor, "Maire de Belval-sur-Loire")
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys.ca_dir() / keys.CA_KEY_FILE).st_mode) == 0o600
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(path.read_bytes(), b"wrong password")
    subject = kit.certificate.subject.native
    assert subject["common_name"] == keys.signer_name(mayor)
    assert subject["title"] == "Maire de Belval-sur-Loire"
    assert kit.chain[0].sha256 == keys.ca_certificate().sha256
    # Another capacity, another certificate; another user, another key.
    other = keys.signer_kit(mayor, "Président de séance")
    assert other.certificate.subject.native["title"] == "Président de séance"
    assert keys.signer_kit(secretary).certificate.public_key.dump() != kit.certificate.public_key.dump()


def test_signing_reuses_keys_and_never_estimates_the_container(finals, mayor, monkeypatch):
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.signers import pdf_signer

    pdf = blobs.get(finals[0].pdf_sha256)
    signing.sign_pdf(pdf, mayor, capacity="Maire", field_name="Signature1")  # warm: keys, chains

    def forbidden(*args, **kwargs):
        raise AssertionError("appelé pour chaque document")

    monkeypatch.setattr(pkcs12, "load_key_and_certificates", forbidden)
    monkeypatch.setattr(pdf_signer.PdfSigningSession, "estimate_signature_container_size", forbidden)
    monkeypatch.setattr(pdf_signer.PdfSigningSession, "perform_presign_validation", forbidden)
    from cryptography.hazmat.primitives import serialization

    monkeypatch.setattr(serialization, "load_der_private_key", forbidden)
    from fontTools import subset

    monkeypatch.setattr(subset.Subsetter, "subset", forbidden)  # the block's font subset is built once
    for _ in range(3):
        [report] = signing.verify_pdf(signing.sign_pdf(pdf, mayor, capacity="Maire", field_name="Signature1"))
        assert report.intact and report.timestamped


def test_pkcs11_backend_needs_its_configuration(settings, mayor):
    settings.HEMICYCLE_SIGNING_BACKEND = "pkcs11"
    settings.HEMICYCLE_PKCS11_MODULE = ""
    keys.forget_cached_keys()
    with pytest.raises(ImproperlyConfigured, match="PKCS#11|pkcs11"):
        keys.signer_kit(mayor)
    settings.HEMICYCLE_SIGNING_BACKEND = "carte-magique"
    with pytest.raises(ImproperlyConfigured, match="embedded"):
        keys.signer_kit(mayor)


# --- pages ---------------------------------------------------------------------------------------

def test_public_verification_page(client, finals, mayor):
    url = reverse("documents:verify")
    assert client.get(url).status_code == 200
    signed = signing.sign_pdf(blobs.get(finals[0].pdf_sha256), mayor, capacity="Maire de Belval-sur-Loire",
                              field_name="Signature1")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"pdf": SimpleUploadedFile("acte.pdf", signed, "application/pdf")})
    page = response.content.decode()
    assert response.status_code == 200
    assert keys.signer_name(mayor) in page and "Maire de Belval-sur-Loire" in page and "valide" in page

    response = client.post(url, {"pdf": SimpleUploadedFile("acte.pdf", _tampered(signed), "application/pdf")})
    assert "rompue" in response.content.decode()

    response = client.post(url, {"pdf": SimpleUploadedFile("image.pdf", b"\x89PNG\r\n", "application/pdf")})
    assert response.status_code == 400 and "n&#x27;est pas un PDF" in response.content.decode()


def test_final_signatures_page(client, world, finals, mayor):
    signing.sign_final(mayor, finals[0])
    client.force_login(world.users[Role.SECRETARIAT])
    response = client.get(reverse("documents:final_signatures", kwargs={"slug": finals[0].act.slug}))
    page = response.content.decode()
    assert response.status_code == 200
    assert keys.signer_name(mayor) in page and "Signature 1 : valide" in page


def test_parapheur_signs_one_then_all(client, world, finals, mayor):
    client.force_login(mayor)
    url = reverse("documents:sign_queue")
    page = client.get(url).content.decode()
    assert all(d.act.reference in page for d in finals)

    response = client.post(url, {"documents": [finals[0].pk]})
    assert response.status_code == 302
    finals[0].refresh_from_db()
    assert finals[0].state == FinalDocument.State.SIGNED

    rest = [d.pk for d in finals[1:]]
    response = client.post(url, {"documents": [d.pk for d in finals]})  # "Signer la sélection"
    assert response.status_code == 302
    assert set(FinalDocument.objects.filter(pk__in=rest).values_list("state", flat=True)) == {
        FinalDocument.State.SIGNED}
    page = client.get(url).content.decode()
    assert "Aucun acte n'attend votre signature" in page.replace("&#x27;", "'")
    assert not any(f'id="to-sign-{d.pk}"' in page for d in finals)
    assert Notification.objects.filter(user=world.users[Role.SECRETARIAT], message__contains="acte(s)").exists()


def test_parapheur_is_for_signatories(client, world):
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(reverse("documents:sign_queue")).status_code == 403


def test_embedded_tsa_tokens_are_valid_rfc3161_tokens(tmp_path):
    """The signing timestamper assembles its tokens from DER parts: the project's token
    verifier and OpenSSL must accept them as they accept pyHanko's."""
    import hashlib

    from hemicycle.sittings import timestamping

    data = b"Deliberation 2026 DAC 1"
    stamper = signing.signing_timestamper()
    token = signing._run(lambda: stamper.async_timestamp(hashlib.sha256(data).digest(), "sha256")).dump()
    check = timestamping.verify(token, data)
    assert check.valid and check.trusted and check.errors == []
    assert timestamping.token_info(token)["policy"].dotted == timestamping.EMBEDDED_POLICY_OID
    assert not timestamping.verify(token, data + b".").valid
    openssl = shutil.which("openssl")
    if openssl:
        (tmp_path / "data").write_bytes(data)
        (tmp_path / "token.der").write_bytes(token)
        (tmp_path / "tsa.pem").write_bytes(
            (timestamping.tsa_dir() / timestamping.CERT_FILE).read_bytes())
        proc = subprocess.run([openssl, "ts", "-verify", "-data", str(tmp_path / "data"), "-in",
                               str(tmp_path / "token.der"), "-token_in", "-CAfile", str(tmp_path / "tsa.pem")],
                              capture_output=True, text=True)
        assert "Verification: OK" in proc.stdout, proc.stdout + proc.stderr


def test_a_batch_signed_in_worker_processes_is_valid_and_journaled(world, mayor, tmp_path, monkeypatch, request):
    """"Signer la sélection" on many acts: the signatures are computed in worker processes
    (signing_workers.py), every write stays in the batch's process (Signature, blob, state,
    journal), and poppler validates each signed PDF."""
    documents = []
    for n in range(5):  # two adopted acts a sitting
        documents += rendered_finals(world, slug=f"seance-lot-{n}", days_ago=4 + 7 * n)
    assert len(documents) >= 10
    from hemicycle.documents import final

    request.addfinalizer(final._drop_pool)
    pooled = []
    real_jobs = signing._worker_jobs
    monkeypatch.setattr(signing, "_worker_jobs", lambda user, prepared: pooled.extend(prepared) or
                        real_jobs(user, prepared))
    in_process = []
    real_sign = signing._sign_prepared
    monkeypatch.setattr(signing, "_sign_prepared", lambda *a: in_process.append(a) or real_sign(*a))
    monkeypatch.setenv("HEMICYCLE_RENDER_PROCESSES", "2")

    result = signing.sign_finals_task.enqueue(mayor.pk, [d.pk for d in documents]).return_value

    assert sorted(result["signed"]) == sorted(d.pk for d in documents) and result["failed"] == {}
    assert len(pooled) == len(documents) and in_process == []  # every signature made by a worker
    entries = {e.data["document"]: e for e in JournalEntry.objects.filter(action="signature.applied")}
    for document in documents:
        document.refresh_from_db()
        assert document.state == FinalDocument.State.SIGNED
        signature = Signature.objects.get(document=document)
        assert signature.signer == mayor and signature.timestamped and signature.input_sha256 == document.pdf_sha256
        assert entries[document.pk].data["output_sha256"] == document.signed_sha256 == signature.output_sha256
        pdf = blobs.get(document.signed_sha256)
        [block] = signature_blocks(pdfsig(pdf, tmp_path))
        assert "Signature is Valid." in block and keys.signer_name(mayor) in block
        [report] = signing.verify_pdf(pdf)
        assert report.ok and report.trusted_at_signing_time
        assert abs((report.signing_time - signature.signed_at).total_seconds()) < 1
    assert Notification.objects.filter(user=world.users[Role.SECRETARIAT],
                                       message__contains=f"{len(documents)} acte(s)").exists()


def test_a_batch_below_the_threshold_stays_in_process(world, finals, mayor, monkeypatch):
    monkeypatch.setattr(signing, "_signed_in_workers", lambda *a: pytest.fail("pool used"))
    result = signing.sign_finals(mayor, [d.pk for d in finals], processes=4)
    assert sorted(result.signed) == sorted(d.pk for d in finals)


def test_parapheur_shows_the_running_batch_progress(client, world, finals, mayor):
    from hemicycle.documents.signature_views import BATCH_KEY

    signing.sign_final(mayor, finals[0])
    client.force_login(mayor)
    session = client.session
    session[BATCH_KEY] = {"task": "inconnue", "ids": [d.pk for d in finals]}  # a batch still running
    session.save()
    page = client.get(reverse("documents:sign_queue")).content.decode()
    assert f"1 sur {len(finals)} signés" in page and 'hx-trigger="every 2s"' in page
