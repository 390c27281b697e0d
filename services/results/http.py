"""results' HTTP API: results (append-only, S8), drafts, evidence, corrections, rectifications, and the public
feed of published results (N8). There is deliberately no PUT, PATCH or DELETE on a result: a submitted result
answers 409 to every attempt to write it again (S8)."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import NotFound, found
from shared.legacy import current_uow
from shared.schemas import page_of
from shared.uploads import read_upload
from shared.web import current_runtime

from . import evidence, handlers, publication, rectifications, reports
from .adapters.db import Correction, Draft, Evidence, Rectification, Result, ResultVoid, db
from .schemas import CorrectionSchema, DecisionSchema, DraftSchema, ProgressSchema, PublicResultQuery, ResultSchema

api = Blueprint("results", __name__, url_prefix="/results/api/v1", description="检查结果")
public = Blueprint("results_public", __name__, url_prefix="/results/api/v1/public", description="结果公示")
STAFF = ("clerk", "approver", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _inspector_id() -> str | None:
    """The acting inspector's id, or None for staff (who may act on any visit where the API allows it)."""
    principal = current_principal()
    return principal.subject if principal.role == "inspector" else None


@api.post("/inspections/<inspection_id>/results")
@require("inspector")
@api.arguments(ResultSchema)
def submit_result(body, inspection_id):
    """An assigned inspector records the visit's results once; submitting finalises them (S8)."""
    principal, runtime = current_principal(), current_runtime()
    command = handlers.SubmitResult(
        inspection_id=inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], category=body["category"], items=tuple(body["items"]),
        company_confirmation=body["company_confirmation"], today=runtime.clock.today_local())
    result = handlers.submit_result(command, current_uow())
    return result_view(result, None), 201


@api.route("/inspections/<inspection_id>/results", methods=["PUT", "PATCH", "DELETE"])
@require("inspector", *STAFF)
def refuse_rewrite(inspection_id):
    """S8, said plainly to any client that tries: entered results are never modified."""
    raise handlers._already_submitted()


@api.route("/results/<result_id>", methods=["PUT", "PATCH", "DELETE"])
@require("inspector", *STAFF)
def refuse_rewrite_by_id(result_id):
    found(db.session.get(Result, result_id), "检查结果不存在")
    raise handlers._already_submitted()


@api.get("/inspections/<inspection_id>/results")
@require("inspector", *STAFF)
def list_results(inspection_id):
    """Every round, voided ones included and marked (S8: all process material is kept)."""
    if _inspector_id() is not None:
        evidence.assignment_for(db.session, inspection_id, _inspector_id())
    rows = db.session.query(Result).filter_by(inspection_id=inspection_id).order_by(Result.round).all()
    if not rows:
        raise NotFound("该检查尚无结果")
    voids = {v.result_id: v for v in db.session.query(ResultVoid).filter(
        ResultVoid.result_id.in_([r.id for r in rows]))}
    return {"items": [result_view(r, voids.get(r.id)) for r in rows]}


def result_view(result: Result, void: ResultVoid | None) -> dict:
    return {"id": result.id, "inspection_id": result.inspection_id, "round": result.round,
            "status": "voided" if void else result.status, "category": result.category,
            "visit_date": result.visit_date.isoformat(), "items": result.items,
            "company_confirmation": result.company_confirmation, "submitted_by": result.submitted_by,
            "submitted_at": iso(result.submitted_at),
            "publication_due": result.publication_due.isoformat() if result.publication_due else None,
            "published_late": result.published_late,
            "void": {"correction_id": void.correction_id, "voided_by": void.voided_by,
                     "voided_at": iso(void.voided_at)} if void else None}


@api.put("/inspections/<inspection_id>/draft")
@require("inspector")
@api.arguments(DraftSchema)
def put_draft(body, inspection_id):
    """Save the result being written (again and again); submitting the result is what finalises it."""
    uow = current_uow()
    draft = handlers.save_draft(uow, inspection_id, current_principal().subject, _jsonable(body))
    uow.commit()
    return {"inspection_id": inspection_id, "body": draft.body, "saved_at": iso(draft.saved_at)}


@api.get("/inspections/<inspection_id>/draft")
@require("inspector")
def get_draft(inspection_id):
    draft = found(db.session.get(Draft, (inspection_id, current_principal().subject)), "没有保存的草稿")
    return {"inspection_id": inspection_id, "body": draft.body, "saved_at": iso(draft.saved_at)}


def _jsonable(body: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in body.items()}


@api.post("/inspections/<inspection_id>/evidence")
@require("inspector", *STAFF)
def upload_evidence(inspection_id):
    """A photo or scan (JPEG, PNG or PDF, ≤ 10 MB, multipart field `file`) for this visit; answers its SHA-256,
    which the result, a correction or a rectification then names."""
    evidence.assignment_for(db.session, inspection_id, _inspector_id())
    upload = read_upload(request.files.get("file"), "file", evidence.EVIDENCE_TYPES, evidence.MAX_EVIDENCE_BYTES)
    uow = current_uow()
    stored = evidence.store(uow, inspection_id, upload, current_principal().actor)
    uow.commit()
    return evidence.view(stored), 201


@api.get("/evidence/<sha256>")
@require("inspector", *STAFF)
def get_evidence(sha256):
    stored = found(db.session.get(Evidence, sha256), "证据文件不存在")
    if _inspector_id() is not None:
        evidence.assignment_for(db.session, stored.inspection_id, _inspector_id())
    return Response(stored.body, mimetype=stored.content_type,
                    headers={"Content-Disposition": f"inline; filename=\"{sha256}\"",
                             "X-Content-Type-Options": "nosniff"})


@api.post("/results/<result_id>/corrections")
@require("inspector", "clerk")
@api.arguments(CorrectionSchema)
def request_correction(body, result_id):
    uow = current_uow()
    correction = handlers.request_correction(uow, result_id, body["reason"], body["application_scan"],
                                             current_principal().actor, _inspector_id())
    uow.commit()
    return correction_view(correction), 201


@api.get("/corrections")
@require(*STAFF)
def list_corrections():
    """The approver's queue: pending first, then the decided ones (newest first)."""
    status = request.args.get("status")
    query = select(Correction).order_by(Correction.requested_at.desc())
    if status:
        query = query.where(Correction.status == status)
    return {"items": [correction_view(c) for c in db.session.execute(query).scalars()]}


@api.post("/corrections/<correction_id>/decision")
@require("approver")
@api.arguments(DecisionSchema)
def decide_correction(body, correction_id):
    uow = current_uow()
    correction = handlers.decide_correction(uow, correction_id, body["decision"] == "approve", body["note"],
                                            current_principal().actor, current_runtime().clock.today_local())
    uow.commit()
    return correction_view(correction)


def correction_view(correction: Correction) -> dict:
    return {"id": correction.id, "result_id": correction.result_id, "inspection_id": correction.inspection_id,
            "reason": correction.reason, "application_scan": correction.application_sha256,
            "requested_by": correction.requested_by, "requested_at": iso(correction.requested_at),
            "status": correction.status, "decided_by": correction.decided_by,
            "decided_at": iso(correction.decided_at) if correction.decided_at else None,
            "decision_note": correction.decision_note}


@api.get("/rectifications")
@require("inspector", *STAFF)
def list_rectifications():
    """Reminders (S14): open ones by deadline, `?overdue=1` only the late, `?department=` one department's,
    `?squadron=第一中队` one squadron's."""
    today = current_runtime().clock.today_local()
    query = select(Rectification).order_by(Rectification.deadline)
    if request.args.get("status"):
        query = query.where(Rectification.status == request.args["status"])
    if request.args.get("department"):
        query = query.where(Rectification.department == request.args["department"])
    if request.args.get("overdue"):
        query = query.where(Rectification.status == "open", Rectification.deadline < today)
    rows = [rectifications.view(db.session, r, today) for r in db.session.execute(query).scalars()]
    if request.args.get("squadron"):
        rows = [r for r in rows if r["squadron"] == request.args["squadron"]]
    if _inspector_id() is not None:
        rows = [r for r in rows if _on_team(r["inspection_id"])]
    return {"items": rows}


def _on_team(inspection_id: str) -> bool:
    try:
        evidence.assignment_for(db.session, inspection_id, _inspector_id())
    except Exception:  # noqa: BLE001 — not found or not on the team: simply not theirs
        return False
    return True


@api.post("/rectifications/<rectification_id>/progress")
@require("inspector", "clerk")
@api.arguments(ProgressSchema)
def add_progress(body, rectification_id):
    rectification = found(db.session.get(Rectification, rectification_id), "整改记录不存在")
    if _inspector_id() is not None:
        evidence.assignment_for(db.session, rectification.inspection_id, _inspector_id())
    evidence.check_refs(db.session, rectification.inspection_id, {"evidence": body["evidence"]})
    uow, today = current_uow(), current_runtime().clock.today_local()
    rectifications.record_progress(uow, rectification, body["note"], body["delay_reason"], body["completed"],
                                   body["evidence"], current_principal().actor, today)
    uow.commit()
    return rectifications.view(db.session, rectification, today), 201


@public.get("/results")
@public.arguments(PublicResultQuery, location="query")
def public_results(query):
    """N8: published results — company, USCC, plan, departments, items, category, date; paged and filterable by
    company (name or USCC), department and plan. Voided rounds are not shown; nothing before the visit."""
    rows, total = page_of(publication.public_query(query, current_runtime().clock.today_local()), query["page"],
                          query["per_page"], db.session)
    return {"items": [publication.public_view(r) for r in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}



@api.get("/reports/<kind>/<key>")
@require(*STAFF)
def get_report(kind, key):
    """`monthly/2026-11` (dispatch table, due by the 5th) or `quarterly/2026Q4` (due within 10 days), as JSON;
    add `.xlsx` or `.pdf` to the period for the file (S11, S15)."""
    key, _, extension = key.partition(".")
    report = _report(kind, key)
    if extension == "xlsx":
        return Response(reports.to_xlsx(report), mimetype=XLSX,
                        headers={"Content-Disposition": f"attachment; filename={kind}-{key}.xlsx"})
    if extension == "pdf":
        return Response(reports.to_pdf(report), mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline; filename={kind}-{key}.pdf"})
    if extension:
        raise NotFound("只提供 JSON、.xlsx 和 .pdf 格式")
    return report


def _report(kind: str, key: str) -> dict:
    runtime = current_runtime()
    return reports.build(db.session, reports.period(kind, key), runtime.clock.today_local(),
                         runtime.deps["result_rules"].publication_working_days)
