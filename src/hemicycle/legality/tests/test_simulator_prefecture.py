"""The prefecture simulator: it rebuilds and validates what it receives, answers like the ministry,
and its operator page sends the prefecture's letters on demand."""

from datetime import date

import pytest
import requests

from hemicycle.legality import actes
from hemicycle.legality.connectors import S2lowConnector
from hemicycle.legality.simulator import Account, Simulator, serve_in_thread

from .test_connector_s2low import PDF, submission


@pytest.fixture
def sim(tmp_path):
    simulator = Simulator(tmp_path, step_seconds=None,
                          accounts=[Account("217500016", "pw", "217500016", "075", classification_date="2017-12-08")])
    server, url = serve_in_thread(simulator)
    simulator.url = url
    simulator.connector = S2lowConnector(url, login="217500016", password="pw")
    yield simulator
    server.shutdown()
    server.server_close()
    simulator.store.close()


def test_rebuilt_archive_is_valid_and_complete(sim):
    operator_id = sim.connector.post(None, submission())
    row = sim.store.get(operator_id)
    archive = actes.read_archive(bytes(row["archive"]), row["archive_name"])
    assert actes.validate_message(archive.message) == [] and actes.validate_message(archive.envelope) == []
    assert archive.siren == "217500016" and archive.department == "075" and archive.number == "2026_DAC_7"
    assert archive.document_name.startswith("99_DE-075-217500016-") and len(archive.annex_names) == 1
    assert row["anomaly"] == "" and row["archive_name"].startswith("SIM-EACT--217500016--")


def test_status_progression_and_ar_acte(sim):
    operator_id = sim.connector.post(None, submission())
    codes = [sim.connector.status(operator_id).code]
    for _ in range(3):
        requests.post(f"{sim.url}/simulate/{operator_id}/advance", timeout=5, allow_redirects=False)
        codes.append(sim.connector.status(operator_id).code)
    assert codes == [1, 2, 3, 4]
    ar = sim.connector.status(operator_id).message
    assert actes.validate_message(ar) == []
    assert f'actes:DateReception="{date.today().isoformat()}"'.encode() in ar
    assert f"075-217500016-{date.today():%Y%m%d}-2026_DAC_7-DE".encode() in ar


def test_timed_progression(tmp_path):
    now = [1000.0]
    simulator = Simulator(tmp_path, step_seconds=2, clock=lambda: now[0],
                          accounts=[Account("217500016", "pw", "217500016", "075")])
    server, url = serve_in_thread(simulator)
    try:
        c = S2lowConnector(url, login="217500016", password="pw")
        operator_id = c.post(None, submission())
        seen = []
        for _ in range(4):
            seen.append(c.status(operator_id).code)
            now[0] += 2
        assert seen == [1, 2, 3, 4]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("changes, nature, detail", [
    ({"subject": "Subvention [anomalie]"}, "003", "ODT-VERIF-02"),
    ({"classification_date": date(2010, 1, 1)}, "002", "date de classification qui n'est pas à jour"),
])
def test_anomalies(sim, changes, nature, detail):
    operator_id = sim.connector.post(None, submission(**changes))
    for _ in range(3):
        sim._advance(sim.store.get(operator_id), force=True)
    status = sim.connector.status(operator_id)
    assert status.code == -1
    assert actes.validate_message(status.message) == []
    assert f"<actes:Nature>{nature}</actes:Nature>".encode() in status.message
    assert detail.encode("latin-1") in status.message
    # After an anomaly the same number may be sent again.
    assert sim.connector.post(None, submission()) != operator_id


def test_invalid_message_becomes_an_anomaly(sim, monkeypatch):
    from hemicycle.legality.simulator import rebuild

    real = actes.validate_message
    monkeypatch.setattr(rebuild.actes, "validate_message",
                        lambda xml: ["Ligne 1 : élément inattendu"] if b"<actes:Acte" in xml else real(xml))
    operator_id = sim.connector.post(None, submission())
    assert "actesv1_1.xsd" in sim.store.get(operator_id)["anomaly"]


def test_operator_page_sends_prefecture_letters(sim):
    operator_id = sim.connector.post(None, submission())
    sim._advance(sim.store.get(operator_id), force=True)
    page = requests.get(sim.url + "/", timeout=5).text
    assert "Étape suivante" in page and "Lettre d&#x27;observations" not in page
    for _ in range(2):
        requests.post(f"{sim.url}/simulate/{operator_id}/advance", timeout=5)
    page = requests.get(sim.url + "/", timeout=5).text
    for kind in ("courrier", "demande_pieces", "lettre_observations", "defere"):
        assert f"/simulate/{operator_id}/{kind}" in page
    refused = requests.post(f"{sim.url}/simulate/{operator_id}/demande_pieces", data={"text": ""}, timeout=5,
                            allow_redirects=False)
    assert refused.status_code == 303
    docs = sim.connector.prefecture_documents()
    assert len(docs) == 1 and docs[0].type == 3
    files = actes.unpack(sim.connector.fetch_document(docs[0].id))
    messages = [v for k, v in files.items() if k.endswith(".xml")]
    assert all(actes.validate_message(m) == [] for m in messages) and len(messages) == 2  # envelope + message
    # Letters only about acknowledged acts.
    other = sim.connector.post(None, submission(number="AUTRE_2"))
    assert requests.post(f"{sim.url}/simulate/{other}/defere", timeout=5).status_code == 400


def test_answers_are_rebuilt_and_validated(sim):
    operator_id = sim.connector.post(None, submission())
    for _ in range(3):
        sim._advance(sim.store.get(operator_id), force=True)
    doc = sim.send_prefecture_document(int(operator_id), "demande_pieces")
    answer = sim.connector.send_answer(str(doc), response=True, letter=("courrier.pdf", PDF),
                                       attachments=[("piece1.pdf", PDF), ("piece2.pdf", PDF)])
    row = sim.store.get(answer)
    assert actes.validate_message(bytes(row["message"])) == []
    assert bytes(row["message"]).count(b"<actes:NomFichier>") == 3
