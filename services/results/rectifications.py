"""Rectification of the problems a visit found (S10, S14): one per problem item, owned by the department whose
item it is, due 3 months after the visit (configurable); progress entries are appended, never edited; once the
deadline has passed every entry must say why it is late and how far it has got; each change goes to the
responsible department as `rectification.updated.<dept>`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shared.clock import iso
from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import Assignment, Rectification, RectificationProgress, Result
from .domain.deadlines import rectification_deadline


def open_for(uow: UnitOfWork, result: Result, inspection: dict, months: int) -> list[Rectification]:
    """A rectification for every item of the result with the outcome 发现问题."""
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
        uow.session.add(rectification)
        opened.append(rectification)
    uow.session.flush()
    for rectification in opened:  # the responsible department learns of it, and of its deadline, at once
        emit_update(uow, rectification, result.visit_date)
    return opened


def record_progress(uow: UnitOfWork, rectification: Rectification, note: str, delay_reason: str | None,
                    completed: bool, evidence: list[str], actor: str, today: date) -> RectificationProgress:
    if rectification.status != "open":
        raise Conflict("该整改已结束，不能再登记进展", code="rectification_closed")
    overdue = today > rectification.deadline
    if overdue and not (delay_reason or "").strip():
        raise Invalid("整改已超期", fields={"delay_reason": [
            f"整改期限 {rectification.deadline.isoformat()} 已过，请填写未按期完成的原因"]})
    if completed and not evidence:
        raise Invalid("整改完成须附证据", fields={"evidence": ["请上传整改完成的照片或材料"]})
    entry = RectificationProgress(rectification_id=rectification.id, note=note, delay_reason=delay_reason or None,
                                  completed=completed, evidence=list(evidence), recorded_by=actor,
                                  recorded_at=uow.now)
    uow.session.add(entry)
    if completed:
        rectification.status, rectification.completed_at = "completed", uow.now
    uow.audit(actor, "rectification.completed" if completed else "rectification.progress",
              f"rectification:{rectification.id}", after={"note": note, "delay_reason": delay_reason})
    uow.session.flush()
    emit_update(uow, rectification, today)
    return entry


def cancel_for_result(uow: UnitOfWork, result_id: str, actor: str, today: date) -> None:
    """A voided result's rectifications end with it (the re-inspection opens its own)."""
    for rectification in uow.session.execute(select(Rectification).where(
            Rectification.result_id == result_id, Rectification.status == "open")).scalars():
        rectification.status = "cancelled"
        uow.audit(actor, "rectification.cancelled", f"rectification:{rectification.id}", reason="检查结果已作废")
        emit_update(uow, rectification, today)


def emit_update(uow: UnitOfWork, rectification: Rectification, today: date) -> None:
    uow.emit("rectification.updated", view(uow.session, rectification, today), subject=rectification.inspection_id,
             department=rectification.department)


def view(session, rectification: Rectification, today: date) -> dict:
    entries = session.execute(select(RectificationProgress).where(
        RectificationProgress.rectification_id == rectification.id).order_by(RectificationProgress.id)).scalars()
    assignment = session.get(Assignment, rectification.inspection_id)
    return {
        "squadron": squadron_of(assignment),
        "id": rectification.id, "inspection_id": rectification.inspection_id, "result_id": rectification.result_id,
        "department": rectification.department, "item_code": rectification.item_code,
        "item_name": rectification.item_name, "company": rectification.company, "problem": rectification.problem,
        "deadline": rectification.deadline.isoformat(), "status": rectification.status,
        "overdue": rectification.status == "open" and today > rectification.deadline,
        "completed_at": iso(rectification.completed_at) if rectification.completed_at else None,
        "progress": [{"note": e.note, "delay_reason": e.delay_reason, "completed": e.completed,
                      "evidence": e.evidence, "recorded_by": e.recorded_by, "recorded_at": iso(e.recorded_at)}
                     for e in entries],
    }


def squadron_of(assignment: Assignment | None) -> str:
    """The squadron (中队) a visit belongs to: its team's first member's, as the draw lists them (S14, S15)."""
    inspectors = assignment.inspectors if assignment else []
    return (inspectors[0].get("unit") if inspectors else None) or "未分中队"
