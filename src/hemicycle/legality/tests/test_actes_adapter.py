"""From a decided sitting to a @CTES archive: acte_data_for, the actes_export command, and the
classification version a transmission keeps."""

import io
import tarfile
import uuid

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from hemicycle.acts.classification import default_classification_bytes, import_classification
from hemicycle.acts.models import Annex, ClassificationVersion
from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.legality import actes
from hemicycle.legality.actes import ActesError, acte_data_for
from hemicycle.legality.models import Transmission
from hemicycle.legality.testing import signed_final

NS = {"actes": actes.ACTES_NS}
pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(world):
    return build_decided_sitting(world)


def add_annex(world, act, name, content, *, sent=True, position=0, removed=False):
    from django.utils import timezone

    return Annex.objects.create(act=act, title=name.rsplit(".", 1)[0], original_name=name,
                                mime_type="application/pdf", size=len(content), sha256=blobs.put(content),
                                position=position, sent_to_prefecture=sent,
                                uploaded_by=world.users[Role.DRAFTER], removed_at=timezone.now() if removed else None)


def test_acte_data_for_an_adopted_deliberation(world, decided):
    subsidy = decided.adopted[1]
    final = signed_final(world, subsidy)
    add_annex(world, subsidy, "convention.pdf", b"%PDF-1.4 convention", position=1)
    add_annex(world, subsidy, "budget.pdf", b"%PDF-1.4 budget", position=0)
    add_annex(world, subsidy, "interne.pdf", b"%PDF-1.4 interne", sent=False)
    add_annex(world, subsidy, "retiree.pdf", b"%PDF-1.4 retiree", removed=True)
    data = acte_data_for(subsidy)
    assert (data.siren, data.department, data.arrondissement) == ("217500016", "075", "0")
    assert data.number == actes.numero_interne(subsidy.reference)
    assert data.nature == "DE" and data.matieres == (7, 5)
    assert data.decision_date == decided.sitting.date == final.decision_date
    assert data.object == "Subvention à l'association Les Amis du Moulin"
    assert data.classification_date.isoformat() == "2017-12-08"
    assert data.act.content == blobs.get(final.signed_sha256) and data.act.piece_type == "99_DE"
    assert [a.content for a in data.annexes] == [b"%PDF-1.4 budget", b"%PDF-1.4 convention"]
    assert all(a.piece_type == "99_AU" for a in data.annexes)
    secretariat = world.users[Role.SECRETARIAT]
    assert data.referent.email == secretariat.email and data.return_emails == (secretariat.email,)
    message = actes.build_message(data)
    assert actes.validate_message(message) == []
    assert "Subvention à l'association Les Amis du Moulin".encode("iso-8859-1") in message


def test_the_act_must_have_a_signed_final_document(world, decided):
    budget = decided.adopted[0]
    with pytest.raises(ActesError, match="pas de document définitif"):
        acte_data_for(budget)
    signed_final(world, budget, signed=False)
    with pytest.raises(ActesError, match="La délibération .* n'est pas signée"):
        acte_data_for(budget)
    signed_final(world, budget)
    assert acte_data_for(budget).nature == "DE"


def test_classification_of_one_level_is_refused(world, decided):
    budget = decided.adopted[0]
    signed_final(world, budget)
    budget.matiere_codes = ["7"]
    budget.save(update_fields=["matiere_codes"])
    with pytest.raises(ActesError, match="au moins deux niveaux"):
        acte_data_for(budget)


def test_unknown_matiere_in_the_current_classification_is_refused(world, decided):
    budget = decided.adopted[0]
    signed_final(world, budget)
    budget.matiere_codes = ["7", "7.99"]
    budget.save(update_fields=["matiere_codes"])
    with pytest.raises(ActesError, match="7.99 .* n'existe pas"):
        acte_data_for(budget)


def test_annex_in_a_format_actes_refuses(world, decided):
    budget = decided.adopted[0]
    signed_final(world, budget)
    add_annex(world, budget, "note.docx", b"PK\x03\x04 docx")
    with pytest.raises(ActesError, match="format .docx"):
        acte_data_for(budget)


def test_no_return_address(world, decided):
    budget = decided.adopted[0]
    signed_final(world, budget)
    world.users[Role.SECRETARIAT].email = ""
    world.users[Role.SECRETARIAT].save()
    with pytest.raises(ActesError, match="adresse de retour"):
        actes.build_archive(acte_data_for(budget), 1)


def test_return_address_and_trigram_from_settings(world, decided, settings):
    settings.HEMICYCLE_ACTES_RETURN_EMAIL = "legalite@villeneuve-test.fr"
    settings.HEMICYCLE_ACTES_TRIGRAMME = "VNT"
    budget = decided.adopted[0]
    signed_final(world, budget)
    data = acte_data_for(budget)
    assert data.return_emails == ("legalite@villeneuve-test.fr",)
    assert actes.trigramme() == "VNT"


def test_department_authority_needs_its_nature_code(world, decided, settings):
    budget = decided.adopted[0]
    signed_final(world, budget)
    world.authority.kind = "departement"
    world.authority.save()
    budget.refresh_from_db()
    with pytest.raises(ActesError, match="HEMICYCLE_ACTES_AUTHORITY_NATURE"):
        acte_data_for(budget)
    settings.HEMICYCLE_ACTES_AUTHORITY_NATURE = {"departement": "20"}
    assert acte_data_for(budget).authority_nature == "20"


def newer_classification() -> bytes:
    return default_classification_bytes().replace(b"<actes:DateClassification>2017-12-08<",
                                                  b"<actes:DateClassification>2026-10-01<")


def test_a_transmission_keeps_the_classification_it_was_sent_with(world, decided):
    subsidy = decided.adopted[1]
    signed_final(world, subsidy)
    version = actes.classification_for(subsidy)
    transmission = Transmission.objects.create(
        authority=world.authority, act=subsidy, idempotency_key=uuid.uuid4().hex, classification_version=version,
        created_by=world.users[Role.SECRETARIAT])
    assert acte_data_for(subsidy, transmission=transmission).classification_date.isoformat() == "2017-12-08"

    result = import_classification(world.authority, newer_classification())
    assert result.created and ClassificationVersion.objects.filter(authority=world.authority).count() == 2

    transmission.refresh_from_db()
    assert transmission.classification_version == version  # the import did not touch it
    subsidy.refresh_from_db()
    assert subsidy.classification_version.version_date.isoformat() == "2017-12-08"  # nor the act
    sent = acte_data_for(subsidy, transmission=transmission)
    assert sent.classification_date.isoformat() == "2017-12-08"
    # a new transmission uses the current classification, as the ministry requires
    assert acte_data_for(subsidy).classification_date.isoformat() == "2026-10-01"
    assert actes.classification_for(subsidy) == result.version


# --- actes_export ------------------------------------------------------------------------------------

def test_actes_export_writes_the_archive(world, decided, tmp_path):
    subsidy = decided.adopted[1]
    signed_final(world, subsidy)
    add_annex(world, subsidy, "budget.pdf", b"%PDF-1.4 budget")
    out = io.StringIO()
    call_command("actes_export", subsidy.reference, "--out", str(tmp_path), "--serial", "4",
                 "--date", "2026-11-20", stdout=out)
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == ["HEM-EACT--217500016--20261120-4.tar.gz"]
    number = actes.numero_interne(subsidy.reference)
    day = decided.sitting.date.strftime("%Y%m%d")
    base = f"075-217500016-{day}-{number}-DE-1-1"
    with tarfile.open(files[0], "r:gz") as tar:
        names = tar.getnames()
        contents = {n: tar.extractfile(n).read() for n in names}
    assert names == ["EACT--217500016--20261120-4.xml", f"{base}_0.xml", f"99_DE-{base}_1.pdf", f"99_AU-{base}_2.pdf"]
    for name in names[:2]:
        assert actes.validate_message(contents[name]) == []
    assert contents[f"99_DE-{base}_1.pdf"].startswith(b"%PDF")
    acte = etree.fromstring(contents[f"{base}_0.xml"])
    assert acte.get(f"{{{actes.ACTES_NS}}}NumeroInterne") == number
    assert "HEM-EACT--217500016--20261120-4.tar.gz" in out.getvalue()


def test_actes_export_accepts_the_reference_as_typed(world, decided, tmp_path):
    subsidy = decided.adopted[1]
    signed_final(world, subsidy)
    call_command("actes_export", "  " + subsidy.reference.replace(" ", "  ") + " ", "--out", str(tmp_path),
                 stdout=io.StringIO())
    assert len(list(tmp_path.iterdir())) == 1


def test_actes_export_errors(world, decided, tmp_path):
    with pytest.raises(CommandError, match="Aucun acte de référence « 2099 XXX 1 »"):
        call_command("actes_export", "2099 XXX 1", "--out", str(tmp_path))
    budget = decided.adopted[0]
    with pytest.raises(CommandError, match="Archive @CTES impossible : .*document définitif"):
        call_command("actes_export", budget.reference, "--out", str(tmp_path))
    signed_final(world, budget)
    with pytest.raises(CommandError, match="--date|AAAA-MM-JJ"):
        call_command("actes_export", budget.reference, "--out", str(tmp_path), "--date", "20/11/2026")
    assert not any(tmp_path.iterdir())


def test_actes_export_exit_code(world, decided, tmp_path, capsys, monkeypatch):
    """Run as the operator does: a French message on stderr and a non-zero exit code."""
    from django.core.management import ManagementUtility
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv closes them; keep the test's

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["hemicycle", "actes_export", "2099 XXX 1", "--out", str(tmp_path)]).execute()
    assert exc.value.code != 0
    assert "Aucun acte de référence « 2099 XXX 1 »" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["hemicycle", "actes_export", decided.adopted[0].reference, "--out", str(tmp_path)]).execute()
    assert exc.value.code != 0
    assert "n'a pas de document définitif" in capsys.readouterr().err


def test_transmission_obligation_of_acts(world, decided):
    budget, subsidy = decided.adopted
    obligation = actes.transmission_obligation(subsidy)
    assert obligation.required and obligation.article == "L2131-2 1°"
    budget.nature, budget.matiere_codes = "AI", ["4", "4.2"]
    assert actes.transmission_obligation(budget).individual
    budget.matiere_codes = ["4", "4.1"]
    assert not actes.transmission_obligation(budget).required
    budget.nature, budget.matiere_codes, budget.amount = "CC", ["1", "1.1"], 50000
    assert not actes.transmission_obligation(budget).required
