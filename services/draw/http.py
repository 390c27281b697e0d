"""draw's HTTP API: public draw records and their verification (N4), login for people."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Unauthorized
from shared.openapi import answers, optional_login
from shared.schemas import PageQuery
from shared.web import handle
from shared.web_security import login_token, refuse_cross_origin_login

from . import response_schemas as rs
from . import views
from .queries import GetDraw, ListBlocked, ListDraws, ListSeedCommitments, Login, VerifyDraw
from .schemas import LoginSchema

api = Blueprint("draw", __name__, url_prefix="/draw/api/v1", description="随机抽取与验证")
PRIVILEGED = ("clerk", "approver", "admin")
VERIFIED = "验证通过：按公开记录重新计算的抽取结果与记录一致"
VERIFIED_SEALED = ("验证通过：抽取结果与事先公布的种子承诺一致；"
                   "检查开始后公开候选名单、随机种子与抽取结果，届时任何人可独立复算")


@api.get("/draws")
@answers(200, rs.DRAWS)
@optional_login()
@api.arguments(PageQuery, location="query")
def list_draws(query):
    """Every draw is public (N4), newest first."""
    items, total = handle(ListDraws(query["page"], query["per_page"], current_principal()))
    return {"items": items, "total": total, "page": query["page"], "per_page": query["per_page"]}


@api.get("/draws/<draw_id>")
@answers(200, rs.DrawRecord)
@optional_login()
def get_draw(draw_id):
    return handle(GetDraw(draw_id, current_principal()))


@api.get("/draws/<draw_id>/verify")
@answers(200, rs.Verification)
@optional_login()
def verify_draw(draw_id):
    """Recompute the selection from the record, as any third party can from the public one once the visit began;
    before that the answer says so, and shows nothing of what was drawn (N4)."""
    result = handle(VerifyDraw(draw_id, current_principal()))
    disclosed = result.record["disclosed"]
    return {"draw_id": draw_id, "verified": result.verified, "problems": result.problems, "disclosed": disclosed,
            "message": (VERIFIED if disclosed else VERIFIED_SEALED) if result.verified else "验证失败"}


@api.get("/seed-commitments")
@answers(200, rs.COMMITMENTS)
@optional_login()
def list_commitments():
    """Published before use: hashes of the seeds future draws will take; a used seed once its draw is public."""
    return {"items": handle(ListSeedCommitments(viewer=current_principal()))}


@api.get("/blocked")
@answers(200, rs.PENDING_PARTS)
@require(*PRIVILEGED, "detachment")
def list_blocked():
    """Each department part of a visit whose team is not complete, with why and what would unblock it."""
    return {"items": [views.blocked_view(b) for b in handle(ListBlocked())]}


@api.post("/auth/login")
@answers(200, rs.SignedIn)
@api.alt_response(429, response="TOO_MANY_REQUESTS")
@api.arguments(LoginSchema)
def login(body):
    """People log in here (the draw service owns the personnel library) and get a token every service accepts."""
    refuse_cross_origin_login()
    principal = handle(Login(body["username"], body["password"], request.remote_addr or ""))
    if principal is None:
        raise Unauthorized("用户名或密码错误")
    return {"token": login_token(principal), "role": principal.role,
            "name": principal.name, "subject": principal.subject}
