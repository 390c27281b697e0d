"""The reads of the API and the pages: a visit's results, drafts, evidence, rectifications (where visits stand:
progress.py). Each returns records; views.py presents them."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Forbidden, NotFound
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Draft, Evidence, Rectification, Result, ResultVoid
from ..adapters.records import (
    RectificationRecord,
    assignment_for,
    assignment_readable,
    home_department,
    on_team,
    rectification_record,
    results_of,
)
from ..domain.access import NOT_OWN_RECTIFICATION, NOT_OWN_RESULT
from ..queries import GetDraft, GetEvidence, GetResult, ReadResult, Rectifications, VisitResults


def visit_results(query: VisitResults, uow: UnitOfWork) -> list[tuple[Result, ResultVoid | None]]:
    """Every department's every round, voided ones included and marked (S8: all process material is kept); a
    department reads only its own."""
    if query.inspector_id is not None or query.reader_department is not None:
        assignment_readable(uow.session, query.inspection_id, query.inspector_id, query.reader_department)
    only = query.department or query.reader_department
    if query.reader_department is not None and only != query.reader_department:
        raise Forbidden(NOT_OWN_RESULT)
    assignment = uow.get(Assignment, query.inspection_id)
    order = {d["code"]: n for n, d in enumerate(assignment.inspection["departments"])} if assignment else {}
    listing = select(Result).where(Result.inspection_id == query.inspection_id)
    if only is not None:
        listing = listing.where(Result.department == only)
    rows = sorted(uow.session.execute(listing).scalars(),
                  key=lambda r: (order.get(r.department, len(order)), r.department, r.round))
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


def read_result(query: ReadResult, uow: UnitOfWork) -> tuple[Result, ResultVoid | None]:
    """One result with its void mark; an inspector only of their team's visit, a department only its own."""
    result = get_result(GetResult(query.result_id), uow)
    if query.inspector_id is not None or query.reader_department is not None:
        assignment_readable(uow.session, result.inspection_id, query.inspector_id, query.reader_department)
    if query.reader_department is not None and result.department != query.reader_department:
        raise Forbidden(NOT_OWN_RESULT)
    return result, uow.get(ResultVoid, result.id)


def get_draft(query: GetDraft, uow: UnitOfWork) -> Draft:
    assignment = assignment_for(uow.session, query.inspection_id, query.inspector_id)
    department = query.department or home_department(assignment, query.inspector_id)
    draft = uow.get(Draft, (query.inspection_id, department, query.inspector_id))
    if draft is None:
        raise NotFound("没有保存的草稿")
    return draft


def get_evidence(query: GetEvidence, uow: UnitOfWork) -> Evidence:
    stored = uow.get(Evidence, query.sha256)
    if stored is None:
        raise NotFound("证据文件不存在")
    if query.inspector_id is not None:
        assignment_for(uow.session, stored.inspection_id, query.inspector_id)
    if query.reader_department is not None:
        assignment_readable(uow.session, stored.inspection_id, None, query.reader_department)
        if query.sha256 not in _own_evidence(uow, stored.inspection_id, query.reader_department):
            raise Forbidden(NOT_OWN_RESULT)
    return stored


def _own_evidence(uow: UnitOfWork, inspection_id: str, department: str) -> set[str]:
    """What a department's own results and rectifications of a visit name as their evidence."""
    named = {sha for result in results_of(uow.session, inspection_id, department) for item in result.items
             for sha in item.get("evidence") or []}
    for rectification in uow.session.execute(select(Rectification).where(
            Rectification.inspection_id == inspection_id, Rectification.department == department)).scalars():
        named |= {sha for entry in rectification_record(uow.session, rectification, uow.today()).progress
                  for sha in entry.evidence or []}
    return named


def rectifications(query: Rectifications, uow: UnitOfWork) -> list[RectificationRecord]:
    """Reminders (S14): by deadline; an inspector sees only their teams' visits, a department only its own."""
    today = uow.today()
    department = query.department or query.reader_department
    if query.reader_department is not None and department != query.reader_department:
        raise Forbidden(NOT_OWN_RECTIFICATION)
    listing = select(Rectification).order_by(Rectification.deadline)
    if query.status:
        listing = listing.where(Rectification.status == query.status)
    if department:
        listing = listing.where(Rectification.department == department)
    if query.overdue:
        listing = listing.where(Rectification.status == "open", Rectification.deadline < today)
    records = [rectification_record(uow.session, r, today) for r in uow.session.execute(listing).scalars()]
    if query.squadron:
        records = [r for r in records if r.squadron == query.squadron]
    if query.inspector_id is not None:
        records = [r for r in records if on_team(uow.session, r.rectification.inspection_id, query.inspector_id)]
    return records
