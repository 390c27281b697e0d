"""results' HTTP API."""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import NotFound
from shared.web import runtime_of

from . import handlers
from .adapters.db import Result, db
from .schemas import ResultSchema

api = Blueprint("results", __name__, url_prefix="/results/api/v1", description="检查结果")


@api.post("/inspections/<inspection_id>/results")
@require("inspector")
@api.arguments(ResultSchema)
def submit_result(body, inspection_id):
    """An assigned inspector records the visit's results once; submitting finalises them (S8)."""
    principal = current_principal()
    runtime = runtime_of(current_app)
    command = handlers.SubmitResult(
        inspection_id=inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], category=body["category"], items=tuple(body["items"]),
        company_confirmation=body.get("company_confirmation"), today=runtime.clock.today_local())
    result = handlers.submit_result(command, runtime.unit_of_work(request.headers.get("X-Correlation-Id")))
    return result_view(result), 201


@api.get("/inspections/<inspection_id>/results")
@require("inspector", "clerk", "approver", "admin")
def list_results(inspection_id):
    rows = db.session.query(Result).filter_by(inspection_id=inspection_id).order_by(Result.round).all()
    if not rows:
        raise NotFound("该检查尚无结果")
    return {"items": [result_view(r) for r in rows]}


def result_view(result: Result) -> dict:
    return {"id": result.id, "inspection_id": result.inspection_id, "round": result.round,
            "status": result.status, "category": result.category, "visit_date": result.visit_date.isoformat(),
            "items": result.items, "submitted_by": result.submitted_by, "submitted_at": iso(result.submitted_at)}
