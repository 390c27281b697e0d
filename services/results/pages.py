"""results' pages (Chinese, phone-friendly): the inspector's result form (S8, S9), the approver's correction queue
(S8), the clerk's rectification and deadline dashboard (S10, S14, N7), the public results and the quarterly report
(N8, S11). The pages call the same use cases as the API — one rule, one place."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request
from marshmallow import ValidationError
from sqlalchemy import select

from shared.auth import current_principal
from shared.errors import DomainError, flatten_fields
from shared.legacy import current_uow
from shared.pages import require_page
from shared.uploads import read_upload
from shared.web import current_runtime

from . import evidence, handlers, publication, rectifications, reports
from .adapters.db import Assignment, Correction, Draft, Rectification, Result, ResultVoid, db
from .domain.categories import CHECK_METHODS, FOLLOW_UPS, ITEM_OUTCOMES, VISIT_CATEGORIES
from .domain.deadlines import publication_deadline
from .schemas import PublicResultQuery, ResultSchema

pages = Blueprint("results_pages", __name__, url_prefix="/results")


def _today() -> date:
    return current_runtime().clock.today_local()


def _current_result(inspection_id: str, round_: int) -> Result | None:
    return db.session.execute(select(Result).where(Result.inspection_id == inspection_id,
                                                   Result.round == round_)).scalar()


@pages.get("/my")
@require_page("inspector")
def my_visits():
    """The inspector's visits and whether each still needs its result (round 2+ after a correction)."""
    me = current_principal().subject
    rows = []
    for a in db.session.execute(select(Assignment).order_by(Assignment.created_at.desc())).scalars():
        if me in a.inspector_ids:
            rows.append((a, _current_result(a.inspection_id, a.round)))
    return render_template("results/my.html", rows=rows, today=_today().isoformat())


@pages.route("/inspections/<inspection_id>/form", methods=["GET", "POST"])
@require_page("inspector")
def result_form(inspection_id):
    """One form for all departments' items (S12): save a draft any time; submitting finalises (S8)."""
    me = current_principal().subject
    try:
        assignment = evidence.assignment_for(db.session, inspection_id, me)
    except DomainError as error:
        return render_template("error.html", status=error.status, message=error.message), error.status
    submitted = _current_result(inspection_id, assignment.round)
    if submitted is not None:
        return render_template("results/submitted.html", assignment=assignment, result=submitted)
    draft = db.session.get(Draft, (inspection_id, me))
    values, errors = (draft.body if draft else {}), {}
    if request.method == "POST":
        values = _form_values(assignment)
        try:
            if request.form.get("action") == "draft":
                uow = current_uow()
                handlers.save_draft(uow, inspection_id, me, values)
                uow.commit()
                return render_template("results/form.html", **_form_context(assignment, values, {}, saved=True))
            return _submit(assignment, values)
        except DomainError as error:
            db.session.rollback()  # evidence stored in this request goes with the refused result
            errors = {"": [error.message], **(error.fields or {})}
    return render_template("results/form.html", **_form_context(assignment, values, errors))


def _submit(assignment: Assignment, values: dict):
    """Evidence files and the result in one transaction: a refused result leaves no stored file behind."""
    uow, principal = current_uow(), current_principal()
    for item in values["items"]:
        item["evidence"] = [_store_file(uow, assignment, f, f"evidence-{item['item_code']}")
                            for f in request.files.getlist(f"evidence-{item['item_code']}") if f.filename]
    try:
        body = ResultSchema().load(values)
    except ValidationError as error:
        uow.rollback()
        raise _invalid(error) from None
    command = handlers.SubmitResult(
        inspection_id=assignment.inspection_id, inspector_id=principal.subject, actor=principal.actor,
        visit_date=body["visit_date"], category=body["category"], items=tuple(body["items"]),
        company_confirmation=body["company_confirmation"], today=_today())
    handlers.submit_result(command, uow)
    return redirect(f"/results/inspections/{assignment.inspection_id}/form")


def _store_file(uow, assignment: Assignment, storage, field: str) -> str:
    upload = read_upload(storage, field, evidence.EVIDENCE_TYPES, evidence.MAX_EVIDENCE_BYTES)
    return evidence.store(uow, assignment.inspection_id, upload, current_principal().actor).sha256


def _invalid(error: ValidationError) -> DomainError:
    from shared.errors import Invalid
    return Invalid("检查结果校验未通过", fields=flatten_fields(error.messages))


def _form_values(assignment: Assignment) -> dict:
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


def _form_context(assignment: Assignment, values: dict, errors: dict, saved: bool = False) -> dict:
    answers = {i.get("item_code"): i for i in values.get("items", []) if isinstance(i, dict)}
    return {"assignment": assignment, "inspection": assignment.inspection, "values": values, "answers": answers,
            "errors": errors, "saved": saved, "outcomes": ITEM_OUTCOMES, "methods": CHECK_METHODS,
            "follow_ups": FOLLOW_UPS, "categories": VISIT_CATEGORIES, "today": _today().isoformat()}


@pages.route("/approver/corrections", methods=["GET", "POST"])
@require_page("approver", "clerk", "admin")
def correction_queue():
    """The approver's queue: each application with its reason and the signed scan; approve or reject."""
    error = None
    if request.method == "POST":
        if current_principal().role != "approver":
            return render_template("error.html", status=403, message="只有审批人可以审批更正申请"), 403
        uow = current_uow()
        try:
            handlers.decide_correction(uow, request.form.get("id", ""), request.form.get("decision") == "approve",
                                       request.form.get("note", "").strip()[:1000], current_principal().actor,
                                       _today())
            uow.commit()
        except DomainError as failure:
            uow.rollback()
            error = failure.message
    corrections = db.session.execute(select(Correction).order_by(Correction.requested_at.desc())).scalars().all()
    results = {r.id: r for r in db.session.execute(select(Result).where(
        Result.id.in_([c.result_id for c in corrections]))).scalars()}
    pending = [(c, results[c.result_id]) for c in corrections if c.status == "pending"]
    done = [(c, results[c.result_id]) for c in corrections if c.status != "pending"]
    return render_template("results/corrections.html", pending=pending, done=done, error=error,
                           can_decide=current_principal().role == "approver")


@pages.get("/clerk/dashboard")
@require_page("clerk", "approver", "admin")
def clerk_dashboard():
    """Rectifications by deadline (overdue first) and visits whose results are due or late (N7, S14, S15)."""
    today = _today()
    open_rows = [rectifications.view(db.session, r, today) for r in db.session.execute(
        select(Rectification).where(Rectification.status == "open").order_by(Rectification.deadline)).scalars()]
    voided = set(db.session.execute(select(ResultVoid.result_id)).scalars())
    waiting = []
    for a in db.session.execute(select(Assignment)).scalars():
        result = _current_result(a.inspection_id, a.round)
        if result is None or result.id in voided:
            due = publication_deadline(date.fromisoformat(a.inspection["window"]["end"]),
                                       current_runtime().deps["result_rules"].publication_working_days).due
            waiting.append({"assignment": a, "due": due, "late": today > due, "round": a.round})
    waiting.sort(key=lambda w: w["due"])
    return render_template("results/dashboard.html", rectifications=open_rows, waiting=waiting,
                           today=today.isoformat())


@pages.get("/public/results")
def public_results():
    """N8: what was checked and what was found, per company and department; filters as the JSON feed."""
    try:
        query = PublicResultQuery().load(request.args)
    except ValidationError:
        abort(404)
    from shared.schemas import page_of
    rows, total = page_of(publication.public_query(query, _today()), query["page"], query["per_page"], db.session)
    return render_template("results/public.html", rows=[publication.public_view(r) for r in rows], total=total,
                           query=query)


@pages.get("/public/reports/<key>")
def public_quarterly_report(key):
    """S11: the quarterly report, posted publicly, with its completion-rate chart (inline SVG, no script)."""
    try:
        period = reports.period("quarterly", key)
    except DomainError:
        return render_template("error.html", status=404, message="季度格式应如 2026Q4"), 404
    rules = current_runtime().deps["result_rules"]
    report = reports.build(db.session, period, _today(), rules.publication_working_days)
    return render_template("results/report_public.html", report=report, title=reports.title(report),
                           columns=reports.COLUMNS, cell=reports.cell, chart=reports.chart(report))
