"""The people steps in one submission (issue #15): a clerk fixes a day's or a week's timetable (调度表) at once, and
a department names officers for all its waiting visits from its own system at once — real offices do either in one
go, and a request per visit bounded the whole pipeline.

One unit of work per batch. Each item goes through the very handler logic of the single endpoint, whose refusals
all come before it writes anything, so a refused item fails alone without a savepoint: the others are applied and
announced exactly as one by one. Items are taken in inspection order, so two batches lock rows (the visit schedule,
the team assembly) in the same order and never deadlock; the answer keeps the submitted order."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import select

from shared.errors import DomainError
from shared.uow import UnitOfWork

from ..adapters.schedules import VisitSchedule
from ..commands_batches import NameOfficersForVisits, ScheduleVisits
from ..domain.policy import DrawPolicy
from .naming import ensure_may_name, name_part
from .scheduling import schedule_visit


@dataclass(frozen=True)
class ItemOutcome:
    """One item of a batch: what the single endpoint would have answered — the result, or its refusal."""
    inspection_id: str
    result: Any = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def schedule_visits(command: ScheduleVisits, uow: UnitOfWork) -> list[ItemOutcome]:
    """Each item as `ScheduleVisit` (window, working hours, a reason for a change, only the leader or a clerk).
    The schedules are read in one statement first and held (the session's identity map only keeps what is
    referenced), so the handler finds each in the session instead of reading it again."""
    ids = sorted({item.inspection_id for item in command.items})
    held = uow.session.execute(select(VisitSchedule).where(VisitSchedule.inspection_id.in_(ids))).scalars().all()
    outcomes = _each(command.items, lambda item: schedule_visit(item, uow))
    del held
    return outcomes


def name_officers_for_visits(command: NameOfficersForVisits, uow: UnitOfWork,
                             policy: DrawPolicy) -> list[ItemOutcome]:
    """Each item as `NameOfficers` for the batch's department; a department may only name for itself (the whole
    batch is refused otherwise). A refusal's audit entry is written at once, since the batch commits."""
    ensure_may_name(command.actor_role, command.actor_department, command.department)
    return _each(command.items, lambda item: name_part(item, uow, policy, lambda record: record(uow)))


def _each(items, apply: Callable[[Any], Any]) -> list[ItemOutcome]:
    outcomes: dict[int, ItemOutcome] = {}
    for index in sorted(range(len(items)), key=lambda i: items[i].inspection_id):
        item = items[index]
        try:
            outcomes[index] = ItemOutcome(item.inspection_id, result=apply(item))
        except DomainError as error:
            outcomes[index] = ItemOutcome(item.inspection_id, error=error)
    return [outcomes[i] for i in range(len(items))]
