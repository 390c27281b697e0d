"""results' pages (Chinese, phone-friendly): each department's result form for its members (S8, S9), the
approver's and the detachment's correction queues (S8), the clerk's rectification and deadline dashboard with each
visit's state per department (S10, S14, N7), the public results and the quarterly report (N8, S11). The pages
build the same commands and queries as the API — one rule, one place."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from marshmallow import ValidationError

from shared.auth import current_principal
from shared.errors import DomainError, Invalid, flatten_fields
from shared.pages import require_page
from shared.schemas import PageQuery
from shared.uploads import read_upload
from shared.web import current_settings, handle

from . import reports, views, views_public
from .commands import DecideCorrection, DetachmentDecision, SaveDraft, SubmitResult
from .domain.categories import CHECK_METHODS, FOLLOW_UPS, ITEM_OUTCOMES, VISIT_CATEGORIES
from .domain.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from .queries import (
    CorrectionQueue,
    DeadlineDashboard,
    MyVisits,
    PublicResults,
    PublicVisits,
    Report,
    ResultForm,
)
from .schemas import PublicResultQuery, ResultSchema

pages = Blueprint("results_pages", __name__, url_prefix="/results")


@pages.get("/my")
@require_page("inspector")
def my_visits():
    """The inspector's visits and whether each still needs its result (round 2+ after a correction)."""
    states = handle(MyVisits(current_principal().subject))
    return render_template("results/my.html", rows=[views.my_visit_row(s) for s in states])


@pages.route("/inspections/<inspection_id>/form", methods=["GET", "POST"])
@require_page("inspector")
def result_form(inspection_id):
    """A department's form, for its members only (`?department=`, else the inspector's own): its items, its own
    category, the company's confirmation once for the visit; save a draft any time; submitting finalises (S8)."""
    me = current_principal().subject
    try:
        form = handle(ResultForm(inspection_id, me, request.args.get("department") or None))
    except DomainError as error:
        return render_template("error.html", status=error.status, message=error.message), error.status
    others = _other_forms(form)
    if form.result is not None:
        return render_template("results/submitted.html", assignment=form.assignment, result=form.result,
                               department=form.department, others=others,
                               departments=[views.department_state_view(s) for s in form.departments])
    values, errors = (form.draft.body if form.draft else {}), {}
    if request.method == "POST":
        values = _form_values(form)
        try:
            if request.form.get("action") == "draft":
                handle(SaveDraft(inspection_id, me, values, form.department["code"]))
                return render_template("results/form.html", **_form_context(form, values, {}, others, saved=True))
            return _submit(form, values)
        except DomainError as error:
            errors = {"": [error.message], **(error.fields or {})}
    return render_template("results/form.html", **_form_context(form, values, errors, others))


def _other_forms(form) -> list[dict]:
    """The inspector's other departments of this visit (an inspector in several parts records each)."""
    return [{"code": s.code, "name": s.name, "status": views.DEPARTMENT_STATUS[s.status][0]}
            for s in form.departments if s.code in form.mine and s.code != form.department["code"]]


def _submit(form, values: dict):
    """Evidence files and the result in one command: a refused result leaves no stored file behind."""
    principal, uploads, max_pixels = current_principal(), [], current_settings().upload_max_pixels
    for item in values["items"]:
        field = f"evidence-{item['item_code']}"
        files = [read_upload(f, field, EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, max_pixels=max_pixels)
                 for f in request.files.getlist(field) if f.filename]
        uploads.extend(files)
        item["evidence"] = [f.sha256 for f in files]
    body = {**values, "category": values.get("category") or None,
            "company_confirmation": values.get("company_confirmation") or None}
    try:
        body = ResultSchema().load(body)
    except ValidationError as error:
        raise Invalid("检查结果校验未通过", fields=flatten_fields(error.messages)) from None
    code = form.department["code"]
    handle(SubmitResult(
        inspection_id=form.assignment.inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], items=tuple(body["items"]), category=body["category"],
        company_confirmation=body["company_confirmation"], department=code, evidence=tuple(uploads)))
    return redirect(f"/results/inspections/{form.assignment.inspection_id}/form?department={code}")


def _form_values(form) -> dict:
    """The department's items only; the confirmation only while none is on file for the visit."""
    data = request.form
    items = []
    for item in form.department["items"]:
        code = item["code"]
        items.append({"item_code": code, "outcome": data.get(f"outcome-{code}", ""),
                      "method": data.get(f"method-{code}", "实地检查"),
                      "findings": data.get(f"findings-{code}", "").strip(),
                      "measures": data.get(f"measures-{code}", "").strip(),
                      "follow_up": data.get(f"follow_up-{code}", "无需后续处置")})
    values = {"visit_date": data.get("visit_date", ""), "category": data.get("category", ""), "items": items}
    if form.confirmation is None:
        confirmation = {key: data.get(f"confirm-{key}", "").strip() for key in ("name", "confirmed_at", "refused")}
        values["company_confirmation"] = {k: v for k, v in confirmation.items() if v}
    return values


def _form_context(form, values: dict, errors: dict, others: list, saved: bool = False) -> dict:
    answers = {i.get("item_code"): i for i in values.get("items", []) if isinstance(i, dict)}
    scheduled = form.schedule.local_time[:10] if form.schedule else None
    default_day = scheduled if scheduled and scheduled <= form.today.isoformat() else form.today.isoformat()
    return {"assignment": form.assignment, "inspection": form.assignment.inspection, "department": form.department,
            "values": values, "answers": answers, "errors": errors, "saved": saved, "outcomes": ITEM_OUTCOMES,
            "methods": CHECK_METHODS, "follow_ups": FOLLOW_UPS, "categories": VISIT_CATEGORIES,
            "today": default_day, "schedule": form.schedule, "confirmation": views.confirmation_view(form.confirmation),
            "others": others, "departments": [views.department_state_view(s) for s in form.departments],
            "round_note": views.round_note(form.round)}


@pages.route("/approver/corrections", methods=["GET", "POST"])
@require_page("approver", "clerk", "admin", "detachment")
def correction_queue():
    """The approver's queue: each application with its reason and the signed scan; approving sends it on to the
    detachment, which decides."""
    return _queue("approver", "pending", "只有审批人可以审批更正申请",
                  lambda id_, approve, note, actor: DecideCorrection(id_, approve, note, actor))


@pages.route("/detachment/corrections", methods=["GET", "POST"])
@require_page("detachment", "approver", "clerk", "admin")
def detachment_queue():
    """The detachment's decisions (S8): applications the approver agreed to; agreeing voids the department's
    result and sends it back to the department's members for a re-inspection."""
    return _queue("detachment", "approved", "只有支队可以作出更正决定",
                  lambda id_, approve, note, actor: DetachmentDecision(id_, approve, note, actor))


def _queue(role: str, waiting: str, refusal: str, command):
    error = None
    if request.method == "POST":
        if current_principal().role != role:
            return render_template("error.html", status=403, message=refusal), 403
        try:
            handle(command(request.form.get("id", ""), request.form.get("decision") == "approve",
                           request.form.get("note", "").strip()[:1000], current_principal().actor))
        except DomainError as failure:
            error = failure.message
    rows = [views.correction_row(c, r, name) for c, r, name in handle(CorrectionQueue())]
    return render_template("results/corrections.html", error=error, stage=role,
                           pending=[r for r in rows if r["correction"].status == waiting],
                           done=[r for r in rows if r["correction"].status != waiting],
                           can_decide=current_principal().role == role)


@pages.get("/clerk/dashboard")
@require_page("clerk", "approver", "admin")
def clerk_dashboard():
    """Rectifications by deadline (overdue first) and visits whose results are due or late (N7, S14, S15)."""
    board = handle(DeadlineDashboard())
    return render_template("results/dashboard.html", today=board.today.isoformat(),
                           rectifications=[views.dashboard_rectification_row(r) for r in board.rectifications],
                           waiting=[views.waiting_row(w) for w in board.waiting],
                           visits=[views.visit_progress_row(v) for v in board.visits])


@pages.get("/public/results")
def public_results():
    """N8: what was checked and what was found, per company and department; filters as the JSON feed."""
    try:
        query = PublicResultQuery().load(request.args)
    except ValidationError:
        abort(404)
    rows, total = handle(PublicResults(**query))
    return render_template("results/public.html", rows=[views_public.public_view(r) for r in rows], total=total,
                           query=query)


@pages.get("/public/visits")
def public_visits():
    """N8: the tasks after the visit (only once the fixed time has passed), a page at a time."""
    try:
        query = PageQuery().load(request.args)
    except ValidationError:
        abort(404)
    visits, total = handle(PublicVisits(query["page"], query["per_page"]))
    return render_template("results/public_visits.html", visits=[views_public.public_visit_view(v) for v in visits],
                           total=total, page=query["page"], per_page=query["per_page"])


@pages.get("/public/reports/<key>")
def public_quarterly_report(key):
    """S11: the quarterly report, posted publicly, with its completion-rate chart (inline SVG, no script)."""
    try:
        report = handle(Report("quarterly", key))
    except DomainError:
        return render_template("error.html", status=404, message="季度格式应如 2026Q4"), 404
    return render_template("results/report_public.html", report=report, title=reports.title(report),
                           columns=reports.COLUMNS, cell=reports.cell, chart=reports.chart(report))
