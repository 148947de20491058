"""Majority of suffrages exprimés, casting vote, secret-ballot tie (L2121-20)."""

import pytest

from hemicycle.rules.outcome import Tally, Vote, decide


@pytest.mark.parametrize(
    ("pour", "contre", "abstention", "nppv", "secret", "president", "adopted", "casting"),
    [
        (10, 2, 1, 0, False, "pour", True, False),
        (2, 10, 1, 0, False, "pour", False, False),
        (4, 0, 6, 0, False, None, True, False),  # unanimity of suffrages exprimés
        (1, 0, 0, 20, False, None, True, False),
        (0, 1, 0, 0, False, None, False, False),
        (7, 6, 0, 0, True, None, True, False),  # secret ballot, clear majority
        # ties, public vote: the president decides if he voted pour or contre
        (5, 5, 0, 0, False, "pour", True, True),
        (5, 5, 2, 1, False, "contre", False, True),
        (5, 5, 0, 0, False, "abstention", False, False),
        (5, 5, 0, 0, False, "nppv", False, False),
        (5, 5, 0, 0, False, None, False, False),  # president absent or withdrawn
        # ties, secret ballot: rejected, no casting vote
        (5, 5, 0, 0, True, "pour", False, False),
        (5, 5, 0, 0, True, None, False, False),
        # zero suffrages exprimés: nothing decided, not adopted
        (0, 0, 7, 2, False, "abstention", False, False),
        (0, 0, 0, 0, False, None, False, False),
        (0, 0, 0, 5, True, None, False, False),
    ],
)
def test_decide(pour, contre, abstention, nppv, secret, president, adopted, casting):
    tally = Tally(pour, contre, abstention, nppv)
    outcome = decide(tally, secret=secret, president_vote=president)
    assert outcome.adopted is adopted
    assert outcome.casting_vote_used is casting
    assert outcome.result == ("adopted" if adopted else "rejected")
    assert outcome.reason and outcome.article == "L2121-20"


@pytest.mark.parametrize(
    ("votes", "expected", "exprimes"),
    [
        ([], Tally(0, 0, 0, 0), 0),
        (["pour", "pour", "contre", "abstention", "nppv"], Tally(2, 1, 1, 1), 3),
        ([Vote.POUR, "contre", Vote.NPPV, "nppv"], Tally(1, 1, 0, 2), 2),
    ],
)
def test_tally(votes, expected, exprimes):
    tally = Tally.of(votes)
    assert tally == expected
    assert tally.exprimes == exprimes
    assert tally.votes == len(votes)


@pytest.mark.parametrize("bad", ["oui", "POUR", "", "blanc"])
def test_tally_refuses_unknown_values(bad):
    with pytest.raises(ValueError):
        Tally.of(["pour", bad])


def test_departement_article():
    outcome = decide(Tally(1, 0), secret=False, president_vote=None, article="L3121-14, L3121-15")
    assert outcome.article == "L3121-14, L3121-15"
