"""draw's target libraries and target draws (S4, S6, S7, N6), and the clerk's direct matching for
comprehensive enforcement."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Invalid
from shared.openapi import answers, multipart, optional_login, query
from shared.web import handle

from . import response_schemas_library as lib
from . import views
from .commands import ChangeLocalTargets, DrawTargets, ImportProvinceLibrary, MatchComprehensive
from .domain.rules import LOCAL_LIBRARY
from .queries import CheckProvinceLibrary, GetTargetDraw, ListMatchings, ListTargets
from .schemas import LocalTargetsSchema, MatchSchema, TargetDrawSchema

api = Blueprint("draw_targets", __name__, url_prefix="/draw/api/v1", description="检查对象库与对象抽取")
CLERKS = ("clerk", "admin")


@api.get("/targets")
@answers(200, lib.TARGETS)
@query(("library", {"type": "string"}, "对象库：随机抽查库（默认）、排污许可库、应急减排库"))
@require(*CLERKS, "approver", "detachment")
def list_targets():
    return {"items": [views.target_view(t) for t in handle(ListTargets(request.args.get("library", LOCAL_LIBRARY)))]}


@api.post("/targets/local")
@answers(200, lib.TargetsChanged)
@require(*CLERKS)
@api.arguments(LocalTargetsSchema)
def change_local_targets(body):
    """The quarter's change set for the local random-inspection library (S4), audited row by row."""
    return {"changed": handle(ChangeLocalTargets(tuple(body["rows"]), body["reason"], current_principal().actor))}


@api.post("/targets/import")
@answers(200, lib.LibraryImport)
@api.alt_response(422, schema=lib.LIBRARY_REFUSED, description="有行未通过校验，或缺少文件")
@query(("dry_run", {"type": "string"}, "非空（如 1）：只检查文件，不导入"))
@require(*CLERKS)
@multipart(("file",), file="binary", library="string")
def import_province_library():
    """Replace a province-maintained library (排污许可库 / 应急减排库) from the province's xlsx file; `?dry_run=1`
    only checks the file and lists the rows that would fail, in Chinese."""
    library, upload = request.form.get("library", ""), request.files.get("file")
    if upload is None:
        raise Invalid("缺少文件", fields={"file": ["请上传 xlsx 文件"]})
    data = upload.read()
    if request.args.get("dry_run"):
        (rows, problems), imported = handle(CheckProvinceLibrary(data)), 0
    else:
        rows, problems, imported = handle(ImportProvinceLibrary(library, data, upload.filename or "",
                                                                current_principal().actor))
    body = {"library": library, "valid_rows": len(rows), "problems": problems, "imported": imported}
    return body, 422 if problems else 200


@api.post("/target-draws")
@answers(201, lib.TargetDrawView)
@require(*CLERKS, "detachment")  # S6: the detachment draws the targets
@api.arguments(TargetDrawSchema)
def draw_targets(body):
    target_draw = handle(DrawTargets(body["plan_id"], body["period"], body["library"], tuple(body["rules"]),
                                     tuple(body["items"]), current_principal().actor))
    return views.target_draw_view(target_draw), 201


@api.get("/target-draws/<target_draw_id>")
@answers(200, lib.TargetDrawView)
@optional_login()
def get_target_draw(target_draw_id):
    """Public: the strata, quotas and the stratum draws, each verifiable at /draw/api/v1/draws/<draw_id>/verify; the
    drawn companies once every one was visited (staff at once)."""
    seen = handle(GetTargetDraw(target_draw_id, current_principal()))
    return views.target_draw_view(seen.row, seen.sealed)


@api.post("/inspections/<inspection_id>/match")
@answers(201, lib.MatchingView)
@require(*CLERKS, "detachment")  # S7: the detachment matches the team directly
@api.arguments(MatchSchema)
def match_inspectors(body, inspection_id):
    """Comprehensive enforcement (S7): the detachment (or a clerk) matches the team directly; recorded as a
    matching."""
    result = handle(MatchComprehensive(inspection_id, tuple(body["inspector_ids"]), body["reason"],
                                       current_principal().actor))
    return views.matching_view(result), 201


@api.get("/matchings")
@answers(200, lib.MATCHINGS)
@optional_login()
def list_matchings():
    """Public: each direct matching (S7); its visit and officers from the visit's time on (staff at once)."""
    seen = handle(ListMatchings(viewer=current_principal()))
    return {"items": [views.matching_view(m.row, m.sealed) for m in seen]}
