"""N3 recusal: inspectors declare their interests; a company applies for an inspector's recusal and the head
decides. A declared interest excludes the inspector from that company's draws; if the inspector is already on
the team, the decision opens a replacement request (S13, reason 执法回避) for the approver to fill."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import DeclaredInterest, Inspector, RecusalApplication
from ..commands import ApplyForRecusal, DecideRecusal, DeclareInterest
from ..domain.policy import DrawPolicy
from ..queries import ListRecusals
from .inspector_draws import parts_of, retry_blocked
from .replacements import open_request


def declare_interest(command: DeclareInterest, uow: UnitOfWork) -> DeclaredInterest:
    return _declare(uow, command.inspector_id, command.company_uscc, command.reason, command.actor, "declared")


def _declare(uow: UnitOfWork, inspector_id: str, company_uscc: str, reason: str, actor: str,
             source: str) -> DeclaredInterest:
    if uow.get(Inspector, inspector_id) is None:
        raise NotFound("执法人员不存在")
    existing = uow.session.execute(select(DeclaredInterest).where(
        DeclaredInterest.inspector_id == inspector_id, DeclaredInterest.company_uscc == company_uscc)).scalar()
    if existing is not None:
        return existing
    interest = DeclaredInterest(id=new_id(), inspector_id=inspector_id, company_uscc=company_uscc, reason=reason,
                                source=source, recorded_by=actor, recorded_at=uow.now)
    uow.add(interest)
    uow.audit(actor, "conflict.recorded", f"inspector:{inspector_id}", after={"company": company_uscc},
              reason=reason)
    return interest


def apply_for_recusal(command: ApplyForRecusal, uow: UnitOfWork, policy: DrawPolicy) -> RecusalApplication:
    """Recorded by the brigade office; the head decides within `recusal_decision_days` (default 3)."""
    if uow.get(Inspector, command.inspector_id) is None:
        raise NotFound("执法人员不存在")
    application = RecusalApplication(
        id=new_id(), company_uscc=command.company_uscc, company_name=command.company_name,
        inspector_id=command.inspector_id, inspection_id=command.inspection_id, reason=command.reason,
        status="pending", submitted_at=uow.now, due_on=uow.today() + timedelta(days=policy.recusal_decision_days))
    uow.add(application)
    uow.audit(command.actor, "recusal.applied", f"recusal:{application.id}", reason=command.reason,
              after={"company": command.company_uscc, "inspector": command.inspector_id})
    return application


def decide_recusal(command: DecideRecusal, uow: UnitOfWork, policy: DrawPolicy) -> RecusalApplication:
    """A decided recusal changes who may be drawn: blocked parts are tried again."""
    application = uow.get(RecusalApplication, command.application_id)
    if application is None:
        raise NotFound("回避申请不存在")
    if application.status != "pending":
        raise Conflict("该回避申请已作出决定")
    application.status = "approved" if command.approve else "rejected"
    application.decided_by, application.decided_at = command.actor, uow.now
    application.decision_reason = command.reason
    uow.audit(command.actor, f"recusal.{application.status}", f"recusal:{application.id}", reason=command.reason)
    if command.approve:
        _declare(uow, application.inspector_id, application.company_uscc, application.reason, command.actor,
                 "application")
        _replace_if_on_team(uow, application)
    retry_blocked(uow, policy)
    return application


def _replace_if_on_team(uow: UnitOfWork, application: RecusalApplication) -> None:
    if not application.inspection_id:
        return
    part = next((p for p in parts_of(uow.session, application.inspection_id)
                 if application.inspector_id in p.inspector_ids), None)
    draws = [p.draw_id for p in parts_of(uow.session, application.inspection_id) if p.draw_id]
    if part is not None and draws:  # a replacement is filed against the visit's draw record (S13)
        open_request(uow, part.draw_id or draws[0], application.inspector_id, "执法回避",
                     f"回避申请已批准：{application.reason}", "system:recusal")


def list_recusals(query: ListRecusals, uow: UnitOfWork) -> list[RecusalApplication]:
    return uow.session.execute(select(RecusalApplication)
                               .order_by(RecusalApplication.submitted_at.desc())).scalars().all()
