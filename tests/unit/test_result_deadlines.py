"""N7: publication within 20 working days on the Chinese calendar (holidays and make-up working days);
S10: rectification within 3 months, clamped at month ends."""
from __future__ import annotations

from datetime import date

import pytest

from services.results.domain.deadlines import add_months, is_working_day, publication_deadline, rectification_deadline

pytestmark = pytest.mark.unit


def test_the_national_day_week_does_not_count_and_its_makeup_saturday_does():
    # 2026: 1–7 October off; Saturday 10 October a working day (State Council arrangement).
    assert is_working_day(date(2026, 10, 5)) == (False, False)
    assert is_working_day(date(2026, 10, 10)) == (True, False)
    # Visit 30 Sep 2026: 8, 9, 10 (Sat, make-up) Oct = 3; 12–16, 19–23, 26–30 Oct = 18; 2, 3 Nov = 20 → 3 Nov.
    # Counting the holiday week as working days would give 27 October.
    assert publication_deadline(date(2026, 9, 30)).due == date(2026, 11, 3)


def test_spring_festival_with_makeup_weekend_days():
    # 2026 Spring Festival: 15–23 February off; Saturday 14 Feb and Saturday 28 Feb are working days.
    assert is_working_day(date(2026, 2, 14)) == (True, False)
    assert is_working_day(date(2026, 2, 18)) == (False, False)
    assert is_working_day(date(2026, 2, 28)) == (True, False)
    # Visit Fri 6 Feb 2026: 9–13 (5), 14 (6), 24–27 (10), 28 (11), 2–6 Mar (16), 9–12 Mar (20) → 12 March.
    assert publication_deadline(date(2026, 2, 6)).due == date(2026, 3, 12)


def test_an_ordinary_stretch_is_four_weeks():
    assert publication_deadline(date(2026, 11, 2)).due == date(2026, 11, 30)


def test_a_year_without_official_data_falls_back_to_weekdays_and_says_so():
    deadline = publication_deadline(date(2099, 3, 2))
    assert deadline.provisional and deadline.due == date(2099, 3, 30)


@pytest.mark.parametrize("visit, due", [
    (date(2026, 11, 30), date(2027, 2, 28)),
    (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
    (date(2026, 8, 31), date(2026, 11, 30)),
    (date(2026, 1, 31), date(2026, 4, 30)),
    (date(2026, 12, 15), date(2027, 3, 15)),
    (date(2026, 10, 31), date(2027, 1, 31)),
])
def test_three_months_later_is_clamped_to_the_month_end(visit, due):
    assert rectification_deadline(visit) == due


def test_the_period_is_configurable():
    assert add_months(date(2026, 11, 30), 1) == date(2026, 12, 30)
    assert publication_deadline(date(2026, 11, 2), working_days=5).due == date(2026, 11, 9)
