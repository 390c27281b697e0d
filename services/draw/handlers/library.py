"""The inspector library (执法人员库, S5): every change is audited with its reason; an Excel import is
previewed row by row and written only when no row fails."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters import inspector_excel
from ..adapters.db import Inspector, StatusPeriod
from ..commands import AddStatusPeriod, ChangeInspector, ImportInspectors, RegisterInspector
from ..domain.library import snapshot
from ..domain.policy import DrawPolicy
from ..domain.verifiable import POOL_ID_REFUSED, valid_pool_id
from ..queries import ExportInspectors, InspectorLibraryOverview, ListBlocked, ListInspectors, PreviewInspectorImport
from .inspector_draws import retry_blocked
from .naming import list_blocked


def register_inspector(command: RegisterInspector, uow: UnitOfWork, policy: DrawPolicy) -> Inspector:
    values = {k: v for k, v in asdict(command).items() if k not in ("actor", "reason")}
    values["expertise"] = list(values["expertise"])
    values["department_code"] = values["department_code"] or policy.department
    values["department_name"] = values["department_name"] or policy.department
    inspector = _create(uow, values, command.actor, command.reason)
    retry_blocked(uow, policy, inspector.department_code)  # a visit stranded for want of officers is drawn now
    return inspector


def _create(uow: UnitOfWork, values: dict, actor: str, reason: str) -> Inspector:
    if not valid_pool_id(values["id"]):  # issue 13: an id stands in published pools; no separator may hide in it
        raise Invalid(f"人员编号不符合要求：{POOL_ID_REFUSED}", fields={"id": [POOL_ID_REFUSED]})
    if uow.get(Inspector, values["id"]) is not None:
        raise Conflict(f"人员编号 {values['id']} 已存在", fields={"id": ["编号已被使用"]})
    if uow.session.execute(select(Inspector.id).where(Inspector.certificate_no == values["certificate_no"])).first():
        raise Conflict("执法证号已登记", fields={"certificate_no": ["该证号已属于其他人员"]})
    inspector = Inspector(**values)
    uow.add(inspector)
    uow.session.flush()
    uow.audit(actor, "inspector.created", f"inspector:{inspector.id}", after=snapshot(inspector), reason=reason)
    return inspector


def change_inspector(command: ChangeInspector, uow: UnitOfWork, policy: DrawPolicy) -> Inspector:
    inspector = _change(uow, command.inspector_id, command.changes, command.actor, command.reason)
    retry_blocked(uow, policy, inspector.department_code)
    return inspector


def _change(uow: UnitOfWork, inspector_id: str, values: dict, actor: str, reason: str) -> Inspector:
    inspector = uow.get(Inspector, inspector_id)
    if inspector is None:
        raise NotFound("执法人员不存在")
    certificate = values.get("certificate_no")
    if certificate and uow.session.execute(select(Inspector.id).where(Inspector.certificate_no == certificate,
                                                                      Inspector.id != inspector.id)).first():
        raise Conflict("执法证号已登记", fields={"certificate_no": ["该证号已属于其他人员"]})
    before = snapshot(inspector)
    for key, value in values.items():
        setattr(inspector, key, value)
    uow.audit(actor, "inspector.changed", f"inspector:{inspector.id}", before=before, after=snapshot(inspector),
              reason=reason)
    return inspector


def add_status_period(command: AddStatusPeriod, uow: UnitOfWork, policy: DrawPolicy) -> StatusPeriod:
    """A period recorded (or corrected to end sooner) changes who may be drawn: blocked parts are tried again."""
    inspector = uow.get(Inspector, command.inspector_id)
    if inspector is None:
        raise NotFound("执法人员不存在")
    if command.start > command.end:
        raise Invalid("期间不合法", fields={"end": ["结束日期不能早于开始日期"]})
    period = StatusPeriod(id=new_id(), inspector_id=command.inspector_id, kind=command.kind, start=command.start,
                          end=command.end, note=command.note, recorded_by=command.actor, recorded_at=uow.now)
    uow.add(period)
    uow.audit(command.actor, "inspector.period_added", f"inspector:{command.inspector_id}",
              after={"kind": command.kind, "start": str(command.start), "end": str(command.end)})
    retry_blocked(uow, policy, inspector.department_code)
    return period


def preview_inspector_import(query: PreviewInspectorImport, uow: UnitOfWork) -> dict:
    """The dry run: what each row would do; nothing is written (a read-only unit of work)."""
    preview, _ = _preview(uow, inspector_excel.parse(query.data))
    return _answer(preview, dry_run=True)


def import_inspectors(command: ImportInspectors, uow: UnitOfWork, policy: DrawPolicy) -> dict:
    """Create new officers, change existing ones; a file with any failing row writes nothing and answers its
    preview as a dry run."""
    preview, writes = _preview(uow, inspector_excel.parse(command.data))
    if any(row["action"] == "error" for row in preview):
        return _answer(preview, dry_run=True)
    department = (policy.department, command.department_name or policy.department)
    for action, values in writes:
        if action == "create":
            _create(uow, {**values, "department_code": department[0], "department_name": department[1]},
                    command.actor, command.reason)
        else:
            _change(uow, values.pop("id"), values, command.actor, command.reason)
    if writes:
        retry_blocked(uow, policy)
    return _answer(preview, dry_run=False)


def _preview(uow: UnitOfWork, entries: list[dict]) -> tuple[list[dict], list[tuple[str, dict]]]:
    preview, writes = [], []
    for entry in entries:
        if "problems" in entry:
            preview.append({"row": entry["row"], "action": "error", "problems": entry["problems"]})
            continue
        values = entry["values"]
        existing = uow.get(Inspector, values["id"])
        if existing is None:
            preview.append({"row": entry["row"], "action": "create", "id": values["id"]})
            writes.append(("create", values))
            continue
        changes = {k: v for k, v in values.items() if k != "id" and getattr(existing, k) != v}
        preview.append({"row": entry["row"], "action": "change" if changes else "unchanged", "id": values["id"],
                        "fields": sorted(changes)})
        if changes:
            writes.append(("change", {"id": values["id"], **changes}))
    return preview, writes


def _answer(preview: list[dict], dry_run: bool) -> dict:
    return {"dry_run": dry_run, "rows": preview, "errors": sum(1 for p in preview if p["action"] == "error")}


def list_inspectors(query: ListInspectors, uow: UnitOfWork) -> list[Inspector]:
    """The library (every department's registered officers); officers a department only named for a visit are
    not in it."""
    return uow.session.execute(select(Inspector).where(Inspector.source == "library")
                               .order_by(Inspector.id)).scalars().all()


def export_inspectors(query: ExportInspectors, uow: UnitOfWork) -> bytes:
    return inspector_excel.export(list_inspectors(ListInspectors(), uow))


def inspector_library_overview(query: InspectorLibraryOverview, uow: UnitOfWork) -> dict:
    """The clerk's page: whose certificate has expired is decided here, not in the template."""
    inspectors = list_inspectors(ListInspectors(), uow)
    today = uow.today()
    return {"inspectors": inspectors,
            "expired": {i.id for i in inspectors if i.certificate_expiry and i.certificate_expiry < today},
            "periods": uow.session.execute(select(StatusPeriod).order_by(StatusPeriod.start)).scalars().all(),
            "blocked": list_blocked(ListBlocked(), uow)}
