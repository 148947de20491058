import pytest

from hemicycle.rules.numbering import PatternError, check_pattern, render, scope


@pytest.mark.parametrize(
    ("pattern", "fields", "expected", "expected_scope"),
    [
        ("{year} {dept} {seq}", dict(year=2026, dept="DAC", nature="DE", seq=123), "2026 DAC 123", "2026 DAC #"),
        ("{year}-{nature}-{seq:04d}", dict(year=2026, dept="DU", nature="AR", seq=7), "2026-AR-0007", "2026-AR-#"),
        ("{year} V. {seq}", dict(year=2026, dept="SG", nature="AU", seq=12), "2026 V. 12", "2026 V. #"),
    ],
)
def test_render_and_scope(pattern, fields, expected, expected_scope):
    check_pattern(pattern)
    assert render(pattern, **fields) == expected
    assert scope(pattern, **{k: v for k, v in fields.items() if k != "seq"}) == expected_scope


@pytest.mark.parametrize("pattern", ["{year} {dept}", "{seq} {seq}", "{year} {service} {seq}", "{year}<{seq}>"])
def test_bad_patterns_refused(pattern):
    with pytest.raises(PatternError):
        check_pattern(pattern)
