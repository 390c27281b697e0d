"""Login for people (the draw service owns the personnel library): a session cookie every service accepts."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request
from werkzeug.security import check_password_hash

from shared.auth import COOKIE, TOKEN_MAX_AGE, Principal, issue_token
from shared.pages import safe_next

from .adapters.db import Account, db

pages = Blueprint("draw_pages", __name__, url_prefix="/draw")


def authenticate(username: str, password: str) -> Principal | None:
    account = db.session.get(Account, username)
    if account is None or not check_password_hash(account.password_hash, password):
        return None
    return Principal(role=account.role, subject=account.inspector_id or account.username,
                     department=account.department_code, name=account.display_name)


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
    from . import handlers
    from .adapters.db import DrawRecord, SeedCommitment
    from .http import may_see_names
    record = db.session.get(DrawRecord, draw_id)
    if record is None:
        return render_template("error.html", status=404, message="抽取记录不存在"), 404
    public = handlers.public_record(record, db.session.get(SeedCommitment, record.commitment_id),
                                    may_see_names(record))
    ok, problems = handlers.verify_record(public)
    return render_template("draw/verify.html", record=public, verified=ok, problems=problems)


@pages.get("/logout")
def logout():
    response = make_response(redirect("/"))
    response.delete_cookie(COOKIE, path="/")
    return response
