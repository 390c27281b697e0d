"""draw's HTTP API: public draw records and their verification (N4), login for people."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from shared.auth import current_principal, issue_token, require
from shared.errors import Unauthorized
from shared.schemas import PageQuery
from shared.web import handle

from . import views
from .queries import GetDraw, ListBlocked, ListDraws, ListSeedCommitments, Login, VerifyDraw
from .schemas import LoginSchema

api = Blueprint("draw", __name__, url_prefix="/draw/api/v1", description="随机抽取与验证")
PRIVILEGED = ("clerk", "approver", "admin")


@api.get("/draws")
@api.arguments(PageQuery, location="query")
def list_draws(query):
    """Every draw is public (N4), newest first."""
    items, total = handle(ListDraws(query["page"], query["per_page"], current_principal()))
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


@api.get("/draws/<draw_id>")
def get_draw(draw_id):
    return handle(GetDraw(draw_id, current_principal()))


@api.get("/draws/<draw_id>/verify")
def verify_draw(draw_id):
    """Recompute the selection from the public record alone, as any third party can."""
    result = handle(VerifyDraw(draw_id, current_principal()))
    return {"draw_id": draw_id, "verified": result.verified, "problems": result.problems,
            "message": "验证通过：按公开记录重新计算的抽取结果与记录一致" if result.verified else "验证失败"}


@api.get("/seed-commitments")
def list_commitments():
    """Published before use: hashes of the seeds future draws will take; seeds revealed once used."""
    return {"items": [views.commitment_view(c) for c in handle(ListSeedCommitments())]}


@api.get("/blocked")
@require(*PRIVILEGED, "detachment")
def list_blocked():
    """Each department part of a visit whose team is not complete, with why and what would unblock it."""
    return {"items": [views.blocked_view(b) for b in handle(ListBlocked())]}


@api.post("/auth/login")
@api.arguments(LoginSchema)
def login(body):
    """People log in here (the draw service owns the personnel library) and get a token every service accepts."""
    principal = handle(Login(body["username"], body["password"]))
    if principal is None:
        raise Unauthorized("用户名或密码错误")
    return {"token": issue_token(current_app.config["SECRET_KEY"], principal), "role": principal.role,
            "name": principal.name, "subject": principal.subject}
