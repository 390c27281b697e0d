"""检查对象库 (S4): the local random-inspection library changes through the clerk (audited); the province's
libraries are replaced wholesale from the province's files and cannot be edited here. Also the reads of
target draws and matchings."""
from __future__ import annotations

from sqlalchemy import delete, select

from shared.errors import Forbidden, Invalid, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Matching, Target, TargetDraw
from ..adapters.target_files import read_rows
from ..commands import ChangeLocalTargets, ImportProvinceLibrary
from ..domain.rules import LOCAL_LIBRARY, PROVINCE_LIBRARIES
from ..queries import CheckProvinceLibrary, GetTargetDraw, ListMatchings, ListTargets
from .draw_reads import Seen, matching_seen, target_draw_seen


def change_local_targets(command: ChangeLocalTargets, uow: UnitOfWork) -> int:
    """The quarterly change set of the local library (S4): new units, changed classes, units gone (`active`)."""
    changed = 0
    for row in command.rows:
        target = uow.session.execute(select(Target).where(Target.library == LOCAL_LIBRARY,
                                                          Target.uscc == row["uscc"])).scalar()
        if target is None:
            target = Target(id=new_id(), library=LOCAL_LIBRARY, uscc=row["uscc"], updated_at=uow.now)
            uow.add(target)
        before = {"name": target.name, "unit_class": target.unit_class, "credit_class": target.credit_class,
                  "active": target.active}
        for key in ("name", "address", "unit_class", "credit_class", "active"):
            if key in row:
                setattr(target, key, row[key])
        target.updated_at = uow.now
        uow.audit(command.actor, "target.changed", f"target:{LOCAL_LIBRARY}:{row['uscc']}", before=before,
                  after=dict(row), reason=command.reason)
        changed += 1
    return changed


def check_province_library(query: CheckProvinceLibrary, uow: UnitOfWork) -> tuple[list[dict], list[str]]:
    return read_rows(query.data)


def import_province_library(command: ImportProvinceLibrary, uow: UnitOfWork) -> tuple[list[dict], list[str], int]:
    """Read-only here: the province's file replaces the library as a whole, and the import is audited. A file
    with a failing row imports nothing; answers (valid rows, problems, imported)."""
    rows, problems = read_rows(command.data)
    if problems:
        return rows, problems, 0
    if command.library not in PROVINCE_LIBRARIES:
        raise Forbidden(f"{command.library} 不是省级维护的对象库")
    if not rows:
        raise Invalid("文件中没有有效的检查对象", fields={"file": ["没有有效行"]})
    uow.session.execute(delete(Target).where(Target.library == command.library))
    for row in rows:
        uow.add(Target(id=new_id(), library=command.library, updated_at=uow.now, **row))
    uow.audit(command.actor, "target_library.imported", f"library:{command.library}",
              after={"rows": len(rows), "source": command.filename})
    return rows, [], len(rows)


def list_targets(query: ListTargets, uow: UnitOfWork) -> list[Target]:
    order = (Target.unit_class, Target.uscc) if query.by_class else (Target.uscc,)
    return uow.session.execute(select(Target).where(Target.library == query.library).order_by(*order)).scalars().all()


def get_target_draw(query: GetTargetDraw, uow: UnitOfWork) -> Seen:
    """The target draw and whether this viewer sees it sealed (N4: no drawn company before its visit)."""
    return target_draw_seen(uow, found(uow.get(TargetDraw, query.target_draw_id), "对象抽取记录不存在"), query.viewer)


def list_matchings(query: ListMatchings, uow: UnitOfWork) -> list[Seen]:
    rows = uow.session.execute(select(Matching).order_by(Matching.matched_at.desc()).limit(query.limit)).scalars()
    return [matching_seen(uow, row, query.viewer) for row in rows]
