"""draw's target libraries and target draws (S4, S6, S7, N6), and the clerk's direct matching for
comprehensive enforcement."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Invalid, found
from shared.legacy import current_uow

from . import matching, target_draws, targets
from .adapters.db import Matching, Target, TargetDraw, db
from .schemas import LocalTargetsSchema, MatchSchema, TargetDrawSchema

api = Blueprint("draw_targets", __name__, url_prefix="/draw/api/v1", description="检查对象库与对象抽取")
CLERKS = ("clerk", "admin")


@api.get("/targets")
@require(*CLERKS, "approver")
def list_targets():
    query = select(Target).where(Target.library == request.args.get("library", targets.LOCAL)).order_by(Target.uscc)
    return {"items": [{"uscc": t.uscc, "name": t.name, "address": t.address, "unit_class": t.unit_class,
                       "credit_class": t.credit_class, "active": t.active, "library": t.library}
                      for t in db.session.execute(query).scalars()]}


@api.post("/targets/local")
@require(*CLERKS)
@api.arguments(LocalTargetsSchema)
def change_local_targets(body):
    """The quarter's change set for the local random-inspection library (S4), audited row by row."""
    uow = current_uow()
    changed = targets.upsert_local(uow, body["rows"], current_principal().actor, body["reason"])
    uow.commit()
    return {"changed": changed}


@api.post("/targets/import")
@require(*CLERKS)
def import_province_library():
    """Replace a province-maintained library (排污许可库 / 应急减排库) from the province's xlsx file; `?dry_run=1`
    only checks the file and lists the rows that would fail, in Chinese."""
    library, upload = request.form.get("library", ""), request.files.get("file")
    if upload is None:
        raise Invalid("缺少文件", fields={"file": ["请上传 xlsx 文件"]})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "library.xlsx"
        upload.save(path)
        rows, problems = targets.read_rows(path)
    if request.args.get("dry_run") or problems:
        return {"library": library, "valid_rows": len(rows), "problems": problems,
                "imported": 0}, 200 if not problems else 422
    uow = current_uow()
    count = targets.replace_province_library(uow, library, rows, current_principal().actor, upload.filename or "")
    uow.commit()
    return {"library": library, "valid_rows": len(rows), "problems": [], "imported": count}


@api.post("/target-draws")
@require(*CLERKS)
@api.arguments(TargetDrawSchema)
def draw_targets(body):
    uow = current_uow()
    target_draw = target_draws.draw_targets(uow, body, current_principal().actor)
    uow.commit()
    return target_draw_view(target_draw), 201


@api.get("/target-draws/<target_draw_id>")
def get_target_draw(target_draw_id):
    """Public: the strata, quotas and the stratum draws, each verifiable at /draw/api/v1/draws/<draw_id>/verify."""
    return target_draw_view(found(db.session.get(TargetDraw, target_draw_id), "对象抽取记录不存在"))


def target_draw_view(target_draw: TargetDraw) -> dict:
    return {"id": target_draw.id, "plan_id": target_draw.plan_id, "period": target_draw.period,
            "library": target_draw.library, "rules": target_draw.rules,
            "on_duty_officers": target_draw.on_duty_officers, "strata": target_draw.strata,
            "targets": target_draw.targets, "operator": target_draw.operator,
            "created_at": iso(target_draw.created_at)}


@api.post("/inspections/<inspection_id>/match")
@require(*CLERKS)
@api.arguments(MatchSchema)
def match_inspectors(body, inspection_id):
    """Comprehensive enforcement (S7): the clerk matches the team directly; recorded as a matching."""
    uow = current_uow()
    result = matching.match(uow, inspection_id, body["inspector_ids"], body["reason"], current_principal().actor)
    uow.commit()
    return matching_view(result), 201


@api.get("/matchings")
def list_matchings():
    rows = db.session.execute(select(Matching).order_by(Matching.matched_at.desc()).limit(200)).scalars()
    return {"items": [matching_view(m) for m in rows]}


def matching_view(result: Matching) -> dict:
    return {"inspection_id": result.inspection_id, "inspector_ids": result.inspector_ids, "reason": result.reason,
            "matched_by": result.matched_by, "matched_at": iso(result.matched_at), "method": "直接匹配（非摇号）"}
