"""draw's HTTP API: public draw records and their verification (N4), login for people."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, issue_token, require
from shared.clock import iso
from shared.errors import Unauthorized, found
from shared.schemas import PageQuery, page_of
from shared.web import runtime_of

from . import handlers
from .accounts import authenticate
from .adapters.db import DrawBlocked, DrawRecord, SeedCommitment, db
from .schemas import LoginSchema

api = Blueprint("draw", __name__, url_prefix="/draw/api/v1", description="随机抽取与验证")
PRIVILEGED = ("clerk", "approver", "admin")


def may_see_names(record: DrawRecord) -> bool:
    """N4: the drawn list is confidential until the visit date, except to clerks and the team itself."""
    principal = current_principal()
    if principal and principal.role in PRIVILEGED:
        return True
    if principal and principal.role == "inspector" and principal.subject in record.selected:
        return True
    return runtime_of(current_app).clock.today_local() >= record.visit_start


def public_view(record: DrawRecord) -> dict:
    """The record as this caller may see it (names per N4), for the API and the public page alike."""
    return handlers.public_record(record, db.session.get(SeedCommitment, record.commitment_id),
                                  may_see_names(record))


@api.get("/draws")
@api.arguments(PageQuery, location="query")
def list_draws(query):
    """Every draw is public (N4), newest first."""
    rows, total = page_of(select(DrawRecord).order_by(DrawRecord.created_at.desc(), DrawRecord.id),
                          query["page"], query["per_page"], db.session)
    return {"items": [public_view(r) for r in rows], "total": total, "page": query["page"],
            "per_page": query["per_page"]}


@api.get("/draws/<draw_id>")
def get_draw(draw_id):
    return public_view(found(db.session.get(DrawRecord, draw_id), "抽取记录不存在"))


@api.get("/draws/<draw_id>/verify")
def verify_draw(draw_id):
    """Recompute the selection from the public record alone, as any third party can."""
    record = found(db.session.get(DrawRecord, draw_id), "抽取记录不存在")
    ok, problems = handlers.verify_record(public_view(record))
    return {"draw_id": draw_id, "verified": ok, "problems": problems,
            "message": "验证通过：按公开记录重新计算的抽取结果与记录一致" if ok else "验证失败"}


@api.get("/seed-commitments")
def list_commitments():
    """Published before use: hashes of the seeds future draws will take; seeds revealed once used."""
    rows = db.session.execute(select(SeedCommitment).order_by(SeedCommitment.id.desc()).limit(200)).scalars()
    return {"items": [{"id": c.id, "seed_hash": c.seed_hash, "committed_at": iso(c.committed_at),
                       "used_by": c.used_by, "seed": c.seed if c.used_by else None} for c in rows]}


@api.get("/blocked")
@require(*PRIVILEGED)
def list_blocked():
    rows = db.session.execute(select(DrawBlocked).order_by(DrawBlocked.created_at)).scalars()
    return {"items": [{"inspection_id": b.inspection_id, "reason": b.reason, "since": iso(b.created_at)}
                      for b in rows]}


@api.post("/auth/login")
@api.arguments(LoginSchema)
def login(body):
    """People log in here (the draw service owns the personnel library) and get a token every service accepts."""
    principal = authenticate(body["username"], body["password"])
    if principal is None:
        raise Unauthorized("用户名或密码错误")
    return {"token": issue_token(current_app.config["SECRET_KEY"], principal), "role": principal.role,
            "name": principal.name, "subject": principal.subject}
