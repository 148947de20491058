"""S2lowConnector against the simulator over real HTTP (no database): answers, errors, timeouts."""

import socket
import threading
from datetime import date

import pytest

from hemicycle.legality import actes
from hemicycle.legality.connectors import (ActeSubmission, DuplicateNumber, OperatorRefused, OperatorUnavailable,
                                           S2lowConnector, piece_type)
from hemicycle.legality.simulator import Account, Simulator, serve_in_thread

from .transmit_fixtures import closed_port_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date.today()


@pytest.fixture
def sim(tmp_path):
    simulator = Simulator(tmp_path, step_seconds=0,
                          accounts=[Account("217500016", "pw", "217500016", "075"),
                                    Account("213000019", "pw2", "213000019", "030")])
    server, url = serve_in_thread(simulator)
    simulator.url = url
    yield simulator
    server.shutdown()
    server.server_close()
    simulator.store.close()


def submission(**changes) -> ActeSubmission:
    values = dict(nature_code=1, number="2026_DAC_7", decision_date=TODAY, subject="Subvention à l'association",
                  classification=["7", "5"], classification_date=date(2017, 12, 8), act_file=("acte.pdf", PDF),
                  act_type="99_DE", attachments=[("annexe.pdf", PDF)], attachment_types=["99_AU"])
    values.update(changes)
    return ActeSubmission(**values)


def connector(sim, login="217500016", password="pw", **kwargs):
    return S2lowConnector(sim.url, login=login, password=password, **kwargs)


def test_post_status_and_find(sim):
    c = connector(sim)
    operator_id = c.post(None, submission())
    assert operator_id.isdigit()
    status = c.status(operator_id)
    assert status.code == 4 and status.label == "Acquittement reçu"
    assert actes.validate_message(status.message) == []
    assert b"075-217500016-" in status.message
    assert c.find(submission(), since=TODAY) == operator_id
    assert c.find(submission(), since=TODAY, exclude=[operator_id]) is None
    assert c.find(submission(number="AUTRE_1"), since=TODAY) is None
    # The other collectivité sees nothing of it.
    assert connector(sim, "213000019", "pw2").find(submission(), since=TODAY) is None
    with pytest.raises(OperatorRefused):
        connector(sim, "213000019", "pw2").status(operator_id)


def test_second_live_transaction_with_same_number_is_refused(sim):
    c = connector(sim)
    c.post(None, submission())
    with pytest.raises(DuplicateNumber):
        c.post(None, submission())


@pytest.mark.parametrize("changes, message", [
    ({"number": "2026 dac 7"}, "lettres en majuscules"),
    ({"classification": ["7"]}, "Les deux premiers niveaux de classification sont obligatoires."),
    ({"act_file": ("acte.txt", b"texte")}, "format PDF"),
    ({"act_type": "DE"}, "5 caractères"),
    ({"subject": "x" * 500}, "499 caractères"),
])
def test_ko_answers_become_operator_refused(sim, changes, message):
    with pytest.raises(OperatorRefused, match=message):
        connector(sim).post(None, submission(**changes))
    assert not sim.store.select("type = 1")


def test_authentication_errors(sim):
    with pytest.raises(OperatorRefused, match="authentification"):
        connector(sim, password="faux").post(None, submission())


def test_unavailable_operator(sim):
    with pytest.raises(OperatorUnavailable, match="injoignable"):
        S2lowConnector(closed_port_url(), login="x", password="y").post(None, submission())
    sim.inject("error_500")
    with pytest.raises(OperatorUnavailable, match="HTTP 500"):
        connector(sim).status("1")


def test_timeout_is_enforced():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True)
    thread.start()
    c = S2lowConnector(f"http://127.0.0.1:{listener.getsockname()[1]}", login="x", password="y", timeout=0.5)
    with pytest.raises(OperatorUnavailable):
        c.status("1")  # the server accepts and never answers
    listener.close()


def test_prefecture_documents_answer_and_cancel(sim):
    c = connector(sim)
    operator_id = c.post(None, submission())
    c.status(operator_id)
    doc_id = sim.send_prefecture_document(int(operator_id), "lettre_observations", "Motivation insuffisante")
    docs = c.prefecture_documents()
    assert [(d.id, d.type, d.status) for d in docs] == [(str(doc_id), 4, 7)]
    assert docs[0].id_acte.startswith("075-217500016-") and docs[0].related_transaction_id == operator_id
    files = actes.unpack(c.fetch_document(docs[0].id))
    message = next(v for k, v in files.items() if k.endswith(".xml") and not k.startswith("EACT"))
    assert actes.validate_message(message) == [] and b"Motivation insuffisante" in message
    assert any(k.endswith(".pdf") and v.startswith(b"%PDF") for k, v in files.items())
    answer_id = c.send_answer(docs[0].id, response=True, letter=("reponse.pdf", PDF))
    assert sim.store.get(answer_id)["type_reponse"] == 4
    with pytest.raises(OperatorRefused, match="déjà"):
        c.send_answer(docs[0].id, response=True, letter=("reponse.pdf", PDF))
    c.mark_read(docs[0].id)
    assert c.prefecture_documents() == []
    c.cancel(operator_id)
    assert c.status(operator_id).code == 0


def test_submission_read_back_from_an_archive():
    data = actes.ActeData(siren="217500016", department="075", arrondissement="0", decision_date=date(2026, 11, 14),
                          number="2026_DAC_123", nature="DE", matieres=(7, 5), object="Subvention",
                          classification_date=date(2017, 12, 8), act=actes.Piece(PDF, "99_DE"),
                          annexes=(actes.Piece(PDF, "99_AU"),), return_emails=("a@exemple.fr",))
    sub = ActeSubmission.from_archive(actes.build_archive(data, 3).data)
    assert (sub.nature_code, sub.number, sub.decision_date, sub.classification) == (1, "2026_DAC_123",
                                                                                   date(2026, 11, 14), ["7", "5"])
    assert sub.act_type == "99_DE" and sub.attachment_types == ["99_AU"] and sub.act_file[1] == PDF
    assert piece_type("99_DE-075-217500016-x.pdf") == "99_DE" and piece_type("075-217500016-x.pdf") == ""
