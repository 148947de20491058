"""Quorum: majority of members in office physically present (L2121-17, L3121-14)."""

import pytest

from hemicycle.rules.quorum import check_quorum, members_in_office, present_for_item, quorum_required


@pytest.mark.parametrize(
    ("seats", "vacancies", "in_office", "quorum"),
    [
        (15, 0, 15, 8),  # odd: more than half of 15 is 8
        (14, 0, 14, 8),  # even: more than half of 14 is 8, not 7
        (15, 1, 14, 8),  # a vacancy lowers the base
        (15, 2, 13, 7),
        (49, 0, 49, 25),
        (163, 0, 163, 82),  # Conseil de Paris
        (163, 3, 160, 81),
        (34, 0, 34, 18),  # a département
        (1, 0, 1, 1),
        (2, 0, 2, 2),
        (3, 0, 3, 2),
    ],
)
def test_members_in_office_and_quorum(seats, vacancies, in_office, quorum):
    assert members_in_office(seats, vacancies) == in_office
    assert quorum_required(in_office) == quorum


@pytest.mark.parametrize(("seats", "vacancies"), [(0, 0), (15, 15), (15, 16), (15, -1)])
def test_impossible_counts(seats, vacancies):
    with pytest.raises(ValueError):
        members_in_office(seats, vacancies)


@pytest.mark.parametrize(
    ("in_office", "present", "second_convocation", "required", "met"),
    [
        (15, 8, False, 8, True),
        (15, 7, False, 8, False),
        (14, 7, False, 8, False),  # exactly half is not a majority
        (14, 8, False, 8, True),
        (163, 82, False, 82, True),
        (163, 81, False, 82, False),
        (15, 0, False, 8, False),
        (15, 15, False, 8, True),
        (15, 1, True, None, True),  # second convocation: no quorum (L2121-17 al. 2)
        (15, 0, True, None, True),
    ],
)
def test_check_quorum(in_office, present, second_convocation, required, met):
    check = check_quorum(members_in_office=in_office, present=present, second_convocation=second_convocation)
    assert check.quorum_required == required
    assert check.quorum_met is met
    assert (check.error() is None) is met


@pytest.mark.parametrize("present", [-1, 16])
def test_present_out_of_range(present):
    with pytest.raises(ValueError):
        check_quorum(members_in_office=15, present=present)


@pytest.mark.parametrize(
    ("present", "withdrawn", "expected"),
    [
        ({"a", "b", "c"}, set(), {"a", "b", "c"}),
        ({"a", "b", "c"}, {"b"}, {"a", "c"}),
        ({"a", "b", "c"}, {"z"}, {"a", "b", "c"}),  # an absent interested member changes nothing
        ({"a"}, {"a"}, set()),
    ],
)
def test_present_for_item(present, withdrawn, expected):
    assert present_for_item(present, withdrawn) == expected


def test_interested_member_leaving_can_break_the_quorum_but_not_the_base():
    present = {f"m{i}" for i in range(8)}  # 8 of 15: quorum met at the opening
    assert check_quorum(members_in_office=15, present=len(present)).quorum_met
    item = check_quorum(members_in_office=15, present=len(present_for_item(present, {"m0"})))
    assert item.quorum_required == 8  # the base stays the 15 members in office
    assert not item.quorum_met
    error = item.error()
    assert error.code == "quorum_not_met" and error.article == "L2121-17"
    assert "7 membre(s) présent(s), il en faut 8 sur 15" in error.message


def test_departement_article():
    check = check_quorum(members_in_office=34, present=10, article="L3121-14")
    assert check.error().article == "L3121-14"
