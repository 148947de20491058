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


@pytest.mark.parametrize(
    ("kind", "population", "convocation", "quorum", "proxy", "ballot", "secret_prevails", "delegation"),
    [
        ("commune", 800, "L2121-11", "L2121-17", "L2121-20", "L2121-21", True, 0),
        ("commune", 52_000, "L2121-12", "L2121-17", "L2121-20", "L2121-21", True, 0),
        ("epci", 120_000, "L2121-12", "L2121-17", "L2121-20", "L2121-21", True, 0),
        ("paris", 2_100_000, "règlement intérieur du Conseil de Paris, art. 1 (plancher : L2121-12)",
         "L2121-17", "L2121-20", "L2121-21", True, 15),
        ("departement", 640_000, "L3121-19", "L3121-14", "L3121-16", "L3121-15", False, 0),
    ],
)
def test_regime_articles_and_settings(kind, population, convocation, quorum, proxy, ballot, secret_prevails,
                                      delegation):
    regime = regime_for(AuthorityKind(kind), population)
    assert (regime.convocation_article, regime.quorum_article, regime.proxy_article, regime.ballot_article) == (
        convocation, quorum, proxy, ballot)
    assert regime.secret_prevails_over_public is secret_prevails
    assert regime.delegation_convocation_days == delegation
    assert regime.urgency_min_days == 1 and regime.second_convocation_days == 3
    assert regime.proxy_max_consecutive_sittings == 3


@pytest.mark.parametrize(
    "changes",
    [
        {"urgency_min_days": 0},
        {"second_convocation_days": 2},
        {"secret_prevails_over_public": False},
        {"proxy_max_consecutive_sittings": 4},
        {"secret_ballot_fraction": Fraction(1, 2)},
    ],
)
def test_reglement_interieur_cannot_loosen_the_new_settings(changes):
    with pytest.raises(ValueError):
        regime_for(AuthorityKind.COMMUNE, 10_000).tightened(**changes)


def test_paris_delegation_delay_only_tightens():
    paris = regime_for(AuthorityKind.PARIS, 2_100_000)
    assert paris.tightened(delegation_convocation_days=20).delegation_convocation_days == 20
    with pytest.raises(ValueError):
        paris.tightened(delegation_convocation_days=10)
    assert regime_for(AuthorityKind.COMMUNE, 10_000).tightened(urgency_min_days=2).urgency_min_days == 2
