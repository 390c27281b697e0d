"""S5 filing deadlines — pure date arithmetic."""
from __future__ import annotations

from datetime import date, timedelta

from shared.periods import parse_period

FILING_DAYS = 15  # "每季度初 15 日内报支队备案"
HEADCOUNT_DAY = (1, 15)  # "每年 1 月 15 日集中更新在编在岗执法人员总数"


def quarter_bounds(period: str) -> tuple[date, date]:
    quarter = parse_period(period, kinds=("quarter",))
    return quarter.start, quarter.end


def changes_due_on(period: str) -> date:
    """The quarter's changes are filed within 15 days of the next quarter's start (inclusive)."""
    _, end = quarter_bounds(period)
    return end + timedelta(days=FILING_DAYS)


def headcount_due_on(year: int) -> date:
    return date(year, *HEADCOUNT_DAY)
