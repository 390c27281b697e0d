"""The one period parser: months (`2026-11`), quarters (`2026Q4`) and years (`2026`) as reports, filings and
dashboards name them. Pure date arithmetic, no I/O."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_NAMES = "一二三四"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})Q([1-4])")
_YEAR = re.compile(r"(\d{4})")


@dataclass(frozen=True)
class Period:
    kind: str  # month / quarter / year
    key: str  # 2026-11 / 2026Q4 / 2026
    start: date
    end: date  # inclusive
    label: str  # 2026年11月 / 2026年第四季度 / 2026年

    @property
    def next_start(self) -> date:
        return self.end + timedelta(days=1)

    def due_on(self, day_of_next_month: int) -> date:
        """The day of the month after the period by which its report is due (S11: the 5th, S15: the 10th)."""
        return self.next_start.replace(day=day_of_next_month)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_period(key: str, kinds: tuple[str, ...] = ("month", "quarter", "year")) -> Period:
    """Raise ValueError for anything that is not one of `kinds` written as above."""
    key = (key or "").strip()
    if "month" in kinds and (m := _MONTH.fullmatch(key)) and 1 <= int(m[2]) <= 12:
        year, month = int(m[1]), int(m[2])
        after = date(year + month // 12, month % 12 + 1, 1)
        return Period("month", key, date(year, month, 1), after - timedelta(days=1), f"{year}年{month}月")
    if "quarter" in kinds and (m := _QUARTER.fullmatch(key)):
        year, q = int(m[1]), int(m[2])
        after = date(year + q // 4, (3 * q) % 12 + 1, 1)
        return Period("quarter", key, date(year, 3 * q - 2, 1), after - timedelta(days=1),
                      f"{year}年第{QUARTER_NAMES[q - 1]}季度")
    if "year" in kinds and (m := _YEAR.fullmatch(key)):
        year = int(m[1])
        return Period("year", key, date(year, 1, 1), date(year, 12, 31), f"{year}年")
    raise ValueError(f"not a period ({', '.join(kinds)}): {key!r}")
