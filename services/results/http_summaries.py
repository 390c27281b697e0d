"""The approver's public summaries of results (N8, issue 13) under `/results/api/v1`: free-text findings are never
public; the approver of the result's department writes a summary (each save a new version) and releases it, and the
public feed shows the latest released version, masked. Parse → command or query → handle → view."""
from __future__ import annotations

from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.openapi import answers, items_of
from shared.web import handle

from . import response_schemas as rs
from .commands import ReleaseSummary, WriteSummary
from .queries import ResultSummaries
from .schemas import SummarySchema
from .views_public import summary_view

api = Blueprint("results_summaries", __name__, url_prefix="/results/api/v1", description="检查结果公开摘要")


@api.get("/summaries")
@answers(200, items_of(rs.SummaryView))
@require("approver")
def list_summaries():
    """The approver's department's results that count, newest first, each with its summary versions."""
    states = handle(ResultSummaries(current_principal().department))
    return {"items": [summary_view(state) for state in states]}


@api.get("/results/<result_id>/summary")
@answers(200, rs.SummaryView)
@require("approver")
def get_summary(result_id):
    [state] = handle(ResultSummaries(current_principal().department, result_id))
    return summary_view(state)


@api.put("/results/<result_id>/summary")
@answers(200, rs.SummaryView)
@require("approver")
@api.arguments(SummarySchema)
def write_summary(body, result_id):
    """A new version when the text changed; `release: true` makes it public at once (masked)."""
    principal = current_principal()
    return summary_view(handle(WriteSummary(result_id, body["text"], principal.actor, principal.department,
                                            body["release"])))


@api.post("/results/<result_id>/summary/release")
@answers(200, rs.SummaryView)
@require("approver")
def release_summary(result_id):
    """The latest version goes public; 409 when it already is, or when nothing is written yet."""
    principal = current_principal()
    return summary_view(handle(ReleaseSummary(result_id, principal.actor, principal.department)))
