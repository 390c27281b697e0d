"""The reads of the API and the pages: a visit's results, drafts, evidence, rectifications (where visits stand:
progress.py). Each returns records; views.py presents them."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import NotFound
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Draft, Evidence, Rectification, Result, ResultVoid
from ..adapters.records import (
    RectificationRecord,
    assignment_for,
    home_department,
    on_team,
    rectification_record,
)
from ..queries import GetDraft, GetEvidence, GetResult, Rectifications, VisitResults


def visit_results(query: VisitResults, uow: UnitOfWork) -> list[tuple[Result, ResultVoid | None]]:
    """Every department's every round, voided ones included and marked (S8: all process material is kept)."""
    if query.inspector_id is not None:
        assignment_for(uow.session, query.inspection_id, query.inspector_id)
    assignment = uow.get(Assignment, query.inspection_id)
    order = {d["code"]: n for n, d in enumerate(assignment.inspection["departments"])} if assignment else {}
    rows = sorted(uow.session.execute(select(Result).where(Result.inspection_id == query.inspection_id)).scalars(),
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
