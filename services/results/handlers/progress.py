"""Where visits stand, per department: each department's current result, round, own deadline and state; the
inspector's visits, a department's form, a visit's progress and the clerk's deadline dashboard (N7, S14, S15). The
visit is complete when every department has submitted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Confirmation, Draft, Rectification, Result, VisitSchedule
from ..adapters.records import (
    RectificationRecord,
    assignment_for,
    assignment_readable,
    current_results,
    current_round,
    department_of,
    home_department,
    member_of,
    rectification_record,
    result_of_round,
    schedule_of,
    scheduled_day,
)
from ..domain.deadlines import ResultRules, publication_deadline
from ..domain.team import confirmation_scope, counting_day, departments_of
from ..queries import DeadlineDashboard, MyVisits, ResultForm, VisitProgress


@dataclass(frozen=True)
class DepartmentState:
    """One department's part of a visit: its current result, its round, when it is due and where it stands —
    submitted, to_enter, late (its deadline passed without a result) or not_started (before the visit)."""
    code: str
    name: str
    lead: bool
    result: Result | None
    round: int
    due: date
    status: str


def department_states(session, assignment: Assignment, today: date, working_days: int) -> list[DepartmentState]:
    """Each department's own deadline counts from the visit day (N7); the visit is complete when all submitted."""
    current = current_results(session, assignment)
    schedule_day = scheduled_day(schedule_of(session, assignment.inspection_id))
    recorded = [r.visit_date for r in current.values() if r is not None]
    starts = schedule_day or date.fromisoformat(assignment.inspection["window"]["start"])
    states = []
    for department in assignment.inspection["departments"]:
        result = current[department["code"]]
        if result is not None:
            due, status = result.publication_due or result.visit_date, "submitted"
        else:
            due = publication_deadline(counting_day(recorded, schedule_day, assignment.inspection["window"]["end"]),
                                       working_days).due
            status = "late" if today > due else "not_started" if starts > today else "to_enter"
        states.append(DepartmentState(department["code"], department["name"], bool(department.get("lead")), result,
                                      current_round(session, assignment.inspection_id, department["code"]), due,
                                      status))
    return states


def complete(states: list[DepartmentState]) -> bool:
    return all(state.status == "submitted" for state in states)


@dataclass(frozen=True)
class VisitState:
    """One of an inspector's visits: every department's state, the inspector's own departments, the fixed time;
    `status` (for the inspector's departments) is submitted, not_started or to_enter."""
    assignment: Assignment
    departments: list[DepartmentState]
    mine: list[str]
    schedule: VisitSchedule | None
    status: str

    @property
    def complete(self) -> bool:
        return complete(self.departments)


def my_visits(query: MyVisits, uow: UnitOfWork, result_rules: ResultRules) -> list[VisitState]:
    today, session = uow.today(), uow.session
    visits = []
    for a in session.execute(select(Assignment).order_by(Assignment.created_at.desc())).scalars():
        if query.inspector_id not in a.inspector_ids:
            continue
        states = department_states(session, a, today, result_rules.publication_working_days)
        mine = departments_of(a.parts, query.inspector_id)
        own = [s for s in states if s.code in mine]
        status = "submitted" if own and all(s.status == "submitted" for s in own) else \
            "not_started" if own and all(s.status == "not_started" for s in own) else "to_enter"
        visits.append(VisitState(a, states, mine, schedule_of(session, a.inspection_id), status))
    return visits


@dataclass(frozen=True)
class FormState:
    assignment: Assignment
    department: dict
    round: int
    result: Result | None
    draft: Draft | None
    today: date
    schedule: VisitSchedule | None
    confirmation: Confirmation | None
    mine: list[str]
    departments: list[DepartmentState]


def result_form(query: ResultForm, uow: UnitOfWork, result_rules: ResultRules) -> FormState:
    """The department's round's result if submitted, else the inspector's draft (Forbidden off the team, and for
    a department the inspector is not a member of)."""
    session = uow.session
    assignment = assignment_for(session, query.inspection_id, query.inspector_id)
    code = query.department or home_department(assignment, query.inspector_id)
    department = department_of(assignment, code)
    member_of(assignment, code, query.inspector_id)
    round_ = current_round(session, query.inspection_id, code)
    result = result_of_round(session, query.inspection_id, code, round_)
    draft = None if result else uow.get(Draft, (query.inspection_id, code, query.inspector_id))
    confirmation = session.query(Confirmation).filter_by(inspection_id=query.inspection_id,
                                                         scope=confirmation_scope(code, round_)).one_or_none()
    return FormState(assignment, department, round_, result, draft, uow.today(),
                     schedule_of(session, query.inspection_id), confirmation,
                     departments_of(assignment.parts, query.inspector_id),
                     department_states(session, assignment, uow.today(), result_rules.publication_working_days))


@dataclass(frozen=True)
class Progress:
    assignment: Assignment
    departments: list[DepartmentState]
    schedule: VisitSchedule | None
    confirmation: Confirmation | None

    @property
    def complete(self) -> bool:
        return complete(self.departments)


def visit_progress(query: VisitProgress, uow: UnitOfWork, result_rules: ResultRules) -> Progress:
    session = uow.session
    assignment = assignment_readable(session, query.inspection_id, query.inspector_id, query.reader_department)
    confirmation = session.query(Confirmation).filter_by(inspection_id=query.inspection_id,
                                                         scope="visit").one_or_none()
    return Progress(assignment, department_states(session, assignment, uow.today(),
                                                  result_rules.publication_working_days),
                    schedule_of(session, query.inspection_id), confirmation)


@dataclass(frozen=True)
class WaitingVisit:
    """A department of a visit without its current result, by its own deadline."""
    assignment: Assignment
    department: DepartmentState
    due: date
    late: bool
    round: int


@dataclass(frozen=True)
class Dashboard:
    rectifications: list[RectificationRecord]
    waiting: list[WaitingVisit]
    visits: list[Progress]
    today: date


def deadline_dashboard(query: DeadlineDashboard, uow: UnitOfWork, result_rules: ResultRules) -> Dashboard:
    """Open rectifications by deadline; each department's part still to be recorded, by its own deadline (N7,
    S14); every visit's state per department, the incomplete first."""
    today, session = uow.today(), uow.session
    open_rows = [rectification_record(session, r, today) for r in session.execute(
        select(Rectification).where(Rectification.status == "open").order_by(Rectification.deadline)).scalars()]
    waiting, visits = [], []
    for a in session.execute(select(Assignment).order_by(Assignment.created_at.desc())).scalars():
        states = department_states(session, a, today, result_rules.publication_working_days)
        visits.append(Progress(a, states, schedule_of(session, a.inspection_id), None))
        waiting += [WaitingVisit(a, s, s.due, s.status == "late", s.round) for s in states if s.status != "submitted"]
    waiting.sort(key=lambda w: w.due)
    visits.sort(key=lambda v: v.complete)
    return Dashboard(open_rows, waiting, visits, today)
