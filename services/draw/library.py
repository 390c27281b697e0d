"""The inspector library (执法人员库, S5): every change is audited with its reason; private contact details
never leave the clerk's view."""
from __future__ import annotations

from shared.errors import Conflict as ConflictError
from shared.errors import Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import Inspector, StatusPeriod

FIELDS = ("name", "unit", "certificate_no", "certificate_issuer", "certificate_expiry", "on_duty", "established",
          "jurisdiction", "expertise", "phone")


def snapshot(inspector: Inspector) -> dict:
    return {k: (str(v) if k == "certificate_expiry" and v else v)
            for k, v in ((k, getattr(inspector, k)) for k in FIELDS)}


def create(uow: UnitOfWork, values: dict, department: tuple[str, str], actor: str, reason: str) -> Inspector:
    if uow.session.get(Inspector, values["id"]) is not None:
        raise ConflictError(f"人员编号 {values['id']} 已存在", fields={"id": ["编号已被使用"]})
    if uow.session.query(Inspector).filter_by(certificate_no=values["certificate_no"]).first():
        raise ConflictError("执法证号已登记", fields={"certificate_no": ["该证号已属于其他人员"]})
    inspector = Inspector(department_code=department[0], department_name=department[1], **values)
    uow.session.add(inspector)
    uow.audit(actor, "inspector.created", f"inspector:{inspector.id}", after=snapshot(inspector), reason=reason)
    return inspector


def change(uow: UnitOfWork, inspector_id: str, values: dict, actor: str, reason: str) -> Inspector:
    inspector = uow.session.get(Inspector, inspector_id)
    if inspector is None:
        raise NotFound("执法人员不存在")
    before = snapshot(inspector)
    for key, value in values.items():
        setattr(inspector, key, value)
    uow.audit(actor, "inspector.changed", f"inspector:{inspector.id}", before=before, after=snapshot(inspector),
              reason=reason)
    return inspector


def add_period(uow: UnitOfWork, inspector_id: str, body: dict, actor: str) -> StatusPeriod:
    if uow.session.get(Inspector, inspector_id) is None:
        raise NotFound("执法人员不存在")
    if body["start"] > body["end"]:
        raise Invalid("期间不合法", fields={"end": ["结束日期不能早于开始日期"]})
    period = StatusPeriod(id=new_id(), inspector_id=inspector_id, kind=body["kind"], start=body["start"],
                          end=body["end"], note=body["note"], recorded_by=actor, recorded_at=uow.now)
    uow.session.add(period)
    uow.audit(actor, "inspector.period_added", f"inspector:{inspector_id}",
              after={"kind": body["kind"], "start": str(body["start"]), "end": str(body["end"])})
    return period


def view(inspector: Inspector, private: bool) -> dict:
    body = {"id": inspector.id, "name": inspector.name, "unit": inspector.unit,
            "department": inspector.department_code, **snapshot(inspector)}
    if not private:
        body.pop("phone")
    return body
