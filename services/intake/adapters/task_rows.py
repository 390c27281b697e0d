"""Set-based reads and writes for task intake (issue 15): a batch of tasks costs a handful of statements, not a
dozen per task. Plans and item owners come back in one query; visits and tasks are written with one multi-row
INSERT each, letting the unique constraints settle races with concurrent transactions (N5) instead of savepoints."""
from __future__ import annotations

from sqlalchemy import and_, delete, select, tuple_, update

from shared.bulk_insert import insert_rows

from .db import Inspection, Item, JointTask, Plan


def plans_and_owners(session, plan_ids: set[str], codes: set[str]) -> tuple[dict[str, Plan], dict[str, str]]:
    """The plans named and the owner department of each active item named, in ONE statement: every plan row
    joined to every matching item (a batch names one plan or a few, and a few dozen items)."""
    if not plan_ids:
        return {}, {}
    active = and_(Item.code.in_(sorted(codes)), Item.active.is_(True))
    # FOR KEY SHARE of the plan rows (PostgreSQL; SQLite has one writer anyway): a dispatch (FOR UPDATE) waits
    # for submissions in flight, and a submission behind a committed dispatch reads its new status and is refused
    # — else a task could join a visit whose `inspection.ready` had just been sent without it (S6).
    rows = session.execute(select(Plan, Item.code, Item.department_code).outerjoin(Item, active)
                           .where(Plan.id.in_(sorted(plan_ids)))
                           .with_for_update(read=True, key_share=True, of=Plan)).all()
    plans = {plan.id: plan for plan, _code, _owner in rows}
    return plans, {code: owner for _plan, code, owner in rows if code is not None}


def existing_tasks(session, keys: set[tuple[str, str]]) -> dict[tuple[str, str], JointTask]:
    """Tasks already on file, by (department, external_id): the idempotency key."""
    if not keys:
        return {}
    query = select(JointTask).where(tuple_(JointTask.department_code, JointTask.external_id).in_(sorted(keys)))
    return {(task.department_code, task.external_id): task for task in session.execute(query).scalars()}


def upsert_visits(session, rows: list[dict]) -> dict[tuple[str, str], tuple[str, str]]:
    """N5: the one visit per (plan, company), created or found in one statement. The no-op DO UPDATE returns the
    row that won, committed by another transaction a moment ago or not; rows go in key order so two batches take
    the row locks in the same order. Answers (plan, uscc) → (visit id, status)."""
    returned = insert_rows(session, Inspection.__table__,
                           sorted(rows, key=lambda row: (row["plan_id"], row["company_uscc"])),
                           conflict=("plan_id", "company_uscc"), keep_on_conflict="status",
                           returning=("id", "plan_id", "company_uscc", "status"))
    return {(plan_id, uscc): (visit_id, status) for visit_id, plan_id, uscc, status in returned}


def insert_tasks(session, rows: list[dict]) -> set[str]:
    """Insert the tasks; one whose (department, external_id) another transaction took meanwhile is skipped (the
    caller answers it as a replay). Answers the ids actually inserted."""
    returned = insert_rows(session, JointTask.__table__,
                           sorted(rows, key=lambda row: (row["department_code"], row["external_id"])),
                           conflict=("department_code", "external_id"), returning=("id",))
    return set(returned.scalars())


def discard_visits(session, ids: set[str]) -> None:
    """Visits this transaction opened for tasks that turned out to be replays: nothing may refer to them."""
    if ids:
        session.execute(delete(Inspection).where(Inspection.id.in_(sorted(ids))))


def revive_visits(session, ids: set[str]) -> None:
    """Every earlier task of these visits was withdrawn; a new one brings the visit back to collecting."""
    if ids:
        session.execute(update(Inspection).where(Inspection.id.in_(sorted(ids)), Inspection.status == "withdrawn")
                        .values(status="collecting"))
