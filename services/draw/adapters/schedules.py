"""The visit schedule (issue #11): one row per visit — its team as draw announced it (`inspectors.assigned`, then
`inspectors.replaced`), its window, and the one visit time the leader or a clerk fixed, with every change. The model
lives here beside its reads; adapters/db.py imports this module so draw's metadata (and the migrations) know it."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.clock import utc
from shared.db import UTCDateTime

from .db import Base


class VisitSchedule(Base):
    """When a visit happens. `scheduled_at` (UTC) stays empty until fixed; `version` counts the times it was fixed
    (1 first, +1 at every change); `history` keeps each version with who, when and why (the audit log too)."""
    __tablename__ = "visit_schedule"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    leader_id: Mapped[str] = mapped_column(String(36), index=True)
    team: Mapped[list] = mapped_column(JSON)  # asyncapi Inspector dicts, the leader first (names confidential, N4)
    departments: Mapped[list] = mapped_column(JSON)  # [{code, name, lead}] of the participating departments
    plan: Mapped[dict] = mapped_column(JSON)
    company: Mapped[dict] = mapped_column(JSON)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    scheduled_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    history: Mapped[list] = mapped_column(JSON, default=list)
    team_as_of: Mapped[datetime] = mapped_column(UTCDateTime())  # the event time of the team kept: older is stale


def led_by(session, inspector_id: str) -> list[VisitSchedule]:
    """The visits this officer leads, those still without a time first, then by window."""
    rows = session.execute(select(VisitSchedule).where(VisitSchedule.leader_id == inspector_id)
                           .order_by(VisitSchedule.window_start, VisitSchedule.inspection_id)).scalars().all()
    return sorted(rows, key=lambda row: row.scheduled_at is not None)


def unscheduled(session) -> list[VisitSchedule]:
    return session.execute(select(VisitSchedule).where(VisitSchedule.scheduled_at.is_(None))
                           .order_by(VisitSchedule.window_start, VisitSchedule.inspection_id)).scalars().all()


def fixed_visit_day(session, inspection_id: str | None, tz: ZoneInfo) -> date | None:
    """N4: the local date of the fixed visit time, or None while none is fixed (or for a target draw)."""
    if not inspection_id:
        return None
    at = session.execute(select(VisitSchedule.scheduled_at)
                         .where(VisitSchedule.inspection_id == inspection_id)).scalar()
    return utc(at).astimezone(tz).date() if at else None


def plan_visit_times(session, plan_id: str) -> dict[str, datetime | None]:
    """Each company's fixed visit time in one plan (credit code → UTC time, None while unfixed): when a target
    draw's companies may be named in public (N4). A company with two visits in the plan keeps the later time."""
    rows = session.execute(select(VisitSchedule.company, VisitSchedule.scheduled_at)
                           .where(VisitSchedule.plan["id"].as_string() == plan_id)).all()
    times: dict[str, datetime | None] = {}
    for company, at in rows:
        uscc = company.get("uscc")
        unfixed = at is None or (uscc in times and times[uscc] is None)
        times[uscc] = None if unfixed else max(utc(at), times.get(uscc) or utc(at))
    return times
