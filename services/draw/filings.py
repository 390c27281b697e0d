"""S5 filings: the quarter's inspector-library change report, and the 15 January headcount that sets the
general-unit quota (S6). A late filing is still accepted, and marked late."""
from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import func, select

from shared.clock import SHANGHAI, iso
from shared.errors import Conflict
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import Filing, Inspector
from .domain.filing import changes_due_on, headcount_due_on, quarter_bounds

CHANGE_ACTIONS = ("inspector.created", "inspector.changed", "inspector.period_added", "conflict.recorded")


def inspector_changes(session, audit_model, period: str) -> list[dict]:
    """Every change to the inspector library during the quarter, from the audit log (S1: nothing else to trust)."""
    start, end = quarter_bounds(period)
    since = datetime.combine(start, time.min, SHANGHAI).astimezone(timezone.utc)
    until = datetime.combine(end, time.max, SHANGHAI).astimezone(timezone.utc)
    rows = session.execute(select(audit_model).where(audit_model.action.in_(CHANGE_ACTIONS),
                                                     audit_model.at >= since, audit_model.at <= until)
                           .order_by(audit_model.seq)).scalars()
    return [{"at": iso(r.at), "actor": r.actor, "action": r.action, "object": r.object, "before": r.before,
             "after": r.after, "reason": r.reason} for r in rows]


def established_on_duty(session, department: str) -> int:
    return session.execute(select(func.count()).select_from(Inspector).where(
        Inspector.department_code == department, Inspector.established.is_(True),
        Inspector.on_duty.is_(True))).scalar_one()


def file(uow: UnitOfWork, kind: str, period: str, actor: str) -> Filing:
    session = uow.session
    if session.execute(select(Filing).where(Filing.kind == kind, Filing.period == period)).scalar() is not None:
        raise Conflict("该期报表已报送备案")
    if kind == "inspector_changes":
        content = {"changes": inspector_changes(session, uow.runtime.models["AuditEntry"], period)}
        due = changes_due_on(period)
    else:
        content = {"count": established_on_duty(session, uow.runtime.deps["policy"].department)}
        due = headcount_due_on(int(period))
    content["late"] = uow.runtime.clock.today_local() > due
    filing = Filing(id=new_id(), kind=kind, period=period, due_on=due, content=content, filed_by=actor,
                    filed_at=uow.now)
    session.add(filing)
    uow.audit(actor, f"filing.{kind}", f"filing:{period}", after={"late": content["late"]})
    return filing


def filed_headcount(session, year: int) -> int | None:
    filing = session.execute(select(Filing).where(Filing.kind == "headcount", Filing.period == str(year))).scalar()
    return filing.content["count"] if filing else None
