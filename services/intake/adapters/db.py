"""intake's own database: departments, the item catalog, plans, joint tasks and inspections (design §1)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, service_database
from shared.sessions import revoked_session_model

Base, messaging = service_database()


class Department(Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("broker_user", name="uq_department_broker_user"),)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # market_regulation / eco_environment / other
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    token_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    broker_user: Mapped[str | None] = mapped_column(String(100), nullable=True)  # AMQP task path: RabbitMQ user
    # S12: when this department leads a visit it issues the joint letter under its own name and 机关代字
    issuer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    issuer_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # N2: "library" — its officers are in the platform's inspector library and are drawn; "named" — it names them
    staffing: Mapped[str] = mapped_column(String(20), default="library", server_default="library")


class Item(Base):
    """N1: an item carries its owner department, method and legal basis."""
    __tablename__ = "item"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(String(200), default="")
    key_points: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(40))
    item_class: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ItemVersion(Base):
    """Every state of every catalog item, so a task can always be read against the catalog it was made with."""
    __tablename__ = "item_version"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Plan(Base):
    __tablename__ = "plan"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    module: Mapped[str] = mapped_column(String(20))
    lead_department: Mapped[str] = mapped_column(ForeignKey("department.code"))
    partners: Mapped[list] = mapped_column(JSON)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    intake_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # draft → open (published) → dispatched
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Inspection(Base):
    """N5: one visit per (plan, company), whatever the number of departments."""
    __tablename__ = "inspection"
    __table_args__ = (UniqueConstraint("plan_id", "company_uscc", name="uq_inspection_plan_company"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), index=True)
    company_uscc: Mapped[str] = mapped_column(String(18))
    company_name: Mapped[str] = mapped_column(String(300))
    company_address: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="collecting")  # collecting → ready; withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class JointTask(Base):
    __tablename__ = "joint_task"
    __table_args__ = (UniqueConstraint("department_code", "external_id", name="uq_task_department_external"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id"), index=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    external_id: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    items: Mapped[list] = mapped_column(JSON)
    window_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    window_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    upstream_draw_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    channel: Mapped[str] = mapped_column(String(10), default="http")  # http / batch / amqp
    uscc_override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="accepted")  # accepted → withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Rejection(Base):
    """A task that was refused, with its field-level reasons: nothing a department sent is silently dropped."""
    __tablename__ = "rejection"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    channel: Mapped[str] = mapped_column(String(10))
    body: Mapped[dict] = mapped_column(JSON)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolution_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


RevokedSession = revoked_session_model(Base)  # sessions ended by logout / password change (`account.sessions_revoked`)

from . import partner_db  # noqa: E402,F401  (the partner feed and webhooks: on this metadata)
