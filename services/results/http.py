"""results' HTTP API: each department's results (append-only, S8), the company's one confirmation of the visit
(S9), drafts, evidence, reports and the public feed of published results (N8); corrections and rectifications are
http_followup.py. There is deliberately no PUT, PATCH or DELETE on a result: a submitted
result answers 409 to every attempt to write it again (S8). Each view: parse → command or query → handle → view."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import NotFound
from shared.openapi import answers, binary, multipart, query
from shared.web import handle

from . import reports, views, views_public
from . import response_schemas as rs
from .commands import (
    AddEvidence,
    RecordConfirmation,
    SaveDraft,
    SubmitResult,
)
from .domain.access import reader
from .domain.evidence import MAX_EVIDENCE_BYTES
from .handlers.submission import already_submitted
from .queries import (
    GetDraft,
    GetEvidence,
    GetResult,
    PublicResults,
    Report,
    VisitProgress,
    VisitResults,
)
from .schemas import (
    DraftSchema,
    PublicResultQuery,
    ResultSchema,
    VisitConfirmationSchema,
)

api = Blueprint("results", __name__, url_prefix="/results/api/v1", description="检查结果")
public = Blueprint("results_public", __name__, url_prefix="/results/api/v1/public", description="结果公示")
STAFF = ("clerk", "approver", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALWAYS_REFUSED = {"x-always-refused": "S8：已录入的结果不可修改或删除，更正须另行申请"}


def _inspector_id() -> str | None:
    """The acting inspector's id, or None for staff (who may act on any visit where the API allows it)."""
    principal = current_principal()
    return principal.subject if principal.role == "inspector" else None


@api.post("/inspections/<inspection_id>/results")
@answers(201, rs.SubmittedView)
@require("inspector")
@api.arguments(ResultSchema)
def submit_result(body, inspection_id):
    """A department's member records that department's result once (`department`, else the departments of the
    items, each the inspector's own); submitting finalises and publishes it (S8). `category` defaults to what the
    items say; the company's confirmation is needed once for the visit (here or `POST …/confirmation`)."""
    principal = current_principal()
    results = handle(SubmitResult(
        inspection_id=inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], items=tuple(body["items"]), category=body["category"],
        company_confirmation=body["company_confirmation"], department=body["department"]))
    return views.submitted_view(results), 201


@api.post("/inspections/<inspection_id>/confirmation")
@answers(201, rs.ConfirmationView)
@require("inspector", "clerk")
@api.arguments(VisitConfirmationSchema)
def record_confirmation(body, inspection_id):
    """S9: the company's signature (or refusal) once for the whole visit, by any team member; every department's
    result references it."""
    department = body.pop("department", None)
    confirmation = handle(RecordConfirmation(inspection_id, _inspector_id(), current_principal().actor, body,
                                             department))
    return views.confirmation_view(confirmation), 201


@api.get("/inspections/<inspection_id>/progress")
@answers(200, rs.ProgressView)
@require("inspector", "department", *STAFF)
def visit_progress(inspection_id):
    """Where the visit stands per department (submitted, to enter, late, with its own deadline), its fixed time
    and the company's confirmation; `complete` once every department has submitted."""
    return views.progress_view(handle(VisitProgress(inspection_id, **reader(current_principal()))))


@api.route("/inspections/<inspection_id>/results", methods=["PUT", "PATCH", "DELETE"])
@api.alt_response(409, response="CONFLICT")
@api.doc(**ALWAYS_REFUSED)
@require("inspector", *STAFF)
def refuse_rewrite(inspection_id):
    """S8, said plainly to any client that tries: entered results are never modified."""
    raise already_submitted()


@api.route("/results/<result_id>", methods=["PUT", "PATCH", "DELETE"])
@api.alt_response(409, response="CONFLICT")
@api.doc(**ALWAYS_REFUSED)
@require("inspector", *STAFF)
def refuse_rewrite_by_id(result_id):
    handle(GetResult(result_id))
    raise already_submitted()


@api.get("/inspections/<inspection_id>/results")
@answers(200, rs.RESULTS)
@query(("department", {"type": "string"}, "只看某部门的"))
@require("inspector", "department", *STAFF)
def list_results(inspection_id):
    """Every round, voided ones marked (S8: all is kept); `?department=` one department's (a department: its own)."""
    rounds = handle(VisitResults(inspection_id, department=request.args.get("department") or None,
                                 **reader(current_principal())))
    return {"items": [views.result_view(result, void) for result, void in rounds]}


@api.put("/inspections/<inspection_id>/draft")
@answers(200, rs.DraftView)
@query(("department", {"type": "string"}, "部门（也可在请求体中给出）"))
@require("inspector")
@api.arguments(DraftSchema)
def put_draft(body, inspection_id):
    """Save a department's result being written (again and again; `department` in the body or `?department=`,
    else the inspector's own); submitting the department's result is what finalises it."""
    department = body.pop("department", None) or request.args.get("department") or None
    draft = handle(SaveDraft(inspection_id, current_principal().subject, _jsonable(body), department))
    return views.draft_view(draft)


@api.get("/inspections/<inspection_id>/draft")
@answers(200, rs.DraftView)
@query(("department", {"type": "string"}, "部门，默认检查人员本部门"))
@require("inspector")
def get_draft(inspection_id):
    return views.draft_view(handle(GetDraft(inspection_id, current_principal().subject,
                                            request.args.get("department") or None)))


def _jsonable(body: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in body.items()}


@api.post("/inspections/<inspection_id>/evidence")
@answers(201, rs.EvidenceView)
@require("inspector", *STAFF)
@multipart(("file",), file="binary")
def upload_evidence(inspection_id):
    """A photo or scan (JPEG, PNG or PDF, ≤ 10 MB, multipart field `file`) for this visit; answers its SHA-256,
    which the result, a correction or a rectification then names."""
    storage = request.files.get("file")
    body, filename = None, ""
    if storage is not None and storage.filename:
        try:
            body, filename = storage.stream.read(MAX_EVIDENCE_BYTES + 1), storage.filename
        finally:
            storage.close()  # a large upload is spooled to a temporary file: release it now
    stored = handle(AddEvidence(inspection_id, _inspector_id(), current_principal().actor, filename, body))
    return views.evidence_view(stored), 201


@api.get("/evidence/<sha256>")
@binary("image/jpeg", "image/png", "application/pdf", description="证据文件（JPEG、PNG 或 PDF）")
@require("inspector", "department", *STAFF)
def get_evidence(sha256):
    stored = handle(GetEvidence(sha256, **reader(current_principal())))
    return Response(stored.body, mimetype=stored.content_type,
                    headers={"Content-Disposition": f"inline; filename=\"{sha256}\"",
                             "X-Content-Type-Options": "nosniff"})


@public.get("/results")
@answers(200, rs.PublicResults)
@public.arguments(PublicResultQuery, location="query")
def public_results(query):
    """N8 only (views_public): company, USCC, plan, department, items, category, date, rectification, released
    summary (masked); filters: company (name or USCC), department, plan. No findings; no future visits."""
    rows, total = handle(PublicResults(**query))
    return {"items": [views_public.public_view(r) for r in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}


@api.get("/reports/<kind>/<key>")
@answers(200, rs.ReportView)
@binary(XLSX, "application/pdf", description="key 加 .xlsx 或 .pdf 得到文件")
@require("department", *STAFF)
def get_report(kind, key):
    """`monthly/2026-11` (dispatch table, due by the 5th) or `quarterly/2026Q4` (due by the 10th), as JSON; add
    `.xlsx` or `.pdf` for the file (S11, S15); a department gets its own rows. The due days are configuration."""
    key, _, extension = key.partition(".")
    report = handle(Report(kind, key, reader(current_principal()).get("reader_department")))
    if extension == "xlsx":
        return Response(reports.to_xlsx(report), mimetype=XLSX,
                        headers={"Content-Disposition": f"attachment; filename={kind}-{key}.xlsx"})
    if extension == "pdf":
        return Response(reports.to_pdf(report), mimetype="application/pdf",
                        headers={"Content-Disposition": f"inline; filename={kind}-{key}.pdf"})
    if extension:
        raise NotFound("只提供 JSON、.xlsx 和 .pdf 格式")
    return report
