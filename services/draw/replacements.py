"""S13: drawn inspectors are in principle not replaced. For a post change, a work conflict, health or recusal, a
replacement is requested with a reason, and an approver (分管负责人) approves it by *choosing* the replacement
from the qualified officers the system lists — no lottery. Every step is audited; the draw record is untouched."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import DrawRecord, Inspector, Replacement, TeamMember
from .domain.policy import DrawPolicy
from .pool import eligible, visit_of

REASONS = ("岗位调整", "工作冲突", "健康状况", "执法回避")


def active_team(session, inspection_id: str) -> list[TeamMember]:
    return session.execute(select(TeamMember).where(TeamMember.inspection_id == inspection_id,
                                                    TeamMember.until.is_(None))
                           .order_by(TeamMember.since, TeamMember.inspector_id)).scalars().all()


def request(uow: UnitOfWork, draw_id: str, inspector_id: str, reason: str, text: str, actor: str) -> Replacement:
    session = uow.session
    record = session.get(DrawRecord, draw_id)
    if record is None:
        raise NotFound("抽取记录不存在")
    if reason not in REASONS:
        raise Invalid("更换理由不合法", fields={"reason": ["取值应为：" + "、".join(REASONS)]})
    if inspector_id not in [m.inspector_id for m in active_team(session, record.inspection_id)]:
        raise Conflict("该人员不在本次检查组中", fields={"inspector_id": ["不在检查组中"]})
    pending = session.execute(select(Replacement).where(Replacement.inspection_id == record.inspection_id,
                                                        Replacement.inspector_id == inspector_id,
                                                        Replacement.status == "requested")).scalar()
    if pending is not None:
        raise Conflict("该人员已有待审批的更换申请", code="replacement_pending")
    replacement = Replacement(id=new_id(), inspection_id=record.inspection_id, draw_id=draw_id,
                              inspector_id=inspector_id, reason=reason, text=text, status="requested",
                              requested_by=actor, requested_at=uow.now)
    session.add(replacement)
    uow.audit(actor, "replacement.requested", f"replacement:{replacement.id}", reason=f"{reason}：{text}",
              after={"inspection": record.inspection_id, "inspector": inspector_id})
    return replacement


def candidates(session, policy: DrawPolicy, replacement: Replacement) -> tuple[list[Inspector], list[dict]]:
    """The eligible officers not already on the team (same rules as the draw), and who was excluded and why."""
    record = session.get(DrawRecord, replacement.draw_id)
    inspectors, pool, excluded = eligible(session, policy, visit_of(record.inspection, policy),
                                          exclude_inspection=record.inspection_id)
    team = {m.inspector_id for m in active_team(session, record.inspection_id)}
    return [inspectors[i] for i in pool if i not in team], excluded


def approve(uow: UnitOfWork, replacement_id: str, chosen_id: str, actor: str, text: str) -> Replacement:
    session = uow.session
    replacement = _pending(session, replacement_id, actor)
    eligible_now, _ = candidates(session, uow.runtime.deps["policy"], replacement)
    if chosen_id not in {i.id for i in eligible_now}:
        raise Invalid("所选人员不在可选名单中", fields={"replacement_inspector_id": ["不符合条件或已在检查组中"]})
    record = session.get(DrawRecord, replacement.draw_id)
    old = next(m for m in active_team(session, record.inspection_id) if m.inspector_id == replacement.inspector_id)
    old.until = uow.now
    session.add(TeamMember(id=new_id(), inspection_id=record.inspection_id, inspector_id=chosen_id,
                           visit_start=old.visit_start, visit_end=old.visit_end, via="replacement", since=uow.now))
    replacement.status, replacement.replacement_id = "approved", chosen_id
    replacement.decided_by, replacement.decided_at, replacement.decision_text = actor, uow.now, text
    session.flush()
    uow.audit(actor, "replacement.approved", f"replacement:{replacement.id}", reason=text,
              before={"inspector": replacement.inspector_id}, after={"inspector": chosen_id})
    _announce(uow, record, replacement, actor)
    return replacement


def reject(uow: UnitOfWork, replacement_id: str, actor: str, text: str) -> Replacement:
    replacement = _pending(uow.session, replacement_id, actor)
    replacement.status, replacement.decided_by, replacement.decided_at = "rejected", actor, uow.now
    replacement.decision_text = text
    uow.audit(actor, "replacement.rejected", f"replacement:{replacement.id}", reason=text)
    return replacement


def _pending(session, replacement_id: str, actor: str) -> Replacement:
    replacement = session.get(Replacement, replacement_id)
    if replacement is None:
        raise NotFound("更换申请不存在")
    if replacement.status != "requested":
        raise Conflict("该更换申请已处理")
    if replacement.requested_by == actor:
        raise Forbidden("申请人不能审批自己的更换申请")
    return replacement


def _announce(uow: UnitOfWork, record: DrawRecord, replacement: Replacement, approver: str) -> None:
    from .handlers import inspector_view
    session = uow.session
    team = [inspector_view(session.get(Inspector, m.inspector_id)) for m in active_team(session, record.inspection_id)]
    uow.emit("inspectors.replaced", {
        "inspection_id": record.inspection_id, "draw_id": record.id, "replacement_id": replacement.id,
        "old": inspector_view(session.get(Inspector, replacement.inspector_id)),
        "new": inspector_view(session.get(Inspector, replacement.replacement_id)),
        "reason": replacement.reason, "text": replacement.text, "approver": approver,
        "inspectors": team, "inspection": record.inspection}, subject=record.inspection_id)
