from fractions import Fraction

import pytest

from hemicycle.rules.regime import AuthorityKind, regime_for


@pytest.mark.parametrize(
    ("kind", "population", "days", "note", "public_fraction"),
    [
        ("commune", 800, 3, False, Fraction(1, 4)),       # L2121-11
        ("commune", 3_499, 3, False, Fraction(1, 4)),     # just under the threshold
        ("commune", 3_500, 5, True, Fraction(1, 4)),      # L2121-12 from 3,500 inclusive
        ("commune", 52_000, 5, True, Fraction(1, 4)),
        ("epci", 120_000, 5, True, Fraction(1, 4)),
        ("paris", 2_100_000, 12, True, Fraction(1, 4)),   # règlement intérieur du Conseil de Paris
        ("departement", 1_600_000, 12, True, Fraction(1, 6)),  # L3121-19, L3121-15
    ],
)
def test_regime_for(kind, population, days, note, public_fraction):
    regime = regime_for(AuthorityKind(kind), population)
    assert regime.convocation_days == days
    assert regime.synthesis_note_required is note
    assert regime.public_ballot_fraction == public_fraction
    assert regime.secret_ballot_fraction == Fraction(1, 3)
    assert regime.max_proxies_per_holder == 1


def test_reglement_interieur_may_only_tighten():
    base = regime_for(AuthorityKind.COMMUNE, 10_000)
    assert base.tightened(convocation_days=7).convocation_days == 7
    with pytest.raises(ValueError):
        base.tightened(convocation_days=4)
    with pytest.raises(ValueError):
        base.tightened(synthesis_note_required=False)
    with pytest.raises(ValueError):
        base.tightened(max_proxies_per_holder=2)
    assert base.tightened(public_ballot_fraction=Fraction(1, 5)).public_ballot_fraction == Fraction(1, 5)
