"""Ingesting the prefecture's messages: matched to their transmission, recorded, applied; unknown or
malformed input changes nothing. Includes the real round trip: archive → ARActe → acknowledged."""

import io
import uuid
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.documents.testing import build_decided_sitting
from hemicycle.journal.models import JournalEntry
from hemicycle.legality import actes, ingest as ingest_module
from hemicycle.legality.actes import acte_data_for, build_archive, classification_for
from hemicycle.legality.ingest import IngestError, ingest
from hemicycle.legality.models import PrefectureMessage, Transmission
from hemicycle.legality.testing import signed_final

from .test_actes_build import PDF

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def decided(world):
    return build_decided_sitting(world)


def transmit(world, act, *, attempt=1, state=Transmission.State.POSTED):
    """What TRANSMIT's transmit() leaves behind: a posted transmission with its archive."""
    if not hasattr(act, "_final_done"):
        signed_final(world, act)
        act._final_done = True
    data = acte_data_for(act)
    archive = build_archive(data, attempt, sent_on=TODAY)
    transmission = Transmission.objects.create(
        authority=world.authority, act=act, attempt=attempt, state=state, idempotency_key=uuid.uuid4().hex,
        archive_name=archive.name, archive_sha256=blobs.put(archive.data), classification_version=classification_for(act),
        created_by=world.users[Role.SECRETARIAT])
    return transmission, data, archive


def counts():
    return (PrefectureMessage.objects.count(), JournalEntry.objects.count(),
            list(Transmission.objects.order_by("pk").values_list("state", "id_acte", "received_on", "anomaly_reason")))


def test_round_trip_archive_ar_acte_acknowledged(world, decided):
    subsidy = decided.adopted[1]
    transmission, data, archive = transmit(world, subsidy)
    # the prefecture opens the archive, checks it against the XSD and acknowledges it
    read = actes.read_archive(archive.data, archive.name)
    assert all(actes.validate_message(read.files[n]) == [] for n in (read.envelope_name, read.message_name))
    ar = actes.build_ar_acte(read.id_acte, date(2026, 11, 21), read.message)
    message = ingest(ar, actor=world.users[Role.SECRETARIAT], filename=actes.prefecture_file_name(read.id_acte, "ARActe", 1))
    transmission.refresh_from_db()
    assert transmission.state == Transmission.State.ACKNOWLEDGED
    assert transmission.id_acte == data.id_acte == f"075-217500016-{decided.sitting.date:%Y%m%d}-" \
                                                    f"{actes.numero_interne(subsidy.reference)}-DE"
    assert transmission.received_on == date(2026, 11, 21)
    assert (message.transmission, message.direction, message.kind, message.flow) == (
        transmission, PrefectureMessage.Direction.IN, "ARActe", "1-2")
    assert message.date == date(2026, 11, 21)
    assert blobs.get(message.xml_sha256) == ar
    entry = JournalEntry.objects.filter(action="legality.message_received").get()
    assert entry.data["kind"] == "ARActe" and entry.data["id_acte"] == data.id_acte
    assert entry.object_id == str(transmission.pk)


def test_ar_acte_delivered_as_an_archive(world, decided):
    transmission, data, _ = transmit(world, decided.adopted[0])
    ar = actes.build_ar_acte(data.id_acte, TODAY, data)
    name, tgz = actes.build_prefecture_archive(data.siren, data.department, actes.prefecture_file_name(
        data.id_acte, "ARActe", 1), ar, {f"{data.id_acte}-1-2_2.pdf": PDF}, sent_on=TODAY)
    message = ingest(tgz, filename=name)
    transmission.refresh_from_db()
    assert transmission.state == Transmission.State.ACKNOWLEDGED and transmission.received_on == TODAY
    assert [f["name"] for f in message.files] == [f"{data.id_acte}-1-2_2.pdf"]
    assert blobs.get(message.files[0]["sha256"]) == PDF


def test_the_same_message_twice_changes_nothing(world, decided):
    transmission, data, _ = transmit(world, decided.adopted[1])
    ar = actes.build_ar_acte(data.id_acte, TODAY, data)
    first = ingest(ar)
    before = counts()
    again = ingest(ar)
    assert again.pk == first.pk and counts() == before
    assert "déjà reçu" in ingest_module.summary(again)


def test_unknown_act_changes_nothing(world, decided):
    transmit(world, decided.adopted[1])
    before = counts()
    stranger = "075-217500016-20261114-2026_DAC_999-DE"
    for xml in (actes.build_courrier_simple(stranger, TODAY, "c.pdf"),
                actes.build_ar_acte(stranger, TODAY, actes.build_message(acte_data_for(decided.adopted[1]))),
                actes.build_defere_ta("075-999999999-20261114-2026_DAC_1-DE", TODAY, "x")):
        with pytest.raises(IngestError, match="aucune transmission ne correspond.*Rien n'a été enregistré"):
            ingest(xml)
    assert counts() == before


@pytest.mark.parametrize("data", [b"", b"<pas du xml", b"\x1f\x8b\x08garbage", b'<!DOCTYPE x [<!ENTITY a "b">]><x/>',
                                  b"<actes:Acte xmlns:actes='http://www.interieur.gouv.fr/ACTES#v1.1-20040216'/>"])
def test_malformed_input_changes_nothing(world, decided, data):
    transmit(world, decided.adopted[1])
    before = counts()
    with pytest.raises(IngestError):
        ingest(data)
    assert counts() == before


def test_anomaly_without_id_acte_matched_by_its_internal_number(world, decided):
    budget, subsidy = decided.adopted
    transmit(world, budget)
    first, data, _ = transmit(world, subsidy, state=Transmission.State.ANOMALY)
    second, _, _ = transmit(world, subsidy, attempt=2)
    xml = actes.build_anomalie("ODT-VERIF-01 : Votre acte a été transmis avec une date de classification qui n'est "
                               "pas à jour", actes.build_message(data), on=TODAY, nature="002")
    message = ingest(xml, filename="075-217500016----1-3_1.xml")
    second.refresh_from_db()
    assert message.transmission == second  # the latest attempt of that act
    assert second.state == Transmission.State.ANOMALY
    assert second.anomaly_reason.startswith("ODT-VERIF-01 : Votre acte a été transmis")
    assert Transmission.objects.get(act=budget).state == Transmission.State.POSTED  # untouched
    # without the file name the SIREN is unknown, but the number is unique: still matched
    again = actes.build_anomalie("Autre anomalie", actes.build_message(data), on=TODAY)
    assert ingest(again).transmission == second


def test_envelope_anomaly_matched_by_the_archive_name(world, decided):
    transmission, data, archive = transmit(world, decided.adopted[1])
    envelope = archive.files[archive.envelope_name]
    xml = actes.build_anomalie_enveloppe("Enveloppe non conforme", envelope, on=TODAY, nature=2)
    name = "ANO_" + archive.envelope_name
    assert transmission.archive_name == archive.name == f"HEM-{archive.envelope_name[:-4]}.tar.gz"
    message = ingest(xml, filename=name)
    transmission.refresh_from_db()
    assert message.transmission == transmission and message.flow == "ANO"
    assert transmission.state == Transmission.State.ANOMALY and transmission.anomaly_reason == "Enveloppe non conforme"


def test_envelope_anomaly_without_its_name_matched_by_the_message_it_lists(world, decided):
    transmission, data, archive = transmit(world, decided.adopted[0])
    xml = actes.build_anomalie_enveloppe("Rejet", archive.files[archive.envelope_name], on=TODAY)
    assert ingest(xml).transmission == transmission


def test_prefecture_requests_after_acknowledgement(world, decided):
    transmission, data, _ = transmit(world, decided.adopted[1])
    ingest(actes.build_ar_acte(data.id_acte, date(2026, 11, 21), data))
    letter = f"{data.id_acte}-3-1_1.pdf"
    request = actes.build_demande_piece_complementaire(data.id_acte, date(2026, 12, 1), "Le plan de financement", letter)
    name, tgz = actes.build_prefecture_archive(data.siren, data.department, f"{data.id_acte}-3-1_0.xml", request,
                                               {letter: PDF}, sent_on=date(2026, 12, 1))
    message = ingest(tgz, filename=name)
    transmission.refresh_from_db()
    assert transmission.state == Transmission.State.REQUEST_PENDING
    assert transmission.id_acte == data.id_acte and transmission.received_on == date(2026, 11, 21)  # kept
    assert (message.kind, message.flow, message.text, message.date) == (
        "DemandePieceComplementaire", "3-1", "Le plan de financement", date(2026, 12, 1))
    assert message.files[0]["name"] == letter
    observations = ingest(actes.build_lettre_observations(data.id_acte, date(2026, 12, 5), "Incompétence", "l.pdf"))
    assert observations.kind == "LettreObservations" and observations.text == "Incompétence"
    defere = ingest(actes.build_defere_ta(data.id_acte, date(2027, 1, 10), "Vice de procédure"))
    assert defere.kind == "DefereTA" and defere.date == date(2027, 1, 10) and defere.text == "Vice de procédure"
    assert transmission.messages.filter(direction="in").count() == 4
    assert JournalEntry.objects.filter(action="legality.message_received").count() == 4


def test_minimum_application_without_transmits_actions(world, decided, monkeypatch):
    """When legality.actions.apply_prefecture_message does not exist, ingest applies the minimum."""
    monkeypatch.setattr(ingest_module, "_applier", lambda: None)
    transmission, data, _ = transmit(world, decided.adopted[1])
    expected = [
        (actes.build_ar_acte(data.id_acte, date(2026, 11, 21), data), Transmission.State.ACKNOWLEDGED),
        (actes.build_courrier_simple(data.id_acte, date(2026, 12, 1), "c.pdf"), Transmission.State.REQUEST_PENDING),
        (actes.build_defere_ta(data.id_acte, date(2027, 1, 5), "x"), Transmission.State.REQUEST_PENDING),  # unchanged
        (actes.build_ar_annulation(data.id_acte, date(2027, 1, 6)), Transmission.State.CANCELLED),
    ]
    for xml, state in expected:
        ingest(xml)
        transmission.refresh_from_db()
        assert transmission.state == state
    assert transmission.id_acte == data.id_acte and transmission.received_on == date(2026, 11, 21)


def test_transmits_apply_function_is_used_when_present(world, decided, monkeypatch):
    calls = []

    def apply(transmission, received):
        calls.append((transmission.pk, received.kind, received.id_acte))
        transmission.state = Transmission.State.ACKNOWLEDGED
        transmission.save(update_fields=["state"])
        # it may record the message itself: ingest must not record it twice
        return PrefectureMessage.objects.create(transmission=transmission, direction="in", flow=received.flow,
                                                kind=received.kind, date=received.date,
                                                xml_sha256=blobs.put(received.xml))

    monkeypatch.setattr(ingest_module, "_applier", lambda: apply)
    transmission, data, _ = transmit(world, decided.adopted[1])
    message = ingest(actes.build_ar_acte(data.id_acte, TODAY, data))
    assert calls == [(transmission.pk, "ARActe", data.id_acte)]
    assert PrefectureMessage.objects.count() == 1 and message.pk == PrefectureMessage.objects.get().pk


def test_legality_ingest_command(world, decided, tmp_path):
    transmission, data, _ = transmit(world, decided.adopted[1])
    path = tmp_path / actes.prefecture_file_name(data.id_acte, "ARActe", 12)
    path.write_bytes(actes.build_ar_acte(data.id_acte, date(2026, 11, 21), data))
    out = io.StringIO()
    call_command("legality_ingest", str(path), stdout=out)
    text = out.getvalue()
    assert "Accusé de réception de l'acte du 21/11/2026" in text and decided.adopted[1].reference in text
    assert "Acquitté" in text and data.id_acte in text
    transmission.refresh_from_db()
    assert transmission.state == Transmission.State.ACKNOWLEDGED


def test_legality_ingest_command_errors(world, decided, tmp_path, capsys, monkeypatch):
    transmit(world, decided.adopted[1])
    before = counts()
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("legality_ingest", str(tmp_path / "absent.xml"))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<actes:ARActe")
    with pytest.raises(CommandError, match="n'est pas un message @CTES lisible"):
        call_command("legality_ingest", str(bad))
    unknown = tmp_path / "unknown.xml"
    unknown.write_bytes(actes.build_courrier_simple("075-217500016-20261114-2026_XXX_1-DE", TODAY, "c.pdf"))
    from django.core.management import ManagementUtility
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["hemicycle", "legality_ingest", str(unknown)]).execute()
    assert exc.value.code != 0
    assert "aucune transmission ne correspond" in capsys.readouterr().err
    assert counts() == before
