"""S5 filing deadlines — pure date arithmetic."""
from __future__ import annotations

import re
from datetime import date, timedelta

FILING_DAYS = 15  # "每季度初 15 日内报支队备案"
HEADCOUNT_DAY = (1, 15)  # "每年 1 月 15 日集中更新在编在岗执法人员总数"


def quarter_bounds(period: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})Q([1-4])", period)
    if not match:
        raise ValueError(f"not a quarter: {period!r}")
    year, quarter = int(match[1]), int(match[2])
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


def changes_due_on(period: str) -> date:
    """The quarter's changes are filed within 15 days of the next quarter's start (inclusive)."""
    _, end = quarter_bounds(period)
    return end + timedelta(days=FILING_DAYS)


def headcount_due_on(year: int) -> date:
    return date(year, *HEADCOUNT_DAY)
