"""A visit's team, department by department (N2–N5, S7, S12, design §4).

On `inspection.ready` every participating department gets its part: a department staffed from the platform's
library has its officers drawn from ITS OWN library with the verifiable RFC 3797 draw (one public draw record per
department), in two phases (issue 13): now a seed commitment and the frozen pool, published (`draw.committed`);
later, when public randomness drawn after the commitment is entered, the draw itself (`drawn`). One that keeps
its officers elsewhere names them by a deadline (handlers/naming.py); comprehensive enforcement is matched by the
detachment (handlers/matching.py). `inspectors.assigned` goes out once, when every
part is complete — never a one-sided team. A part that cannot be drawn stays visible with its reason and is drawn
again whenever the pool changes or a clerk asks (重新抽取); a part that has a draw is never drawn again (N4)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shared.clock import local_display
from shared.errors import Conflict, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import commitments
from ..adapters.db import DrawRecord, Inspector, SeedCommitment, TeamMember
from ..adapters.parts import DepartmentPart, TeamAssembly
from ..adapters.pool import eligible, visit_of
from ..commands import DrawInspectors, RetryDraw
from ..domain import staffing as s
from ..domain.policy import DrawPolicy
from ..domain.rules import (
    PURPOSE_INSPECTORS,
    SUBJECT_INSPECTION,
    SYSTEM_OPERATOR,
    WAITING_FOR_MATCHING,
    is_comprehensive,
)

REDRAW_REFUSED = "该检查各部门已完成人员抽取，不得重复抽取"


def draw_inspectors(command: DrawInspectors, uow: UnitOfWork, policy: DrawPolicy) -> DrawRecord | None:
    """On `inspection.ready`: open the visit's parts and commit every library part that can be drawn (phase one);
    answers the lead department's draw record (None until public randomness has drawn it). Reached from an event,
    so its refusals are records, never errors: a ready event for a visit whose team is complete is refused and
    audited; for a visit still waiting, only the parts without a draw or commitment are tried again."""
    inspection = command.inspection
    inspection_id = inspection["inspection_id"]
    assembly = uow.get(TeamAssembly, inspection_id)
    if assembly is not None and assembly.assigned_at is not None:
        uow.audit(SYSTEM_OPERATOR, "draw.refused", f"inspection:{inspection_id}", reason=REDRAW_REFUSED)
        return None
    if assembly is None:
        assembly = _open(uow, policy, inspection)
    else:
        assembly.inspection = inspection
    for part in _undrawn(parts_of(uow.session, inspection_id)):
        draw_part(uow, policy, assembly, part)
    complete_if_ready(uow, assembly)
    lead = lead_part(parts_of(uow.session, inspection_id))
    return uow.get(DrawRecord, lead.draw_id) if lead.draw_id else None


def retry_draw(command: RetryDraw, uow: UnitOfWork, policy: DrawPolicy) -> list[DepartmentPart]:
    """The clerk's 重新抽取: commits the blocked parts that can now be drawn; a visit with nothing left to draw is
    refused and the attempt audited (N4: a draw cannot be silently redone). Answers the visit's parts as they
    now are."""
    assembly = found(uow.get(TeamAssembly, command.inspection_id), "没有该检查的人员抽取记录")
    parts = parts_of(uow.session, command.inspection_id)
    undrawn = _undrawn(parts)
    if not undrawn:
        waiting = "、".join(p.department_name for p in parts if p.status == s.AWAITING_RANDOMNESS)
        pending = "、".join(p.department_name for p in parts if p.status not in (s.COMPLETE, s.AWAITING_RANDOMNESS))
        reason = (f"{waiting}的候选名单已冻结，等待公开随机数录入后自动抽取" if waiting else
                  f"该检查没有可抽取的部门：{pending}的执法人员由本部门指派或由支队匹配" if pending else REDRAW_REFUSED)
        uow.refuse(lambda u: u.audit(command.actor, "draw.refused", f"inspection:{command.inspection_id}",
                                     reason=reason))
        raise Conflict(reason, code="already_drawn")
    uow.audit(command.actor, "draw.retried", f"inspection:{command.inspection_id}",
              after={"departments": [p.department for p in undrawn]})
    for part in undrawn:
        draw_part(uow, policy, assembly, part)
    complete_if_ready(uow, assembly)
    return parts_of(uow.session, command.inspection_id)


def retry_blocked(uow: UnitOfWork, policy: DrawPolicy, department: str | None = None) -> int:
    """After the pool changed (an officer added or changed, a status period, a recusal decided, an import): commit
    every blocked part of `department` (every department when None) that can now be drawn. Answers how many."""
    query = select(DepartmentPart).where(DepartmentPart.staffing == s.LIBRARY, DepartmentPart.status == s.BLOCKED,
                                         DepartmentPart.draw_id.is_(None))
    if department:
        query = query.where(DepartmentPart.department == department)
    drawn = 0
    for part in uow.session.execute(query.order_by(DepartmentPart.created_at, DepartmentPart.id)).scalars().all():
        assembly = uow.get(TeamAssembly, part.inspection_id)
        drawn += draw_part(uow, policy, assembly, part) is not None
        complete_if_ready(uow, assembly)
    return drawn


def _open(uow: UnitOfWork, policy: DrawPolicy, inspection: dict) -> TeamAssembly:
    """One part per participating department, in the order of `inspection.departments`."""
    assembly = TeamAssembly(inspection_id=inspection["inspection_id"], inspection=inspection, created_at=uow.now)
    uow.add(assembly)
    uow.session.flush()  # before its parts (no ORM relationship orders the inserts)
    comprehensive = is_comprehensive(inspection)
    departments = inspection["departments"]
    lead_code = next((d["code"] for d in departments if d.get("lead")), inspection.get("lead_department"))
    for position, department in enumerate(departments):
        staffing = s.staffing_of(department, comprehensive)
        part = DepartmentPart(id=new_id(), inspection_id=assembly.inspection_id, department=department["code"],
                              department_name=department.get("name") or department["code"], position=position,
                              lead=department["code"] == lead_code, staffing=staffing, inspector_ids=[],
                              status=s.BLOCKED if staffing == s.LIBRARY else s.WAITING, created_at=uow.now)
        if staffing == s.NAMED:
            part.naming_due = uow.now + timedelta(days=policy.naming_days)
            part.reason = s.waiting_for_names(part.department_name, local_display(part.naming_due, False,
                                                                                  uow.clock.tz), policy.team_size)
        elif staffing == s.MATCH:
            part.reason = WAITING_FOR_MATCHING
        uow.add(part)
        if staffing != s.LIBRARY:
            uow.audit(SYSTEM_OPERATOR, "draw.waiting", f"inspection:{assembly.inspection_id}",
                      after={"department": part.department, "staffing": staffing}, reason=part.reason)
    uow.session.flush()
    return assembly


def draw_part(uow: UnitOfWork, policy: DrawPolicy, assembly: TeamAssembly,
              part: DepartmentPart) -> SeedCommitment | None:
    """Phase one (issue 13): with enough eligible officers, commit a fresh seed for this department's part and
    freeze its pool right after (published as `draw.committed`); the part then waits for public randomness
    (handlers/seeds.enter_randomness draws it). Too few eligible keeps the part blocked. Answers the commitment."""
    if part.draw_id is not None or part.status == s.AWAITING_RANDOMNESS:  # N4: one draw per part, never redone
        uow.audit(SYSTEM_OPERATOR, "draw.refused", f"inspection:{part.inspection_id}", reason=REDRAW_REFUSED)
        return None
    inspection = assembly.inspection
    visit = visit_of(inspection, policy, part.department)
    pool, excluded = eligible(uow.session, policy, visit, department=part.department)
    if len(pool) < policy.team_size:
        return _block(uow, part, s.too_few(len(pool), policy.team_size))
    commitment = commitments.commit_and_freeze(
        uow, subject_kind=SUBJECT_INSPECTION, subject_id=part.inspection_id, purpose=PURPOSE_INSPECTORS,
        department=part.department, algorithm=policy.algorithm, count=policy.team_size, pool=pool, excluded=excluded,
        context={"inspection_id": part.inspection_id, "inspection": inspection, "operator": SYSTEM_OPERATOR,
                 "visit_start": visit.start.isoformat(), "visit_end": visit.end.isoformat()})
    part.status, part.reason = s.AWAITING_RANDOMNESS, s.WAITING_FOR_RANDOMNESS
    publish_commitment(uow, commitment)
    return commitment


def publish_commitment(uow: UnitOfWork, commitment: SeedCommitment) -> None:
    """Phase one made public: audited, and `draw.committed` to every department — one message for all (like
    `audit.checkpoint`: every partner queue binds it, intake's feed and webhooks carry it to each department),
    before any randomness that could draw it."""
    uow.audit(SYSTEM_OPERATOR if commitment.subject_kind == SUBJECT_INSPECTION else
              (commitment.context or {}).get("operator", SYSTEM_OPERATOR), "draw.committed",
              f"commitment:{commitment.id}", after={"seed_hash": commitment.seed_hash,
                                                    "pool_hash": commitment.pool_hash,
                                                    "subject": commitment.subject_id, "purpose": commitment.purpose})
    uow.emit("draw.committed", payloads.draw_committed(commitment), subject=commitment.subject_id)


def drawn(uow: UnitOfWork, policy: DrawPolicy, record: DrawRecord) -> None:
    """Phase two for a visit's department part: its draw record completes the part, and the visit's team goes
    out when every part is complete."""
    part = uow.session.execute(select(DepartmentPart).where(DepartmentPart.inspection_id == record.inspection_id,
                                                            DepartmentPart.department == record.department)).scalar()
    assembly = uow.get(TeamAssembly, record.inspection_id)
    visit = visit_of(assembly.inspection, policy, part.department)
    complete_part(uow, part, "draw", record.selected, SYSTEM_OPERATOR, visit, draw_id=record.id)
    uow.audit(SYSTEM_OPERATOR, "draw.made", f"draw:{record.id}",
              after={"inspection": part.inspection_id, "department": part.department, "selected": record.selected})
    complete_if_ready(uow, assembly)


def _block(uow: UnitOfWork, part: DepartmentPart, reason: str) -> None:
    """Too few eligible: the part waits in a visible 'cannot draw' state with what would unblock it; never a
    partial team. Audited when the reason changes, not at every automatic retry."""
    if part.reason != reason:
        uow.audit(SYSTEM_OPERATOR, "draw.blocked", f"inspection:{part.inspection_id}",
                  after={"department": part.department}, reason=reason)
    part.status, part.reason = s.BLOCKED, reason
    return None


def complete_part(uow: UnitOfWork, part: DepartmentPart, via: str, inspector_ids: list[str], actor: str, visit,
                  draw_id: str | None = None) -> None:
    part.status, part.reason, part.via, part.draw_id = s.COMPLETE, None, via, draw_id
    part.inspector_ids, part.completed_by, part.completed_at = list(inspector_ids), actor, uow.now
    for inspector_id in inspector_ids:
        uow.add(TeamMember(id=new_id(), inspection_id=part.inspection_id, inspector_id=inspector_id,
                           visit_start=visit.start, visit_end=visit.end, via=_MEMBER_VIA[via], since=uow.now))


_MEMBER_VIA = {"draw": "draw", "match": "matched", "named": "named"}


def complete_if_ready(uow: UnitOfWork, assembly: TeamAssembly) -> bool:
    """Every part complete → the one `inspectors.assigned` (the lead department's first member leads).

    The assembly row is locked first and the parts re-read after the lock: two parts of one visit completing in
    two transactions at once (the evening's randomness drawing one department's part while another department
    names its officers) each saw only their own part complete, and neither emitted — the visit waited for ever
    (found by bench/pipeline.py). With the lock the second transaction waits for the first to commit, then sees
    both parts (a fresh statement snapshot under READ COMMITTED — not REPEATABLE READ); on SQLite writers are
    serialised anyway. `populate_existing` keeps this transaction's own changes because the session autoflushes
    before the query. The lock is taken even when this view shows a part incomplete: that part may be the one
    completing in the other transaction (test_draw_completion_race.py)."""
    uow.session.execute(select(TeamAssembly).where(TeamAssembly.inspection_id == assembly.inspection_id)
                        .with_for_update().execution_options(populate_existing=True))
    parts = uow.session.execute(select(DepartmentPart).where(DepartmentPart.inspection_id == assembly.inspection_id)
                                .order_by(DepartmentPart.position)
                                .execution_options(populate_existing=True)).scalars().all()
    if assembly.assigned_at is not None or any(p.status != s.COMPLETE for p in parts):
        return False
    assembly.assigned_at = uow.now
    uow.session.flush()
    uow.emit("inspectors.assigned", payloads.inspectors_assigned(assembly.inspection, parts, people(uow, parts)),
             subject=assembly.inspection_id)
    return True


def people(uow: UnitOfWork, parts: list[DepartmentPart]) -> dict:
    return {i: uow.get(Inspector, i) for p in parts for i in p.inspector_ids}


def parts_of(session, inspection_id: str) -> list[DepartmentPart]:
    return session.execute(select(DepartmentPart).where(DepartmentPart.inspection_id == inspection_id)
                           .order_by(DepartmentPart.position)).scalars().all()


def lead_part(parts: list[DepartmentPart]) -> DepartmentPart:
    return next((p for p in parts if p.lead), parts[0])


def _undrawn(parts: list[DepartmentPart]) -> list[DepartmentPart]:
    return [p for p in parts if p.staffing == s.LIBRARY and p.status == s.BLOCKED and p.draw_id is None]
