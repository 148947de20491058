"""The @CTES message layer, without the database: every file validated against the official XSD
shipped in legality/schemas (lxml), ISO-8859-1 with accents, names, archive contents."""

import gzip
import hashlib
import io
import tarfile
from dataclasses import replace
from datetime import date
from importlib import resources

import pytest
from lxml import etree

from hemicycle.legality import actes
from hemicycle.legality.actes import ActeData, ActesError, Piece, Referent

NS = {"actes": actes.ACTES_NS, "insee": actes.INSEE_NS}
PDF = b"%PDF-1.7\n% fake act for tests\n%%EOF\n"


def xsd() -> etree.XMLSchema:
    """The schema straight from the package (not through the module's cache)."""
    with resources.as_file(resources.files("hemicycle.legality.schemas") / "actesv1_1.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(xml: bytes) -> etree._Element:
    schema = xsd()
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    assert actes.validate_message(xml) == []
    return document


def sample(**changes) -> ActeData:
    data = ActeData(
        siren="217500016", department="075", arrondissement="0", decision_date=date(2026, 11, 14),
        number=actes.numero_interne("2026 DAC 123"), nature="DE", matieres=(7, 5),
        object="Subvention à l'association « Les Amis du Moulin » : réfection de la roue, 12 000 €",
        classification_date=date(2017, 12, 8), act=Piece(PDF, "99_DE"),
        annexes=(Piece(b"%PDF-1.4 annexe", "99_AU", title="Budget prévisionnel"),
                 Piece(b"\x89PNG\r\n\x1a\nplan", "22_PN", extension="png", title="Plan")),
        reference="2026 DAC 123",
        referent=Referent("Hélène Sécrétariat", "01 23 45 67 89", "helene.secretariat@example.org"))
    return replace(data, **changes)


# --- Values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("reference", "expected"), [
    ("2026 DAC 123", "2026_DAC_123"),
    ("2026 dac 7", "2026_DAC_7"),
    ("2026-DFPE/12", "2026_DFPE_12"),
    ("  2026   DAC  1 ", "2026_DAC_1"),
    ("2026 Équipe 3", "2026_EQUIPE_3"),  # accents dropped
    ("(2026) DAC 123.", "2026_DAC_123"),  # no leading / trailing _
    ("123456789012345", "123456789012345"),  # exactly 15
])
def test_numero_interne(reference, expected):
    assert actes.numero_interne(reference) == expected


def test_numero_interne_shortens_long_references_deterministically():
    long_a = "2026 DFPE-SPORTS 1234"  # 2026_DFPE_SPORTS_1234: 21 characters
    long_b = "2026 DFPE-SPORTS 1235"
    a, b = actes.numero_interne(long_a), actes.numero_interne(long_b)
    assert len(a) <= 15 and len(b) <= 15
    assert a.startswith("2026_DFPE_") and b.startswith("2026_DFPE_")
    assert a != b  # the hash of the full number keeps them apart
    assert a == actes.numero_interne(long_a)  # deterministic
    digest = __import__("base64").b32encode(hashlib.sha256(b"2026_DFPE_SPORTS_1234").digest()).decode()[:4]
    assert a == f"2026_DFPE_{digest}"
    for value in (a, b):
        assert actes._NUMERO.match(value)  # S2LOW's rule


def test_numero_interne_without_letters_or_digits():
    with pytest.raises(ActesError, match="ni lettre ni chiffre"):
        actes.numero_interne(" / - ")


@pytest.mark.parametrize(("codes", "levels"), [
    (["7", "7.5"], (7, 5)),
    ("7.5", (7, 5)),
    (["7", "7.10"], (7, 10)),
    (["8", "8.4", "8.4.2"], (8, 4, 2)),
    ("1.1.2.3.4", (1, 1, 2, 3, 4)),
])
def test_matiere_levels(codes, levels):
    assert actes.matiere_levels(codes) == levels


@pytest.mark.parametrize(("codes", "message"), [
    (["7"], "au moins deux niveaux"),
    ([], "au moins deux niveaux"),
    ("1.2.3.4.5.6", "au plus cinq"),
    ("7.A", "nombre"),
])
def test_matiere_levels_refused(codes, message):
    with pytest.raises(ActesError, match=message):
        actes.matiere_levels(codes)


@pytest.mark.parametrize(("nature", "code", "piece"), [
    ("DE", 1, "99_DE"), ("AR", 2, "99_AR"), ("AI", 3, "99_AI"), ("CC", 4, "99_DC"), ("BF", 5, "99_BU"), ("AU", 6, "99_AU"),
])
def test_natures_and_piece_types(nature, code, piece):
    assert actes.NATURE_CODES[nature] == code
    assert actes.ACT_PIECE_TYPES[nature] == piece
    data = sample(nature=nature, act=Piece(PDF, piece))
    document = assert_valid(actes.build_message(data))
    assert document.get(f"{{{actes.ACTES_NS}}}CodeNatureActe") == str(code)
    assert data.act_name == f"{piece}-075-217500016-20261114-2026_DAC_123-{nature}-1-1_1.pdf"


def test_piece_types_are_those_of_the_ministrys_nomenclature():
    """The generic act piece types exist in the real RetourClassification shipped with Hémicycle."""
    from pathlib import Path

    root = etree.parse(str(Path(__file__).resolve().parents[2] / "acts" / "data" / "classification-example.xml"))
    listed = {}
    for nature in root.iterfind(".//actes:NatureActe", NS):
        code = int(nature.get(f"{{{actes.ACTES_NS}}}CodeNatureActe"))
        listed[code] = {pj.get(f"{{{actes.ACTES_NS}}}CodeTypePJ") for pj in nature}
    for nature, piece in actes.ACT_PIECE_TYPES.items():
        assert piece in listed[actes.NATURE_CODES[nature]], (nature, piece)


def test_the_shipped_classification_is_valid_against_the_xsd():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "acts" / "data" / "classification-example.xml"
    assert actes.validate_message(path.read_bytes()) == []


# --- The act message ---------------------------------------------------------------------------------

def test_message_is_valid_iso_8859_1_with_qualified_attributes():
    data = sample()
    xml = actes.build_message(data)
    assert xml.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<actes:Acte ')
    assert "Subvention à l'association « Les Amis du Moulin »".encode("iso-8859-1") in xml
    with pytest.raises(UnicodeDecodeError):
        xml.decode("utf-8")  # really Latin-1 bytes, not UTF-8
    document = assert_valid(xml)
    a = f"{{{actes.ACTES_NS}}}"
    assert document.tag == f"{a}Acte"
    assert document.get(f"{a}Date") == "2026-11-14"
    assert document.get(f"{a}NumeroInterne") == "2026_DAC_123"
    assert document.get(f"{a}CodeNatureActe") == "1"
    assert document.get("Date") is None  # qualified, never bare
    children = [etree.QName(c).localname for c in document]
    assert children == ["CodeMatiere1", "CodeMatiere2", "Objet", "ClassificationDateVersion", "Document",
                        "Annexes", "DocumentPapier"]
    assert document.find("actes:CodeMatiere1", NS).get(f"{a}CodeMatiere") == "7"
    assert document.find("actes:CodeMatiere2", NS).get(f"{a}CodeMatiere") == "5"
    assert document.findtext("actes:ClassificationDateVersion", namespaces=NS) == "2017-12-08"
    assert document.findtext("actes:Objet", namespaces=NS) == data.object.replace("€", "EUR")
    assert document.findtext("actes:Document/actes:NomFichier", namespaces=NS) == \
        "99_DE-075-217500016-20261114-2026_DAC_123-DE-1-1_1.pdf"
    annexes = document.find("actes:Annexes", NS)
    assert annexes.get(f"{a}Nombre") == "2"
    assert [n.text for n in annexes.iterfind("actes:Annexe/actes:NomFichier", NS)] == [
        "99_AU-075-217500016-20261114-2026_DAC_123-DE-1-1_2.pdf",
        "22_PN-075-217500016-20261114-2026_DAC_123-DE-1-1_3.png"]
    assert document.findtext("actes:DocumentPapier", namespaces=NS) == "N"


def test_message_with_five_levels_previous_act_and_no_annex():
    data = sample(matieres=(1, 1, 2, 3, 4), annexes=(), previous_id_acte="075-217500016-20261001-2026_DAC_99-DE",
                  paper_documents=True)
    document = assert_valid(actes.build_message(data))
    assert [etree.QName(c).localname for c in document][:5] == [f"CodeMatiere{i}" for i in range(1, 6)]
    assert document.find("actes:PrecedentIdentifiantActe", NS).get(f"{{{actes.ACTES_NS}}}IDActe") == \
        "075-217500016-20261001-2026_DAC_99-DE"
    assert document.find("actes:Annexes", NS).get(f"{{{actes.ACTES_NS}}}Nombre") == "0"
    assert document.findtext("actes:DocumentPapier", namespaces=NS) == "O"


def test_characters_outside_latin_1():
    data = sample(object="Cœur de ville — l’îlot « Şişli » … 12\u202f000 €\nsur deux lignes")
    xml = actes.build_message(data)
    assert_valid(xml)
    objet = etree.fromstring(xml).findtext("actes:Objet", namespaces=NS)
    # typographic characters become their Latin-1 equivalent, line breaks a space; others are kept
    assert objet == "Coeur de ville - l'îlot « Şişli » ... 12 000 EUR sur deux lignes"
    assert b"&#350;" in xml  # Ş as a character reference: the file stays pure ISO-8859-1


def test_objet_of_500_characters_passes_501_is_refused():
    assert_valid(actes.build_message(sample(object="é" * 500)))
    with pytest.raises(ActesError, match="501 caractères"):
        actes.build_message(sample(object="é" * 501))


@pytest.mark.parametrize(("changes", "message"), [
    ({"siren": "12345"}, "SIREN"),
    ({"department": "75"}, "département"),
    ({"arrondissement": "12"}, "Arrondissement"),
    ({"number": "2026 DAC 123"}, "Numéro interne"),
    ({"number": "2026_DAC_12345678"}, "Numéro interne"),
    ({"nature": "XX"}, "Nature"),
    ({"matieres": (7,)}, "deux à cinq"),
    ({"object": "   "}, "vide"),
    ({"act": Piece(b"not a pdf", "99_DE")}, "PDF"),
    ({"act": Piece(PDF, "99-DE")}, "type de pièce"),
    ({"annexes": (Piece(b"PK..", "99_AU", extension="docx", title="Note"),)}, "format .docx"),
    ({"annexes": (Piece(b"", "99_AU"),)}, "vide"),
    ({"previous_id_acte": "nope"}, "précédent"),
])
def test_invalid_data_is_refused_in_french(changes, message):
    with pytest.raises(ActesError, match=message):
        actes.build_message(sample(**changes))


# --- Envelope, names, archive ------------------------------------------------------------------------

def test_envelope():
    data = sample()
    xml = actes.build_envelope(data, 3)
    document = assert_valid(xml)
    assert document.tag == f"{{{actes.ACTES_NS}}}EnveloppeCLMISILL"
    idcl = document.find("actes:Emetteur/actes:IDCL", NS)
    assert idcl.get(f"{{{actes.INSEE_NS}}}SIREN") == "217500016"  # insee:SIREN
    assert idcl.get(f"{{{actes.ACTES_NS}}}Departement") == "075"
    assert idcl.get(f"{{{actes.ACTES_NS}}}Arrondissement") == "0"
    assert idcl.get(f"{{{actes.ACTES_NS}}}Nature") == "31"
    assert document.findtext("actes:Emetteur/actes:Referent/actes:Nom", namespaces=NS) == "Hélène Sécrétariat"
    assert "Hélène Sécrétariat".encode("iso-8859-1") in xml
    assert [e.text for e in document.iterfind("actes:AdressesRetour/actes:Email", NS)] == [
        "helene.secretariat@example.org"]
    assert [e.text for e in document.iterfind("actes:FormulairesEnvoyes/actes:Formulaire/actes:NomFichier", NS)] == [
        "075-217500016-20261114-2026_DAC_123-DE-1-1_0.xml"]


def test_envelope_without_referent_needs_a_return_address():
    data = sample(referent=None)
    with pytest.raises(ActesError, match="adresse de retour"):
        actes.build_envelope(data, 1)
    xml = actes.build_envelope(data, 1, return_emails=["legalite@mairie-test.fr"])
    document = assert_valid(xml)
    assert document.find("actes:Emetteur/actes:Referent", NS) is None
    with pytest.raises(ActesError, match="refusée"):
        actes.build_envelope(data, 1, return_emails=["noreply@hemicycle.localhost"])  # TLD > 6 letters


def test_names():
    assert actes.envelope_name("217500016", date(2026, 11, 20), 4) == "EACT--217500016--20261120-4.xml"
    assert actes.archive_name("217500016", date(2026, 11, 20), 4) == "HEM-EACT--217500016--20261120-4.tar.gz"
    assert actes.archive_name("217500016", date(2026, 11, 20), 4, "SLO") == "SLO-EACT--217500016--20261120-4.tar.gz"
    assert actes.anomaly_envelope_name("217500016", date(2026, 11, 20), 4) == "ANO_EACT--217500016--20261120-4.xml"
    data = sample()
    assert data.message_name == "075-217500016-20261114-2026_DAC_123-DE-1-1_0.xml"
    assert data.id_acte == "075-217500016-20261114-2026_DAC_123-DE"
    assert actes.parse_id_acte(data.id_acte) == {"department": "075", "siren": "217500016", "date": date(2026, 11, 14),
                                                 "number": "2026_DAC_123", "nature": "DE"}
    assert actes.parse_id_acte("075-217500016-20261399-X-DE") is None
    assert actes.prefecture_file_name(data.id_acte, "ARActe", 7) == "075-217500016-20261114-2026_DAC_123-DE-1-2_7.xml"


def test_archive_contents():
    data = sample()
    archive = actes.build_archive(data, 2, sent_on=date(2026, 11, 20))
    assert archive.name == "HEM-EACT--217500016--20261120-2.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(archive.data), mode="r:gz") as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        contents = {m.name: tar.extractfile(m).read() for m in members}
    assert names == ["EACT--217500016--20261120-2.xml",
                     "075-217500016-20261114-2026_DAC_123-DE-1-1_0.xml",
                     "99_DE-075-217500016-20261114-2026_DAC_123-DE-1-1_1.pdf",
                     "99_AU-075-217500016-20261114-2026_DAC_123-DE-1-1_2.pdf",
                     "22_PN-075-217500016-20261114-2026_DAC_123-DE-1-1_3.png"]
    assert all(m.isfile() and m.uid == 0 and m.mode == 0o644 for m in members)
    assert contents == archive.files
    assert contents[names[2]] == PDF
    for name in names[:2]:
        assert_valid(contents[name])
    envelope = etree.fromstring(contents[names[0]])
    assert envelope.findtext(".//actes:Formulaire/actes:NomFichier", namespaces=NS) == names[1]
    assert gzip.decompress(archive.data)[:100].startswith(names[0].encode())
    # reproducible: same act, same day, same serial → same bytes
    assert actes.build_archive(data, 2, sent_on=date(2026, 11, 20)).data == archive.data
    assert archive.sha256 == hashlib.sha256(archive.data).hexdigest()


def test_archive_trigram_is_checked():
    with pytest.raises(ActesError, match="Trigramme"):
        actes.build_archive(sample(), 1, trigramme="HEMI")


def test_read_archive_round_trip():
    data = sample()
    archive = actes.build_archive(data, 1, sent_on=date(2026, 11, 20))
    read = actes.read_archive(archive.data, archive.name)
    assert (read.siren, read.department, read.arrondissement) == ("217500016", "075", "0")
    assert (read.number, read.nature, read.decision_date) == ("2026_DAC_123", "DE", date(2026, 11, 14))
    assert read.classification_date == date(2017, 12, 8)
    assert read.id_acte == data.id_acte
    assert read.document_name == data.act_name and read.annex_names == data.annex_names
    assert read.message == actes.build_message(data)


def test_read_archive_refuses_missing_files_and_traversal():
    data = sample()
    archive = actes.build_archive(data, 1, sent_on=date(2026, 11, 20))
    files = dict(archive.files)
    del files[data.act_name]
    with pytest.raises(ActesError, match="absent"):
        actes.read_archive(actes.pack(files, date(2026, 11, 20)))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("../evil.xml")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"<a/"))
    with pytest.raises(ActesError, match="refusé"):
        actes.read_archive(raw.getvalue())
    with pytest.raises(ActesError, match="illisible"):
        actes.read_archive(b"\x1f\x8bnot really")


# --- The prefecture's side (used by the simulator) ------------------------------------------------------

def test_ar_acte_from_the_message_and_from_the_data():
    data = sample()
    message = actes.build_message(data)
    for source in (message, data):
        xml = actes.build_ar_acte(data.id_acte, date(2026, 11, 21), source, classification_date=date(2018, 1, 5))
        document = assert_valid(xml)
        a = f"{{{actes.ACTES_NS}}}"
        assert document.tag == f"{a}ARActe"
        assert document.get(f"{a}IDActe") == "075-217500016-20261114-2026_DAC_123-DE"
        assert document.get(f"{a}DateReception") == "2026-11-21"
        recu = document.find("actes:ActeRecu", NS)
        assert recu.get(f"{a}NumeroInterne") == "2026_DAC_123"
        assert recu.findtext("actes:Objet", namespaces=NS).startswith("Subvention à l'association")
        assert document.findtext("actes:ClassificationDateVersionEnCours", namespaces=NS) == "2018-01-05"
    with pytest.raises(ActesError, match="IDActe"):
        actes.build_ar_acte("2026 DAC 123", date(2026, 11, 21), message)


def test_anomalies():
    data = sample()
    xml = actes.build_anomalie("ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui "
                               "n'est pas à jour", actes.build_message(data), on=date(2026, 11, 21), nature="002",
                               classification_date=date(2018, 1, 5))
    document = assert_valid(xml)
    assert document.findtext("actes:Nature", namespaces=NS) == "002"
    assert "date de classification qui n'est pas à jour" in document.findtext("actes:Detail", namespaces=NS)
    envelope = actes.build_envelope(data, 1)
    xml = actes.build_anomalie_enveloppe("Enveloppe non conforme", envelope, on=date(2026, 11, 21), nature=3)
    document = assert_valid(xml)
    assert document.findtext("actes:Nature", namespaces=NS) == "003"
    assert document.find("actes:EnveloppeRecue/actes:Emetteur/actes:IDCL", NS).get(
        f"{{{actes.INSEE_NS}}}SIREN") == "217500016"
    with pytest.raises(ActesError):
        actes.build_anomalie_enveloppe("x", envelope, on=date(2026, 11, 21), nature=999)


def test_prefecture_letters_and_answers_validate():
    id_acte = sample().id_acte
    day = date(2026, 12, 1)
    built = {
        "CourrierSimple": actes.build_courrier_simple(id_acte, day, "courrier.pdf"),
        "DemandePieceComplementaire": actes.build_demande_piece_complementaire(
            id_acte, day, "Le plan de financement mentionné à l'article 2", "demande.pdf"),
        "LettreObservations": actes.build_lettre_observations(id_acte, day, "Incompétence de l'auteur", "lettre.pdf"),
        "DefereTA": actes.build_defere_ta(id_acte, date(2027, 1, 10), "Vice de procédure", ["requete.pdf"]),
        "ARAnnulation": actes.build_ar_annulation(id_acte, day),
        "Annulation": actes.build_annulation(id_acte),
        "PieceComplementaire": actes.build_response("PieceComplementaire", id_acte, day, ["a.pdf", "b.pdf"]),
        "ReponseLettreObservations": actes.build_response("ReponseLettreObservations", id_acte, day, ["r.pdf"]),
        "RefusPieceComplementaire": actes.build_response("RefusPieceComplementaire", id_acte, day, ["r.pdf"]),
        "ReponseCourrierSimple": actes.build_response("ReponseCourrierSimple", id_acte, day, ["r.pdf"]),
        "RejetLettreObservations": actes.build_response("RejetLettreObservations", id_acte, day, ["r.pdf"]),
        "ARDemandePieceComplementaire": actes.build_ar_courrier("ARDemandePieceComplementaire", id_acte, day),
        "ARLettreObservations": actes.build_ar_courrier("ARLettreObservations", id_acte, day),
        "EnveloppeMISILLCL": actes.build_prefecture_envelope("217500016", "075", ["m.xml"], arrondissement="2"),
    }
    for kind, xml in built.items():
        document = assert_valid(xml)
        assert etree.QName(document).localname == kind
        assert xml.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert "l'article 2".encode("iso-8859-1") in built["DemandePieceComplementaire"]
    with pytest.raises(ActesError):
        actes.build_response("ReponseLettreObservations", id_acte, day, ["a.pdf", "b.pdf"])
    with pytest.raises(ActesError):
        actes.build_response("Acte", id_acte, day, ["a.pdf"])


def test_prefecture_archive():
    id_acte = sample().id_acte
    message = actes.build_courrier_simple(id_acte, date(2026, 12, 1), f"{id_acte}-2-1_1.pdf")
    name, data = actes.build_prefecture_archive("217500016", "075", f"{id_acte}-2-1_0.xml", message,
                                                {f"{id_acte}-2-1_1.pdf": PDF}, sent_on=date(2026, 12, 1), serial=3)
    assert name == "MI-EACT--PREF075-217500016-20261201-3.tar.gz"
    files = actes.unpack(data)
    assert list(files) == ["EACT--PREF075-217500016-20261201-3.xml", f"{id_acte}-2-1_0.xml", f"{id_acte}-2-1_1.pdf"]
    assert_valid(files["EACT--PREF075-217500016-20261201-3.xml"])


def test_validate_message_reports_errors_in_french():
    xml = actes.build_message(sample()).replace(b'actes:CodeNatureActe="1"', b'actes:CodeNatureActe="un"')
    errors = actes.validate_message(xml)
    assert errors and errors[0].startswith("Ligne ")
    assert actes.validate_message(b"<pas du xml")[0].startswith("Erreur : XML mal formé")
    assert actes.validate_message(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')[0].startswith("Erreur")
