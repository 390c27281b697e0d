"""本部门的联合检查 (issue 12): the visits a department takes part in, each with its fixed time, its whole team
(the department's own members marked), every department's state, and the department's own results (every round,
voided ones marked) and rectifications. A department sees only visits it takes part in."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shared.errors import Forbidden
from shared.schemas import page_count
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Rectification, Result, ResultVoid, VisitSchedule
from ..adapters.records import RectificationRecord, rectification_record, schedule_of
from ..domain.access import NOT_OWN_VISITS, takes_part
from ..domain.deadlines import ResultRules
from ..queries import DepartmentVisits
from .progress import DepartmentState, department_states


@dataclass(frozen=True)
class DepartmentVisit:
    assignment: Assignment
    department: dict  # the department's own part of the inspection: its name, items, lead
    schedule: VisitSchedule | None
    team: list[dict]  # every member, `own` marking the department's own
    departments: list[DepartmentState]
    results: list[tuple[Result, ResultVoid | None]]
    rectifications: list[RectificationRecord]


@dataclass(frozen=True)
class DepartmentVisitsPage:
    visits: list[DepartmentVisit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def department_visits(query: DepartmentVisits, uow: UnitOfWork, result_rules: ResultRules) -> DepartmentVisitsPage:
    session, code = uow.session, query.department
    if query.reader_department is not None and query.reader_department != code:
        raise Forbidden(NOT_OWN_VISITS)
    mine = [a for a in session.execute(select(Assignment).order_by(Assignment.created_at.desc())).scalars()
            if takes_part(a.inspection, code)]
    page, per_page = max(1, query.page), max(1, min(query.per_page, 50))
    chosen = mine[(page - 1) * per_page: page * per_page]
    visits = [_visit(uow, a, code, result_rules.publication_working_days) for a in chosen]
    return DepartmentVisitsPage(visits, len(mine), page, per_page)


def _visit(uow: UnitOfWork, a: Assignment, code: str, working_days: int) -> DepartmentVisit:
    session, today = uow.session, uow.today()
    own_part = next((p for p in a.parts if p["department"] == code), {"inspector_ids": []})
    team = [{**member, "own": member["id"] in own_part["inspector_ids"] or member.get("department") == code,
             "leader": member["id"] == a.leader_id} for member in a.inspectors]
    results = list(session.execute(select(Result).where(Result.inspection_id == a.inspection_id,
                                                        Result.department == code)
                                   .order_by(Result.round)).scalars())
    voids = {v.result_id: v for v in session.execute(
        select(ResultVoid).where(ResultVoid.result_id.in_([r.id for r in results]))).scalars()} if results else {}
    rectifications = [rectification_record(session, r, today) for r in session.execute(
        select(Rectification).where(Rectification.inspection_id == a.inspection_id,
                                    Rectification.department == code).order_by(Rectification.deadline)).scalars()]
    department = next(d for d in a.inspection["departments"] if d["code"] == code)
    return DepartmentVisit(a, department, schedule_of(session, a.inspection_id), team,
                           department_states(session, a, today, working_days),
                           [(r, voids.get(r.id)) for r in results], rectifications)
