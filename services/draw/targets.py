"""检查对象库 (S4): the local random-inspection library changes through the clerk (audited); the province's
libraries are replaced wholesale from the province's files and cannot be edited here."""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import delete, select

from shared.errors import Forbidden, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork
from shared.uscc import validation_error

from .adapters.db import Target

LOCAL = "随机抽查库"
PROVINCE = ("排污许可库", "应急减排库")
LIBRARIES = (LOCAL, *PROVINCE)
CLASSES = ("重点", "一般", "特殊")
COLUMNS = ("统一社会信用代码", "单位名称", "地址", "监管类别", "信用等级")


def upsert_local(uow: UnitOfWork, rows: list[dict], actor: str, reason: str) -> int:
    """The quarterly change set of the local library (S4): new units, changed classes, units gone (`active`)."""
    changed = 0
    for row in rows:
        target = uow.session.execute(select(Target).where(Target.library == LOCAL,
                                                          Target.uscc == row["uscc"])).scalar()
        if target is None:
            target = Target(id=new_id(), library=LOCAL, uscc=row["uscc"], updated_at=uow.now)
            uow.session.add(target)
        before = {"name": target.name, "unit_class": target.unit_class, "credit_class": target.credit_class,
                  "active": target.active}
        for key in ("name", "address", "unit_class", "credit_class", "active"):
            if key in row:
                setattr(target, key, row[key])
        target.updated_at = uow.now
        uow.audit(actor, "target.changed", f"target:{LOCAL}:{row['uscc']}", before=before, after=row, reason=reason)
        changed += 1
    return changed


def read_rows(path: Path) -> tuple[list[dict], list[str]]:
    """Rows of a library file (xlsx, header row with COLUMNS), and the Chinese problems of the rows that fail."""
    sheet = load_workbook(path, read_only=True, data_only=True).active
    rows, problems = [], []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not any(values):
            continue
        uscc, name, address, unit_class, credit = (str(v).strip() if v is not None else "" for v in values[:5])
        error = validation_error(uscc) or ("" if unit_class in CLASSES else f"监管类别应为{'/'.join(CLASSES)}")
        if error or not name:
            problems.append(f"第 {number} 行：{error or '单位名称不能为空'}")
            continue
        rows.append({"uscc": uscc, "name": name, "address": address, "unit_class": unit_class,
                     "credit_class": credit, "active": True})
    return rows, problems


def replace_province_library(uow: UnitOfWork, library: str, rows: list[dict], actor: str, source: str) -> int:
    """Read-only here: the province's file replaces the library as a whole, and the import is audited."""
    if library not in PROVINCE:
        raise Forbidden(f"{library} 不是省级维护的对象库")
    if not rows:
        raise Invalid("文件中没有有效的检查对象", fields={"file": ["没有有效行"]})
    uow.session.execute(delete(Target).where(Target.library == library))
    for row in rows:
        uow.session.add(Target(id=new_id(), library=library, updated_at=uow.now, **row))
    uow.audit(actor, "target_library.imported", f"library:{library}", after={"rows": len(rows), "source": source})
    return len(rows)
