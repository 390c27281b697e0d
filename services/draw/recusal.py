"""N3 recusal: inspectors declare their conflicts; a company applies for an inspector's recusal and the head
decides. A conflict excludes the inspector from that company's draws; if the inspector is already on the
team, the decision opens a replacement request (S13, reason 执法回避) for the approver to fill."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shared.errors import Conflict as ConflictError
from shared.errors import NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from . import replacements
from .adapters.db import Conflict, DrawRecord, Inspector, RecusalApplication


def declare(uow: UnitOfWork, inspector_id: str, company_uscc: str, reason: str, actor: str, source="declared"):
    if uow.session.get(Inspector, inspector_id) is None:
        raise NotFound("执法人员不存在")
    existing = uow.session.execute(select(Conflict).where(Conflict.inspector_id == inspector_id,
                                                          Conflict.company_uscc == company_uscc)).scalar()
    if existing is not None:
        return existing
    conflict = Conflict(id=new_id(), inspector_id=inspector_id, company_uscc=company_uscc, reason=reason,
                        source=source, recorded_by=actor, recorded_at=uow.now)
    uow.session.add(conflict)
    uow.audit(actor, "conflict.recorded", f"inspector:{inspector_id}", after={"company": company_uscc},
              reason=reason)
    return conflict


def apply(uow: UnitOfWork, body: dict, actor: str, decision_days: int) -> RecusalApplication:
    if uow.session.get(Inspector, body["inspector_id"]) is None:
        raise NotFound("执法人员不存在")
    application = RecusalApplication(
        id=new_id(), company_uscc=body["company_uscc"], company_name=body["company_name"],
        inspector_id=body["inspector_id"], inspection_id=body.get("inspection_id"), reason=body["reason"],
        status="pending", submitted_at=uow.now,
        due_on=uow.runtime.clock.today_local() + timedelta(days=decision_days))
    uow.session.add(application)
    uow.audit(actor, "recusal.applied", f"recusal:{application.id}", reason=body["reason"],
              after={"company": body["company_uscc"], "inspector": body["inspector_id"]})
    return application


def decide(uow: UnitOfWork, application_id: str, approve: bool, reason: str, actor: str) -> RecusalApplication:
    application = uow.session.get(RecusalApplication, application_id)
    if application is None:
        raise NotFound("回避申请不存在")
    if application.status != "pending":
        raise ConflictError("该回避申请已作出决定")
    application.status = "approved" if approve else "rejected"
    application.decided_by, application.decided_at, application.decision_reason = actor, uow.now, reason
    uow.audit(actor, f"recusal.{application.status}", f"recusal:{application.id}", reason=reason)
    if approve:
        declare(uow, application.inspector_id, application.company_uscc, application.reason, actor, "application")
        _replace_if_on_team(uow, application, actor)
    return application


def _replace_if_on_team(uow: UnitOfWork, application: RecusalApplication, actor: str) -> None:
    if not application.inspection_id:
        return
    record = uow.session.execute(select(DrawRecord).where(
        DrawRecord.inspection_id == application.inspection_id)).scalar()
    team = [m.inspector_id for m in replacements.active_team(uow.session, application.inspection_id)]
    if record is not None and application.inspector_id in team:
        replacements.request(uow, record.id, application.inspector_id, "执法回避",
                             f"回避申请已批准：{application.reason}", "system:recusal")
