"""The S13 replacement workflow over HTTP: request (the inspector concerned or a clerk), candidates and the
decision (an approver)."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Forbidden, found
from shared.legacy import current_uow
from shared.web import current_runtime

from . import library, replacements
from .adapters.db import Replacement, db
from .schemas import ApprovalSchema, RejectionSchema, ReplacementRequestSchema

api = Blueprint("draw_replacements", __name__, url_prefix="/draw/api/v1", description="人员更换（S13）")


@api.post("/draws/<draw_id>/replacements")
@require("clerk", "admin", "inspector")
@api.arguments(ReplacementRequestSchema)
def request_replacement(body, draw_id):
    principal = current_principal()
    if principal.role == "inspector" and principal.subject != body["inspector_id"]:
        raise Forbidden("检查人员只能为本人申请更换")
    uow = current_uow()
    replacement = replacements.request(uow, draw_id, body["inspector_id"], body["reason"], body["text"],
                                       principal.actor)
    uow.commit()
    return replacement_view(replacement), 201


@api.get("/replacements")
@require("clerk", "admin", "approver")
def list_replacements():
    rows = db.session.execute(select(Replacement).order_by(Replacement.requested_at.desc())).scalars()
    return {"items": [replacement_view(r) for r in rows]}


@api.get("/replacements/<replacement_id>/candidates")
@require("approver", "clerk", "admin")
def replacement_candidates(replacement_id):
    """The officers the approver may choose from, and who is excluded and why."""
    replacement = found(db.session.get(Replacement, replacement_id), "更换申请不存在")
    eligible, excluded = replacements.candidates(db.session, current_runtime().deps["policy"], replacement)
    return {"replacement": replacement_view(replacement),
            "candidates": [library.view(i, private=False) for i in eligible], "excluded": excluded}


@api.post("/replacements/<replacement_id>/approve")
@require("approver")
@api.arguments(ApprovalSchema)
def approve_replacement(body, replacement_id):
    uow = current_uow()
    replacement = replacements.approve(uow, replacement_id, body["replacement_inspector_id"],
                                       current_principal().actor, body["text"])
    uow.commit()
    return replacement_view(replacement)


@api.post("/replacements/<replacement_id>/reject")
@require("approver")
@api.arguments(RejectionSchema)
def reject_replacement(body, replacement_id):
    uow = current_uow()
    replacement = replacements.reject(uow, replacement_id, current_principal().actor, body["text"])
    uow.commit()
    return replacement_view(replacement)


def replacement_view(replacement: Replacement) -> dict:
    return {"id": replacement.id, "inspection_id": replacement.inspection_id, "draw_id": replacement.draw_id,
            "inspector_id": replacement.inspector_id, "reason": replacement.reason, "text": replacement.text,
            "status": replacement.status, "requested_by": replacement.requested_by,
            "requested_at": iso(replacement.requested_at), "decided_by": replacement.decided_by,
            "replacement_inspector_id": replacement.replacement_id, "decision_text": replacement.decision_text}
