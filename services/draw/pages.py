"""draw's pages: login for people (a session cookie every service accepts), the public draw list and its
verification page, the clerk's libraries and the approver's replacement queue."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request

from shared.auth import COOKIE, TOKEN_MAX_AGE, current_principal, issue_token
from shared.errors import DomainError, NotFound
from shared.pages import require_page, safe_next
from shared.web import handle

from . import views
from .commands import DecideReplacement
from .domain.rules import LIBRARIES, LOCAL_LIBRARY, PROVINCE_LIBRARIES
from .queries import InspectorLibraryOverview, ListDraws, ListTargets, Login, ReplacementQueue, VerifyDraw

pages = Blueprint("draw_pages", __name__, url_prefix="/draw")


@pages.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_path, error=None)
    principal = handle(Login(request.form.get("username", ""), request.form.get("password", "")))
    if principal is None:
        return render_template("login.html", next=next_path, error="用户名或密码错误"), 401
    response = make_response(redirect(next_path))
    response.set_cookie(COOKIE, issue_token(current_app.config["SECRET_KEY"], principal), max_age=TOKEN_MAX_AGE,
                        httponly=True, samesite="Lax", path="/")
    return response


@pages.get("/draws/<draw_id>")
def draw_page(draw_id):
    """Public verification page (N4): the record as published and the result of recomputing it here."""
    try:
        result = handle(VerifyDraw(draw_id, current_principal()))
    except NotFound:
        return render_template("error.html", status=404, message="抽取记录不存在"), 404
    return render_template("draw/verify.html", record=result.record, verified=result.verified,
                           problems=result.problems, operator=views.operator_label(result.record),
                           subject=views.subject_of(result.record))


@pages.get("/logout")
def logout():
    response = make_response(redirect("/"))
    response.delete_cookie(COOKIE, path="/")
    return response


@pages.get("/public/draws")
def public_draws():
    """Every draw, public (N4), each with its verification page."""
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
