"""Revoked login sessions (issue 13), written once for every service: login tokens are checked statelessly with
SECRET_KEY, so logout and password change (in draw, which keeps the accounts) must reach every service. draw records
the revocation in its own `revoked_session` table and tells the others with `account.sessions_revoked`
{revocation_id, subject, session_id, before}; each keeps the same table, and `current_principal` refuses a token
whose session is listed (logout) or which was issued at or before a subject-wide `before` (password change).

    RevokedSession = revoked_session_model(Base)                          # adapters/db.py
    HANDLERS = {**revoked_session_handlers(RevokedSession), ...}          # handlers/__init__.py
    CONSUMERS = {**CONSUMERS_ENTRY, ...}                                  # consumers.py (not draw: it writes directly)
(`create_service_app` asks the bus `SessionRevoked` for every signed token.)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import String, or_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .bus import Query
from .clock import utc
from .db import UTCDateTime
from .events import Event
from .uow import UnitOfWork

EVENT = "account.sessions_revoked"


class RevokedSessionMixin:
    """One revocation: of one session (logout: `session_id`) or of every session of `subject` issued at or before
    `before` (password change: `session_id` empty). Rows are only added; a repeated event finds its id."""

    __tablename__ = "revoked_session"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(60), index=True)
    session_id: Mapped[str] = mapped_column(String(40), default="")
    before: Mapped[datetime] = mapped_column(UTCDateTime())


def revoked_session_model(base: type[DeclarativeBase]) -> type:
    """Bind the `revoked_session` table to one service's declarative base."""
    return type("RevokedSession", (RevokedSessionMixin, base), {"__doc__": RevokedSessionMixin.__doc__})


@dataclass(frozen=True)
class RecordSessionRevocation:
    """draw's `account.sessions_revoked`: from now on this service refuses the session (or the subject's sessions
    issued before `before`) too."""
    revocation_id: str
    subject: str
    session_id: str  # "" for every session of the subject issued at or before `before`
    before: str  # UTC ISO, milliseconds


@dataclass(frozen=True)
class SessionRevoked(Query):
    """Whether a signed token (its subject, session id and issue time in epoch seconds) was revoked here."""
    subject: str
    session_id: str
    issued_at: float


def record_revocation(uow: UnitOfWork, model: type, cmd: RecordSessionRevocation) -> None:
    if uow.get(model, cmd.revocation_id) is not None:
        return
    before = utc(datetime.fromisoformat(cmd.before.replace("Z", "+00:00")))
    uow.add(model(id=cmd.revocation_id, subject=cmd.subject, session_id=cmd.session_id, before=before))


def revoked_session_handlers(model: type) -> dict[type, Callable]:
    """The two handlers of one service, on its own `RevokedSession` model: the HANDLERS entries."""

    def record_session_revocation(cmd: RecordSessionRevocation, uow: UnitOfWork) -> None:
        record_revocation(uow, model, cmd)

    def session_revoked(query: SessionRevoked, uow: UnitOfWork) -> bool:
        issued = datetime.fromtimestamp(query.issued_at, timezone.utc)
        whole = (model.session_id == "") & (model.before >= issued)
        one = (model.session_id == query.session_id) if query.session_id else None
        condition = or_(whole, one) if one is not None else whole
        found = uow.session.execute(select(model.id).where(model.subject == query.subject, condition).limit(1))
        return found.first() is not None

    return {RecordSessionRevocation: record_session_revocation, SessionRevoked: session_revoked}


def sessions_revoked(event: Event) -> RecordSessionRevocation:
    data = event.data
    return RecordSessionRevocation(data["revocation_id"], data["subject"], data.get("session_id") or "",
                                   data["before"])


CONSUMERS_ENTRY = {EVENT: sessions_revoked}
