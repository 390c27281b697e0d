"""draw's batch commands (issue 15): the people steps for many visits in one submission — a clerk's timetable and a
department's naming. Each item is the single command, judged by the same rules; handlers/batches.py handles both."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScheduleVisits:
    """A clerk fixes a day's or a week's timetable (调度表) in one submission: each item is a `ScheduleVisit` judged
    by the same rules; a refused item fails alone."""
    items: tuple = field(compare=False)  # ScheduleVisit


@dataclass(frozen=True)
class NameOfficersForVisits:
    """A department names its officers for all its waiting visits from its own system in one submission: each item
    is a `NameOfficers` for `department`, judged by the same rules; a refused item fails alone."""
    department: str
    items: tuple = field(compare=False)  # NameOfficers
    actor: str
    actor_role: str = "department"
    actor_department: str | None = None
