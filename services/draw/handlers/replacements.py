"""S13: drawn inspectors are in principle not replaced. For a post change, a work conflict, health or recusal, a
replacement is requested with a reason, and an approver (分管负责人) approves it by *choosing* the replacement
from the qualified officers the system lists — no lottery. Every step is audited; the draw record is untouched."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, Forbidden, Invalid, NotFound, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import DrawRecord, Inspector, Replacement, TeamMember
from ..adapters.pool import eligible, inspectors_by_id, visit_of
from ..commands import DecideReplacement, RequestReplacement
from ..domain.policy import DrawPolicy
from ..domain.rules import REPLACEMENT_REASONS
from ..queries import ListReplacements, ReplacementCandidates, ReplacementQueue
from .inspector_draws import parts_of, people


def active_team(session, inspection_id: str) -> list[TeamMember]:
    return session.execute(select(TeamMember).where(TeamMember.inspection_id == inspection_id,
                                                    TeamMember.until.is_(None))
                           .order_by(TeamMember.since, TeamMember.inspector_id)).scalars().all()


def request_replacement(command: RequestReplacement, uow: UnitOfWork) -> Replacement:
    return open_request(uow, command.draw_id, command.inspector_id, command.reason, command.text, command.actor)


def open_request(uow: UnitOfWork, draw_id: str, inspector_id: str, reason: str, text: str, actor: str) -> Replacement:
    record = uow.get(DrawRecord, draw_id)
    if record is None:
        raise NotFound("抽取记录不存在")
    if reason not in REPLACEMENT_REASONS:
        raise Invalid("更换理由不合法", fields={"reason": ["取值应为：" + "、".join(REPLACEMENT_REASONS)]})
    if inspector_id not in [m.inspector_id for m in active_team(uow.session, record.inspection_id)]:
        raise Conflict("该人员不在本次检查组中", fields={"inspector_id": ["不在检查组中"]})
    pending = uow.session.execute(select(Replacement).where(Replacement.inspection_id == record.inspection_id,
                                                            Replacement.inspector_id == inspector_id,
                                                            Replacement.status == "requested")).scalar()
    if pending is not None:
        raise Conflict("该人员已有待审批的更换申请", code="replacement_pending")
    replacement = Replacement(id=new_id(), inspection_id=record.inspection_id, draw_id=draw_id,
                              inspector_id=inspector_id, reason=reason, text=text, status="requested",
                              requested_by=actor, requested_at=uow.now)
    uow.add(replacement)
    uow.audit(actor, "replacement.requested", f"replacement:{replacement.id}", reason=f"{reason}：{text}",
              after={"inspection": record.inspection_id, "inspector": inspector_id})
    return replacement


def candidates(session, policy: DrawPolicy, replacement: Replacement) -> tuple[list[Inspector], list[dict]]:
    """The eligible officers of the replaced member's OWN department not already on the team (same rules as the
    draw), and who was excluded and why."""
    record = session.get(DrawRecord, replacement.draw_id)
    department = session.get(Inspector, replacement.inspector_id).department_code
    pool, excluded = eligible(session, policy, visit_of(record.inspection, policy, department),
                              exclude_inspection=record.inspection_id, department=department)
    team = {m.inspector_id for m in active_team(session, record.inspection_id)}
    chosen = [i for i in pool if i not in team]
    people = inspectors_by_id(session, chosen)  # the pool is ids; the approver's list shows the library rows
    return [people[i] for i in chosen], excluded


def decide_replacement(command: DecideReplacement, uow: UnitOfWork, policy: DrawPolicy) -> Replacement:
    if command.actor_role != "approver":
        raise Forbidden("只有审批人（分管负责人）可以审批更换申请")
    replacement = _pending(uow, command.replacement_id, command.actor)
    if command.approve:
        _approve(uow, policy, replacement, command.replacement_inspector_id or "", command.actor, command.text)
    else:
        replacement.status, replacement.decided_by, replacement.decided_at = "rejected", command.actor, uow.now
        replacement.decision_text = command.text
        uow.audit(command.actor, "replacement.rejected", f"replacement:{replacement.id}", reason=command.text)
    return replacement


def _approve(uow: UnitOfWork, policy: DrawPolicy, replacement: Replacement, chosen_id: str, actor: str,
             text: str) -> None:
    eligible_now, _ = candidates(uow.session, policy, replacement)
    if chosen_id not in {i.id for i in eligible_now}:
        raise Invalid("所选人员不在可选名单中", fields={"replacement_inspector_id": ["不符合条件或已在检查组中"]})
    record = uow.get(DrawRecord, replacement.draw_id)
    old = next(m for m in active_team(uow.session, record.inspection_id)
               if m.inspector_id == replacement.inspector_id)
    old.until = uow.now
    uow.add(TeamMember(id=new_id(), inspection_id=record.inspection_id, inspector_id=chosen_id,
                       visit_start=old.visit_start, visit_end=old.visit_end, via="replacement", since=uow.now))
    replacement.status, replacement.replacement_id = "approved", chosen_id
    replacement.decided_by, replacement.decided_at, replacement.decision_text = actor, uow.now, text
    uow.session.flush()
    uow.audit(actor, "replacement.approved", f"replacement:{replacement.id}", reason=text,
              before={"inspector": replacement.inspector_id}, after={"inspector": chosen_id})
    parts = parts_of(uow.session, record.inspection_id)
    for part in parts:  # the replacement takes the replaced member's place in that department's part
        if replacement.inspector_id in part.inspector_ids:
            part.inspector_ids = [chosen_id if i == replacement.inspector_id else i for i in part.inspector_ids]
    def person(inspector_id: str) -> dict:
        return payloads.inspector(uow.get(Inspector, inspector_id))
    team = payloads.team(parts, people(uow, parts))
    uow.emit("inspectors.replaced", payloads.inspectors_replaced(
        record, replacement, person(replacement.inspector_id), person(chosen_id), actor, team),
        subject=record.inspection_id)


def _pending(uow: UnitOfWork, replacement_id: str, actor: str) -> Replacement:
    replacement = uow.get(Replacement, replacement_id)
    if replacement is None:
        raise NotFound("更换申请不存在")
    if replacement.status != "requested":
        raise Conflict("该更换申请已处理")
    if replacement.requested_by == actor:
        raise Forbidden("申请人不能审批自己的更换申请")
    return replacement


def list_replacements(query: ListReplacements, uow: UnitOfWork) -> list[Replacement]:
    return uow.session.execute(select(Replacement).order_by(Replacement.requested_at.desc())).scalars().all()


def replacement_candidates(query: ReplacementCandidates, uow: UnitOfWork, policy: DrawPolicy) -> dict:
    replacement = found(uow.get(Replacement, query.replacement_id), "更换申请不存在")
    eligible_now, excluded = candidates(uow.session, policy, replacement)
    return {"replacement": replacement, "candidates": eligible_now, "excluded": excluded}


def replacement_queue(query: ReplacementQueue, uow: UnitOfWork, policy: DrawPolicy) -> dict:
    """S13 for the approver: each pending request with the eligible officers to choose from."""
    pending = uow.session.execute(select(Replacement).where(Replacement.status == "requested")
                                  .order_by(Replacement.requested_at)).scalars().all()
    queue = [(r, uow.get(Inspector, r.inspector_id), candidates(uow.session, policy, r)[0]) for r in pending]
    done = uow.session.execute(select(Replacement).where(Replacement.status != "requested")
                               .order_by(Replacement.decided_at.desc()).limit(50)).scalars().all()
    return {"queue": queue, "done": done}
