"""Conflicts of interest: who must withdraw, and which votes an interested member taints (L2131-11)."""

import pytest

from hemicycle.rules.conflicts import barred_vote, must_withdraw, normalise

INTERESTS = {
    "m1": ["Les Amis du Moulin", "Comité des fêtes"],
    "m2": ["SEM Habitat"],
    "m3": [],
    "m4": ["comite des fetes"],
}


@pytest.mark.parametrize(
    ("concerned", "expected"),
    [
        ([], []),
        (["Association sportive"], []),
        (["Les Amis du Moulin"], [("m1", ("Les Amis du Moulin",))]),
        (["  les amis   du MOULIN "], [("m1", ("  les amis   du MOULIN ",))]),  # case, spaces
        (["Comité des Fêtes"], [("m1", ("Comité des Fêtes",)), ("m4", ("Comité des Fêtes",))]),  # accents
        (["SEM Habitat", "Les Amis du Moulin"], [("m1", ("Les Amis du Moulin",)), ("m2", ("SEM Habitat",))]),
        (["Comité des fêtes", "Les Amis du Moulin"],
         [("m1", ("Comité des fêtes", "Les Amis du Moulin")), ("m4", ("Comité des fêtes",))]),
        ([""], []),
    ],
)
def test_must_withdraw(concerned, expected):
    assert [(w.member, w.organisations) for w in must_withdraw(INTERESTS, concerned)] == expected


def test_normalise():
    assert normalise("  Comité  des FÊTES ") == normalise("comite des fetes") == "comite des fetes"


@pytest.mark.parametrize(
    ("owner", "caster", "barred", "code", "member"),
    [
        ("m1", "m1", set(), None, None),
        ("m1", "m1", {"m1"}, "withdrawn_member_voted", "m1"),  # voted himself
        ("m1", "m2", {"m1"}, "withdrawn_member_voted", "m1"),  # voted through his proxy holder
        ("m1", "m2", {"m2"}, "proxy_holder_withdrawn", "m2"),  # interested holder used a proxy
        ("m1", "m2", {"m3"}, None, None),
    ],
)
def test_barred_vote(owner, caster, barred, code, member):
    error = barred_vote(owner, caster, barred)
    if code is None:
        assert error is None
    else:
        assert (error.code, error.member) == (code, member)
        assert "L2131-11" in error.article and "432-12" in error.article
