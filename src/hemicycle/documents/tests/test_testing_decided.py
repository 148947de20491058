"""The issue-4 test helper builds acts in their state after the vote, classified."""

from hemicycle.acts.models import ActState
from hemicycle.documents.testing import build_decided_sitting


def test_decided_sitting(world):
    decided = build_decided_sitting(world)
    assert [a.state for a in decided.acts] == [ActState.ADOPTED, ActState.ADOPTED, ActState.REJECTED,
                                               ActState.ON_AGENDA]
    assert decided.adopted == decided.acts[:2]
    budget = decided.acts[0]
    assert budget.matiere_codes == ["7", "7.1"] and budget.classification_version is not None
    assert decided.items[0].act == budget and decided.items[0].number == 1


def test_adopted_amendment_is_in_the_text(world):
    budget = build_decided_sitting(world).acts[0]
    assert budget.articles[1] == "Le crédit est porté à 12 000 euros."
    assert budget.versions.filter(summary="Amendement n° 1 adopté").exists()
