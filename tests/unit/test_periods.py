"""The one period parser (issue #10): months, quarters and years, and the due days of S11 / S15."""
from datetime import date

import pytest

from shared.periods import parse_period

pytestmark = pytest.mark.unit


def test_a_month_runs_from_its_first_to_its_last_day():
    p = parse_period("2026-02")
    assert (p.start, p.end, p.label) == (date(2026, 2, 1), date(2026, 2, 28), "2026年2月")
    assert parse_period("2026-12").end == date(2026, 12, 31)


def test_the_fourth_quarter_ends_the_year_and_its_report_is_due_in_january():
    p = parse_period("2026Q4")
    assert (p.start, p.end, p.label) == (date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度")
    assert p.due_on(10) == date(2027, 1, 10)


def test_a_monthly_table_is_due_on_the_fifth_of_the_next_month():
    assert parse_period("2026-11").due_on(5) == date(2026, 12, 5)


def test_a_year():
    assert parse_period("2026").end == date(2026, 12, 31)


@pytest.mark.parametrize("text", ["2026-13", "2026Q5", "26Q1", "", "2026-1", "2026"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_period(text, kinds=("month", "quarter"))
