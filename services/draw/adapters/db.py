"""draw's own database: the inspector library, accounts, seed commitments and draw records (design §1)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, service_database

Base, db, messaging = service_database()


class Inspector(Base):
    """执法人员库 (S5)."""
    __tablename__ = "inspector"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str] = mapped_column(String(20), index=True)
    department_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(100))  # squadron (中队)
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    certificate_issuer: Mapped[str] = mapped_column(String(200), default="")
    certificate_expiry: Mapped[date | None] = mapped_column(Date, nullable=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    established: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str] = mapped_column(String(40), default="")  # private: never in public records


class Account(Base):
    """People who log in: clerks, approvers, inspectors. Passwords hashed by werkzeug."""
    __tablename__ = "account"
    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(100))
    department_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    inspector_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class SeedCommitment(Base):
    """A seed whose hash is published before any pool that uses it is known (design §4)."""
    __tablename__ = "seed_commitment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    seed_hash: Mapped[str] = mapped_column(String(64), unique=True)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_by: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)


class DrawRecord(Base):
    """N4: an immutable snapshot — pool, parameters, seed, result, operator, time."""
    __tablename__ = "draw_record"
    __table_args__ = (UniqueConstraint("inspection_id", "purpose", name="uq_draw_inspection_purpose"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    algorithm: Mapped[str] = mapped_column(String(20))
    sources: Mapped[list] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(Text)
    pool: Mapped[list] = mapped_column(JSON)
    pool_hash: Mapped[str] = mapped_column(String(128))
    excluded: Mapped[list] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)
    selected: Mapped[list] = mapped_column(JSON)
    commitment_id: Mapped[int] = mapped_column(Integer)
    operator: Mapped[str] = mapped_column(String(100))
    visit_start: Mapped[date] = mapped_column(Date)
    inspectors: Mapped[list] = mapped_column(JSON)  # names are confidential before the visit (N4)
    inspection: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DrawBlocked(Base):
    """An inspection that cannot be drawn (too few eligible inspectors): visible, never a partial team."""
    __tablename__ = "draw_blocked"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    inspection: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
