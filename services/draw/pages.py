"""draw's pages: the public draw list and its verification page, the clerk's libraries and the approver's
replacement queue (login, logout and the password page: pages_accounts.py)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError, NotFound
from shared.pages import require_page
from shared.web import handle

from . import views
from .commands import DecideReplacement
from .domain.rules import LIBRARIES, LOCAL_LIBRARY, PROVINCE_LIBRARIES
from .queries import InspectorLibraryOverview, ListDraws, ListTargets, ReplacementQueue, VerifyDraw

pages = Blueprint("draw_pages", __name__, url_prefix="/draw")


@pages.get("/draws/<draw_id>")
def draw_page(draw_id):
    """Public verification page (N4): the record as published and the result of recomputing it here."""
    try:
        result = handle(VerifyDraw(draw_id, current_principal()))
    except NotFound:
        return render_template("error.html", status=404, message="抽取记录不存在"), 404
    record = result.record
    if not record["disclosed"]:  # N4: before the visit, what was committed and made — never for whom or who
        return render_template("draw/sealed.html", record=record, verified=result.verified,
                               subject=views.subject_of(record), visit=views.visit_label(record))
    return render_template("draw/verify.html", record=record, verified=result.verified,
                           problems=result.problems, operator=views.operator_label(record),
                           subject=views.subject_of(record))


@pages.get("/public/draws")
def public_draws():
    """Every draw, public (N4), each with its verification page; before its visit without the company."""
    records, _ = handle(ListDraws(1, 200, current_principal()))
    return render_template("draw/draws.html", draws=[views.draw_row(r) for r in records])


@pages.get("/clerk/inspectors")
@require_page("clerk", "admin", "approver", "detachment")
def clerk_inspectors():
    overview = handle(InspectorLibraryOverview())
    rows = [views.inspector_row(i, i.id in overview["expired"]) for i in overview["inspectors"]]
    return render_template("draw/inspectors.html", inspectors=rows, periods=overview["periods"],
                           blocked=overview["blocked"])


@pages.route("/approver/replacements", methods=["GET", "POST"])
@require_page("approver", "clerk", "admin")
def replacement_queue():
    """S13 for the approver: each pending request with the eligible officers to choose from."""
    error = None
    if request.method == "POST":
        error = _decide(request.form)
        if error is None:
            return redirect("/draw/approver/replacements")
    answer = handle(ReplacementQueue())
    done = [views.decided_row(r) for r in answer["done"]]
    return render_template("draw/replacements.html", queue=answer["queue"], done=done,
                           error=error), 422 if error else 200


def _decide(form) -> str | None:
    """Approve (choosing the replacement) or reject; returns a Chinese error to show, or None."""
    principal = current_principal()
    approve = form.get("decision") == "approve"
    try:
        handle(DecideReplacement(form.get("id", ""), approve, form.get("text", "").strip() or
                                 ("同意" if approve else "不同意"), principal.actor, principal.role,
                                 form.get("replacement_inspector_id", "") if approve else None))
    except DomainError as failure:
        return failure.message
    return None


@pages.get("/clerk/targets")
@require_page("clerk", "admin", "approver", "detachment")
def clerk_targets():
    """检查对象库 (S4): the local library and the province's read-only ones, by class and credit class."""
    library = request.args.get("library", LOCAL_LIBRARY)
    rows = [views.target_row(t) for t in handle(ListTargets(library, by_class=True))]
    return render_template("draw/targets.html", rows=rows, library=library, libraries=LIBRARIES,
                           read_only=library in PROVINCE_LIBRARIES)
