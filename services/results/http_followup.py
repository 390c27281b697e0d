"""What follows a submitted result, over HTTP: corrections (S8: the inspector or clerk applies, the sub-bureau
approver and then the detachment decide; an approved correction voids the result) and rectifications (S10, S14:
reminders and progress). Each view: parse → command or query → handle → view."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers, query
from shared.web import handle

from . import response_schemas as rs
from . import views
from .commands import ApplyForCorrection, DecideCorrection, DetachmentDecision, UpdateRectification
from .domain.access import reader
from .http import STAFF, _inspector_id
from .queries import CorrectionQueue, Rectifications
from .schemas import CorrectionSchema, DecisionSchema, ProgressSchema

api = Blueprint("results_followup", __name__, url_prefix="/results/api/v1", description="结果更正与整改")


@api.post("/results/<result_id>/corrections")
@answers(201, rs.CorrectionView)
@require("inspector", "clerk")
@api.arguments(CorrectionSchema)
def request_correction(body, result_id):
    correction = handle(ApplyForCorrection(result_id, body["reason"], body["application_scan"],
                                           current_principal().actor, _inspector_id()))
    return views.correction_view(correction), 201


@api.get("/corrections")
@answers(200, rs.CORRECTIONS)
@query(("status", {"type": "string"}, "pending（待分局审批）、approved（待支队决定）等"))
@require(*STAFF, "detachment")
def list_corrections():
    """The queue, newest first: `?status=pending` the approver's, `?status=approved` the detachment's."""
    queue = handle(CorrectionQueue(request.args.get("status") or None))
    return {"items": [views.correction_view(correction) for correction, _, _ in queue]}


@api.post("/corrections/<correction_id>/decision")
@answers(200, rs.CorrectionView)
@require("approver")
@api.arguments(DecisionSchema)
def decide_correction(body, correction_id):
    """The sub-bureau approver's step: approve (on to the detachment) or reject."""
    correction = handle(DecideCorrection(correction_id, body["decision"] == "approve", body["note"],
                                         current_principal().actor))
    return views.correction_view(correction)


@api.post("/corrections/<correction_id>/detachment-decision")
@answers(200, rs.CorrectionView)
@require("detachment")
@api.arguments(DecisionSchema)
def detachment_decision(body, correction_id):
    """The detachment's decision (S8): approve voids the department's result (`result.voided.<dept>`) and opens
    its re-inspection round; reject keeps it."""
    correction = handle(DetachmentDecision(correction_id, body["decision"] == "approve", body["note"],
                                           current_principal().actor))
    return views.correction_view(correction)


@api.get("/rectifications")
@answers(200, rs.RECTIFICATIONS)
@query(("status", {"type": "string"}, "整改状态"), ("department", {"type": "string"}, "部门代码"),
       ("overdue", {"type": "string"}, "非空（如 1）：只看逾期的"),
       ("squadron", {"type": "string"}, "中队，如 第一中队"))
@require("inspector", "department", *STAFF)
def list_rectifications():
    """Reminders (S14): open ones by deadline, `?overdue=1` only the late, `?department=` one department's (a
    department: only its own), `?squadron=第一中队` one squadron's."""
    args = request.args
    records = handle(Rectifications(status=args.get("status") or None, department=args.get("department") or None,
                                    overdue=bool(args.get("overdue")), squadron=args.get("squadron") or None,
                                    **reader(current_principal())))
    return {"items": [views.rectification_view(record) for record in records]}


@api.post("/rectifications/<rectification_id>/progress")
@answers(201, rs.RectificationView)
@require("inspector", "clerk")
@api.arguments(ProgressSchema)
def add_progress(body, rectification_id):
    record = handle(UpdateRectification(rectification_id, body["note"], body["delay_reason"], body["completed"],
                                        tuple(body["evidence"]), current_principal().actor, _inspector_id()))
    return views.rectification_view(record), 201
