"""Rectification of the problems a visit found (S10, S14): one per problem item, owned by the department whose
item it is, due some months after the visit (RESULTS_RECTIFICATION_MONTHS, default 3); progress entries are
appended, never edited; once the deadline has passed every entry must say why it is late; each change goes to the
responsible department as `rectification.updated.<dept>`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Rectification, RectificationProgress, Result
from ..adapters.records import (
    RectificationRecord,
    assignment_for,
    check_evidence_refs,
    member_of,
    rectification_record,
)
from ..commands import UpdateRectification
from ..domain.deadlines import rectification_deadline


def open_for(uow: UnitOfWork, result: Result, inspection: dict, months: int) -> list[Rectification]:
    """A rectification for every item of the (department's) result with the outcome 发现问题."""
    owners = {item["code"]: (d["code"], item["name"]) for d in inspection["departments"] for item in d["items"]}
    opened = []
    for answer in result.items:
        if answer["outcome"] != "发现问题":
            continue
        department, name = owners[answer["item_code"]]
        rectification = Rectification(
            id=new_id(), result_id=result.id, inspection_id=result.inspection_id, department=department,
            item_code=answer["item_code"], item_name=name, company=inspection["company"],
            problem=answer.get("findings") or "", deadline=rectification_deadline(result.visit_date, months),
            status="open", created_at=uow.now)
        uow.add(rectification)
        opened.append(rectification)
    uow.session.flush()
    for rectification in opened:  # the responsible department learns of it, and of its deadline, at once
        emit_update(uow, rectification, result.visit_date)
    return opened


def update_rectification(cmd: UpdateRectification, uow: UnitOfWork) -> RectificationRecord:
    """A progress entry by the visit's team or a clerk; completion needs evidence, lateness a reason."""
    session, today = uow.session, uow.today()
    rectification = uow.get(Rectification, cmd.rectification_id)
    if rectification is None:
        raise NotFound("整改记录不存在")
    if cmd.inspector_id is not None:  # the department's own members follow its rectifications
        member_of(assignment_for(session, rectification.inspection_id, cmd.inspector_id), rectification.department,
                  cmd.inspector_id)
    check_evidence_refs(session, rectification.inspection_id, {"evidence": list(cmd.evidence)})
    if rectification.status != "open":
        raise Conflict("该整改已结束，不能再登记进展", code="rectification_closed")
    if today > rectification.deadline and not (cmd.delay_reason or "").strip():
        raise Invalid("整改已超期", fields={"delay_reason": [
            f"整改期限 {rectification.deadline.isoformat()} 已过，请填写未按期完成的原因"]})
    if cmd.completed and not cmd.evidence:
        raise Invalid("整改完成须附证据", fields={"evidence": ["请上传整改完成的照片或材料"]})
    uow.add(RectificationProgress(rectification_id=rectification.id, note=cmd.note,
                                  delay_reason=cmd.delay_reason or None, completed=cmd.completed,
                                  evidence=list(cmd.evidence), recorded_by=cmd.actor, recorded_at=uow.now))
    if cmd.completed:
        rectification.status, rectification.completed_at = "completed", uow.now
    uow.audit(cmd.actor, "rectification.completed" if cmd.completed else "rectification.progress",
              f"rectification:{rectification.id}", after={"note": cmd.note, "delay_reason": cmd.delay_reason})
    session.flush()
    return emit_update(uow, rectification, today)


def cancel_for_result(uow: UnitOfWork, result_id: str, actor: str, today: date) -> None:
    """A voided result's rectifications end with it (the re-inspection opens its own)."""
    for rectification in uow.session.execute(select(Rectification).where(
            Rectification.result_id == result_id, Rectification.status == "open")).scalars():
        rectification.status = "cancelled"
        uow.audit(actor, "rectification.cancelled", f"rectification:{rectification.id}", reason="检查结果已作废")
        emit_update(uow, rectification, today)


def emit_update(uow: UnitOfWork, rectification: Rectification, today: date) -> RectificationRecord:
    record = rectification_record(uow.session, rectification, today)
    uow.emit("rectification.updated", payloads.rectification_updated(record), subject=rectification.inspection_id,
             department=rectification.department)
    return record
