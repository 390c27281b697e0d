"""Login for people (the draw service owns the personnel library): a session cookie every service accepts."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from sqlalchemy import select

from shared.auth import COOKIE, TOKEN_MAX_AGE, current_principal, issue_token
from shared.errors import DomainError
from shared.pages import require_page, safe_next
from shared.web import runtime_of

from . import handlers, replacements, targets
from .accounts import authenticate
from .adapters.db import DrawBlocked, DrawRecord, Inspector, Replacement, StatusPeriod, Target, db
from .http import public_view

pages = Blueprint("draw_pages", __name__, url_prefix="/draw")


@pages.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_path, error=None)
    principal = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if principal is None:
        return render_template("login.html", next=next_path, error="用户名或密码错误"), 401
    response = make_response(redirect(next_path))
    response.set_cookie(COOKIE, issue_token(current_app.config["SECRET_KEY"], principal), max_age=TOKEN_MAX_AGE,
                        httponly=True, samesite="Lax", path="/")
    return response


@pages.get("/draws/<draw_id>")
def draw_page(draw_id):
    """Public verification page (N4): the record as published and the result of recomputing it here."""
    record = db.session.get(DrawRecord, draw_id)
    if record is None:
        return render_template("error.html", status=404, message="抽取记录不存在"), 404
    public = public_view(record)
    ok, problems = handlers.verify_record(public)
    return render_template("draw/verify.html", record=public, verified=ok, problems=problems)


@pages.get("/logout")
def logout():
    response = make_response(redirect("/"))
    response.delete_cookie(COOKIE, path="/")
    return response


@pages.get("/public/draws")
def public_draws():
    """Every draw, public (N4), each with its verification page."""
    rows = db.session.execute(select(DrawRecord).order_by(DrawRecord.created_at.desc()).limit(200)).scalars()
    return render_template("draw/draws.html", draws=list(rows))


@pages.get("/clerk/inspectors")
@require_page("clerk", "admin", "approver")
def clerk_inspectors():
    inspectors = db.session.execute(select(Inspector).order_by(Inspector.id)).scalars().all()
    periods = db.session.execute(select(StatusPeriod).order_by(StatusPeriod.start)).scalars().all()
    blocked = db.session.execute(select(DrawBlocked).order_by(DrawBlocked.created_at)).scalars().all()
    return render_template("draw/inspectors.html", inspectors=inspectors, periods=periods, blocked=blocked,
                           today=runtime_of(current_app).clock.today_local())


@pages.route("/approver/replacements", methods=["GET", "POST"])
@require_page("approver", "clerk", "admin")
def replacement_queue():
    """S13 for the approver: each pending request with the eligible officers to choose from."""
    error = None
    if request.method == "POST":
        error = _decide(request.form)
        if error is None:
            return redirect("/draw/approver/replacements")
    policy = runtime_of(current_app).deps["policy"]
    pending = db.session.execute(select(Replacement).where(Replacement.status == "requested")
                                 .order_by(Replacement.requested_at)).scalars().all()
    queue = [(r, db.session.get(Inspector, r.inspector_id), replacements.candidates(db.session, policy, r)[0])
             for r in pending]
    done = db.session.execute(select(Replacement).where(Replacement.status != "requested")
                              .order_by(Replacement.decided_at.desc()).limit(50)).scalars().all()
    return render_template("draw/replacements.html", queue=queue, done=done, error=error), 422 if error else 200


def _decide(form) -> str | None:
    """Approve (choosing the replacement) or reject; returns a Chinese error to show, or None."""
    principal = current_principal()
    if principal.role != "approver":
        return "只有审批人（分管负责人）可以审批更换申请"
    uow = runtime_of(current_app).unit_of_work()
    try:
        if form.get("decision") == "approve":
            replacements.approve(uow, form["id"], form.get("replacement_inspector_id", ""), principal.actor,
                                 form.get("text", "").strip() or "同意")
        else:
            replacements.reject(uow, form["id"], principal.actor, form.get("text", "").strip() or "不同意")
    except DomainError as failure:
        uow.rollback()
        return failure.message
    uow.commit()
    return None


@pages.get("/clerk/targets")
@require_page("clerk", "admin", "approver")
def clerk_targets():
    """检查对象库 (S4): the local library and the province's read-only ones, by class and credit class."""
    library = request.args.get("library", targets.LOCAL)
    rows = db.session.execute(select(Target).where(Target.library == library)
                              .order_by(Target.unit_class, Target.uscc)).scalars().all()
    return render_template("draw/targets.html", rows=rows, library=library, libraries=targets.LIBRARIES,
                           read_only=library in targets.PROVINCE)
