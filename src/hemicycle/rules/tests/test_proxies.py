"""Proxies: one per holder, mandator absent, holder present, no chain, 3 sittings unless illness (L2121-20)."""

from dataclasses import replace

import pytest

from hemicycle.rules.proxies import Proxy, check_proxies
from hemicycle.rules.regime import AuthorityKind, regime_for

MEMBERS = ["a", "b", "c", "d", "e", "f"]
PRESENT = {"a", "b", "c"}  # d, e, f absent
COMMUNE = regime_for(AuthorityKind.COMMUNE, 10_000)


@pytest.mark.parametrize(
    ("proxies", "valid", "codes"),
    [
        ([], {}, []),
        ([Proxy("d", "a")], {"d": "a"}, []),
        ([Proxy("d", "a"), Proxy("e", "b"), Proxy("f", "c")], {"d": "a", "e": "b", "f": "c"}, []),
        # one holder, one proxy: the first received is kept
        ([Proxy("d", "a"), Proxy("e", "a")], {"d": "a"}, ["too_many_proxies"]),
        ([Proxy("d", "a"), Proxy("e", "a"), Proxy("f", "a")], {"d": "a"}, ["too_many_proxies", "too_many_proxies"]),
        # the mandator must be absent, the holder present
        ([Proxy("b", "a")], {}, ["mandator_present"]),
        ([Proxy("d", "e")], {}, ["holder_absent"]),
        # no chain: e gave his proxy, he cannot carry d's
        ([Proxy("d", "e"), Proxy("e", "a")], {"e": "a"}, ["holder_absent", "proxy_chain"]),
        # two proxies from the same member: ambiguous, both refused
        ([Proxy("d", "a"), Proxy("d", "b")], {}, ["duplicate_mandator", "duplicate_mandator"]),
        ([Proxy("d", "d")], {}, ["self_proxy", "holder_absent"]),
        ([Proxy("a", "a")], {}, ["self_proxy", "mandator_present"]),
        # three consecutive sittings at most, unless duly established illness
        ([Proxy("d", "a", sittings=3)], {"d": "a"}, []),
        ([Proxy("d", "a", sittings=4)], {}, ["proxy_too_long"]),
        ([Proxy("d", "a", sittings=12, illness=True)], {"d": "a"}, []),
        # unknown members
        ([Proxy("zz", "a")], {}, ["unknown_member"]),
        ([Proxy("d", "zz")], {}, ["unknown_member"]),
        ([Proxy("xx", "yy")], {}, ["unknown_member", "unknown_member"]),
        # a refused proxy does not use up the holder's single proxy
        ([Proxy("d", "a", sittings=5), Proxy("e", "a")], {"e": "a"}, ["proxy_too_long"]),
    ],
)
def test_check_proxies(proxies, valid, codes):
    check = check_proxies(proxies, members=MEMBERS, present=PRESENT, regime=COMMUNE)
    assert check.valid == valid
    assert [e.code for e in check.errors] == codes
    assert len(check.refused) + len(check.valid) == len(proxies)
    assert all(e.article == "L2121-20" for e in check.errors)


def test_configurable_limits():
    """COVID-era two proxies per holder ended on 31 July 2022: a setting, not a constant."""
    two = replace(COMMUNE, max_proxies_per_holder=2)
    check = check_proxies([Proxy("d", "a"), Proxy("e", "a"), Proxy("f", "a")], members=MEMBERS, present=PRESENT,
                          regime=two)
    assert check.valid == {"d": "a", "e": "a"}
    assert [e.code for e in check.errors] == ["too_many_proxies"]
    stricter = COMMUNE.tightened(proxy_max_consecutive_sittings=1)
    assert [e.code for e in check_proxies([Proxy("d", "a", sittings=2)], members=MEMBERS, present=PRESENT,
                                          regime=stricter).errors] == ["proxy_too_long"]


def test_departement_article():
    regime = regime_for(AuthorityKind.DEPARTEMENT, 500_000)
    check = check_proxies([Proxy("d", "e")], members=MEMBERS, present=PRESENT, regime=regime)
    assert check.errors[0].article == "L3121-16"
    assert check.errors[0].member == "e"
