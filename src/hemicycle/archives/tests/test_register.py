"""The register of deliberations of a year: content, PDF/A, twin, versions, co-signature, pages."""

import csv
import io
import json
import subprocess

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hemicycle.archives import register as reg
from hemicycle.archives.models import RegisterVolume
from hemicycle.archives.testing import build_archived_sitting, link_member, make_final
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.core.testing import make_user
from hemicycle.documents.models import FinalDocument
from hemicycle.journal.models import JournalEntry


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\xa0", " ")


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def archived(world):
    decided, finals = build_archived_sitting(world)
    return decided, finals


def test_register_lists_deliberations_closing_sheet_and_tables(world, archived):
    decided, finals = archived
    year = decided.sitting.date.year
    volume, changed = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, year)
    assert changed and volume.state == RegisterVolume.State.DRAFT and not volume.missing
    pdf = blobs.get(volume.pdf_sha256)
    text = pdf_text(pdf)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert volume.pages == len(pages) >= 5
    # Numbered pages to bind: "page n / N" on every page.
    for n, page in enumerate(pages, start=1):
        assert f"page {n} / {len(pages)}" in page.extract_text()
    # Deliberations with their order number within the sitting and their object.
    for act in decided.acts[:3]:
        item = act.agenda_items.get()
        assert f"Délibération n° {item.number} — {act.reference}" in text
        assert act.object in text
    # Public ballot: names and votes are in the register (L2121-21).
    assert "Votes nominatifs" in text and flat("Mme Chantal Roux (Contre)") in flat(text)
    # Closing sheet: date, numbers and objects, members present, president and secretary.
    assert "FEUILLET DE CLÔTURE DE LA SÉANCE DU" in text
    closing = text[text.index("FEUILLET DE CLÔTURE"):]
    assert "Mme Anne Lefèvre" in closing and "M. Bruno Garnier" in closing
    assert "Membres présents" in closing and "Mme Chantal Roux" in closing
    assert "Le président de séance" in closing and "Le(s) secrétaire(s) de séance" in closing
    assert "1 Budget supplémentaire 2026" in closing and "3 Cession de la parcelle AB 112 Rejeté" in closing
    # Table by date with the page of each deliberation, table by subject (matières).
    by_date = text[text.index("TABLE CHRONOLOGIQUE"):text.index("TABLE DES DÉLIBÉRATIONS PAR MATIÈRE")]
    assert "Budget supplémentaire 2026" in by_date and "Cession de la parcelle AB 112" in by_date
    by_subject = text[text.index("TABLE DES DÉLIBÉRATIONS PAR MATIÈRE"):]
    assert "7.5 Subventions" in by_subject and "3.2" in by_subject
    assert by_subject.index("3.2") < by_subject.index("7.1") < by_subject.index("7.5")
    # Signed finals are referenced by their SHA-256.
    for final in finals:
        assert final.current_sha256 in flat(text)
    journal = JournalEntry.objects.filter(action="register.generated").get()
    assert journal.data["pdf_sha256"] == volume.pdf_sha256


def test_register_page_numbers_in_tables_point_to_the_deliberation(world, archived):
    decided, _ = archived
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, decided.sitting.date.year)
    reader = pypdf.PdfReader(io.BytesIO(blobs.get(volume.pdf_sha256)))
    texts = [p.extract_text().replace("\xa0", " ") for p in reader.pages]
    page_of_budget = next(n for n, t in enumerate(texts, start=1) if "Délibération n° 1 —" in t)
    subject_page = next(t for t in texts if "TABLE DES DÉLIBÉRATIONS PAR MATIÈRE" in t)
    line = next(ln for ln in subject_page.splitlines() if "Budget supplémentaire 2026" in ln)
    assert line.rstrip().endswith(str(page_of_budget))


def test_register_is_pdfa_2b(world, archived):
    decided, _ = archived
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, decided.sitting.date.year)
    reader = pypdf.PdfReader(io.BytesIO(blobs.get(volume.pdf_sha256)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_twin_lists_every_act_with_the_sha256_of_its_signed_pdf(world, archived):
    decided, finals = archived
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, decided.sitting.date.year)
    twin = json.loads(blobs.get(volume.twin_sha256))
    assert twin["year"] == volume.year and twin["authority"]["siren"] == "217500016"
    assert twin["register_pdf_sha256"] == volume.pdf_sha256
    by_ref = {a["reference"]: a for a in twin["acts"]}
    for final in FinalDocument.objects.filter(pk__in=[f.pk for f in finals]):
        entry = by_ref[final.act.reference]
        assert entry["sha256"] == final.current_sha256 == final.signed_sha256
        assert entry["number"] == final.number
        assert entry["sitting"] == decided.sitting.slug
        assert blobs.get(entry["sha256"])  # the hash names a stored file
    rejected = by_ref[decided.acts[2].reference]
    assert rejected["decision"] == "Rejeté" and rejected["sha256"] == ""
    rows = list(csv.DictReader(io.StringIO(blobs.get(volume.twin_csv_sha256).decode()), delimiter=";"))
    assert {r["reference"]: r["sha256_pdf_signe"] for r in rows} == {a["reference"]: a["sha256"] for a in twin["acts"]}


def test_unchanged_register_is_not_rendered_again_and_changes_make_a_new_version(world, archived):
    decided, finals = archived
    secretariat = world.users[Role.SECRETARIAT]
    year = decided.sitting.date.year
    first, _ = reg.generate_register(secretariat, world.authority, year)
    again, changed = reg.generate_register(secretariat, world.authority, year)
    assert not changed and again.pdf_sha256 == first.pdf_sha256 and again.version == 1
    act = decided.adopted[1]
    act.object = "Subvention à l'association Les Amis du Moulin (rectifiée)"
    act.save()
    newer, changed = reg.generate_register(secretariat, world.authority, year)
    assert changed and newer.version == 2 and newer.pdf_sha256 != first.pdf_sha256
    assert newer.history[0]["pdf_sha256"] == first.pdf_sha256
    assert "(rectifiée)" in pdf_text(blobs.get(newer.pdf_sha256))


def test_acts_without_signed_final_block_the_signature(world):
    from hemicycle.documents.testing import build_decided_sitting

    decided = build_decided_sitting(world)
    item = decided.adopted[0].agenda_items.get()
    make_final(decided.adopted[0], item, signed=False)
    year = decided.sitting.date.year
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, year)
    assert {m["reference"] for m in volume.missing} == {a.reference for a in decided.adopted}
    with pytest.raises(ValidationError, match="document définitif signé"):
        reg.sign_register(world.users[Role.SIGNATORY], volume, "president")


def test_only_secretariat_and_administrator_produce_the_register(world, archived):
    decided, _ = archived
    for role in (Role.DRAFTER, Role.SIGNATORY, Role.MEMBER):
        with pytest.raises(PermissionDenied):
            reg.generate_register(world.users[role], world.authority, decided.sitting.date.year)
    volume, _ = reg.generate_register(world.users[Role.ADMINISTRATOR], world.authority, decided.sitting.date.year)
    assert volume.pk


def test_register_is_cosigned_by_president_and_secretary(world, archived, tmp_path):
    decided, _ = archived
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, decided.sitting.date.year)
    president = world.users[Role.SIGNATORY]
    secretary = make_user(world.authority, "bruno-garnier", [Role.MEMBER], first="Bruno", last="Garnier")
    link_member(secretary, decided.sitting.secretaries.get())
    outsider_member = world.users[Role.MEMBER]  # a member who was not secretary of any sitting
    assert reg.eligible_roles(president, volume) == {"president"}
    assert reg.eligible_roles(secretary, volume) == {"secretary"}
    assert reg.eligible_roles(outsider_member, volume) == set()
    with pytest.raises(PermissionDenied):
        reg.sign_register(outsider_member, volume, "secretary")

    volume = reg.sign_register(president, volume, "president")
    assert volume.state == RegisterVolume.State.PARTIALLY_SIGNED
    with pytest.raises(ValidationError):
        reg.sign_register(president, volume, "president")
    volume = reg.sign_register(secretary, volume, "secretary")
    assert volume.state == RegisterVolume.State.SIGNED and volume.signed_at is not None
    assert [s["role"] for s in volume.signatures] == ["president", "secretary"]
    signed = blobs.get(volume.signed_sha256)
    assert signed.startswith(blobs.get(volume.pdf_sha256)[:1000])
    path = tmp_path / "registre-signe.pdf"
    path.write_bytes(signed)
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True)
    out = result.stdout
    assert out.count("Signature #") == 2, out
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert JournalEntry.objects.filter(action="register.signed").count() == 2
    # A signed register that changes gets a new version to sign again; the signed one is kept.
    act = decided.adopted[0]
    act.object = "Budget supplémentaire 2026 (modifié)"
    act.save()
    newer, changed = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, volume.year)
    assert changed and newer.state == RegisterVolume.State.DRAFT and newer.signatures == []
    assert newer.history[-1]["signed_sha256"] == volume.signed_sha256


# --- Pages ---------------------------------------------------------------------------------------

def test_secretariat_produces_and_downloads_the_register(world, archived, client):
    decided, _ = archived
    year = decided.sitting.date.year
    client.force_login(world.users[Role.SECRETARIAT])
    page = client.get(reverse("archives:registers"))
    assert page.status_code == 200 and str(year) in page.content.decode()
    response = client.post(reverse("archives:register_generate", kwargs={"year": year}))
    assert response.status_code == 302
    volume = RegisterVolume.objects.get(authority=world.authority, year=year)
    detail = client.get(reverse("archives:register", kwargs={"year": year}))
    assert detail.status_code == 200 and "Signer en qualité" not in detail.content.decode()
    pdf = client.get(reverse("archives:register_pdf", kwargs={"year": year}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == blobs.get(volume.pdf_sha256)
    twin = client.get(reverse("archives:register_twin", kwargs={"year": year, "fmt": "json"}))
    assert json.loads(twin.content)["year"] == year
    csv_response = client.get(reverse("archives:register_twin", kwargs={"year": year, "fmt": "csv"}))
    assert csv_response.content.decode().startswith("reference;numero")
    assert client.get(reverse("archives:register_twin", kwargs={"year": year, "fmt": "xml"})).status_code == 404


def test_signatory_sees_the_sign_button_others_do_not(world, archived, client):
    decided, _ = archived
    year = decided.sitting.date.year
    reg.generate_register(world.users[Role.SECRETARIAT], world.authority, year)
    client.force_login(world.users[Role.SIGNATORY])
    assert "Signer en qualité de « Le président »" in client.get(
        reverse("archives:register", kwargs={"year": year})).content.decode()
    client.force_login(world.users[Role.MEMBER])
    page = client.get(reverse("archives:register", kwargs={"year": year}))
    assert page.status_code == 200 and "Signer en qualité" not in page.content.decode()
    response = client.post(reverse("archives:register_sign", kwargs={"year": year}), {"role": "secretary"})
    assert response.status_code == 403
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("archives:registers")).status_code == 403
    assert client.post(reverse("archives:register_generate", kwargs={"year": year})).status_code == 403


def test_other_authority_cannot_reach_the_register(world, other_world, archived, client):
    decided, _ = archived
    year = decided.sitting.date.year
    reg.generate_register(world.users[Role.SECRETARIAT], world.authority, year)
    client.force_login(other_world.users[Role.SECRETARIAT])
    assert client.get(reverse("archives:register", kwargs={"year": year})).status_code == 404
    assert client.get(reverse("archives:register_pdf", kwargs={"year": year})).status_code == 404
    assert client.post(reverse("archives:register_generate", kwargs={"year": year})).status_code == 404
