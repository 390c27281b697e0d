"""results' own database: assignments (read model of the draw), the fixed visit time, the company's confirmation,
one result per department and round (append-only, S8)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.db import UTCDateTime, service_database
from shared.department_tokens import department_token_model
from shared.sessions import revoked_session_model

Base, messaging = service_database()


class Assignment(Base):
    """Who may record results for which visit, as told by `inspectors.assigned`: the whole team, and per
    department its part (`parts`: [{department, via, draw_id, inspector_ids}]) — a department's members record
    that department's items only (谁检查、谁录入). A department's round is not kept here: it follows from its
    results (a voided round is followed by the next)."""
    __tablename__ = "assignment"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draw_id: Mapped[str] = mapped_column(String(36))
    leader_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    inspector_ids: Mapped[list] = mapped_column(JSON)
    inspectors: Mapped[list] = mapped_column(JSON)
    parts: Mapped[list] = mapped_column(JSON)
    inspection: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VisitSchedule(Base):
    """The fixed visit time, as told by `visit.scheduled` (the latest version wins); may arrive before the team."""
    __tablename__ = "visit_schedule"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    local_time: Mapped[str] = mapped_column(String(20))  # Beijing time, "2026-12-03 09:30"
    version: Mapped[int] = mapped_column(Integer)
    scheduled_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Confirmation(Base):
    """S9: the company signs the record once for the whole joint visit (`scope` "visit"); a department's
    re-inspection after a correction is its own sitting (`scope` "<dept>#<round>"). Every department's result
    references it. Written once."""
    __tablename__ = "confirmation"
    __table_args__ = (UniqueConstraint("inspection_id", "scope", name="uq_confirmation_inspection_scope"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    scope: Mapped[str] = mapped_column(String(40))
    body: Mapped[dict] = mapped_column(JSON)  # {name, confirmed_at} | {scan} | {refused}
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Result(Base):
    """S8: one department's result of one round, written once. The unique (inspection, department, round) makes
    a second submission impossible even when two arrive at the same moment."""
    __tablename__ = "result"
    # sealed (shared/sealing.py): S8, a submitted result is written once, every column
    __audit_content__ = ("id", "inspection_id", "department", "round", "status", "category", "visit_date", "items",
                         "company_confirmation", "confirmation_id", "submitted_by", "submitted_at",
                         "publication_due", "published_late")
    __table_args__ = (UniqueConstraint("inspection_id", "department", "round",
                                       name="uq_result_inspection_department_round"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    department: Mapped[str] = mapped_column(String(20), index=True)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    category: Mapped[str] = mapped_column(String(60))
    visit_date: Mapped[date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(JSON)
    company_confirmation: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # a copy of the confirmation's
    confirmation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # None: before issue 11
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # N7: submitting publishes; due 20 working days after the visit, late ones are flagged for good.
    publication_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    published_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ResultVoid(Base):
    """S8 correction: the voided result stays as it was; this row marks it void and links the approved
    correction. (A separate row, so no result row is ever updated.)"""
    __tablename__ = "result_void"
    __audit_content__ = ("result_id", "correction_id", "voided_by", "voided_at")  # sealed (shared/sealing.py)
    result_id: Mapped[str] = mapped_column(ForeignKey("result.id"), primary_key=True)
    correction_id: Mapped[str] = mapped_column(String(36))
    voided_by: Mapped[str] = mapped_column(String(100))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Draft(Base):
    """A department's result being written by one of its members (on a phone, maybe over several sittings). Not a
    result: it may change freely and is deleted when the department's result is submitted."""
    __tablename__ = "draft"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department: Mapped[str] = mapped_column(String(20), primary_key=True)
    inspector_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Evidence(Base):
    """Photos and scans, stored once under their SHA-256 (content-addressed): the name proves the content."""
    __tablename__ = "evidence"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Correction(Base):
    """S8: a written, signed application to correct one department's submitted result: approved by the
    sub-bureau's approver (pending → approved), then decided by the detachment (approved → confirmed, which voids
    the result); either may refuse (rejected)."""
    __tablename__ = "correction"
    # sealed (shared/sealing.py): the application as filed; the decisions that follow change their own columns
    __audit_content__ = ("id", "result_id", "inspection_id", "department", "reason", "application_sha256",
                         "requested_by", "requested_at")
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("result.id"), index=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    department: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    application_sha256: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending/approved/confirmed/rejected
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the approver
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    detachment_by: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the detachment's decision
    detachment_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    detachment_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Rectification(Base):
    """S10: one per problem found, under the department whose item it is, due 3 months after the visit."""
    __tablename__ = "rectification"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("result.id"), index=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    department: Mapped[str] = mapped_column(String(20), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    item_name: Mapped[str] = mapped_column(String(200))
    company: Mapped[dict] = mapped_column(JSON)
    problem: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / completed / cancelled
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RectificationProgress(Base):
    """Append-only progress entries; after the deadline each must give the reason for the delay (S10)."""
    __tablename__ = "rectification_progress"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rectification_id: Mapped[str] = mapped_column(ForeignKey("rectification.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    delay_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Publication(Base):
    """N8: what the public sees of a department's result (its own items, its own category), written when that
    department submits; a voided result's row drops out of the feed through result_void."""
    __tablename__ = "publication"
    # the feed's order (newest visit first) and its two filters, each with the order behind it, so a page of 20 is
    # read off an index however many rows there are; on PostgreSQL each also carries the two ids the feed leaves
    # out by (voided, visit ahead), so the total is counted from the index alone (issue 15, bench/feed_page.py)
    __table_args__ = tuple(Index(name, *columns, postgresql_include=["result_id", "inspection_id"])
                           for name, columns in (("ix_publication_feed", ("visit_date", "id")),
                                                 ("ix_publication_department_feed", ("department", "visit_date", "id")),
                                                 ("ix_publication_plan_feed", ("plan_id", "visit_date", "id"))))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("result.id"), index=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    department: Mapped[str] = mapped_column(String(20))
    department_name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str] = mapped_column(String(200), index=True)
    company_uscc: Mapped[str] = mapped_column(String(18), index=True)
    plan_id: Mapped[str] = mapped_column(String(36))
    plan_name: Mapped[str] = mapped_column(String(200))
    visit_date: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(60))
    items: Mapped[list] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ResultSummary(Base):
    """N8, issue 13: the public summary of a department's result, written by that department's approver; each
    save is a new version (the earlier ones are kept, S1). Nothing of the findings is public until a version is
    released (`released_at`); the public sees the latest released version, masked (shared/masking.py)."""
    __tablename__ = "result_summary"
    __table_args__ = (UniqueConstraint("result_id", "version", name="uq_result_summary_result_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("result.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


DepartmentToken = department_token_model(Base)  # department API tokens by hash (`department.token_rotated`)
RevokedSession = revoked_session_model(Base)  # sessions ended by logout / password change (`account.sessions_revoked`)


APPEND_ONLY = (Result, ResultVoid, Evidence, RectificationProgress, Publication, Confirmation)


class AppendOnlyViolation(RuntimeError):
    """A code path tried to change or delete a submitted result or its evidence (S8): a bug, refused."""


@sa_event.listens_for(Session, "before_flush")
def _refuse_changes_to_written_records(session, flush_context, instances) -> None:
    """S8 for every code path, not only the endpoints: a flush that would UPDATE or DELETE a result, a void
    mark, evidence or a progress entry fails, and the transaction with it."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, APPEND_ONLY) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(f"{type(obj).__name__} is append-only")
