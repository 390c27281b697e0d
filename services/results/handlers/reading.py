"""The reads of the API and the pages: a visit's results, drafts, evidence, rectifications, the inspector's
visits, the form, the deadline dashboard. Each returns records; views.py presents them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from shared.errors import NotFound
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Draft, Evidence, Rectification, Result, ResultVoid
from ..adapters.records import (
    RectificationRecord,
    assignment_for,
    on_team,
    rectification_record,
    result_of_round,
    voided_ids,
)
from ..domain.deadlines import ResultRules, publication_deadline
from ..queries import (
    DeadlineDashboard,
    GetDraft,
    GetEvidence,
    GetResult,
    MyVisits,
    Rectifications,
    ResultForm,
    VisitResults,
)


def visit_results(query: VisitResults, uow: UnitOfWork) -> list[tuple[Result, ResultVoid | None]]:
    """Every round, voided ones included and marked (S8: all process material is kept)."""
    if query.inspector_id is not None:
        assignment_for(uow.session, query.inspection_id, query.inspector_id)
    rows = uow.session.execute(select(Result).where(Result.inspection_id == query.inspection_id)
                               .order_by(Result.round)).scalars().all()
    if not rows:
        raise NotFound("该检查尚无结果")
    voids = {v.result_id: v for v in uow.session.execute(select(ResultVoid).where(
        ResultVoid.result_id.in_([r.id for r in rows]))).scalars()}
    return [(r, voids.get(r.id)) for r in rows]


def get_result(query: GetResult, uow: UnitOfWork) -> Result:
    result = uow.get(Result, query.result_id)
    if result is None:
        raise NotFound("检查结果不存在")
    return result


def get_draft(query: GetDraft, uow: UnitOfWork) -> Draft:
    draft = uow.get(Draft, (query.inspection_id, query.inspector_id))
    if draft is None:
        raise NotFound("没有保存的草稿")
    return draft


def get_evidence(query: GetEvidence, uow: UnitOfWork) -> Evidence:
    stored = uow.get(Evidence, query.sha256)
    if stored is None:
        raise NotFound("证据文件不存在")
    if query.inspector_id is not None:
        assignment_for(uow.session, stored.inspection_id, query.inspector_id)
    return stored


def rectifications(query: Rectifications, uow: UnitOfWork) -> list[RectificationRecord]:
    """Reminders (S14): by deadline; an inspector sees only their teams' visits."""
    today = uow.today()
    listing = select(Rectification).order_by(Rectification.deadline)
    if query.status:
        listing = listing.where(Rectification.status == query.status)
    if query.department:
        listing = listing.where(Rectification.department == query.department)
    if query.overdue:
        listing = listing.where(Rectification.status == "open", Rectification.deadline < today)
    records = [rectification_record(uow.session, r, today) for r in uow.session.execute(listing).scalars()]
    if query.squadron:
        records = [r for r in records if r.squadron == query.squadron]
    if query.inspector_id is not None:
        records = [r for r in records if on_team(uow.session, r.rectification.inspection_id, query.inspector_id)]
    return records


@dataclass(frozen=True)
class VisitState:
    """One of an inspector's visits: `status` is submitted, not_started (before the window) or to_enter."""
    assignment: Assignment
    result: Result | None
    status: str


def my_visits(query: MyVisits, uow: UnitOfWork) -> list[VisitState]:
    today = uow.today().isoformat()
    states = []
    for a in uow.session.execute(select(Assignment).order_by(Assignment.created_at.desc())).scalars():
        if query.inspector_id not in a.inspector_ids:
            continue
        result = result_of_round(uow.session, a.inspection_id, a.round)
        status = "submitted" if result else "not_started" if a.inspection["window"]["start"] > today else "to_enter"
        states.append(VisitState(a, result, status))
    return states


@dataclass(frozen=True)
class FormState:
    assignment: Assignment
    result: Result | None
    draft: Draft | None
    today: date


def result_form(query: ResultForm, uow: UnitOfWork) -> FormState:
    """The round's submitted result if there is one, else the inspector's draft (Forbidden off the team)."""
    assignment = assignment_for(uow.session, query.inspection_id, query.inspector_id)
    result = result_of_round(uow.session, query.inspection_id, assignment.round)
    draft = None if result else uow.get(Draft, (query.inspection_id, query.inspector_id))
    return FormState(assignment, result, draft, uow.today())


@dataclass(frozen=True)
class WaitingVisit:
    assignment: Assignment
    due: date
    late: bool
    round: int


@dataclass(frozen=True)
class Dashboard:
    rectifications: list[RectificationRecord]
    waiting: list[WaitingVisit]
    today: date


def deadline_dashboard(query: DeadlineDashboard, uow: UnitOfWork, result_rules: ResultRules) -> Dashboard:
    """Open rectifications by deadline; visits without a current result, by their entry deadline (N7, S14)."""
    today, session = uow.today(), uow.session
    open_rows = [rectification_record(session, r, today) for r in session.execute(
        select(Rectification).where(Rectification.status == "open").order_by(Rectification.deadline)).scalars()]
    voided = voided_ids(session)
    waiting = []
    for a in session.execute(select(Assignment)).scalars():
        result = result_of_round(session, a.inspection_id, a.round)
        if result is None or result.id in voided:
            due = publication_deadline(date.fromisoformat(a.inspection["window"]["end"]),
                                       result_rules.publication_working_days).due
            waiting.append(WaitingVisit(a, due, today > due, a.round))
    waiting.sort(key=lambda w: w.due)
    return Dashboard(open_rows, waiting, today)
