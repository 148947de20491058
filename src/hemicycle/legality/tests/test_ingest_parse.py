"""Reading what the prefecture sends (XML or .tar.gz), defensively, without the database."""

from datetime import date

import pytest

from hemicycle.legality import actes, ingest
from hemicycle.legality.ingest import IngestError, parse_message

from .test_actes_build import PDF, sample

ID = "075-217500016-20261114-2026_DAC_123-DE"
DAY = date(2026, 12, 1)


def test_ar_acte():
    data = sample()
    xml = actes.build_ar_acte(ID, date(2026, 11, 21), actes.build_message(data), classification_date=date(2018, 1, 5))
    received = parse_message(xml)
    assert (received.kind, received.flow, received.id_acte) == ("ARActe", "1-2", ID)
    assert received.date == date(2026, 11, 21)
    assert (received.number, received.decision_date, received.nature_acte) == ("2026_DAC_123", date(2026, 11, 14), "DE")
    assert received.classification_date == date(2018, 1, 5)
    assert received.siren == "217500016"
    assert received.xml == xml
    assert "21/11/2026" in received.text


def test_anomalie_acte_in_the_ministrys_shape():
    """As the ministry sends it (STELA's sample 044-214400152----1-3_1.xml): no IDActe, a gap in the
    matière levels, an empty DocumentPapier, the SIREN only in the file name."""
    xml = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
           '<actes:AnomalieActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216" '
           'xmlns:insee="http://xml.insee.fr/schema">\n'
           '  <actes:Date>2026-11-21</actes:Date>\n  <actes:Nature>002</actes:Nature>\n'
           "  <actes:Detail>ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est pas "
           'à jour</actes:Detail>\n'
           '  <actes:ActeRecu actes:CodeNatureActe="1" actes:Date="2026-11-14" actes:NumeroInterne="2026_DAC_123">\n'
           '    <actes:CodeMatiere1 actes:CodeMatiere="7"/><actes:CodeMatiere2 actes:CodeMatiere="5"/>\n'
           '    <actes:CodeMatiere5 actes:CodeMatiere="1"/>\n'
           '    <actes:Objet>Subvention à une association</actes:Objet>\n'
           '    <actes:ClassificationDateVersion>2017-12-08</actes:ClassificationDateVersion>\n'
           '    <actes:Document><actes:NomFichier>99_DE-075-217500016-20261114-2026_DAC_123-DE-1-1_1.pdf'
           '</actes:NomFichier></actes:Document>\n'
           '    <actes:Annexes actes:Nombre="0"/><actes:DocumentPapier/>\n  </actes:ActeRecu>\n'
           '  <actes:ClassificationDateVersionEnCours>2026-10-01</actes:ClassificationDateVersionEnCours>\n'
           '</actes:AnomalieActe>\n').encode("iso-8859-1")
    received = parse_message(xml, "075-217500016----1-3_1.xml")
    assert (received.kind, received.flow, received.id_acte) == ("AnomalieActe", "1-3", "")
    assert received.reason == ("ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est "
                               "pas à jour")
    assert (received.nature, received.date, received.number) == ("002", date(2026, 11, 21), "2026_DAC_123")
    assert received.siren == "217500016"  # from the file name
    assert received.classification_date == date(2026, 10, 1)


def test_anomalie_enveloppe_with_a_nature_outside_the_xsd():
    """The ministry's real AnomalieEnveloppe uses Nature 999, which the XSD does not list: read anyway."""
    data = sample()
    xml = actes.build_anomalie_enveloppe("placeholder", actes.build_envelope(data, 2), on=DAY)
    xml = xml.replace(b"<actes:Nature>001</actes:Nature>", b"<actes:Nature>999</actes:Nature>")
    xml = xml.replace(b"placeholder", "ODT-VERIF-17 : La transaction que vous avez envoyé n'est pas reconnue"
                      .encode("iso-8859-1"))
    assert actes.validate_message(xml)  # not XSD-valid …
    received = parse_message(xml, "ANO_EACT--217500016--20261120-2.xml")  # … but understood
    assert (received.kind, received.flow, received.nature) == ("AnomalieEnveloppe", "ANO", "999")
    assert received.reason.startswith("ODT-VERIF-17 : La transaction que vous avez envoyé")
    assert received.archive_key == ("217500016", "20261120", "2")
    assert received.siren == "217500016"
    assert received.envelope_forms == [data.message_name]


@pytest.mark.parametrize(("xml", "kind", "flow", "when", "text"), [
    (actes.build_courrier_simple(ID, DAY, "c.pdf"), "CourrierSimple", "2-1", DAY, ""),
    (actes.build_demande_piece_complementaire(ID, DAY, "Le plan de financement signé", "d.pdf"),
     "DemandePieceComplementaire", "3-1", DAY, "Le plan de financement signé"),
    (actes.build_lettre_observations(ID, DAY, "Incompétence de l'autorité signataire", "l.pdf"),
     "LettreObservations", "4-1", DAY, "Incompétence de l'autorité signataire"),
    (actes.build_defere_ta(ID, date(2027, 1, 10), "Vice de procédure", ["r.pdf"]), "DefereTA", "5-1",
     date(2027, 1, 10), "Vice de procédure"),
    (actes.build_ar_annulation(ID, DAY), "ARAnnulation", "6-2", DAY, ""),
])
def test_prefecture_letters(xml, kind, flow, when, text):
    received = parse_message(xml)
    assert (received.kind, received.flow, received.id_acte, received.date, received.text) == (kind, flow, ID, when, text)


def test_archive_from_the_ministry():
    message = actes.build_demande_piece_complementaire(ID, DAY, "Le budget annexe", f"{ID}-3-1_1.pdf")
    name, data = actes.build_prefecture_archive("217500016", "075", f"{ID}-3-1_0.xml", message,
                                                {f"{ID}-3-1_1.pdf": PDF}, sent_on=DAY)
    received = parse_message(data, name)
    assert received.kind == "DemandePieceComplementaire" and received.text == "Le budget annexe"
    assert received.name == f"{ID}-3-1_0.xml" and received.xml == message
    assert received.files == [(f"{ID}-3-1_1.pdf", PDF)]  # the envelope is not a file of the message
    assert received.documents == [f"{ID}-3-1_1.pdf"]


def test_utf8_declared_message_is_read_too():
    xml = actes.build_courrier_simple(ID, DAY, "c.pdf").decode("iso-8859-1")
    xml = xml.replace('encoding="ISO-8859-1"', 'encoding="UTF-8"').encode("utf-8")
    assert parse_message(xml).kind == "CourrierSimple"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<actes:ARActe xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">&lol2;</actes:ARActe>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<actes:CourrierSimple xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216">&xxe;</actes:CourrierSimple>"""


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "", "vide"),
    (b"   \n", "", "vide"),
    (b"%PDF-1.7 not a message", "", "ni un message XML"),
    (b"<actes:ARActe", "", "n'est pas un message @CTES lisible"),
    (BILLION_LAUGHS, "", "DTD"),
    (EXTERNAL, "", "DTD"),
    (b"<html><body>Erreur 500</body></html>", "", "espace de noms"),
    (actes.build_message(sample()), "", "envoi de la collectivité"),
    (actes.build_envelope(sample(), 1), "", "envoi de la collectivité"),
    (b'<actes:RetourClassification xmlns:actes="http://www.interieur.gouv.fr/ACTES#v1.1-20040216"/>', "",
     "import_classification"),
    (actes.build_ar_acte(ID, DAY, actes.build_message(sample())).replace(b'actes:DateReception="2026-12-01"',
                                                                         b'actes:DateReception="01/12/2026"'),
     "", "n'est pas une date"),
    (actes.build_ar_acte(ID, DAY, actes.build_message(sample())).replace(ID.encode(), b"2026 DAC 123"), "",
     "IDActe"),
    (actes.build_courrier_simple(ID, DAY, "c.pdf").replace(b"20261114", b"20261399"), "", "IDActe"),
    (b"\x1f\x8b\x08\x00garbage", "x.tar.gz", "illisible"),
    (b"not gzip", "x.tar.gz", "pas une archive gzip"),
])
def test_malformed_input_is_refused_in_french(data, name, message):
    with pytest.raises(IngestError, match=message):
        parse_message(data, name)


def test_archive_with_two_messages_or_none():
    one = actes.build_courrier_simple(ID, DAY, "c.pdf")
    two = actes.build_lettre_observations(ID, DAY, "Motif", "l.pdf")
    data = actes.pack({"a.xml": one, "b.xml": two}, DAY)
    with pytest.raises(IngestError, match="2 messages"):
        parse_message(data)
    with pytest.raises(IngestError, match="aucun message"):
        parse_message(actes.pack({"lettre.pdf": PDF}, DAY))
    with pytest.raises(IngestError, match="lisible"):
        parse_message(actes.pack({"m.xml": b"<actes:broken"}, DAY))
    # the archive a collectivité sends is not a prefecture message
    with pytest.raises(IngestError, match="envoi de la collectivité"):
        parse_message(actes.build_archive(sample(), 1, sent_on=DAY).data)


def test_size_limits(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 100)
    with pytest.raises(IngestError, match="dépasse"):
        parse_message(b"<a>" + b" " * 200 + b"</a>")
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 10**8)
    monkeypatch.setattr(ingest, "MAX_XML_BYTES", 100)
    with pytest.raises(IngestError, match="dépasse"):
        parse_message(actes.build_courrier_simple(ID, DAY, "c.pdf"))
