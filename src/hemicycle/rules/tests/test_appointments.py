"""Appointments: absolute majority at rounds 1 and 2, relative at round 3, the oldest on a tie (L2121-21)."""

from datetime import date

import pytest

from hemicycle.rules.appointments import elect

BIRTHS = {"A": date(1960, 5, 1), "B": date(1975, 2, 3), "C": date(1960, 5, 1), "D": None}


def ballots(**counts):
    """ballots(A=3, B=2, blank=1) → ["A", "A", "A", "B", "B", None]"""
    out = []
    for name, n in counts.items():
        out += [None if name == "blank" else name] * n
    return out


@pytest.mark.parametrize(
    ("rounds", "elected", "round_no", "codes"),
    [
        ([ballots(A=6, B=5)], "A", 1, []),
        ([ballots(A=6, B=5, blank=3)], "A", 1, []),  # blank ballots are not suffrages exprimés
        ([ballots(A=5, B=5)], None, None, ["rounds_incomplete"]),  # half is not a majority
        ([ballots(A=5, B=4, C=1)], None, None, ["rounds_incomplete"]),
        ([ballots(A=5, B=4, C=2), ballots(A=6, B=5)], "A", 2, []),
        ([ballots(A=4, B=4, C=3), ballots(A=5, B=4, C=2), ballots(B=5, A=4, C=2)], "B", 3, []),  # relative
        ([ballots(A=5, B=5), ballots(A=5, B=5), ballots(A=5, B=5)], "A", 3, []),  # tie: A is older than B
        ([ballots(A=5, B=5), ballots(A=5, B=5), ballots(B=5, A=5, blank=2)], "A", 3, []),
        ([ballots(A=5, B=5), ballots(A=5, B=5), ballots(A=5, C=5)], None, None, ["tie_same_age"]),
        ([ballots(A=5, D=5), ballots(A=5, D=5), ballots(A=5, D=5)], None, None, ["tie_without_birth_date"]),
        ([ballots(A=5, B=5), ballots(A=5, B=5), ballots(blank=10)], None, None, ["nobody_elected"]),
        ([ballots(A=6, B=5), ballots(A=6, B=5)], "A", 1, ["round_after_election"]),
        ([ballots(A=5, B=5)] * 4, "A", 3, ["round_after_election"]),
        ([ballots(A=5, C=5)] * 4, None, None, ["tie_same_age", "too_many_rounds"]),
        ([], None, None, ["rounds_incomplete"]),
        ([ballots(blank=3)], None, None, ["rounds_incomplete"]),
    ],
)
def test_elect(rounds, elected, round_no, codes):
    result = elect(rounds, birth_dates=BIRTHS)
    assert result.elected == elected
    assert result.round == round_no
    assert [e.code for e in result.errors] == codes
    assert all(e.article == "L2121-21" for e in result.errors)


def test_round_details():
    result = elect([ballots(B=4, A=4, C=3, blank=2), ballots(A=6, B=5), ballots(A=6, B=5)], birth_dates=BIRTHS)
    first = result.rounds[0]
    assert first.counts == {"A": 4, "B": 4, "C": 3}  # most votes first, then by name
    assert (first.exprimes, first.blank, first.majority_needed, first.elected) == (11, 2, 6, None)
    assert result.rounds[1].elected == "A" and len(result.rounds) == 2
    third = elect([ballots(A=2, B=2, C=1), ballots(A=2, B=2, C=1), ballots(A=3, B=3)], birth_dates=BIRTHS).rounds[2]
    assert third.majority_needed is None and third.tied == ["A", "B"] and third.elected == "A"


def test_names_are_trimmed_and_empty_strings_are_blank():
    result = elect([[" A ", "A", "", "  ", "B"]], birth_dates=BIRTHS)
    assert result.rounds[0].counts == {"A": 2, "B": 1}
    assert result.rounds[0].blank == 2
    assert result.elected == "A"
