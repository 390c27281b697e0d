"""The item catalog ("one list", S3, N1): loaded from the data file, changed only with a reason, every
version kept and every change audited."""
from __future__ import annotations

import secrets
from pathlib import Path

import yaml
from sqlalchemy import select

from shared.auth import hash_token
from shared.errors import Conflict, Invalid, NotFound
from shared.uow import UnitOfWork

from .adapters.db import Department, Item, ItemVersion

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.yaml"
ITEM_FIELDS = ("department_code", "name", "target", "key_points", "method", "item_class", "basis", "active")


def read_catalog(path: Path = CATALOG_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_catalog(uow: UnitOfWork, data: dict, actor: str, reason: str = "载入抽查事项清单") -> dict[str, int]:
    """Upsert departments and items from the data file; unchanged rows are left alone (idempotent)."""
    counts = {"departments": 0, "items_created": 0, "items_changed": 0}
    for d in data["departments"]:
        if uow.session.get(Department, d["code"]) is None:
            uow.session.add(Department(code=d["code"], name=d["name"], kind=d["kind"], contact=d.get("contact")))
            uow.audit(actor, "department.created", f"department:{d['code']}", after=d)
            counts["departments"] += 1
    uow.session.flush()
    for raw in data["items"]:
        values = {"department_code": raw["department"], "name": raw["name"], "target": raw.get("target", ""),
                  "key_points": raw.get("key_points", ""), "method": raw["method"], "item_class": raw["class"],
                  "basis": raw["basis"], "active": raw.get("active", True)}
        if uow.session.get(Item, raw["code"]) is None:
            create_item(uow, raw["code"], values, actor, reason)
            counts["items_created"] += 1
        elif change_item(uow, raw["code"], values, actor, reason):
            counts["items_changed"] += 1
    return counts


def create_item(uow: UnitOfWork, code: str, values: dict, actor: str, reason: str) -> Item:
    if uow.session.get(Item, code) is not None:
        raise Conflict(f"事项编码 {code} 已存在", fields={"code": ["编码已被使用"]})
    if uow.session.get(Department, values["department_code"]) is None:
        raise Invalid("部门不存在", fields={"department": [f"部门 {values['department_code']} 不存在"]})
    item = Item(code=code, version=1, **values)
    uow.session.add(item)
    _keep_version(uow, item, actor, reason)
    uow.audit(actor, "item.created", f"item:{code}", after=snapshot(item), reason=reason)
    return item


def change_item(uow: UnitOfWork, code: str, values: dict, actor: str, reason: str) -> bool:
    """A change makes a new version; the old one stays readable. Returns False when nothing changed."""
    item = uow.session.get(Item, code)
    if item is None:
        raise NotFound(f"事项 {code} 不存在")
    before = snapshot(item)
    changed = {k: v for k, v in values.items() if k in ITEM_FIELDS and getattr(item, k) != v}
    if not changed:
        return False
    if "department_code" in changed:
        raise Invalid("事项的所属部门不能变更，请新建事项", fields={"department": ["不能变更"]})
    for key, value in changed.items():
        setattr(item, key, value)
    item.version += 1
    _keep_version(uow, item, actor, reason)
    uow.audit(actor, "item.changed", f"item:{code}", before=before, after=snapshot(item), reason=reason)
    return True


def _keep_version(uow: UnitOfWork, item: Item, actor: str, reason: str) -> None:
    uow.session.add(ItemVersion(code=item.code, version=item.version, snapshot=snapshot(item), changed_by=actor,
                                reason=reason, changed_at=uow.now))


def snapshot(item: Item) -> dict:
    return {"code": item.code, "version": item.version, **{k: getattr(item, k) for k in ITEM_FIELDS}}


def versions(session, code: str) -> list[ItemVersion]:
    return session.execute(select(ItemVersion).where(ItemVersion.code == code)
                           .order_by(ItemVersion.version)).scalars().all()


def new_department_token(code: str) -> str:
    return f"dept_{code.lower()}_{secrets.token_urlsafe(24)}"


def rotate_token(uow: UnitOfWork, code: str, actor: str, new_token: str) -> Department:
    """Only the hash is stored; the old token stops working at once."""
    department = uow.session.get(Department, code)
    if department is None:
        raise NotFound(f"部门 {code} 不存在")
    department.token_hash, department.token_rotated_at = hash_token(new_token), uow.now
    uow.audit(actor, "department.token_rotated", f"department:{code}")
    return department
