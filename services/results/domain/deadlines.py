"""Deadlines of a visit's results: publication within 20 working days (N7) and rectification within 3 months
(S10). Both figures are configurable defaults (RESULTS_PUBLICATION_WORKING_DAYS, RESULTS_RECTIFICATION_MONTHS).

Working days follow the State Council's yearly holiday arrangement, with its make-up working Saturdays and
Sundays, from the maintained `chinesecalendar` package — never a hand-kept holiday list. A year the package does
not know yet (the State Council publishes each November) falls back to Monday–Friday and says so, so that the
deadline is shown as provisional instead of the system refusing to work.
"""
from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

log = logging.getLogger(__name__)

PUBLICATION_WORKING_DAYS = 20
RECTIFICATION_MONTHS = 3


@dataclass(frozen=True)
class Deadline:
    due: date
    provisional: bool = False  # computed without the official calendar for that year


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working day?, provisional?)"""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        log.warning("chinesecalendar has no holiday data for %s: counting Monday–Friday", day.year)
        return day.weekday() < 5, True


def add_working_days(start: date, days: int) -> Deadline:
    """The `days`-th working day after `start` (the visit day itself does not count)."""
    day, counted, provisional = start, 0, False
    while counted < days:
        day += timedelta(days=1)
        working, guessed = is_working_day(day)
        provisional = provisional or guessed
        counted += working
    return Deadline(day, provisional)


def publication_deadline(visit: date, working_days: int = PUBLICATION_WORKING_DAYS) -> Deadline:
    return add_working_days(visit, working_days)


def add_months(start: date, months: int) -> date:
    """Same day `months` later, or that month's last day when it has no such day (30 Nov + 3 → 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def rectification_deadline(visit: date, months: int = RECTIFICATION_MONTHS) -> date:
    return add_months(visit, months)


@dataclass(frozen=True)
class ResultRules:
    """The configurable figures (design: a figure that varies by place is configuration, never a constant)."""
    publication_working_days: int = PUBLICATION_WORKING_DAYS
    rectification_months: int = RECTIFICATION_MONTHS

    @classmethod
    def from_settings(cls, settings) -> "ResultRules":
        return cls(settings.results_publication_working_days, settings.results_rectification_months)
