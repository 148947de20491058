"""SEDA 2.3 transfer packages: manifest valid against the official XSD, every file in the zip
with its SHA-512 and size, archive units sitting → act → documents, permanent keeping."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import ManagementUtility
from django.urls import reverse
from lxml import etree

from hemicycle.archives import register as reg
from hemicycle.archives.actions import export_package
from hemicycle.archives.models import ArchiveTransfer
from hemicycle.archives.seda import NS, build_package, check_package, validate_manifest
from hemicycle.archives.testing import add_acknowledgement, build_archived_sitting
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "seda-2.3-main.xsd"
Q = f"{{{NS}}}"


@pytest.fixture(scope="module")
def xsd():
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA), parser))


@pytest.fixture
def archived(world):
    decided, finals = build_archived_sitting(world)
    add_acknowledgement(decided.adopted[0], world.users[Role.SECRETARIAT])
    return decided, finals


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def _assert_files_match(manifest_root, files: dict[str, bytes]):
    objects = list(manifest_root.iter(f"{Q}BinaryDataObject"))
    assert objects
    for bdo in objects:
        uri = bdo.findtext(f"{Q}Uri")
        content = files[uri]
        digest = bdo.find(f"{Q}MessageDigest")
        assert digest.get("algorithm") == "SHA-512"
        assert digest.text == hashlib.sha512(content).hexdigest()
        assert int(bdo.findtext(f"{Q}Size")) == len(content)
        assert bdo.findtext(f"{Q}FileInfo/{Q}Filename")
    assert set(files) == {b.findtext(f"{Q}Uri") for b in objects} | {"manifest.xml"}
    return objects


def _unit_titles(unit) -> list[str]:
    return [u.findtext(f"{Q}Content/{Q}Title") for u in unit.findall(f"{Q}ArchiveUnit")]


def test_sitting_package_is_valid_and_complete(world, archived, xsd):
    decided, finals = archived
    package = build_package(world.authority, sitting=decided.sitting)
    root = etree.fromstring(package.manifest)
    assert xsd.validate(root), xsd.error_log
    assert validate_manifest(package.manifest) == []
    files = _zip(package.zip_bytes())
    objects = _assert_files_match(etree.fromstring(files["manifest.xml"]), files)
    assert root.findtext(f"{Q}MessageIdentifier") == package.message_identifier
    assert root.findtext(f"{Q}ArchivalAgency/{Q}Identifier") == "FRAD075"
    assert root.findtext(f"{Q}TransferringAgency/{Q}Identifier") == "217500016"
    # Permanent keeping and immediate communicability.
    management = root.find(f"{Q}DataObjectPackage/{Q}ManagementMetadata")
    assert management.findtext(f"{Q}AppraisalRule/{Q}FinalAction") == "Keep"
    assert management.findtext(f"{Q}AppraisalRule/{Q}Rule") == "APP0000"
    assert management.findtext(f"{Q}AccessRule/{Q}Rule") == "AR038"
    # Hierarchy: sitting → act → documents.
    (sitting_unit,) = root.findall(f"{Q}DataObjectPackage/{Q}DescriptiveMetadata/{Q}ArchiveUnit")
    assert sitting_unit.findtext(f"{Q}Content/{Q}DescriptionLevel") == "RecordGrp"
    assert sitting_unit.findtext(f"{Q}Content/{Q}OriginatingAgencyArchiveUnitIdentifier") == decided.sitting.slug
    act_units = sitting_unit.findall(f"{Q}ArchiveUnit")
    assert [u.findtext(f"{Q}Content/{Q}OriginatingAgencyArchiveUnitIdentifier") for u in act_units] == [
        f.act.reference for f in finals]
    budget = act_units[0]
    assert budget.findtext(f"{Q}Content/{Q}Title") == "Budget supplémentaire 2026"
    assert budget.findtext(f"{Q}Content/{Q}DescriptionLevel") == "File"
    keywords = {k.findtext(f"{Q}KeywordReference"): k.findtext(f"{Q}KeywordContent")
                for k in budget.iter(f"{Q}Keyword")}
    assert keywords["7"] == "Finances locales" and "7.1" in keywords
    docs = budget.findall(f"{Q}ArchiveUnit")
    doc_types = [d.findtext(f"{Q}Content/{Q}DocumentType") for d in docs]
    assert doc_types == ["Délibération", "Annexe", "Archive @CTES", "Accusé de réception"]
    signing = docs[0].find(f"{Q}Content/{Q}SigningInformation")
    assert signing.findtext(f"{Q}SigningRole") == "SignedDocument"
    assert signing.findtext(f"{Q}SignatureDescription/{Q}Signer/{Q}FullName") == "Anne Lefèvre"
    # Each document points to its data object group; the act's PDF is the signed final, PDF/A-2b.
    groups = {g.get("id"): g.find(f"{Q}BinaryDataObject") for g in root.iter(f"{Q}DataObjectGroup")}
    act_pdf = groups[docs[0].findtext(f"{Q}DataObjectReference/{Q}DataObjectGroupReferenceId")]
    assert files[act_pdf.findtext(f"{Q}Uri")] == blobs.get(finals[0].current_sha256)
    assert act_pdf.findtext(f"{Q}FormatIdentification/{Q}FormatId") == "fmt/477"
    assert act_pdf.findtext(f"{Q}FormatIdentification/{Q}MimeType") == "application/pdf"
    ar = groups[docs[3].findtext(f"{Q}DataObjectReference/{Q}DataObjectGroupReferenceId")]
    assert ar.findtext(f"{Q}FormatIdentification/{Q}FormatId") == "fmt/101"
    assert b"ARActe" in files[ar.findtext(f"{Q}Uri")]
    # Second act: no acknowledgement yet, said in the warnings.
    assert len(act_units[1].findall(f"{Q}ArchiveUnit")) == 1
    assert any("2026 DAC 2" in w for w in package.warnings)
    assert len(objects) == 5


def test_minutes_are_archived_with_the_sitting(world, archived, xsd):
    from hemicycle.sittings.actions.minutes import generate

    decided, _ = archived
    generate(decided.sitting)
    package = build_package(world.authority, sitting=decided.sitting)
    root = etree.fromstring(package.manifest)
    assert xsd.validate(root), xsd.error_log
    (sitting_unit,) = root.iter(f"{Q}DescriptiveMetadata")
    titles = _unit_titles(sitting_unit.find(f"{Q}ArchiveUnit"))
    assert titles[0] == "Procès-verbal de la séance (projet non adopté)"
    minutes_file = next(f for f in package.files if "proces-verbal" in f.path)
    assert minutes_file.format_id == "fmt/477"  # rendered as PDF/A-2b for the archives


def test_year_package_holds_the_register_and_every_sitting(world, archived, xsd):
    decided, _ = archived
    year = decided.sitting.date.year
    volume, _ = reg.generate_register(world.users[Role.SECRETARIAT], world.authority, year)
    package = build_package(world.authority, year=year)
    root = etree.fromstring(package.manifest)
    assert xsd.validate(root), xsd.error_log
    assert check_package(package.zip_bytes()) == []
    (series,) = root.iter(f"{Q}DescriptiveMetadata")
    top = series.find(f"{Q}ArchiveUnit")
    assert top.findtext(f"{Q}Content/{Q}DescriptionLevel") == "Series"
    titles = _unit_titles(top)
    assert titles[0] == f"Registre des délibérations {year}"
    assert titles[1].startswith("Conseil municipal — séance du")
    paths = {f.path: f for f in package.files}
    register_pdf = next(f for p, f in paths.items() if p.endswith(f"registre-deliberations-{year}.pdf"))
    assert register_pdf.data == blobs.get(volume.current_sha256)
    assert any(p.endswith("-jumeau.json") for p in paths) and any(p.endswith("-jumeau.csv") for p in paths)


def test_check_package_detects_a_changed_file(world, archived):
    decided, _ = archived
    package = build_package(world.authority, sitting=decided.sitting)
    package.files[0].data = package.files[0].data + b" "
    problems = check_package(package.zip_bytes())
    assert any("SHA-512" in p for p in problems) and any("Taille" in p for p in problems)


def test_invalid_manifest_is_reported(world, archived):
    decided, _ = archived
    package = build_package(world.authority, sitting=decided.sitting)
    broken = package.manifest.replace(b"<FinalAction>Keep</FinalAction>", b"<FinalAction>Garder</FinalAction>")
    errors = validate_manifest(broken)
    assert errors and "FinalAction" in errors[0]
    assert validate_manifest(b"<pas du xml") != []


def test_export_records_the_transfer_and_journals_it(world, archived):
    decided, _ = archived
    transfer, warnings = export_package(world.users[Role.SECRETARIAT], world.authority, sitting=decided.sitting)
    assert transfer.scope == ArchiveTransfer.Scope.SITTING and transfer.acts_count == 2
    data = blobs.get(transfer.zip_sha256)
    assert len(data) == transfer.zip_size and check_package(data) == []
    files = _zip(data)
    assert files["manifest.xml"] == blobs.get(transfer.manifest_sha256)
    for f in transfer.files:
        assert hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"] and blobs.exists(f["sha256"])
    entry = JournalEntry.objects.get(action="seda.exported")
    assert entry.data["zip_sha256"] == transfer.zip_sha256
    with pytest.raises(Exception):
        export_package(world.users[Role.DRAFTER], world.authority, sitting=decided.sitting)


# --- Command --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch):
    """run_from_argv closes the database connections when a command ends (the test's too)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def _run(*argv) -> int:
    """Run a command as from the shell; its exit code."""
    try:
        ManagementUtility(["hemicycle", *argv]).execute()
    except SystemExit as exc:
        return exc.code or 0
    return 0


def test_seda_export_command_by_sitting_and_year(world, archived, tmp_path, capsys):
    decided, _ = archived
    out = tmp_path / "seance.zip"
    assert _run("seda_export", "--sitting", str(decided.sitting.pk), "--out", str(out)) == 0
    files = _zip(out.read_bytes())
    _assert_files_match(etree.fromstring(files["manifest.xml"]), files)
    assert validate_manifest(files["manifest.xml"]) == []
    year_out = tmp_path / "annee.zip"
    assert _run("seda_export", "--year", str(decided.sitting.date.year), "--authority", world.authority.slug,
                "--out", str(year_out)) == 0
    assert check_package(year_out.read_bytes()) == []
    assert ArchiveTransfer.objects.count() == 2
    capsys.readouterr()
    assert _run("seda_export", "--sitting", "999999", "--out", str(tmp_path / "x.zip")) == 1
    assert "Séance inconnue" in capsys.readouterr().err
    assert _run("seda_export", "--year", "1990", "--out", str(tmp_path / "y.zip")) == 1
    assert not (tmp_path / "x.zip").exists() and not (tmp_path / "y.zip").exists()


# --- Pages --------------------------------------------------------------------------------------

def test_secretariat_produces_and_downloads_a_package(world, other_world, archived, client):
    decided, _ = archived
    client.force_login(world.users[Role.SECRETARIAT])
    assert client.get(reverse("archives:transfers")).status_code == 200
    response = client.post(reverse("archives:transfers"), {"sitting": decided.sitting.pk})
    assert response.status_code == 302
    transfer = ArchiveTransfer.objects.get()
    download = client.get(reverse("archives:transfer_zip", kwargs={"pk": transfer.pk}))
    assert download["Content-Type"] == "application/zip" and download.content == blobs.get(transfer.zip_sha256)
    response = client.post(reverse("archives:transfers"), {"year": "1990"}, follow=True)
    assert "Aucune séance close en 1990" in response.content.decode()
    client.force_login(world.users[Role.DRAFTER])
    assert client.get(reverse("archives:transfers")).status_code == 403
    client.force_login(other_world.users[Role.SECRETARIAT])
    assert client.get(reverse("archives:transfer_zip", kwargs={"pk": transfer.pk})).status_code == 404
    client.post(reverse("archives:transfers"), {"sitting": decided.sitting.pk})
    assert ArchiveTransfer.objects.count() == 1  # another authority's sitting is never exported
