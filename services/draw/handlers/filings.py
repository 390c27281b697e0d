"""S5 filings: the quarter's inspector-library change report, and the 15 January headcount that sets the
general-unit quota (S6). A late filing is still accepted, and marked late."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import select

from shared.clock import iso
from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.db import Filing
from ..commands import FileReport
from ..domain.filing import changes_due_on, headcount_due_on, quarter_bounds
from ..domain.policy import DrawPolicy
from ..queries import ListFilings, QuarterChanges
from .target_draws import established_on_duty

KINDS = ("inspector_changes", "headcount")
CHANGE_ACTIONS = ("inspector.created", "inspector.changed", "inspector.period_added", "conflict.recorded")


def inspector_changes(uow: UnitOfWork, period: str) -> list[dict]:
    """Every change to the inspector library during the quarter, from the audit log (S1: nothing else to trust)."""
    audit_model = uow.models["AuditEntry"]
    start, end = quarter_bounds(period)
    since = datetime.combine(start, time.min, uow.clock.tz).astimezone(timezone.utc)
    until = datetime.combine(end, time.max, uow.clock.tz).astimezone(timezone.utc)
    rows = uow.session.execute(select(audit_model).where(audit_model.action.in_(CHANGE_ACTIONS),
                                                         audit_model.at >= since, audit_model.at <= until)
                               .order_by(audit_model.seq)).scalars()
    return [{"at": iso(r.at), "actor": r.actor, "action": r.action, "object": r.object, "before": r.before,
             "after": r.after, "reason": r.reason} for r in rows]


def quarter_changes(query: QuarterChanges, uow: UnitOfWork) -> dict:
    try:
        due = changes_due_on(query.period)
    except ValueError:
        raise Invalid("期间格式应为 2026Q4", fields={"period": ["格式不正确"]}) from None
    return {"period": query.period, "due_on": str(due), "changes": inspector_changes(uow, query.period)}


def file_report(command: FileReport, uow: UnitOfWork, policy: DrawPolicy) -> Filing:
    kind, period = command.kind, command.period
    if kind not in KINDS:
        raise Invalid("报表类型不正确", fields={"kind": ["应为 inspector_changes 或 headcount"]})
    try:
        due = changes_due_on(period) if kind == "inspector_changes" else headcount_due_on(int(period))
    except ValueError:
        raise Invalid("期间格式不正确", fields={"period": ["季度如 2026Q4，年度如 2027"]}) from None
    if uow.session.execute(select(Filing).where(Filing.kind == kind, Filing.period == period)).scalar() is not None:
        raise Conflict("该期报表已报送备案")
    if kind == "inspector_changes":
        content = {"changes": inspector_changes(uow, period)}
    else:
        content = {"count": established_on_duty(uow.session, policy.department)}
    content["late"] = uow.today() > due
    filing = Filing(id=new_id(), kind=kind, period=period, due_on=due, content=content, filed_by=command.actor,
                    filed_at=uow.now)
    uow.add(filing)
    uow.audit(command.actor, f"filing.{kind}", f"filing:{period}", after={"late": content["late"]})
    return filing


def list_filings(query: ListFilings, uow: UnitOfWork) -> list[Filing]:
    """What the detachment has received (S5), newest first."""
    return uow.session.execute(select(Filing).order_by(Filing.filed_at.desc())).scalars().all()
