"""S8: a department's submitted result is corrected only through a written application signed by the department
head; the sub-bureau's approver agrees first, and the detachment (支队) decides (由大队综合科报支队后予以删除). The
detachment's decision voids that department's result (kept, marked, linked), tells the department
(`result.voided.<dept>`) and sends it back to the department's members as its next round; a refusal at either step
leaves it as it was. Every step is audited."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Assignment, Correction, Result, ResultVoid
from ..adapters.records import assignment_for, check_evidence_refs, member_of
from ..commands import ApplyForCorrection, DecideCorrection, DetachmentDecision
from ..queries import CorrectionQueue
from . import rectifications


def apply_for_correction(cmd: ApplyForCorrection, uow: UnitOfWork) -> Correction:
    """The reason and the scan of the signed application, by the department's members (or a clerk)."""
    session = uow.session
    result = uow.get(Result, cmd.result_id)
    if result is None:
        raise NotFound("检查结果不存在")
    if cmd.inspector_id is not None:
        member_of(assignment_for(session, result.inspection_id, cmd.inspector_id), result.department,
                  cmd.inspector_id)
    if uow.get(ResultVoid, cmd.result_id) is not None:
        raise Conflict("该检查结果已作废", code="result_void")
    pending = session.execute(select(Correction).where(Correction.result_id == cmd.result_id,
                                                       Correction.status.in_(("pending", "approved")))).scalar()
    if pending is not None:
        raise Conflict("该检查结果已有待审批的更正申请", code="correction_pending")
    check_evidence_refs(session, result.inspection_id, {"application_scan": [cmd.application_scan]})
    correction = Correction(id=new_id(), result_id=cmd.result_id, inspection_id=result.inspection_id,
                            department=result.department, reason=cmd.reason,
                            application_sha256=cmd.application_scan, requested_by=cmd.actor, requested_at=uow.now,
                            status="pending")
    uow.add(correction)
    uow.audit(cmd.actor, "correction.requested", f"result:{cmd.result_id}", reason=cmd.reason,
              after={"correction": correction.id, "department": result.department,
                     "application_scan": cmd.application_scan})
    return correction


def decide_correction(cmd: DecideCorrection, uow: UnitOfWork) -> Correction:
    """The approver's step: agreeing sends the application on to the detachment; nothing is voided yet."""
    correction = _correction(uow, cmd.correction_id)
    if correction.status != "pending":
        raise Conflict("该更正申请已处理", code="correction_decided")
    correction.status = "approved" if cmd.approve else "rejected"
    correction.decided_by, correction.decided_at, correction.decision_note = cmd.actor, uow.now, cmd.note or None
    uow.audit(cmd.actor, f"correction.{correction.status}", f"correction:{correction.id}", reason=cmd.note or None,
              after={"result": correction.result_id, "department": correction.department})
    return correction


def detachment_decision(cmd: DetachmentDecision, uow: UnitOfWork) -> Correction:
    """The detachment's decision: agreeing voids the department's result and opens its next round."""
    correction = _correction(uow, cmd.correction_id)
    if correction.status == "pending":
        raise Conflict("该更正申请尚未经分局审批同意，支队暂不能决定", code="correction_not_approved")
    if correction.status != "approved":
        raise Conflict("该更正申请已处理", code="correction_decided")
    correction.status = "confirmed" if cmd.approve else "rejected"
    correction.detachment_by, correction.detachment_at = cmd.actor, uow.now
    correction.detachment_note = cmd.note or None
    uow.audit(cmd.actor, "correction.confirmed" if cmd.approve else "correction.refused_by_detachment",
              f"correction:{correction.id}", reason=cmd.note or None,
              after={"result": correction.result_id, "department": correction.department})
    if cmd.approve:
        result = uow.get(Result, correction.result_id)
        uow.add(ResultVoid(result_id=result.id, correction_id=correction.id, voided_by=cmd.actor, voided_at=uow.now))
        rectifications.cancel_for_result(uow, result.id, cmd.actor, uow.today())
        uow.audit(cmd.actor, "result.voided", f"result:{result.id}", reason=correction.reason,
                  after={"correction": correction.id, "department": result.department,
                         "reinspection_round": result.round + 1})
        uow.emit("result.voided", payloads.result_voided(result, correction, uow.now), subject=result.inspection_id,
                 department=result.department)
    return correction


def _correction(uow: UnitOfWork, correction_id: str) -> Correction:
    correction = uow.get(Correction, correction_id)
    if correction is None:
        raise NotFound("更正申请不存在")
    return correction


def correction_queue(query: CorrectionQueue, uow: UnitOfWork) -> list[tuple[Correction, Result, str]]:
    """Newest first, each with the result it would correct and its department's name."""
    listing = select(Correction).order_by(Correction.requested_at.desc())
    if query.status:
        listing = listing.where(Correction.status == query.status)
    corrections = uow.session.execute(listing).scalars().all()
    results = {r.id: r for r in uow.session.execute(select(Result).where(
        Result.id.in_([c.result_id for c in corrections]))).scalars()}
    names = {(a.inspection_id, d["code"]): d["name"] for a in uow.session.execute(select(Assignment).where(
        Assignment.inspection_id.in_({c.inspection_id for c in corrections}))).scalars()
        for d in a.inspection["departments"]}
    return [(c, results[c.result_id], names.get((c.inspection_id, c.department), c.department))
            for c in corrections]
