"""results' pages (Chinese, phone-friendly): the inspector's result form (S8, S9), the approver's correction queue
(S8), the clerk's rectification and deadline dashboard (S10, S14, N7), the public results and the quarterly report
(N8, S11). The pages build the same commands and queries as the API — one rule, one place."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request
from marshmallow import ValidationError

from shared.auth import current_principal
from shared.errors import DomainError, Invalid, flatten_fields
from shared.pages import require_page
from shared.uploads import read_upload
from shared.web import handle

from . import reports, views
from .commands import DecideCorrection, SaveDraft, SubmitResult
from .domain.categories import CHECK_METHODS, FOLLOW_UPS, ITEM_OUTCOMES, VISIT_CATEGORIES
from .domain.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from .queries import CorrectionQueue, DeadlineDashboard, MyVisits, PublicResults, Report, ResultForm
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
    """One form for all departments' items (S12): save a draft any time; submitting finalises (S8)."""
    me = current_principal().subject
    try:
        form = handle(ResultForm(inspection_id, me))
    except DomainError as error:
        return render_template("error.html", status=error.status, message=error.message), error.status
    if form.result is not None:
        return render_template("results/submitted.html", assignment=form.assignment, result=form.result)
    values, errors = (form.draft.body if form.draft else {}), {}
    if request.method == "POST":
        values = _form_values(form.assignment)
        try:
            if request.form.get("action") == "draft":
                handle(SaveDraft(inspection_id, me, values))
                return render_template("results/form.html", **_form_context(form, values, {}, saved=True))
            return _submit(form.assignment, values)
        except DomainError as error:
            errors = {"": [error.message], **(error.fields or {})}
    return render_template("results/form.html", **_form_context(form, values, errors))


def _submit(assignment, values: dict):
    """Evidence files and the result in one command: a refused result leaves no stored file behind."""
    principal, uploads = current_principal(), []
    for item in values["items"]:
        field = f"evidence-{item['item_code']}"
        files = [read_upload(f, field, EVIDENCE_TYPES, MAX_EVIDENCE_BYTES) for f in request.files.getlist(field)
                 if f.filename]
        uploads.extend(files)
        item["evidence"] = [f.sha256 for f in files]
    try:
        body = ResultSchema().load(values)
    except ValidationError as error:
        raise Invalid("检查结果校验未通过", fields=flatten_fields(error.messages)) from None
    handle(SubmitResult(
        inspection_id=assignment.inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], category=body["category"], items=tuple(body["items"]),
        company_confirmation=body["company_confirmation"], evidence=tuple(uploads)))
    return redirect(f"/results/inspections/{assignment.inspection_id}/form")


def _form_values(assignment) -> dict:
    form = request.form
    items = []
    for department in assignment.inspection["departments"]:
        for item in department["items"]:
            code = item["code"]
            items.append({"item_code": code, "outcome": form.get(f"outcome-{code}", ""),
                          "method": form.get(f"method-{code}", "实地检查"),
                          "findings": form.get(f"findings-{code}", "").strip(),
                          "measures": form.get(f"measures-{code}", "").strip(),
                          "follow_up": form.get(f"follow_up-{code}", "无需后续处置")})
    confirmation = {key: form.get(f"confirm-{key}", "").strip() for key in ("name", "confirmed_at", "refused")}
    return {"visit_date": form.get("visit_date", ""), "category": form.get("category", ""), "items": items,
            "company_confirmation": {k: v for k, v in confirmation.items() if v}}


def _form_context(form, values: dict, errors: dict, saved: bool = False) -> dict:
    answers = {i.get("item_code"): i for i in values.get("items", []) if isinstance(i, dict)}
    return {"assignment": form.assignment, "inspection": form.assignment.inspection, "values": values,
            "answers": answers, "errors": errors, "saved": saved, "outcomes": ITEM_OUTCOMES,
            "methods": CHECK_METHODS, "follow_ups": FOLLOW_UPS, "categories": VISIT_CATEGORIES,
            "today": form.today.isoformat(), "round_note": views.round_note(form.assignment.round)}


@pages.route("/approver/corrections", methods=["GET", "POST"])
@require_page("approver", "clerk", "admin")
def correction_queue():
    """The approver's queue: each application with its reason and the signed scan; approve or reject."""
    error = None
    if request.method == "POST":
        if current_principal().role != "approver":
            return render_template("error.html", status=403, message="只有审批人可以审批更正申请"), 403
        try:
            handle(DecideCorrection(request.form.get("id", ""), request.form.get("decision") == "approve",
                                    request.form.get("note", "").strip()[:1000], current_principal().actor))
        except DomainError as failure:
            error = failure.message
    rows = [views.correction_row(c, r) for c, r in handle(CorrectionQueue())]
    return render_template("results/corrections.html", error=error,
                           pending=[r for r in rows if r["correction"].status == "pending"],
                           done=[r for r in rows if r["correction"].status != "pending"],
                           can_decide=current_principal().role == "approver")


@pages.get("/clerk/dashboard")
@require_page("clerk", "approver", "admin")
def clerk_dashboard():
    """Rectifications by deadline (overdue first) and visits whose results are due or late (N7, S14, S15)."""
    board = handle(DeadlineDashboard())
    return render_template("results/dashboard.html", today=board.today.isoformat(),
                           rectifications=[views.dashboard_rectification_row(r) for r in board.rectifications],
                           waiting=[views.waiting_row(w) for w in board.waiting])


@pages.get("/public/results")
def public_results():
    """N8: what was checked and what was found, per company and department; filters as the JSON feed."""
    try:
        query = PublicResultQuery().load(request.args)
    except ValidationError:
        abort(404)
    rows, total = handle(PublicResults(**query))
    return render_template("results/public.html", rows=[views.public_view(r) for r in rows], total=total,
                           query=query)


@pages.get("/public/reports/<key>")
def public_quarterly_report(key):
    """S11: the quarterly report, posted publicly, with its completion-rate chart (inline SVG, no script)."""
    try:
        report = handle(Report("quarterly", key))
    except DomainError:
        return render_template("error.html", status=404, message="季度格式应如 2026Q4"), 404
    return render_template("results/report_public.html", report=report, title=reports.title(report),
                           columns=reports.COLUMNS, cell=reports.cell, chart=reports.chart(report))
