"""The S13 replacement workflow over HTTP: request (the inspector concerned or a clerk), candidates and the
decision (an approver)."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Forbidden
from shared.openapi import answers
from shared.web import handle

from . import response_schemas as rs
from . import views
from .commands import DecideReplacement, RequestReplacement
from .queries import ListReplacements, ReplacementCandidates
from .schemas import ApprovalSchema, RejectionSchema, ReplacementRequestSchema

api = Blueprint("draw_replacements", __name__, url_prefix="/draw/api/v1", description="人员更换")


@api.post("/draws/<draw_id>/replacements")
@answers(201, rs.ReplacementView)
@require("clerk", "admin", "inspector")
@api.arguments(ReplacementRequestSchema)
def request_replacement(body, draw_id):
    principal = current_principal()
    if principal.role == "inspector" and principal.subject != body["inspector_id"]:
        raise Forbidden("检查人员只能为本人申请更换")
    replacement = handle(RequestReplacement(draw_id, body["inspector_id"], body["reason"], body["text"],
                                            principal.actor))
    return views.replacement_view(replacement), 201


@api.get("/replacements")
@answers(200, rs.REPLACEMENTS)
@require("clerk", "admin", "approver")
def list_replacements():
    return {"items": [views.replacement_view(r) for r in handle(ListReplacements())]}


@api.get("/replacements/<replacement_id>/candidates")
@answers(200, rs.Candidates)
@require("approver", "clerk", "admin")
def replacement_candidates(replacement_id):
    """The officers the approver may choose from, and who is excluded and why."""
    answer = handle(ReplacementCandidates(replacement_id))
    return {"replacement": views.replacement_view(answer["replacement"]),
            "candidates": [views.inspector_view(i, private=False) for i in answer["candidates"]],
            "excluded": answer["excluded"]}


@api.post("/replacements/<replacement_id>/approve")
@answers(200, rs.ReplacementView)
@require("approver")
@api.arguments(ApprovalSchema)
def approve_replacement(body, replacement_id):
    principal = current_principal()
    replacement = handle(DecideReplacement(replacement_id, True, body["text"], principal.actor, principal.role,
                                           body["replacement_inspector_id"]))
    return views.replacement_view(replacement)


@api.post("/replacements/<replacement_id>/reject")
@answers(200, rs.ReplacementView)
@require("approver")
@api.arguments(RejectionSchema)
def reject_replacement(body, replacement_id):
    principal = current_principal()
    return views.replacement_view(handle(DecideReplacement(replacement_id, False, body["text"], principal.actor,
                                                           principal.role)))
