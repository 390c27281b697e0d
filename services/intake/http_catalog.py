"""The public item catalog (N1, N8) and its audited maintenance; departments and their API tokens."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import NotFound
from shared.legacy import current_uow

from . import catalog
from .adapters.db import Department, Item, db
from .dispatch import item_view
from .schemas import ItemChangeSchema, ItemSchema

api = Blueprint("intake_catalog", __name__, url_prefix="/intake/api/v1", description="抽查事项清单与部门")


@api.get("/items")
def list_items():
    """The item catalog is public (N1, N8); `?department=SCJG` narrows it, inactive items are left out."""
    query = select(Item).where(Item.active.is_(True)).order_by(Item.department_code, Item.code)
    if department := request.args.get("department"):
        query = query.where(Item.department_code == department)
    items = db.session.execute(query).scalars().all()
    return {"items": [item_view(item) for item in items], "total": len(items)}


@api.get("/items/<code>/versions")
def item_versions(code):
    rows = catalog.versions(db.session, code)
    if not rows:
        raise NotFound(f"事项 {code} 不存在")
    return {"items": [{**r.snapshot, "changed_by": r.changed_by, "reason": r.reason,
                       "changed_at": iso(r.changed_at)} for r in rows]}


@api.post("/items")
@require("clerk", "admin")
@api.arguments(ItemSchema)
def create_item(body):
    uow = current_uow()
    values = {"department_code": body["department"], "name": body["name"], "target": body["target"],
              "key_points": body["key_points"], "method": body["method"], "item_class": body["item_class"],
              "basis": body["basis"], "active": True}
    item = catalog.create_item(uow, body["code"], values, current_principal().actor, body["reason"])
    uow.commit()
    return item_view(item), 201


@api.patch("/items/<code>")
@require("clerk", "admin")
@api.arguments(ItemChangeSchema)
def change_item(body, code):
    """Every change makes a new version and an audit entry with its reason."""
    uow = current_uow()
    reason = body.pop("reason")
    catalog.change_item(uow, code, body, current_principal().actor, reason)
    uow.commit()
    return item_view(db.session.get(Item, code))


@api.get("/departments")
def list_departments():
    rows = db.session.execute(select(Department).order_by(Department.code)).scalars()
    return {"items": [{"code": d.code, "name": d.name, "kind": d.kind, "contact": d.contact} for d in rows]}


@api.post("/departments/<code>/token")
@require("admin", "clerk")
def rotate_department_token(code):
    """Issue a new API token for a department; it is shown once, only its hash is kept."""
    token = catalog.new_department_token(code)
    uow = current_uow()
    catalog.rotate_token(uow, code, current_principal().actor, token)
    uow.commit()
    return {"department": code, "token": token, "message": "新令牌仅显示这一次，旧令牌已失效"}
