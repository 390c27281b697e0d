"""draw's account API (issue 13): logout and the account's own password change. Both end login sessions in every
service (`account.sessions_revoked`), since every service checks tokens by signature alone. Login is in http.py."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema

from shared.auth import current_principal, require
from shared.errors import Forbidden
from shared.openapi import answers, maybe_text, text
from shared.schemas import BaseSchema, String, length
from shared.web import handle
from shared.web_security import login_token

from .commands import ChangePassword, EndSession
from .handlers.logins import MIN_PASSWORD_LENGTH

api = Blueprint("draw_accounts", __name__, url_prefix="/draw/api/v1", description="登录会话与密码")
PEOPLE = ("admin", "clerk", "inspector", "approver", "department", "detachment")


class PasswordChangeSchema(BaseSchema):
    current_password = String(required=True, validate=length(min=1, max=200))
    new_password = String(required=True, validate=length(min=MIN_PASSWORD_LENGTH, max=200))


class LoggedOut(Schema):
    message = text()


class PasswordChanged(Schema):
    message = text()
    token = text()
    subject = text()
    name = maybe_text()


@api.post("/auth/logout")
@answers(200, LoggedOut)
@require(*PEOPLE)
def logout():
    """Ends the session of the token presented, in every service (a department's API token is not a session)."""
    principal = current_principal()
    if principal.session_id is not None:
        handle(EndSession(principal.subject, principal.session_id, principal.actor))
    return {"message": "已退出登录，此令牌在各服务均已失效"}


@api.post("/auth/password")
@answers(200, PasswordChanged)
@api.alt_response(429, response="TOO_MANY_REQUESTS")
@api.arguments(PasswordChangeSchema)
@require(*PEOPLE)
def change_password(body):
    """The account's own password: every session issued before ends everywhere; the answer carries a new token."""
    principal = current_principal()
    if principal.session_id is None:
        raise Forbidden("部门 API 令牌没有密码；请由系统管理员轮换令牌")
    changed_at = handle(ChangePassword(principal.subject, body["current_password"], body["new_password"],
                                       principal.actor, request.remote_addr or ""))
    return {"message": "密码已修改，其他已登录的会话均已退出", "token": login_token(principal, after=changed_at),
            "subject": principal.subject, "name": principal.name}
