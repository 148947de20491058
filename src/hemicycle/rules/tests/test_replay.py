"""Replaying sitting records: every irregularity reported with its article, never counted."""

import copy
import json
from pathlib import Path

import pytest

from hemicycle.rules.replay import RecordError, dumps, load, replay

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples"

# 7 seats, 800 inhabitants (3 jours francs, quorum 4); a–e present, f gave a proxy to b, g absent.
BASE = {
    "assembly": {"kind": "commune", "population": 800, "seats": 7, "vacancies": 0},
    "members": [
        {"id": "a", "name": "Anne", "birth_date": "1960-01-01", "president": True},
        {"id": "b", "name": "Bruno", "birth_date": "1970-01-01"},
        {"id": "c", "name": "Chantal", "birth_date": "1950-01-01"},
        {"id": "d", "name": "David", "birth_date": "1980-01-01", "interests": ["Les Amis du Moulin"]},
        {"id": "e", "name": "Élise", "birth_date": "1990-01-01"},
        {"id": "f", "name": "François", "birth_date": "1965-01-01"},
        {"id": "g", "name": "Gaëlle", "birth_date": "1975-01-01"},
    ],
    "sitting": {
        "date": "2026-11-14", "convocation_sent": "2026-11-10", "urgency": False,
        "attendance": {"a": "present", "b": "present", "c": "present", "d": "present", "e": "present",
                       "f": "absent", "g": "absent"},
        "proxies": [{"from": "f", "to": "b"}],
    },
    "items": [{
        "ref": "2026 DAC 1", "ballot": "show_of_hands",
        "votes": {"a": "pour", "b": "pour", "c": "contre", "d": "pour", "e": "abstention", "f": "pour"},
    }],
}


def run(*mutations):
    record = copy.deepcopy(BASE)
    for mutate in mutations:
        mutate(record)
    return replay(record)


def item(**changes):
    return lambda r: r["items"][0].update(changes)


def votes(**changes):
    return lambda r: r["items"][0]["votes"].update(changes)


def sitting(**changes):
    return lambda r: r["sitting"].update(changes)


def assembly(**changes):
    return lambda r: r["assembly"].update(changes)


def member(member_id, **changes):
    return lambda r: next(m for m in r["members"] if m["id"] == member_id).update(changes)


def codes(errors):
    return [e["code"] for e in errors]


def test_baseline():
    result = run()
    (it,) = result["items"]
    assert result["valid"] is True and result["errors"] == []
    assert result["convocation"] == {
        "required_days": 3, "latest_send_date": "2026-11-10", "sent": "2026-11-10", "jours_francs": 3,
        "urgency": False, "urgency_vote_required": False, "urgency_approved": None, "second_convocation": False,
        "quorum_required": True, "article": "L2121-11", "valid": True, "errors": [],
    }
    assert result["opening"] == {"present": 5, "represented": 1, "quorum_required": 4, "quorum_met": True}
    assert result["proxies"] == [{"from": "f", "to": "b", "valid": True}]
    assert {k: it[k] for k in ("ref", "members_in_office", "present", "represented", "quorum_required", "quorum_met",
                               "pour", "contre", "abstention", "nppv", "exprimes", "outcome", "counted_outcome",
                               "casting_vote_used", "elected", "errors")} == {
        "ref": "2026 DAC 1", "members_in_office": 7, "present": 5, "represented": 1, "quorum_required": 4,
        "quorum_met": True, "pour": 4, "contre": 1, "abstention": 1, "nppv": 0, "exprimes": 5,
        "outcome": "adopted", "counted_outcome": "adopted", "casting_vote_used": False, "elected": None,
        "errors": [],
    }


# Each case: mutations, expected record-level error codes, expected item error codes, outcome, (pour, contre).
CASES = {
    # proxies (L2121-20)
    "two proxies to one holder": (
        [sitting(proxies=[{"from": "f", "to": "b"}, {"from": "g", "to": "b"}]), votes(g="contre")],
        ["too_many_proxies"], ["vote_with_refused_proxy"], "invalid", (4, 1)),
    "proxy from a present member": (
        [sitting(proxies=[{"from": "f", "to": "b"}, {"from": "c", "to": "d"}])],
        ["mandator_present"], [], "adopted", (4, 1)),
    "proxy to an absent member": (
        [sitting(proxies=[{"from": "f", "to": "g"}])], ["holder_absent"], ["vote_with_refused_proxy"], "invalid",
        (3, 1)),
    "proxy for too many sittings": (
        [sitting(proxies=[{"from": "f", "to": "b", "sittings": 4}])], ["proxy_too_long"],
        ["vote_with_refused_proxy"], "invalid", (3, 1)),
    "proxy for many sittings, illness": (
        [sitting(proxies=[{"from": "f", "to": "b", "sittings": 9, "illness": True}])], [], [], "adopted", (4, 1)),
    "proxy chain": (
        [sitting(proxies=[{"from": "g", "to": "f"}, {"from": "f", "to": "b"}]), votes(g="pour")],
        ["holder_absent", "proxy_chain"], ["vote_with_refused_proxy"], "invalid", (4, 1)),
    "proxy from an unknown member": (
        [sitting(proxies=[{"from": "f", "to": "b"}, {"from": "zz", "to": "c"}])], ["unknown_member"], [], "adopted",
        (4, 1)),
    # votes that cannot count
    "vote from an absent member without proxy": (
        [votes(g="contre")], [], ["vote_without_proxy"], "invalid", (4, 1)),
    "holder votes for a mandator who gave no proxy": (
        [votes(g={"vote": "contre", "by": "c"})], [], ["proxy_holder_mismatch"], "invalid", (4, 1)),
    "holder votes for a mandator who gave the proxy to someone else": (
        [votes(f={"vote": "pour", "by": "c"})], [], ["proxy_holder_mismatch"], "invalid", (3, 1)),
    "proxy vote with the right holder named": (
        [votes(f={"vote": "contre", "by": "b"})], [], [], "adopted", (3, 2)),
    "present member's vote cast by another": (
        [votes(c={"vote": "pour", "by": "d"})], [], ["vote_cast_by_other"], "invalid", (4, 0)),
    "unknown member votes": ([votes(zz="pour")], [], ["unknown_member"], "invalid", (4, 1)),
    "vote cast by an unknown member": (
        [votes(f={"vote": "pour", "by": "zz"})], [], ["unknown_member"], "invalid", (3, 1)),
    "vote value not allowed": ([votes(e="oui")], [], ["invalid_vote_value"], "invalid", (4, 1)),
    "vote value not a string": ([votes(e=1)], [], ["invalid_vote_value"], "invalid", (4, 1)),
    "vote value null": ([votes(e=None)], [], ["invalid_vote_value"], "invalid", (4, 1)),
    "vote value in capitals": ([votes(e=" Contre ")], [], [], "adopted", (4, 2)),
    "nppv is not a suffrage exprimé": ([votes(e="nppv")], [], [], "adopted", (4, 1)),
    # conflicts of interest (L2131-11)
    "withdrawn member votes": (
        [item(withdrawn=["c"])], [], ["withdrawn_member_voted"], "invalid", (4, 0)),
    "withdrawn mandator votes through his holder": (
        [item(withdrawn=["f"])], [], ["withdrawn_member_voted"], "invalid", (3, 1)),
    "withdrawn holder uses a proxy": (
        [item(withdrawn=["b"]), lambda r: r["items"][0]["votes"].pop("b")], [], ["proxy_holder_withdrawn"],
        "invalid", (2, 1)),
    "withdrawn members recorded as not taking part": (
        [item(withdrawn=["b"]), votes(b="nppv", f="nppv")], [], [], "adopted", (2, 1)),
    "withdrawn members who do not vote": (
        [item(withdrawn=["e"]), lambda r: r["items"][0]["votes"].pop("e")], [], [], "adopted", (4, 1)),
    "declared interest, not withdrawn": (
        [item(concerned=["les amis du moulin"])], [], ["interested_member_not_withdrawn", "withdrawn_member_voted"],
        "invalid", (3, 1)),
    "declared interest, withdrawn": (
        [item(concerned=["Les Amis du Moulin"], withdrawn=["d"]), lambda r: r["items"][0]["votes"].pop("d")],
        [], [], "adopted", (3, 1)),
    "declared interest of an absent member whose holder votes": (
        [member("f", interests=["SEM Habitat"]), item(concerned=["SEM Habitat"])], [], ["withdrawn_member_voted"],
        "invalid", (3, 1)),
    "unknown withdrawn member": ([item(withdrawn=["zz"])], [], ["unknown_member"], "invalid", (4, 1)),
    # ballots (L2121-21)
    "public ballot requested, show of hands held": (
        [item(requests={"public": ["c", "e"]})], [], ["public_ballot_required"], "invalid", (4, 1)),
    "public ballot requested and held": (
        [item(requests={"public": ["c", "e"]}, ballot="public")], [], [], "adopted", (4, 1)),
    "one public request out of five is not a quarter": (
        [item(requests={"public": ["c"]})], [], [], "adopted", (4, 1)),
    "secret ballot requested, public held": (
        [item(requests={"secret": ["c", "e"]}, ballot="public")], [], ["secret_ballot_required"], "invalid", (4, 1)),
    "both requested: secret wins in a commune": (
        [item(requests={"secret": ["c", "e"], "public": ["a", "b"]}, ballot="public")], [],
        ["secret_ballot_required"], "invalid", (4, 1)),
    "secret ballot without request": ([item(ballot="secret")], [], ["secret_ballot_not_requested"], "invalid", (4, 1)),
    "unknown ballot": ([item(ballot="électronique")], [], ["invalid_ballot"], "invalid", (4, 1)),
    "request from an absent member": (
        [item(requests={"public": ["g", "f"]})], [], ["request_not_present", "request_not_present"], "invalid",
        (4, 1)),
    "request from a withdrawn member": (
        [item(requests={"secret": ["e", "c"]}, withdrawn=["c"], ballot="show_of_hands"),
         lambda r: r["items"][0]["votes"].pop("c")],
        [], ["request_not_present"], "invalid", (4, 0)),
    "request from an unknown member": (
        [item(requests={"public": ["zz"]})], [], ["unknown_member"], "invalid", (4, 1)),
    # ties and zero suffrages exprimés (L2121-20)
    "tie, president voted pour": ([votes(c="contre", e="contre", f="contre")], [], [], "adopted", (3, 3)),
    "tie, president voted contre": (
        [votes(a="contre", c="pour", e="contre", f="contre")], [], [], "rejected", (3, 3)),
    "tie, president abstained": ([votes(a="abstention", d="contre")], [], [], "rejected", (2, 2)),
    "tie, president absent": (
        [sitting(attendance={**BASE["sitting"]["attendance"], "a": "absent"}), votes(d="contre"),
         lambda r: r["items"][0]["votes"].pop("a")],
        [], [], "rejected", (2, 2)),
    "tie, no president in the record": (
        [member("a", president=False), votes(c="contre", e="contre", f="contre")], [], ["president_unknown"],
        "invalid", (3, 3)),
    "tie, secret ballot": (
        [item(ballot="secret", requests={"secret": ["c", "e"]}), votes(c="contre", e="contre", f="contre")],
        [], [], "rejected", (3, 3)),
    "everybody abstains": (
        [item(votes={m: "abstention" for m in "abcdef"})], [], [], "rejected", (0, 0)),
    "no vote recorded": ([item(votes={})], [], [], "rejected", (0, 0)),
    # quorum (L2121-17)
    "quorum lost when members withdraw, votes recorded": (
        [item(withdrawn=["c", "d"], votes={"a": "pour", "b": "pour", "e": "pour"})], [], ["quorum_not_met"],
        "no_quorum", (3, 0)),
    "quorum lost, nothing voted": ([item(withdrawn=["c", "d"], votes={})], [], [], "no_quorum", (0, 0)),
    # convocation
    "convocation one day late": (
        [sitting(convocation_sent="2026-11-11")], [], ["convocation_irregular"], "invalid", (4, 1)),
    "urgency, one jour franc": ([sitting(convocation_sent="2026-11-12", urgency=True)], [], [], "adopted", (4, 1)),
    "urgency refused by the assembly": (
        [sitting(convocation_sent="2026-11-12", urgency=True, urgency_approved=False)], [],
        ["convocation_irregular"], "invalid", (4, 1)),
    "unknown sending date": ([sitting(convocation_sent=None)], [], ["convocation_irregular"], "invalid", (4, 1)),
    # the record itself
    "attendance missing": (
        [lambda r: r["sitting"]["attendance"].pop("g")], ["attendance_missing"], [], "adopted", (4, 1)),
    "attendance value unknown": (
        [sitting(attendance={**BASE["sitting"]["attendance"], "g": "excusé"})], ["invalid_attendance"], [],
        "adopted", (4, 1)),
    "attendance of a stranger": (
        [sitting(attendance={**BASE["sitting"]["attendance"], "zz": "present"})], ["unknown_member"], [], "adopted",
        (4, 1)),
    "two presidents": ([member("b", president=True)], ["several_presidents"], [], "adopted", (4, 1)),
    "fewer members listed than in office": (
        [assembly(seats=8)], ["members_missing"], [], "adopted", (4, 1)),
    "same item twice": (
        [lambda r: r["items"].append(copy.deepcopy(r["items"][0]))], ["duplicate_ref"], [], "adopted", (4, 1)),
}


@pytest.mark.parametrize(("mutations", "record_codes", "item_codes", "outcome", "tally"), CASES.values(), ids=CASES)
def test_replay_cases(mutations, record_codes, item_codes, outcome, tally):
    result = run(*mutations)
    it = result["items"][0]
    assert codes(result["errors"]) == record_codes
    assert codes(it["errors"]) == item_codes
    assert it["outcome"] == outcome
    assert (it["pour"], it["contre"]) == tally
    assert result["valid"] is (not record_codes and not item_codes and result["convocation"]["valid"])
    for error in result["errors"] + it["errors"]:
        assert error["article"], error
        assert error["message"], error


def test_errors_name_the_member_and_article():
    it = run(item(withdrawn=["c"]))["items"][0]
    assert it["errors"] == [{
        "code": "withdrawn_member_voted", "member": "c", "article": "L2131-11 ; code pénal, art. 432-12",
        "message": "c, intéressé(e) à l'affaire, a voté : ce vote n'est pas compté et la délibération est exposée à "
                   "l'annulation.",
    }]
    assert it["counted_outcome"] == "adopted"  # what the valid votes alone give
    assert it["present"] == 4 and it["withdrawn"] == ["c"]


def test_casting_vote_flag():
    assert run(votes(c="contre", e="contre", f="contre"))["items"][0]["casting_vote_used"] is True
    assert run()["items"][0]["casting_vote_used"] is False
    invalid = run(votes(c="contre", e="contre", f="contre", g="pour"))["items"][0]
    assert invalid["outcome"] == "invalid" and invalid["casting_vote_used"] is False


def test_second_convocation_needs_no_quorum():
    attendance = {m: ("present" if m in "ab" else "absent") for m in "abcdefg"}
    result = run(
        sitting(second_convocation=True, failed_sitting_date="2026-11-09", convocation_sent="2026-11-10",
                attendance=attendance, proxies=[{"from": "f", "to": "b"}]),
        item(votes={"a": "pour", "b": "contre", "f": "pour"}),
    )
    assert result["convocation"]["valid"] and result["convocation"]["quorum_required"] is False
    assert result["opening"]["quorum_required"] is None and result["opening"]["quorum_met"]
    it = result["items"][0]
    assert (it["quorum_required"], it["quorum_met"], it["outcome"]) == (None, True, "adopted")
    without = run(sitting(attendance=attendance), item(votes={"a": "pour", "b": "contre", "f": "pour"}))
    assert without["items"][0]["outcome"] == "no_quorum"
    assert not without["opening"]["quorum_met"]


def test_vacancies_lower_the_base():
    result = run(assembly(seats=8, vacancies=1))
    assert result["assembly"]["members_in_office"] == 7 and result["errors"] == []
    assert result["items"][0]["quorum_required"] == 4


def rounds_item(*rounds, **extra):
    return item(ballot="appointment", votes={}, rounds=list(rounds), **extra)


VOTERS = "abcdef"  # f through his proxy holder b


def one_round(**counts):
    names = [name for name, n in counts.items() for _ in range(n)]
    return dict(zip(VOTERS, names + [None] * (len(VOTERS) - len(names))))


APPOINTMENTS = {
    "absolute majority at round 1": ([one_round(Chantal=4, Bruno=2)], {}, "elected", "Chantal", []),
    "blank ballots do not count": ([one_round(Chantal=3, Bruno=2)], {}, "elected", "Chantal", []),
    "round 2": ([one_round(Chantal=3, Bruno=3), one_round(Chantal=4, Bruno=2)], {}, "elected", "Chantal", []),
    "round 3, relative majority": (
        [one_round(Chantal=3, Bruno=3), one_round(Chantal=3, Bruno=3), one_round(Bruno=3, Chantal=2)], {},
        "elected", "Bruno", []),
    "round 3 tie: the oldest (member name)": (
        [one_round(Chantal=3, Bruno=3)] * 3, {}, "elected", "Chantal", []),
    "round 3 tie: the oldest (member id)": ([one_round(c=3, b=3)] * 3, {}, "elected", "c", []),
    "missing round": ([one_round(Chantal=3, Bruno=3)], {}, "invalid", None, ["rounds_incomplete"]),
    "round 3 tie, unknown birth dates": (
        [one_round(X=3, Y=3)] * 3, {}, "invalid", None, ["tie_without_birth_date"]),
    "voter absent without proxy": (
        [dict(one_round(Chantal=4, Bruno=2), g="Bruno")], {}, "invalid", None, ["vote_without_proxy"]),
    "withdrawn voter": (
        [one_round(Chantal=4, Bruno=2)], {"withdrawn": ["a"]}, "invalid", None, ["withdrawn_member_voted"]),
}


@pytest.mark.parametrize(("rounds", "extra", "outcome", "elected", "item_codes"), APPOINTMENTS.values(),
                         ids=APPOINTMENTS)
def test_appointments(rounds, extra, outcome, elected, item_codes):
    it = run(rounds_item(*rounds, **extra))["items"][0]
    assert codes(it["errors"]) == item_codes
    assert it["outcome"] == outcome
    assert it["elected"] == elected
    assert it["ballot_required"] == "secret"


def test_appointment_candidates_birth_dates_and_round_details():
    it = run(rounds_item(*[one_round(X=3, Y=3)] * 3, candidates={"X": "1980-01-01", "Y": "1979-12-31"}))["items"][0]
    assert it["elected"] == "Y"
    assert it["rounds"][0] == {"round": 1, "counts": {"X": 3, "Y": 3}, "exprimes": 6, "blank": 0,
                               "majority_needed": 4, "elected": None, "tied": []}
    assert it["rounds"][2]["tied"] == ["X", "Y"] and it["rounds"][2]["majority_needed"] is None


def test_appointment_record_mixups():
    both = run(item(ballot="appointment", rounds=[one_round(Chantal=4)]))["items"][0]  # BASE votes kept
    assert codes(both["errors"]) == ["votes_on_appointment"] and both["outcome"] == "invalid"
    stray = run(item(rounds=[one_round(Chantal=4)]))["items"][0]
    assert codes(stray["errors"]) == ["rounds_without_appointment"]
    open_vote = run(rounds_item(one_round(Chantal=4), unanimous_open_vote=True))["items"][0]
    assert open_vote["ballot_required"] == "show_of_hands" and open_vote["outcome"] == "elected"


def big_record(kind, population, seats, present, **sitting_changes):
    ids = [f"p{i:03d}" for i in range(seats)]
    return {
        "assembly": {"kind": kind, "population": population, "seats": seats},
        "members": [{"id": m, "birth_date": "1970-01-01", "president": m == "p000"} for m in ids],
        "sitting": {"date": "2026-12-14", "convocation_sent": "2026-12-01",
                    "attendance": {m: ("present" if i < present else "absent") for i, m in enumerate(ids)},
                    **sitting_changes},
        "items": [{"ref": "2026 SG 1", "votes": {m: "pour" for m in ids[:present]}}],
    }


@pytest.mark.parametrize(("present", "outcome"), [(82, "adopted"), (81, "no_quorum")])
def test_paris_quorum(present, outcome):
    result = replay(big_record("paris", 2_100_000, 163, present))
    assert result["opening"]["quorum_required"] == 82
    assert result["items"][0]["outcome"] == outcome
    assert result["convocation"]["required_days"] == 12 and result["convocation"]["valid"]


def test_paris_public_service_delegation_needs_15_jours_francs():
    record = big_record("paris", 2_100_000, 163, 120)
    record["items"].append({"ref": "2026 DU 2", "public_service_delegation": True, "votes": {"p001": "pour"}})
    first, delegation = replay(record)["items"]
    assert first["outcome"] == "adopted"
    assert codes(delegation["errors"]) == ["convocation_too_late"] and delegation["outcome"] == "invalid"
    record["sitting"]["convocation_sent"] = "2026-11-28"
    assert replay(record)["items"][1]["outcome"] == "adopted"


def test_departement_public_ballot_sixth_and_priority():
    record = big_record("departement", 640_000, 34, 30)
    record["items"][0].update(ballot="public", requests={"public": [f"p{i:03d}" for i in range(5)],
                                                         "secret": [f"p{i:03d}" for i in range(10, 20)]})
    it = replay(record)["items"][0]
    assert (it["ballot_required"], it["errors"], it["outcome"]) == ("public", [], "adopted")
    record["items"][0]["ballot"] = "secret"
    assert codes(replay(record)["items"][0]["errors"]) == ["public_ballot_prevails"]
    record["sitting"]["convocation_sent"] = "2026-12-02"  # 11 days: too late for the 12-day reports
    convocation = replay(record)["convocation"]
    assert codes(convocation["errors"]) == ["convocation_too_late"] and convocation["article"] == "L3121-19"


def test_reglement_interieur_in_the_record():
    result = run(assembly(reglement_interieur={"convocation_days": 5, "public_ballot_fraction": "1/5"}))
    assert result["convocation"]["required_days"] == 5 and not result["convocation"]["valid"]
    it = run(assembly(reglement_interieur={"public_ballot_fraction": "1/5"}), item(requests={"public": ["c"]}))
    assert codes(it["items"][0]["errors"]) == ["public_ballot_required"]  # 1 of 5 is a fifth


MALFORMED = {
    "not an object": ([], "(racine)"),
    "no assembly": ({k: v for k, v in BASE.items() if k != "assembly"}, "« (racine).assembly »"),
    "no items": ({k: v for k, v in BASE.items() if k != "items"}, "« (racine).items »"),
    "unknown kind": ({**BASE, "assembly": {**BASE["assembly"], "kind": "canton"}}, "assembly.kind"),
    "population as text": ({**BASE, "assembly": {**BASE["assembly"], "population": "800"}}, "assembly.population"),
    "no seats": ({**BASE, "assembly": {**BASE["assembly"], "seats": 0}}, "assembly.seats"),
    "every seat vacant": ({**BASE, "assembly": {**BASE["assembly"], "vacancies": 7}}, "vacants"),
    "members not a list": ({**BASE, "members": {}}, "members"),
    "member without id": ({**BASE, "members": [{"name": "X"}]}, "members[0].id"),
    "member id twice": ({**BASE, "members": BASE["members"] + [BASE["members"][0]]}, "« a »"),
    "more members than seats": ({**BASE, "assembly": {**BASE["assembly"], "seats": 6}}, "6 en exercice"),
    "bad birth date": ({**BASE, "members": [{"id": "a", "birth_date": "01/02/1960"}]}, "members[0].birth_date"),
    "bad sitting date": ({**BASE, "sitting": {**BASE["sitting"], "date": "2026-02-30"}}, "sitting.date"),
    "no convocation date key": (
        {**BASE, "sitting": {k: v for k, v in BASE["sitting"].items() if k != "convocation_sent"}},
        "sitting.convocation_sent"),
    "attendance not an object": ({**BASE, "sitting": {**BASE["sitting"], "attendance": []}}, "sitting.attendance"),
    "proxy without holder": ({**BASE, "sitting": {**BASE["sitting"], "proxies": [{"from": "f"}]}},
                             "sitting.proxies[0].to"),
    "proxy for zero sittings": (
        {**BASE, "sitting": {**BASE["sitting"], "proxies": [{"from": "f", "to": "b", "sittings": 0}]}},
        "sitting.proxies[0].sittings"),
    "urgency not a boolean": ({**BASE, "sitting": {**BASE["sitting"], "urgency": "non"}}, "sitting.urgency"),
    "item without ref": ({**BASE, "items": [{"votes": {}}]}, "items[0].ref"),
    "typo in an item key": ({**BASE, "items": [{"ref": "X", "withdrawm": ["c"]}]}, "withdrawm"),
    "typo at the top": ({**BASE, "sitings": {}}, "sitings"),
    "unknown request kind": ({**BASE, "items": [{"ref": "X", "requests": {"nominal": []}}]}, "nominal"),
    "votes not an object": ({**BASE, "items": [{"ref": "X", "votes": ["a"]}]}, "items[0].votes"),
    "vote object without value": ({**BASE, "items": [{"ref": "X", "votes": {"a": {"by": "a"}}}]},
                                  "items[0].votes.a.vote"),
    "candidate not a name": ({**BASE, "items": [{"ref": "X", "ballot": "appointment", "rounds": [{"a": 3}]}]},
                             "items[0].rounds[0].a"),
    "withdrawn not a list of ids": ({**BASE, "items": [{"ref": "X", "withdrawn": "c"}]}, "items[0].withdrawn"),
    "looser règlement intérieur": (
        {**BASE, "assembly": {**BASE["assembly"], "reglement_interieur": {"convocation_days": 2}}},
        "ne peut pas réduire"),
    "unknown règlement intérieur setting": (
        {**BASE, "assembly": {**BASE["assembly"], "reglement_interieur": {"quorum": 3}}}, "quorum"),
    "bad fraction": (
        {**BASE, "assembly": {**BASE["assembly"], "reglement_interieur": {"public_ballot_fraction": "2"}}},
        "public_ballot_fraction"),
}


@pytest.mark.parametrize(("record", "fragment"), MALFORMED.values(), ids=MALFORMED)
def test_malformed_records(record, fragment):
    with pytest.raises(RecordError) as raised:
        replay(copy.deepcopy(record))
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"assembly": ', "ligne 1, colonne 14 : valeur attendue"),
        ('{"a" 1}', "deux-points attendus"),
        ("{'a': 1}", "nom de clé entre guillemets doubles attendu"),
        ("{} {}", "texte en trop"),
    ],
)
def test_json_syntax_errors_in_french(text, fragment):
    with pytest.raises(RecordError) as raised:
        load(text)
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    ("name", "valid", "outcomes"),
    [
        ("sitting-commune.json", True, ["adopted", "adopted", "elected", "rejected"]),
        ("sitting-commune-invalid.json", False, ["invalid", "invalid", "invalid"]),
        ("sitting-departement.json", True, ["adopted"]),
    ],
)
def test_examples(name, valid, outcomes):
    result = replay(load((EXAMPLES / name).read_text(encoding="utf-8")))
    assert result["valid"] is valid
    assert [i["outcome"] for i in result["items"]] == outcomes
    assert dumps(result) == dumps(replay(json.loads((EXAMPLES / name).read_text(encoding="utf-8"))))


def test_commune_example_details():
    result = replay(load((EXAMPLES / "sitting-commune.json").read_text(encoding="utf-8")))
    budget, subsidy, delegate, sale = result["items"]
    assert (budget["pour"], budget["contre"], budget["abstention"], budget["exprimes"]) == (10, 2, 1, 12)
    assert subsidy["withdrawn"] == ["m05"] and subsidy["must_withdraw"] == ["m05"]
    assert (subsidy["pour"], subsidy["contre"], subsidy["casting_vote_used"]) == (5, 5, True)
    assert subsidy["present"] == 9 and subsidy["ballot_required"] == "public"
    assert delegate["elected"] == "Inès Faure"  # tie at round 3: born 1966, older than François Girard (1975)
    assert (sale["pour"], sale["contre"], sale["ballot_required"]) == (6, 6, "secret")


def test_invalid_example_reports_every_breach():
    result = replay(load((EXAMPLES / "sitting-commune-invalid.json").read_text(encoding="utf-8")))
    assert codes(result["convocation"]["errors"]) == ["convocation_too_late"]
    assert codes(result["errors"]) == ["too_many_proxies", "proxy_too_long"]
    budget, subsidy, canteen = result["items"]
    assert codes(budget["errors"]) == ["convocation_irregular", "invalid_vote_value", "vote_with_refused_proxy",
                                       "vote_with_refused_proxy", "vote_without_proxy", "unknown_member"]
    assert codes(subsidy["errors"]) == ["convocation_irregular", "interested_member_not_withdrawn",
                                        "public_ballot_required", "withdrawn_member_voted", "proxy_holder_mismatch"]
    assert codes(canteen["errors"]) == ["convocation_irregular", "withdrawn_member_voted", "proxy_holder_mismatch"]


def test_output_is_deterministic_and_keeps_item_order():
    record = copy.deepcopy(BASE)
    record["items"] = [dict(record["items"][0], ref=f"2026 DAC {n}") for n in (3, 1, 2)]
    first = dumps(replay(record))
    assert first == dumps(replay(copy.deepcopy(record)))
    assert [i["ref"] for i in json.loads(first)["items"]] == ["2026 DAC 3", "2026 DAC 1", "2026 DAC 2"]
