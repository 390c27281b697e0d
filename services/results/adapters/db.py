"""results' own database: assignments (read model of the draw), results (append-only, S8)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, service_database

Base, db, messaging = service_database()


class Assignment(Base):
    """Who may record results for which visit, as told by `inspectors.assigned`."""
    __tablename__ = "assignment"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draw_id: Mapped[str] = mapped_column(String(36))
    inspector_ids: Mapped[list] = mapped_column(JSON)
    inspectors: Mapped[list] = mapped_column(JSON)
    inspection: Mapped[dict] = mapped_column(JSON)
    round: Mapped[int] = mapped_column(Integer, default=1)  # a correction re-opens the visit as round 2, …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Result(Base):
    """S8: written once. The unique (inspection, round) makes a second submission impossible even when two
    arrive at the same moment."""
    __tablename__ = "result"
    __table_args__ = (UniqueConstraint("inspection_id", "round", name="uq_result_inspection_round"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    category: Mapped[str] = mapped_column(String(60))
    visit_date: Mapped[date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(JSON)
    company_confirmation: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
