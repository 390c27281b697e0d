"""The public item catalog (N1, N8) and its audited maintenance; departments and their API tokens."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.masking import mask_value
from shared.openapi import answers, query
from shared.web import handle

from . import response_schemas as rs
from .commands import ChangeItem, CreateItem, RotateDepartmentToken
from .queries import CatalogItems, Departments, ItemVersions
from .schemas import ItemChangeSchema, ItemSchema
from .views import department_view, item_version_view, item_view

api = Blueprint("intake_catalog", __name__, url_prefix="/intake/api/v1", description="抽查事项清单与部门")


@api.get("/items")
@answers(200, rs.ItemPage)
@query(("department", {"type": "string"}, "部门代码，如 SCJG"))
def list_items():
    """The item catalog is public (N1, N8); `?department=SCJG` narrows it, inactive items are left out."""
    items = handle(CatalogItems(request.args.get("department") or None))
    return mask_value({"items": [item_view(item) for item in items], "total": len(items)})


@api.get("/items/<code>/versions")
@answers(200, rs.ITEM_VERSIONS)
def item_versions(code):
    return mask_value({"items": [item_version_view(r) for r in handle(ItemVersions(code))]})


@api.post("/items")
@answers(201, rs.ItemView)
@require("clerk", "admin")
@api.arguments(ItemSchema)
def create_item(body):
    values = {"department_code": body["department"], "name": body["name"], "target": body["target"],
              "key_points": body["key_points"], "method": body["method"], "item_class": body["item_class"],
              "basis": body["basis"], "active": True}
    item = handle(CreateItem(body["code"], values, current_principal().actor, body["reason"]))
    return item_view(item), 201


@api.patch("/items/<code>")
@answers(200, rs.ItemView)
@require("clerk", "admin")
@api.arguments(ItemChangeSchema)
def change_item(body, code):
    """Every change makes a new version and an audit entry with its reason."""
    reason = body.pop("reason")
    return item_view(handle(ChangeItem(code, body, current_principal().actor, reason)))


@api.get("/departments")
@answers(200, rs.DEPARTMENTS)
def list_departments():
    """Public: each department's contact with ID-card and mobile numbers masked (issue 13)."""
    return mask_value({"items": [department_view(d) for d in handle(Departments())]})


@api.post("/departments/<code>/token")
@answers(200, rs.DepartmentToken)
@require("admin", "clerk")
def rotate_department_token(code):
    """Issue a new API token for a department; it is shown once, only its hash is kept."""
    token = handle(RotateDepartmentToken(code, current_principal().actor))
    return {"department": code, "token": token, "message": "新令牌仅显示这一次，旧令牌已失效"}
