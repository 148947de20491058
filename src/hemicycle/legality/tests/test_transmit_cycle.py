"""Transmission through the real simulator over HTTP on loopback: the full cycle, anomaly then
resend, prefecture requests answered, cancellation, rights."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hemicycle.core import blobs
from hemicycle.core.roles import Role
from hemicycle.journal.models import JournalEntry
from hemicycle.legality import actes, actions
from hemicycle.legality.models import PrefectureMessage, Transmission
from hemicycle.notifications.models import Notification
from hemicycle.rules import transmission as rules

from .transmit_fixtures import operator, signed_acts  # noqa: F401

State = Transmission.State
pytestmark = pytest.mark.django_db


def _transmit(world, act, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        t = actions.transmit(world.users[Role.SECRETARIAT], act)
    t.refresh_from_db()
    return t


def _act_rows(operator):
    return operator.store.select("type = 1")


def test_full_cycle_to_acknowledged(world, operator, signed_acts, django_capture_on_commit_callbacks):
    act = signed_acts[0]
    t = _transmit(world, act, django_capture_on_commit_callbacks)
    assert t.state == State.POSTED and t.operator_id and t.tries == 1 and t.idempotency_key
    # The frozen archive is a valid @CTES archive.
    archive = actes.read_archive(blobs.get(t.archive_sha256), t.archive_name)
    assert actes.validate_message(archive.message) == [] and actes.validate_message(archive.envelope) == []
    # The simulator rebuilt and validated it from the posted fields.
    rows = _act_rows(operator)
    assert len(rows) == 1 and rows[0]["anomaly"] == "" and rows[0]["number"] == archive.number
    t = actions.poll(t)
    assert t.state == State.ACKNOWLEDGED
    assert re.fullmatch(rf"075-217500016-{archive.decision_date:%Y%m%d}-{archive.number}-DE", t.id_acte)
    assert t.received_on == timezone.localdate()
    ar = t.messages.get(kind="ARActe")
    assert ar.direction == PrefectureMessage.Direction.IN and ar.flow == "1-2"
    assert actes.validate_message(blobs.get(ar.xml_sha256)) == []
    assert actions.executory_info(act) == {"id_acte": t.id_acte, "received_on": t.received_on}
    window = actions.defere_window(t)
    assert not window.suspended and window.start == t.received_on
    assert window.last_day >= rules.add_months(t.received_on, 2)
    actions_logged = set(JournalEntry.objects.filter(object_type="legality.transmission", object_id=str(t.pk))
                         .values_list("action", flat=True))
    assert {"transmission.created", "transmission.posted", "transmission.acknowledged"} <= actions_logged
    assert Notification.objects.filter(user=world.users[Role.SECRETARIAT], kind="prefecture", act=act).exists()
    # Polling again changes nothing and records nothing twice.
    actions.poll_authority(world.authority)
    assert t.messages.filter(kind="ARActe").count() == 1 and len(_act_rows(operator)) == 1


def test_states_follow_the_operator_step_by_step(world, operator, signed_acts, django_capture_on_commit_callbacks):
    operator.step_seconds = None  # manual: the operator page moves the transaction
    t = _transmit(world, signed_acts[0], django_capture_on_commit_callbacks)
    assert actions.poll(t).state == State.POSTED
    row = _act_rows(operator)[0]
    operator._advance(row, force=True)
    operator._advance(row, force=True)
    assert actions.poll(t).state == State.TRANSMITTED
    operator._advance(row, force=True)
    assert actions.poll(t).state == State.ACKNOWLEDGED


def test_anomaly_then_corrected_and_resent(world, operator, signed_acts, django_capture_on_commit_callbacks):
    act = signed_acts[1]
    type(act).objects.filter(pk=act.pk).update(object=act.object + " [anomalie]")
    act.refresh_from_db()
    first = _transmit(world, act, django_capture_on_commit_callbacks)
    first = actions.poll(first)
    assert first.state == State.ANOMALY and "ODT-VERIF" in first.anomaly_reason
    assert first.messages.get(kind="AnomalieActe").flow == "1-3"
    assert actions.executory_info(act) is None
    # Not correctable by anyone but the secretariat.
    with pytest.raises(PermissionDenied):
        actions.resend(world.users[Role.DRAFTER], first)
    # Corrected, then resent: a new attempt, a new archive with the corrected object.
    type(act).objects.filter(pk=act.pk).update(object=act.object.replace(" [anomalie]", ""))
    with django_capture_on_commit_callbacks(execute=True):
        second = actions.resend(world.users[Role.SECRETARIAT], first)
    second.refresh_from_db()
    assert second.attempt == 2 and second.state == State.POSTED and second.operator_id != first.operator_id
    assert "[anomalie]" not in actes.read_archive(blobs.get(second.archive_sha256)).message.decode("latin-1")
    assert actions.poll(second).state == State.ACKNOWLEDGED
    with pytest.raises(ValidationError):
        actions.resend(world.users[Role.SECRETARIAT], Transmission.objects.get(pk=second.pk))
    assert len(_act_rows(operator)) == 2


def test_operator_declared_anomaly_from_the_operator_page(world, operator, signed_acts,
                                                          django_capture_on_commit_callbacks, client):
    operator.step_seconds = None
    t = _transmit(world, signed_acts[0], django_capture_on_commit_callbacks)
    import requests

    page = requests.get(operator.url + "/", timeout=5)
    assert page.status_code == 200 and f"/simulate/{t.operator_id}/anomalie" in page.text
    r = requests.post(f"{operator.url}/simulate/{t.operator_id}/anomalie", data={"text": "Pièce illisible"}, timeout=5)
    assert r.status_code == 200  # followed the 303 back to the page
    t = actions.poll(t)
    assert t.state == State.ANOMALY and t.anomaly_reason == "Pièce illisible"


def test_request_for_pieces_answered_from_the_act(world, operator, signed_acts, django_capture_on_commit_callbacks):
    act = signed_acts[0]
    t = actions.poll(_transmit(world, act, django_capture_on_commit_callbacks))
    doc_id = operator.send_prefecture_document(int(t.operator_id), "demande_pieces", "L'avis de la commission.")
    counts = actions.poll_authority(world.authority)
    assert counts["documents"] == 1
    t.refresh_from_db()
    assert t.state == State.REQUEST_PENDING
    request = t.messages.get(kind="DemandePieceComplementaire")
    assert request.operator_id == str(doc_id) and request.text == "L'avis de la commission."
    assert request.files and blobs.get(request.files[0]["sha256"]).startswith(b"%PDF")
    assert actions.defere_window(t).suspended
    # Fetched once: a second poll records nothing more (the document was marked read).
    actions.poll_authority(world.authority)
    assert t.messages.filter(kind="DemandePieceComplementaire").count() == 1
    with pytest.raises(ValidationError):
        actions.answer_request(world.users[Role.SECRETARIAT], request, files=[], text="rien")
    pdf = blobs.get(request.files[0]["sha256"])
    answer = actions.answer_request(world.users[Role.SECRETARIAT], request, files=[("avis.pdf", pdf)],
                                    text="Voici l'avis de la commission.")
    t.refresh_from_db()
    assert t.state == State.ACKNOWLEDGED
    assert answer.direction == PrefectureMessage.Direction.OUT and answer.kind == "PieceComplementaire"
    assert actes.validate_message(blobs.get(answer.xml_sha256)) == []
    row = operator.store.get(answer.operator_id)
    assert row["type"] == 3 and row["type_reponse"] == 4 and row["related_id"] == doc_id
    assert operator.store.get(doc_id)["answered_by"] == int(answer.operator_id)
    with pytest.raises(ValidationError):  # answered once
        actions.answer_request(world.users[Role.SECRETARIAT], PrefectureMessage.objects.get(pk=request.pk),
                               files=[("avis.pdf", pdf)])
    window = actions.defere_window(t)  # restarted by the pieces sent (L2131-6)
    assert not window.suspended and window.start == timezone.localdate() and window.restarts


def test_observations_answered_by_a_letter_and_defere_recorded(world, operator, signed_acts,
                                                                django_capture_on_commit_callbacks):
    t = actions.poll(_transmit(world, signed_acts[0], django_capture_on_commit_callbacks))
    operator.send_prefecture_document(int(t.operator_id), "lettre_observations")
    operator.send_prefecture_document(int(t.operator_id), "courrier")
    actions.poll_authority(world.authority)
    t.refresh_from_db()
    assert t.state == State.REQUEST_PENDING
    letter = t.messages.get(kind="LettreObservations")
    assert t.messages.filter(kind="CourrierSimple").count() == 1
    with pytest.raises(PermissionDenied):
        actions.answer_request(world.users[Role.DRAFTER], letter, text="Non.")
    answer = actions.answer_request(world.users[Role.SECRETARIAT], letter,
                                    text="La délibération est motivée par son exposé des motifs.")
    assert answer.kind == "ReponseLettreObservations" and answer.flow == "4-4"
    t.refresh_from_db()
    assert t.state == State.ACKNOWLEDGED
    operator.send_prefecture_document(int(t.operator_id), "defere", "Incompétence")
    actions.poll_authority(world.authority)
    t.refresh_from_db()
    defere = t.messages.get(kind="DefereTA")
    assert defere.text == "Incompétence" and t.state == State.ACKNOWLEDGED
    assert JournalEntry.objects.filter(action="transmission.deferred", object_id=str(t.pk)).exists()


def test_rights_and_no_double_transmission(world, other_world, operator, signed_acts,
                                           django_capture_on_commit_callbacks):
    act = signed_acts[0]
    for role in (Role.DRAFTER, Role.APPROVER, Role.SIGNATORY, Role.MEMBER, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDenied):
            actions.transmit(world.users[role], act)
    with pytest.raises(PermissionDenied):
        actions.transmit(other_world.users[Role.SECRETARIAT], act)
    _transmit(world, act, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="déjà été transmis"):
        actions.transmit(world.users[Role.SECRETARIAT], act)
    assert Transmission.objects.filter(act=act).count() == 1 and len(_act_rows(operator)) == 1


def test_unsigned_act_is_refused_and_nothing_is_created(world, operator):
    from hemicycle.documents.testing import build_decided_sitting
    from hemicycle.legality.testing import signed_final

    act = build_decided_sitting(world).adopted[0]
    signed_final(world, act, signed=False)
    with pytest.raises(ValidationError, match="signée"):
        actions.transmit(world.users[Role.SECRETARIAT], act)
    assert not Transmission.objects.exists()
    assert "signée" in actions.transmission_problem(act)


def test_cancellation(world, operator, signed_acts, django_capture_on_commit_callbacks, settings):
    secretariat = world.users[Role.SECRETARIAT]
    # Never reached the operator: cancelled locally.
    settings.HEMICYCLE_ACTES_OPERATOR_URL = "http://127.0.0.1:9"
    t = actions.transmit(secretariat, signed_acts[0])
    t = actions.cancel(secretariat, t)
    assert t.state == State.CANCELLED and not _act_rows(operator)
    assert actions.send_transmission(t.pk).state == State.CANCELLED  # a late worker does nothing
    settings.HEMICYCLE_ACTES_OPERATOR_URL = operator.url
    # Posted: cancelled at the operator too, and the act can be transmitted again.
    t2 = _transmit(world, signed_acts[0], django_capture_on_commit_callbacks)
    assert t2.attempt == 2 and t2.state == State.POSTED
    with pytest.raises(PermissionDenied):
        actions.cancel(world.users[Role.DRAFTER], t2)
    t2 = actions.cancel(secretariat, t2)
    assert t2.state == State.CANCELLED and operator.store.get(t2.operator_id)["status"] == 0
    with pytest.raises(ValidationError):
        actions.cancel(secretariat, t2)
    t3 = _transmit(world, signed_acts[0], django_capture_on_commit_callbacks)
    assert t3.attempt == 3 and actions.poll(t3).state == State.ACKNOWLEDGED


def test_individual_act_deadline():
    from datetime import date

    from hemicycle.acts.models import Act

    act = Act(nature="AI")
    assert actions.individual_act_deadline(act, signed_on=date(2026, 3, 1)) == date(2026, 3, 16)
    assert actions.individual_act_deadline(Act(nature="DE"), signed_on=date(2026, 3, 1)) is None
