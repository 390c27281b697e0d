"""A visit's team being put together department by department (N2, N5, issue #11): its tables, on draw's
metadata (adapters/db.py imports this module)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from .db import Base


class TeamAssembly(Base):
    """A visit's team being put together, department by department (N2, N5): `inspectors.assigned` is sent once,
    when every part is complete (`assigned_at`), never with a department missing."""
    __tablename__ = "team_assembly"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DepartmentPart(Base):
    """One participating department's part of a visit's team: drawn from its library (`draw`), matched for
    comprehensive enforcement (`match`, S7) or named by the department itself (`named`, 匹配). `inspector_ids`
    are its members now (a replacement takes the replaced member's place); the draw record keeps the original.
    A part that is not complete says why (`reason`, in Chinese, with what would unblock it)."""
    __tablename__ = "department_part"
    __table_args__ = (UniqueConstraint("inspection_id", "department", name="uq_part_inspection_department"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("team_assembly.inspection_id"), index=True)
    department: Mapped[str] = mapped_column(String(20))
    department_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)  # its place in `inspection.departments`
    lead: Mapped[bool] = mapped_column(Boolean, default=False)
    staffing: Mapped[str] = mapped_column(String(20))  # library / named / match
    status: Mapped[str] = mapped_column(String(20), index=True)  # blocked / waiting / complete
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    via: Mapped[str | None] = mapped_column(String(20), nullable=True)  # draw / match / named
    draw_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    inspector_ids: Mapped[list] = mapped_column(JSON, default=list)
    naming_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
