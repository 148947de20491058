"""Which ballot: public at 1/4 (L2121-21) or 1/6 (L3121-15) of members present, secret at 1/3 or for appointments."""

from fractions import Fraction

import pytest

from hemicycle.rules.ballots import Ballot, reaches, required_ballot
from hemicycle.rules.regime import AuthorityKind, regime_for

COMMUNE = regime_for(AuthorityKind.COMMUNE, 10_000)
DEPT = regime_for(AuthorityKind.DEPARTEMENT, 500_000)
PARIS = regime_for(AuthorityKind.PARIS, 2_100_000)
SHOW, PUBLIC, SECRET = Ballot.SHOW_OF_HANDS, Ballot.PUBLIC, Ballot.SECRET


@pytest.mark.parametrize(
    ("requests", "present", "fraction", "expected"),
    [
        (5, 20, Fraction(1, 4), True),  # exactly a quarter
        (4, 20, Fraction(1, 4), False),
        (5, 21, Fraction(1, 4), False),  # 5.25 needed: 6
        (6, 21, Fraction(1, 4), True),
        (7, 20, Fraction(1, 3), True),
        (6, 20, Fraction(1, 3), False),
        (5, 30, Fraction(1, 6), True),
        (4, 30, Fraction(1, 6), False),
        (0, 0, Fraction(1, 4), False),  # nobody present: nobody asked
        (1, 1, Fraction(1, 3), True),
    ],
)
def test_reaches(requests, present, fraction, expected):
    assert reaches(requests, present, fraction) is expected


@pytest.mark.parametrize(
    ("regime", "present", "public", "secret", "options", "ballot"),
    [
        (COMMUNE, 20, 0, 0, {}, SHOW),
        (COMMUNE, 20, 5, 0, {}, PUBLIC),
        (COMMUNE, 20, 4, 0, {}, SHOW),
        (COMMUNE, 20, 0, 7, {}, SECRET),
        (COMMUNE, 20, 0, 6, {}, SHOW),
        (COMMUNE, 20, 5, 7, {}, SECRET),  # both: secret wins in communes
        (COMMUNE, 20, 5, 6, {}, PUBLIC),  # secret request below its threshold
        (COMMUNE, 20, 0, 0, {"appointment": True}, SECRET),
        (COMMUNE, 20, 0, 0, {"appointment": True, "unanimous_open_vote": True}, SHOW),
        (COMMUNE, 20, 5, 0, {"appointment": True, "unanimous_open_vote": True}, PUBLIC),
        (COMMUNE, 0, 0, 0, {}, SHOW),
        (DEPT, 30, 5, 0, {}, PUBLIC),  # a sixth
        (DEPT, 30, 4, 0, {}, SHOW),
        (DEPT, 30, 5, 10, {}, PUBLIC),  # both: public wins in départements
        (DEPT, 30, 0, 10, {}, SECRET),
        (DEPT, 30, 5, 0, {"appointment": True}, SECRET),
        (PARIS, 163, 41, 0, {}, PUBLIC),  # a quarter of 163 is 40.75
        (PARIS, 163, 40, 0, {}, SHOW),
        (PARIS, 163, 41, 55, {}, SECRET),
        (COMMUNE, 30, 5, 0, {}, SHOW),  # 1/6 is not enough in a commune
    ],
)
def test_required_ballot(regime, present, public, secret, options, ballot):
    decision = required_ballot(present=present, public_requests=public, secret_requests=secret, regime=regime,
                               **options)
    assert decision.ballot is ballot
    assert decision.reason
    assert decision.article == regime.ballot_article


def test_articles():
    assert COMMUNE.ballot_article == PARIS.ballot_article == "L2121-21"
    assert DEPT.ballot_article == "L3121-15"


def test_reglement_interieur_may_lower_the_public_threshold():
    regime = COMMUNE.tightened(public_ballot_fraction=Fraction(1, 5))
    assert required_ballot(present=20, public_requests=4, secret_requests=0, regime=regime).ballot is PUBLIC
