"""Convocation delays in jours francs (L2121-11, L2121-12, L2121-17, L3121-19, Paris RI art. 1)."""

from datetime import date

import pytest

from hemicycle.rules.delays import check_convocation, jours_francs, latest_send_date
from hemicycle.rules.regime import AuthorityKind, regime_for

D = date.fromisoformat


@pytest.mark.parametrize(
    ("sent", "sitting", "expected"),
    [
        ("2026-11-10", "2026-11-14", 3),  # 11, 12, 13 are francs
        ("2026-11-13", "2026-11-14", 0),  # the day before: no jour franc
        ("2026-11-14", "2026-11-14", -1),  # the same day
        ("2026-12-29", "2027-01-04", 5),  # across the year end
        ("2028-02-27", "2028-03-01", 2),  # 28 and 29 February (leap year)
    ],
)
def test_jours_francs(sent, sitting, expected):
    assert jours_francs(D(sent), D(sitting)) == expected


@pytest.mark.parametrize(
    ("sitting", "days", "latest"),
    [
        ("2026-11-13", 3, "2026-11-09"),  # amf62: meeting Friday, 3 jours francs → Monday
        ("2026-11-14", 5, "2026-11-08"),
        ("2026-12-14", 12, "2026-12-01"),
        ("2027-01-02", 5, "2026-12-27"),
        ("2028-03-01", 3, "2028-02-26"),
        ("2026-11-14", 1, "2026-11-12"),
    ],
)
def test_latest_send_date(sitting, days, latest):
    assert latest_send_date(D(sitting), days) == D(latest)
    assert jours_francs(D(latest), D(sitting)) == days


C_SMALL, C_LARGE = (AuthorityKind.COMMUNE, 800), (AuthorityKind.COMMUNE, 52_000)
DEPT, PARIS = (AuthorityKind.DEPARTEMENT, 640_000), (AuthorityKind.PARIS, 2_100_000)


@pytest.mark.parametrize(
    ("regime", "sitting", "sent", "options", "required", "latest", "codes"),
    [
        # communes < 3,500: 3 jours francs (L2121-11)
        (C_SMALL, "2026-11-14", "2026-11-10", {}, 3, "2026-11-10", []),
        (C_SMALL, "2026-11-14", "2026-11-11", {}, 3, "2026-11-10", ["convocation_too_late"]),
        ((AuthorityKind.COMMUNE, 3_499), "2026-11-14", "2026-11-10", {}, 3, "2026-11-10", []),
        # communes >= 3,500: 5 jours francs (L2121-12)
        ((AuthorityKind.COMMUNE, 3_500), "2026-11-14", "2026-11-08", {}, 5, "2026-11-08", []),
        ((AuthorityKind.COMMUNE, 3_500), "2026-11-14", "2026-11-09", {}, 5, "2026-11-08", ["convocation_too_late"]),
        (C_LARGE, "2026-11-14", "2026-11-07", {}, 5, "2026-11-08", []),
        # départements: 12 days (L3121-19); Paris RI: 12 jours francs, 15 for delegations
        (DEPT, "2026-12-14", "2026-12-01", {}, 12, "2026-12-01", []),
        (DEPT, "2026-12-14", "2026-12-02", {}, 12, "2026-12-01", ["convocation_too_late"]),
        (PARIS, "2026-12-14", "2026-12-01", {}, 12, "2026-12-01", []),
        (PARIS, "2026-12-14", "2026-12-01", {"public_service_delegation": True}, 15, "2026-11-28",
         ["convocation_too_late"]),
        (PARIS, "2026-12-14", "2026-11-28", {"public_service_delegation": True}, 15, "2026-11-28", []),
        (C_LARGE, "2026-12-14", "2026-12-08", {"public_service_delegation": True}, 5, "2026-12-08", []),
        # urgency: at least one jour franc, whatever the regime
        (C_LARGE, "2026-11-14", "2026-11-12", {"urgency": True}, 1, "2026-11-12", []),
        (C_LARGE, "2026-11-14", "2026-11-13", {"urgency": True}, 1, "2026-11-12", ["convocation_too_late"]),
        (DEPT, "2026-11-14", "2026-11-12", {"urgency": True}, 1, "2026-11-12", []),
        (PARIS, "2026-11-14", "2026-11-12", {"urgency": True, "public_service_delegation": True}, 1, "2026-11-12", []),
        (C_LARGE, "2026-11-14", "2026-11-12", {"urgency": True, "urgency_approved": True}, 1, "2026-11-12", []),
        (C_LARGE, "2026-11-14", "2026-11-12", {"urgency": True, "urgency_approved": False}, 1, "2026-11-12",
         ["urgency_rejected"]),
        # second convocation after a failed quorum: 3 jours francs, after the failed sitting (L2121-17)
        (C_LARGE, "2026-11-14", "2026-11-10", {"second_convocation": True, "failed_sitting": D("2026-11-09")},
         3, "2026-11-10", []),
        (C_LARGE, "2026-11-14", "2026-11-11", {"second_convocation": True, "failed_sitting": D("2026-11-09")},
         3, "2026-11-10", ["convocation_too_late"]),
        (C_LARGE, "2026-11-14", "2026-11-08", {"second_convocation": True, "failed_sitting": D("2026-11-09")},
         3, "2026-11-10", ["second_convocation_before_failure"]),
        (C_LARGE, "2026-11-14", "2026-11-10", {"second_convocation": True}, 3, "2026-11-10",
         ["failed_sitting_missing"]),
        (C_LARGE, "2026-11-14", "2026-11-12", {"second_convocation": True, "urgency": True,
                                                "failed_sitting": D("2026-11-09")}, 3, "2026-11-10",
         ["convocation_too_late"]),  # urgency cannot shorten L2121-17
        # dates that make no sense
        (C_SMALL, "2026-11-14", "2026-11-14", {}, 3, "2026-11-10", ["convocation_too_late"]),
        (C_SMALL, "2026-11-14", "2026-11-15", {}, 3, "2026-11-10", ["convocation_after_sitting"]),
        (C_SMALL, "2026-11-14", None, {}, 3, "2026-11-10", ["convocation_missing"]),
    ],
)
def test_check_convocation(regime, sitting, sent, options, required, latest, codes):
    check = check_convocation(
        sitting=D(sitting), sent=D(sent) if sent else None, regime=regime_for(*regime), **options
    )
    assert check.required_days == required
    assert check.latest_send_date == D(latest)
    assert [e.code for e in check.errors] == codes
    assert check.valid is (not codes)
    for error in check.errors:
        assert error.article and error.message


@pytest.mark.parametrize(
    ("options", "vote_required", "quorum_required"),
    [
        ({}, False, True),
        ({"urgency": True}, True, True),
        ({"second_convocation": True, "failed_sitting": D("2026-11-01")}, False, False),
    ],
)
def test_flags(options, vote_required, quorum_required):
    check = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-02"), regime=regime_for(*C_LARGE), **options)
    assert check.urgency_vote_required is vote_required
    assert check.quorum_required is quorum_required


def test_articles_and_message():
    late = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-10"), regime=regime_for(*C_LARGE))
    (error,) = late.errors
    assert error.article == "L2121-12"
    assert error.message == (
        "Convocation envoyée le 10/11/2026 : 3 jour(s) franc(s) avant la séance du 14/11/2026, il en faut 5 "
        "— envoi au plus tard le 08/11/2026."
    )
    assert late.jours_francs == 3
    small = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-12"), regime=regime_for(*C_SMALL))
    assert small.errors[0].article == "L2121-11"
    dept = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-12"), regime=regime_for(*DEPT))
    assert dept.errors[0].article == "L3121-19"
    second = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-12"), regime=regime_for(*C_SMALL),
                               second_convocation=True, failed_sitting=D("2026-11-10"))
    assert second.errors[0].article == "L2121-17"


def test_reglement_interieur_delay():
    regime = regime_for(*C_LARGE).tightened(convocation_days=7)
    check = check_convocation(sitting=D("2026-11-14"), sent=D("2026-11-07"), regime=regime)
    assert check.latest_send_date == D("2026-11-06")
    assert [e.code for e in check.errors] == ["convocation_too_late"]
