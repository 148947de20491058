from hemicycle.circuits.history import describe
from hemicycle.journal.models import JournalEntry


def entry(action, **data):
    return JournalEntry(action=action, data=data)


def test_circuit_events_read_in_french():
    sent_back = describe(entry("circuit.sent_back", step="Chef de service", comment="Préciser le montant",
                               target="drafter", target_label="Claire Martin"))
    assert sent_back["label"] == "Renvoi — étape « Chef de service »"
    assert "Renvoyé au rédacteur (Claire Martin)" in sent_back["details"]
    assert "« Préciser le montant »" in sent_back["details"]
    visa = describe(entry("circuit.step_approved", step="DGS", on_behalf_of="Inès Haddad", step_complete=False))
    assert "Pour le compte de Inès Haddad" in visa["details"]
    assert describe(entry("act.created")) is None
