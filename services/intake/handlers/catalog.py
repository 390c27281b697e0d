"""The item catalog ("one list", S3, N1): loaded from the data file, changed only with a reason, every version
kept and every change audited; departments' API tokens, stored hashed."""
from __future__ import annotations

import secrets

from shared.auth import hash_token
from shared.errors import Conflict, Invalid, NotFound
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Department, Item, ItemVersion
from ..commands import ChangeItem, CreateItem, LoadCatalog, RotateDepartmentToken

ITEM_FIELDS = ("department_code", "name", "target", "key_points", "method", "item_class", "basis", "active")


def load_catalog(cmd: LoadCatalog, uow: UnitOfWork) -> dict[str, int]:
    """Upsert departments and items from the data file; unchanged rows are left alone (idempotent)."""
    counts = {"departments": 0, "items_created": 0, "items_changed": 0}
    for d in cmd.data["departments"]:
        department = uow.get(Department, d["code"])
        if department is None:
            issuer = d.get("issuer") or {}
            uow.add(Department(code=d["code"], name=d["name"], kind=d["kind"], contact=d.get("contact"),
                               issuer_name=issuer.get("name"), issuer_code=issuer.get("code"),
                               staffing=_staffing(d.get("staffing") or "library", d["code"])))
            uow.audit(cmd.actor, "department.created", f"department:{d['code']}", after=d)
            counts["departments"] += 1
        else:
            _letter_and_staffing(uow, department, d, cmd.actor)
            _announce_token(uow, department)
    uow.session.flush()
    for raw in cmd.data["items"]:
        values = {"department_code": raw["department"], "name": raw["name"], "target": raw.get("target", ""),
                  "key_points": raw.get("key_points", ""), "method": raw["method"], "item_class": raw["class"],
                  "basis": raw["basis"], "active": raw.get("active", True)}
        if uow.get(Item, raw["code"]) is None:
            create_item(CreateItem(raw["code"], values, cmd.actor, cmd.reason), uow)
            counts["items_created"] += 1
        elif _change(uow, ChangeItem(raw["code"], values, cmd.actor, cmd.reason)):
            counts["items_changed"] += 1
    return counts


def _letter_and_staffing(uow: UnitOfWork, department: Department, data: dict, actor: str) -> None:
    """S12/N2: who issues the letters this department leads, and whether its officers are drawn here or named by it;
    a change in the data file is applied and audited like any other catalog change."""
    issuer = data.get("issuer") or {}
    wanted = {"issuer_name": issuer.get("name") or department.issuer_name,
              "issuer_code": issuer.get("code") or department.issuer_code,
              "staffing": _staffing(data.get("staffing") or department.staffing or "library", department.code)}
    before = {key: getattr(department, key) for key in wanted}
    if before != wanted:
        for key, value in wanted.items():
            setattr(department, key, value)
        uow.audit(actor, "department.changed", f"department:{department.code}", before=before, after=wanted)


def _announce_token(uow: UnitOfWork, department: Department) -> None:
    """draw, letters and results know a department's API token only from `department.token_rotated`: loading the
    catalog again tells them the current one (their databases set up after the token was issued); there, a rotation
    they already know changes nothing."""
    if department.token_hash and department.token_rotated_at:
        uow.emit("department.token_rotated", payloads.department_token_rotated(
            department.code, department.token_hash, department.token_rotated_at), subject=None)


def _staffing(value: str, code: str) -> str:
    if value not in ("library", "named"):
        raise Invalid("部门人员来源只能是 library（在本平台人员库中抽取）或 named（由部门指派）",
                      fields={"staffing": [f"部门 {code} 的 staffing 无效"]})
    return value


def create_item(cmd: CreateItem, uow: UnitOfWork) -> Item:
    if uow.get(Item, cmd.code) is not None:
        raise Conflict(f"事项编码 {cmd.code} 已存在", fields={"code": ["编码已被使用"]})
    if uow.get(Department, cmd.values["department_code"]) is None:
        raise Invalid("部门不存在", fields={"department": [f"部门 {cmd.values['department_code']} 不存在"]})
    item = Item(code=cmd.code, version=1, **cmd.values)
    uow.add(item)
    _keep_version(uow, item, cmd.actor, cmd.reason)
    uow.audit(cmd.actor, "item.created", f"item:{cmd.code}", after=snapshot(item), reason=cmd.reason)
    return item


def change_item(cmd: ChangeItem, uow: UnitOfWork) -> Item:
    """A change makes a new version; the old one stays readable. No change, no new version."""
    _change(uow, cmd)
    return uow.get(Item, cmd.code)


def _change(uow: UnitOfWork, cmd: ChangeItem) -> bool:
    item = uow.get(Item, cmd.code)
    if item is None:
        raise NotFound(f"事项 {cmd.code} 不存在")
    before = snapshot(item)
    changed = {k: v for k, v in cmd.changes.items() if k in ITEM_FIELDS and getattr(item, k) != v}
    if not changed:
        return False
    if "department_code" in changed:
        raise Invalid("事项的所属部门不能变更，请新建事项", fields={"department": ["不能变更"]})
    for key, value in changed.items():
        setattr(item, key, value)
    item.version += 1
    _keep_version(uow, item, cmd.actor, cmd.reason)
    uow.audit(cmd.actor, "item.changed", f"item:{cmd.code}", before=before, after=snapshot(item), reason=cmd.reason)
    return True


def _keep_version(uow: UnitOfWork, item: Item, actor: str, reason: str) -> None:
    uow.add(ItemVersion(code=item.code, version=item.version, snapshot=snapshot(item), changed_by=actor,
                        reason=reason, changed_at=uow.now))


def snapshot(item: Item) -> dict:
    return {"code": item.code, "version": item.version, **{k: getattr(item, k) for k in ITEM_FIELDS}}


def new_department_token(code: str) -> str:
    return f"dept_{code.lower()}_{secrets.token_urlsafe(24)}"


def rotate_department_token(cmd: RotateDepartmentToken, uow: UnitOfWork) -> str:
    """Only the hash is stored; the old token stops working at once. Returns the new token (shown once)."""
    department = uow.get(Department, cmd.code)
    if department is None:
        raise NotFound(f"部门 {cmd.code} 不存在")
    token = cmd.token or new_department_token(cmd.code)
    department.token_hash, department.token_rotated_at = hash_token(token), uow.now
    uow.audit(cmd.actor, "department.token_rotated", f"department:{cmd.code}")
    uow.emit("department.token_rotated", payloads.department_token_rotated(cmd.code, department.token_hash, uow.now),
             subject=None)
    return token
