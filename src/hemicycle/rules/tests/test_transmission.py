"""Transmission to the legality control: L2131-2 (which acts), L2131-1 (executory), L2131-2 II
(15 days for individual decisions), L2131-6 (two-month déféré window and what restarts it)."""

from datetime import date
from decimal import Decimal

import pytest

from hemicycle.rules.transmission import (Alert, Event, EventKind, Exemption, Subject, add_months, defere_window,
                                          easter, executory_date, individual_alert, individual_deadline,
                                          must_transmit, next_working_day, subject_from_matiere)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("nature", "options", "required", "article", "individual"),
    [
        # 1° deliberations, and decisions by delegation (L2122-22)
        ("DE", {}, True, "L2131-2 1°", False),
        ("BF", {}, True, "L2131-2 1°", False),
        ("DE", {"exemption": Exemption.ROAD_TARIFFS}, False, "L2131-2 1°", False),
        ("DE", {"exemption": Exemption.ROAD_CLASSIFICATION}, False, "L2131-2 1°", False),
        ("DE", {"exemption": Exemption.PROMOTION_RATIOS}, False, "L2131-2 1°", False),
        ("DE", {"exemption": Exemption.MANAGEMENT_CENTRE}, False, "L2131-2 1°", False),
        ("AU", {"by_delegation": True}, True, "L2131-2 1°", False),
        ("DE", {"authority_kind": "departement"}, True, "L3131-2 1°", False),
        ("DE", {"authority_kind": "region"}, True, "L4141-2 1°", False),
        # 2° police decisions, except traffic/parking and temporary drinking places
        ("AR", {"subject": Subject.POLICE}, True, "L2131-2 2°", False),
        ("AI", {"subject": Subject.POLICE}, True, "L2131-2 2°", True),
        ("AR", {"subject": Subject.TRAFFIC_PARKING}, False, "L2131-2 2°", False),
        ("AI", {"subject": Subject.TRAFFIC_PARKING}, False, "L2131-2 2°", False),
        ("AI", {"subject": Subject.TRAFFIC_SANCTION}, True, "L2131-2 2°", True),  # L2212-2-1 sanction
        ("AI", {"subject": Subject.TEMPORARY_DRINKING}, False, "L2131-2 2°", False),
        # 3° regulatory acts in every other field
        ("AR", {}, True, "L2131-2 3°", False),
        # 5° non-tenured staff, except temporary or seasonal needs; tenured staff not listed
        ("AI", {"subject": Subject.STAFF_NON_TENURED}, True, "L2131-2 5°", True),
        ("AI", {"subject": Subject.STAFF_TEMPORARY}, False, "L2131-2 5°", False),
        ("AI", {"subject": Subject.STAFF_TENURED}, False, "L2131-3", False),
        # 6° planning permits
        ("AI", {"subject": Subject.PLANNING_PERMIT}, True, "L2131-2 6°", True),
        ("AI", {}, False, "L2131-3", False),
        # 4° contracts: threshold of D2131-5-1; concessions and DSP whatever the amount
        ("CC", {"amount": Decimal("221000")}, True, "L2131-2 4° ; D2131-5-1", False),
        ("CC", {"amount": Decimal("220999.99")}, False, "L2131-2 4° ; D2131-5-1", False),
        ("CC", {"amount": Decimal("250000"), "contract_threshold": Decimal("300000")}, False,
         "L2131-2 4° ; D2131-5-1", False),
        ("CC", {"amount": Decimal("1000"), "subject": Subject.CONCESSION}, True, "L2131-2 4°", False),
        ("CC", {}, True, "L2131-2 4° ; D2131-5-1", False),  # unknown amount: transmitted by caution
        # L2131-4: outside the regime; L2131-3: the rest
        ("DE", {"subject": Subject.STATE_NAME}, False, "L2131-4", False),
        ("CC", {"subject": Subject.PRIVATE_LAW, "amount": Decimal("1000000")}, False, "L2131-4", False),
        ("AU", {}, False, "L2131-3", False),
    ],
)
def test_must_transmit(nature, options, required, article, individual):
    obligation = must_transmit(nature, **options)
    assert (obligation.required, obligation.article, obligation.individual) == (required, article, individual)
    assert obligation.reason  # always explained, in French


def test_delegated_decision_ignores_deliberation_exemptions():
    assert must_transmit("AI", by_delegation=True, exemption=Exemption.ROAD_TARIFFS).required


@pytest.mark.parametrize(("code", "subject"), [
    ("4.2", Subject.STAFF_NON_TENURED), ("4.2.1", Subject.STAFF_NON_TENURED), ("4.1", Subject.STAFF_TENURED),
    ("6.1", Subject.POLICE), ("2.2", Subject.PLANNING_PERMIT), ("1.2", Subject.CONCESSION),
    ("7.5", Subject.OTHER), ("", Subject.OTHER),
])
def test_subject_from_matiere(code, subject):
    assert subject_from_matiere(code) == subject


# --- 15 days for individual decisions (L2131-2 II) ---------------------------------------------------

@pytest.mark.parametrize(("signed", "deadline"), [
    ("2026-11-02", "2026-11-17"),
    ("2026-12-20", "2027-01-04"),
    ("2028-02-20", "2028-03-06"),  # leap year
])
def test_individual_deadline(signed, deadline):
    assert individual_deadline(D(signed)) == D(deadline)


@pytest.mark.parametrize(("today", "transmitted", "alert"), [
    ("2026-11-03", False, Alert.NONE),
    ("2026-11-12", False, Alert.SOON),  # 5 days left
    ("2026-11-16", False, Alert.SOON),
    ("2026-11-17", False, Alert.LAST_DAY),
    ("2026-11-18", False, Alert.OVERDUE),
    ("2026-11-18", True, Alert.NONE),
])
def test_individual_alert(today, transmitted, alert):
    assert individual_alert(D("2026-11-02"), D(today), transmitted=transmitted) == alert


# --- Executory character (L2131-1) ----------------------------------------------------------------------

@pytest.mark.parametrize(("must", "published", "received", "executory"), [
    (True, "2026-11-16", "2026-11-20", "2026-11-20"),  # reception after publication
    (True, "2026-11-25", "2026-11-20", "2026-11-25"),  # publication after reception
    (True, "2026-11-16", None, None),  # not yet received: not executory
    (True, None, "2026-11-20", None),  # not yet published
    (False, "2026-11-16", None, "2026-11-16"),  # not subject to transmission
    (False, None, None, None),
])
def test_executory_date(must, published, received, executory):
    result = executory_date(must_be_transmitted=must, published_on=published and D(published),
                            received_on=received and D(received))
    assert result == (executory and D(executory))


# --- Déféré window (L2131-6) --------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2026-11-20", 2, "2027-01-20"),
    ("2026-12-31", 2, "2027-02-28"),
    ("2027-12-31", 2, "2028-02-29"),
    ("2026-08-31", 1, "2026-09-30"),
])
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


def test_easter_and_working_days():
    assert easter(2026) == D("2026-04-05")
    assert easter(2027) == D("2027-03-28")
    assert next_working_day(D("2026-11-11")) == D("2026-11-12")  # Armistice (Wednesday)
    assert next_working_day(D("2026-05-16")) == D("2026-05-18")  # Saturday → Monday
    assert next_working_day(D("2027-03-29")) == D("2027-03-30")  # Easter Monday
    assert next_working_day(D("2026-11-19")) == D("2026-11-19")


@pytest.mark.parametrize(("received", "events", "options", "start", "last_day", "suspended"), [
    # two months, délai franc: received 20 Nov → until 21 Jan
    ("2026-11-20", [], {}, "2026-11-20", "2027-01-21", False),
    ("2026-11-20", [], {"franc": False}, "2026-11-20", "2027-01-20", False),
    ("2026-10-15", [], {}, "2026-10-15", "2026-12-16", False),
    ("2026-12-30", [], {}, "2026-12-30", "2027-03-01", False),  # 28 Feb + 1 = 1 Mar (Monday)
    ("2027-01-30", [], {}, "2027-01-30", "2027-03-31", False),
    ("2026-03-04", [], {}, "2026-03-04", "2026-05-05", False),
    ("2026-03-29", [], {}, "2026-03-29", "2026-06-01", False),  # 29 May + 1 = Saturday 30 May → Monday
    ("2026-03-29", [], {"extend_to_working_day": False}, "2026-03-29", "2026-05-30", False),
    ("2026-09-10", [], {}, "2026-09-10", "2026-11-12", False),  # 11 Nov (Armistice) → 12 Nov
    # pieces requested within the window: suspended until they arrive, then 2 months again
    ("2026-11-20", [("pieces_requested", "2026-12-10")], {}, "2026-11-20", None, True),
    ("2026-11-20", [("pieces_requested", "2026-12-10"), ("pieces_sent", "2027-01-05")], {},
     "2027-01-05", "2027-03-08", False),
    ("2026-11-20", [("pieces_requested", "2026-12-10"), ("pieces_refused", "2027-01-05")], {},
     "2027-01-05", "2027-03-08", False),
    # a request made after the window closed changes nothing
    ("2026-11-20", [("pieces_requested", "2027-02-01"), ("pieces_sent", "2027-02-10")], {},
     "2026-11-20", "2027-01-21", False),
    # recours gracieux: answered → 2 months from the answer; unanswered → from the implicit rejection
    ("2026-11-20", [("observations", "2027-01-10"), ("observations_answered", "2027-01-25")], {},
     "2027-01-25", "2027-03-26", False),
    ("2026-11-20", [("observations", "2027-01-10")], {}, "2027-03-10", "2027-05-11", False),
    # a simple letter (explanations) does not prolong (CE 15 May 2013)
    ("2026-11-20", [("letter", "2026-12-01")], {}, "2026-11-20", "2027-01-21", False),
])
def test_defere_window(received, events, options, start, last_day, suspended):
    window = defere_window(D(received), [Event(EventKind(k), D(d)) for k, d in events], **options)
    assert window.start == D(start)
    assert window.last_day == (last_day and D(last_day))
    assert window.suspended == suspended
    assert window.article == "L2131-6"
    assert window.explanation


def test_defere_window_helpers_and_unreceived_act():
    window = defere_window(D("2026-11-20"))
    assert window.open_on(D("2027-01-21")) and not window.open_on(D("2027-01-22"))
    assert window.days_left(D("2027-01-11")) == 10
    pending = defere_window(None)
    assert pending.start is None and pending.last_day is None and not pending.open_on(D("2026-11-20"))
