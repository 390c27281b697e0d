"""Report periods (S11, S15) on the one period parser (shared/periods.py): a month's dispatch table is due on the
Nth of the next month (REPORTS_MONTHLY_DUE_DAY, default the 5th), a quarter's report on the Nth of the next
quarter (REPORTS_QUARTERLY_DUE_DAY, default the 10th)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.errors import Invalid
from shared.periods import parse_period

KINDS = {"monthly": "month", "quarterly": "quarter"}


@dataclass(frozen=True)
class Period:
    kind: str  # monthly / quarterly
    key: str  # 2026-11 / 2026Q4
    start: date
    end: date
    label: str
    due_on: date


def period(kind: str, key: str, monthly_due_day: int = 5, quarterly_due_day: int = 10) -> Period:
    """`monthly` + `2026-11`, or `quarterly` + `2026Q4`; Invalid with a Chinese message otherwise."""
    try:
        parsed = parse_period(key, (KINDS[kind],))
    except (KeyError, ValueError):
        raise Invalid("报表期间格式不正确", fields={"period": ["月报格式如 2026-11，季报格式如 2026Q4"]}) from None
    due_day = monthly_due_day if kind == "monthly" else quarterly_due_day
    return Period(kind, key, parsed.start, parsed.end, parsed.label, parsed.due_on(due_day))
