"""S8: a submitted result is corrected only through a written application signed by the department head, decided
by an approver. Approval voids the result (kept, marked, linked) and sends the visit back to the same team as a
new round; rejection leaves it as it was. Both are audited."""
from __future__ import annotations

from sqlalchemy import select

from shared.errors import Conflict, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Correction, Result, ResultVoid
from ..adapters.records import assignment_for, check_evidence_refs
from ..commands import ApplyForCorrection, DecideCorrection
from ..queries import CorrectionQueue
from . import rectifications


def apply_for_correction(cmd: ApplyForCorrection, uow: UnitOfWork) -> Correction:
    """The reason and the scan of the signed application, by the team that entered the result (or a clerk)."""
    session = uow.session
    result = uow.get(Result, cmd.result_id)
    if result is None:
        raise NotFound("检查结果不存在")
    if cmd.inspector_id is not None:
        assignment_for(session, result.inspection_id, cmd.inspector_id)
    if uow.get(ResultVoid, cmd.result_id) is not None:
        raise Conflict("该检查结果已作废", code="result_void")
    pending = session.execute(select(Correction).where(Correction.result_id == cmd.result_id,
                                                       Correction.status == "pending")).scalar()
    if pending is not None:
        raise Conflict("该检查结果已有待审批的更正申请", code="correction_pending")
    check_evidence_refs(session, result.inspection_id, {"application_scan": [cmd.application_scan]})
    correction = Correction(id=new_id(), result_id=cmd.result_id, inspection_id=result.inspection_id,
                            reason=cmd.reason, application_sha256=cmd.application_scan, requested_by=cmd.actor,
                            requested_at=uow.now, status="pending")
    uow.add(correction)
    uow.audit(cmd.actor, "correction.requested", f"result:{cmd.result_id}", reason=cmd.reason,
              after={"correction": correction.id, "application_scan": cmd.application_scan})
    return correction


def decide_correction(cmd: DecideCorrection, uow: UnitOfWork) -> Correction:
    correction = uow.get(Correction, cmd.correction_id)
    if correction is None:
        raise NotFound("更正申请不存在")
    if correction.status != "pending":
        raise Conflict("该更正申请已处理", code="correction_decided")
    correction.status = "approved" if cmd.approve else "rejected"
    correction.decided_by, correction.decided_at, correction.decision_note = cmd.actor, uow.now, cmd.note or None
    uow.audit(cmd.actor, f"correction.{correction.status}", f"correction:{correction.id}", reason=cmd.note or None,
              after={"result": correction.result_id})
    if cmd.approve:
        uow.add(ResultVoid(result_id=correction.result_id, correction_id=correction.id, voided_by=cmd.actor,
                           voided_at=uow.now))
        assignment = uow.get(Assignment, correction.inspection_id)
        assignment.round += 1
        rectifications.cancel_for_result(uow, correction.result_id, cmd.actor, uow.today())
        uow.audit(cmd.actor, "result.voided", f"result:{correction.result_id}", reason=correction.reason,
                  after={"correction": correction.id, "reinspection_round": assignment.round})
    return correction


def correction_queue(query: CorrectionQueue, uow: UnitOfWork) -> list[tuple[Correction, Result]]:
    """Newest first, each with the result it would correct."""
    listing = select(Correction).order_by(Correction.requested_at.desc())
    if query.status:
        listing = listing.where(Correction.status == query.status)
    corrections = uow.session.execute(listing).scalars().all()
    results = {r.id: r for r in uow.session.execute(select(Result).where(
        Result.id.in_([c.result_id for c in corrections]))).scalars()}
    return [(c, results[c.result_id]) for c in corrections]
