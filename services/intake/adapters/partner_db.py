"""What intake keeps for the partner departments (issue #12): each department's own event log (the pull feed), its
webhooks, one delivery row per (webhook, event) and every attempt. Declared on intake's metadata (adapters/db.py
imports this module), so the migrations know them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime

from .db import Base


class PartnerFeed(Base):
    """One row per department: the last cursor handed out. Taking the next one locks this row until commit, so a
    department's cursors become visible in the order they were given: a reader never skips a later-committed one."""
    __tablename__ = "partner_feed"
    department: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class PartnerEvent(Base):
    """A partner-facing event of one department, the CloudEvent exactly as received (same `id` by every way)."""
    __tablename__ = "partner_event"
    __table_args__ = (UniqueConstraint("department", "event_id", name="uq_partner_event_department_event"),)
    department: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(120))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Webhook(Base):
    """A department's webhook target. The secret signs every delivery, so it is kept (never shown again)."""
    __tablename__ = "webhook"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department: Mapped[str] = mapped_column(String(20), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebhookDelivery(Base):
    """One event to one webhook: pending → delivered, or failed once retried for the whole retry window.
    `next_attempt_at` is also the claim: a sender moves it past its lease, so a crash only delays a delivery."""
    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id", name="uq_webhook_delivery_event"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhook.id"), index=True)
    department: Mapped[str] = mapped_column(String(20), index=True)
    event_seq: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending / delivered / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())  # retried until this + the retry window
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class WebhookAttempt(Base):
    """Every attempt, kept: its HTTP status or the error, when, and how long it took."""
    __tablename__ = "webhook_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
