"""Logging in and out on the pages, and the account's own password page (issue 13).

The login form carries a double-submit token (a random value both in a SameSite=Strict cookie and in the form, which
another site can neither read nor set) and is refused when the browser says it comes from another site, so no site
can log a visitor into an account of its choosing. `next` goes only to a path on this site (shared.pages.safe_next).
"""
from __future__ import annotations

import hmac
import secrets

from flask import Blueprint, make_response, redirect, render_template, request

from shared.auth import COOKIE, TOKEN_MAX_AGE, current_principal, same_origin_request
from shared.errors import DomainError
from shared.pages import require_page, safe_next
from shared.web import handle
from shared.web_security import login_cookie_options, login_token, refuse_cross_origin_login

from .commands import ChangePassword, EndSession, Login

pages = Blueprint("draw_account_pages", __name__, url_prefix="/draw")
CSRF_COOKIE = "ji_login_csrf"


@pages.route("/login", methods=["GET", "POST"])
def login():
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        return _form(next_path, None, 200)
    try:
        refuse_cross_origin_login()
    except DomainError as refused:
        return _form(next_path, refused.message, refused.status)
    if not _csrf_matches():
        return _form(next_path, "登录页面已过期，请重新输入后提交", 400)
    try:
        principal = handle(Login(request.form.get("username", ""), request.form.get("password", ""),
                                 request.remote_addr or ""))
    except DomainError as refused:  # locked: 429 with Retry-After
        response = _form(next_path, refused.message, refused.status)
        if getattr(refused, "retry_after", None):
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    if principal is None:
        return _form(next_path, "用户名或密码错误", 401)
    response = make_response(redirect(next_path))
    response.set_cookie(COOKIE, login_token(principal), max_age=TOKEN_MAX_AGE, **login_cookie_options())
    response.delete_cookie(CSRF_COOKIE, path="/draw/login")
    return response


@pages.route("/logout", methods=["GET", "POST"])
def logout():
    """Ends this browser's session in every service, not only its cookie. A GET from another site (a link) cannot
    end it: only a same-origin request revokes; the cookie is dropped either way."""
    principal = current_principal()  # a POST's cookie counts only from our pages already (shared.auth._bearer)
    ours = request.method == "POST" or same_origin_request()
    if principal is not None and principal.session_id is not None and ours:
        handle(EndSession(principal.subject, principal.session_id, principal.actor))
    response = make_response(redirect("/"))
    response.delete_cookie(COOKIE, path="/")
    return response


@pages.route("/account/password", methods=["GET", "POST"])
@require_page()
def change_password():
    principal = current_principal()
    if request.method == "GET":
        return render_template("draw/password.html", error=None, done=False)
    if principal.session_id is None:
        return render_template("draw/password.html", error="部门 API 令牌没有密码", done=False), 403
    form = request.form
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return render_template("draw/password.html", error="两次输入的新密码不一致", done=False), 422
    try:
        changed_at = handle(ChangePassword(principal.subject, form.get("current_password", ""),
                                           form.get("new_password", ""), principal.actor, request.remote_addr or ""))
    except DomainError as refused:
        return render_template("draw/password.html", error=refused.message, done=False), refused.status
    response = make_response(render_template("draw/password.html", error=None, done=True))
    response.set_cookie(COOKIE, login_token(principal, after=changed_at), max_age=TOKEN_MAX_AGE,
                        **login_cookie_options())
    return response


def _form(next_path: str, error: str | None, status: int):
    """The login form with a fresh double-submit token (cookie and hidden field)."""
    token = secrets.token_urlsafe(24)
    response = make_response(render_template("login.html", next=next_path, error=error, csrf_token=token), status)
    response.set_cookie(CSRF_COOKIE, token, max_age=3600,
                        **{**login_cookie_options(), "samesite": "Strict", "path": "/draw/login"})
    return response


def _csrf_matches() -> bool:
    cookie, sent = request.cookies.get(CSRF_COOKIE, ""), request.form.get("csrf_token", "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), sent.encode())
