"""Dispatch (S6, S12): every visit of a plan is emitted exactly once as `inspection.ready`, chunk by chunk.

Why chunks (issue 15): a province's plan holds tens of thousands of visits; sending them all in one transaction ran
past gunicorn's worker timeout and held the plan lock throughout. A chunk is at most `Settings.dispatch_chunk`
visits in one transaction, with the plan row locked for that chunk only. A plan of at most one chunk is dispatched
whole in the request, as before; a larger one has its first chunk sent in the request, is marked `dispatching`, and
intake's periodic job sends the rest (`DispatchNextChunk`).

Exactly once: only visits still `collecting` are sent; a chunk marks its visits `ready` in the same commit as their
events (outbox); chunks of one plan are serialised by the plan row lock (PostgreSQL; SQLite serialises writers).
So a second dispatch, a crash between chunks, or two dispatchers at once send nothing twice and lose nothing."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shared.errors import Forbidden, NotFound, found
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import dispatching
from ..adapters.db import Plan
from ..commands import DispatchDuePlans, DispatchNextChunk, DispatchPlan
from ..queries import DispatchProgress

SYSTEM = "system:intake"
PLAN_MISSING = "抽查计划不存在"


@dataclass(frozen=True)
class DispatchStep:
    """What one chunk did: the visits it sent, and where the plan stands after it."""
    plan_id: str
    status: str                      # the plan's status after the chunk: `dispatching` while visits remain
    inspection_ids: tuple[str, ...]  # the visits this chunk emitted, in order
    dispatched: int                  # visits of the plan dispatched so far
    total: int                       # visits to dispatch in all (withdrawn visits are not counted)

    @property
    def finished(self) -> bool:
        return self.status != "dispatching"


def dispatch_plan(cmd: DispatchPlan, uow: UnitOfWork) -> DispatchStep:
    """The lead department or a clerk closes intake: the first (or next) chunk is sent now."""
    plan = uow.session.execute(select(Plan).where(Plan.id == cmd.plan_id).with_for_update()).scalar()
    if plan is None:
        raise NotFound(PLAN_MISSING)
    if cmd.department is not None and cmd.department != plan.lead_department:
        raise Forbidden("只有牵头部门或综合科可以派发该计划")
    return _send_chunk(plan, cmd.actor, uow)


def dispatch_due_plans(_cmd: DispatchDuePlans, uow: UnitOfWork) -> list[str]:
    """The deadline job: every open plan whose intake deadline has passed (Beijing time) is marked `dispatching`.
    Only marked here, so this transaction stays short whatever the plans' size; the chunks follow."""
    due = list(uow.session.execute(select(Plan).where(Plan.status == "open", Plan.intake_deadline < uow.today())
                                   .order_by(Plan.created_at, Plan.id).with_for_update()).scalars())
    for plan in due:
        plan.status = "dispatching"
        uow.audit(SYSTEM, "plan.dispatching", f"plan:{plan.id}", before={"status": "open"},
                  after={"status": "dispatching"}, reason="受理截止日期已过")
    return [plan.id for plan in due]


def dispatch_next_chunk(_cmd: DispatchNextChunk, uow: UnitOfWork) -> DispatchStep | None:
    """One chunk of the oldest plan being dispatched; None when there is none. A plan another dispatcher holds
    right now is skipped (SKIP LOCKED), so two workers running the job work on different plans, never wait."""
    plan = uow.session.execute(select(Plan).where(Plan.status == "dispatching").order_by(Plan.created_at, Plan.id)
                               .limit(1).with_for_update(skip_locked=True)).scalar()
    return None if plan is None else _send_chunk(plan, SYSTEM, uow)


def _send_chunk(plan: Plan, actor: str, uow: UnitOfWork) -> DispatchStep:
    size = uow.settings.dispatch_chunk
    upcoming = dispatching.collecting(uow.session, plan.id, limit=size + 1)  # one more: are visits left after it?
    chunk, more = upcoming[:size], len(upcoming) > size
    for visit in dispatching.load_visits(uow.session, plan, chunk):
        visit.inspection.status, visit.inspection.dispatched_at = "ready", uow.now
        uow.emit("inspection.ready", payloads.inspection_ready(visit), subject=visit.inspection.id)
    if plan.status != "draft":
        plan.status = "dispatching" if more else "dispatched"
        if not more and plan.dispatched_at is None:
            plan.dispatched_at = uow.now
    uow.session.flush()
    dispatched, total = dispatching.progress(uow.session, plan.id)
    ids = tuple(inspection.id for inspection in chunk)
    uow.audit(actor, "plan.dispatched", f"plan:{plan.id}",
              after={"inspections": list(ids), "status": plan.status, "dispatched": dispatched, "total": total})
    return DispatchStep(plan.id, plan.status, ids, dispatched, total)


def dispatch_progress(query: DispatchProgress, uow: UnitOfWork) -> tuple[int, int]:
    """(dispatched, total) of a plan, for its GET and the clerk's page."""
    found(uow.get(Plan, query.plan_id), PLAN_MISSING)
    return dispatching.progress(uow.session, query.plan_id)
