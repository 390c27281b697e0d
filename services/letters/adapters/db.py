"""letters' own database: documents and document-number sequences (design §1)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UTCDateTime, service_database
from shared.department_tokens import department_token_model
from shared.sessions import revoked_session_model

Base, messaging = service_database()


class NumberSequence(Base):
    """N10: one counter per issuer per year; the row is the lock that keeps numbers gap- and duplicate-free."""
    __tablename__ = "number_sequence"
    issuer_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Document(Base):
    __tablename__ = "document"
    # sealed (shared/sealing.py): what was issued; `status` and `revoked_reason` change when it is revoked
    __audit_content__ = ("id", "inspection_id", "kind", "issuer_code", "year", "seq", "number", "version",
                         "verification_code", "inspector_ids", "content", "created_at")
    __table_args__ = (UniqueConstraint("issuer_code", "year", "seq", "kind", name="uq_document_number_kind"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    issuer_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="current")  # current / revoked
    revoked_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)  # shown on the verification page
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    inspector_ids: Mapped[list] = mapped_column(JSON)
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DocumentFile(Base):
    """The rendered PDF, kept apart so listing documents never loads megabytes. Written after the document is
    issued (issue 15): a document without its file is waiting for the render loop, or for the first reader, who
    renders it on demand. `content_hash` (content + assets + renderer version) lets an identical render be reused."""
    __tablename__ = "document_file"
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    content_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RenderedBatch(Base):
    """A batch print (many letters as one PDF) by the hash of what it prints, so printing the same letters again
    renders nothing; only the newest few are kept (adapters/rendering.py)."""
    __tablename__ = "rendered_batch"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Visit(Base):
    """What letters knows of one visit: its team (`inspectors.assigned` / `inspectors.replaced`) and its fixed time
    (`visit.scheduled`). The set is issued once both are known, whichever arrives second; until then the visit
    shows as 待定检查时间. `schedule` keeps the newest version, so a stale or repeated announcement is ignored."""
    __tablename__ = "visit"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    inspectors: Mapped[list | None] = mapped_column(JSON(none_as_null=True), nullable=True)  # the leader marked
    schedule: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)  # UTC, local, version…
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IssueFailure(Base):
    """A set that could not be issued (e.g. a name with a character no font has): visible to clerks with its
    reason and retried on request — never a letter with a blank box, never a silently dropped event."""
    __tablename__ = "issue_failure"
    inspection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reason: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Seal(Base):
    """A seal image uploaded by the bureau (GB/T 9704 §7.3.5: the seal is the bureau's own, never drawn by
    software). Rows are never changed: the newest upload of an issuer is used for new documents, and each
    document names the seal (by SHA-256) it was issued with, so a reprint shows the same seal."""
    __tablename__ = "seal"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    issuer_code: Mapped[str] = mapped_column(String(40), index=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


DepartmentToken = department_token_model(Base)  # department API tokens by hash (`department.token_rotated`)
RevokedSession = revoked_session_model(Base)  # sessions ended by logout / password change (`account.sessions_revoked`)
