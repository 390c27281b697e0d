"""Department API tokens known by hash (issue 12), written once for every service that honours them (draw, letters,
results): intake issues the opaque `dept_…` tokens and tells only their SHA-256 (`department.token_rotated`); each
of these services keeps the current hash per department in its own `department_token` table, so the token is
valid there too. A service binds the model to its `Base`, adds the handlers and the consumer to its own, and
registers the resolver in its app:

    DepartmentToken = department_token_model(Base)                      # adapters/db.py
    HANDLERS = {**department_token_handlers(DepartmentToken), ...}       # handlers/__init__.py
    CONSUMERS = {**CONSUMERS_ENTRY, ...}                                 # consumers.py
    create_service_app(..., token_resolvers=[token_resolver(handle)])    # app.py
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .auth import department_token_resolver
from .bus import Query
from .clock import utc
from .db import UTCDateTime
from .events import Event
from .uow import UnitOfWork

EVENT = "department.token_rotated"


class DepartmentTokenMixin:
    """A department's current API token, by hash only (from intake's `department.token_rotated`). One row per
    department; a newer rotation replaces the hash. The table is what each service's migration creates."""

    __tablename__ = "department_token"
    department: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rotated_at: Mapped[datetime] = mapped_column(UTCDateTime())


def department_token_model(base: type[DeclarativeBase]) -> type:
    """Bind the `department_token` table to one service's declarative base."""
    return type("DepartmentToken", (DepartmentTokenMixin, base), {"__doc__": DepartmentTokenMixin.__doc__})


@dataclass(frozen=True)
class RecordDepartmentToken:
    """intake's `department.token_rotated`: the department's current API token, by its SHA-256 only; a newer
    rotation replaces an older one, a stale or repeated event changes nothing."""
    department: str
    token_hash: str
    rotated_at: str  # UTC ISO


@dataclass(frozen=True)
class DepartmentOfToken(Query):
    """The department whose current API token has this SHA-256, or None."""
    token_hash: str


def department_token_handlers(model: type) -> dict[type, Callable]:
    """The two handlers of one service, on its own `DepartmentToken` model: the HANDLERS entries."""

    def record_department_token(cmd: RecordDepartmentToken, uow: UnitOfWork) -> None:
        """The newest rotation wins: the old token stops working here as it does in intake."""
        at = utc(datetime.fromisoformat(cmd.rotated_at.replace("Z", "+00:00")))
        row = uow.get(model, cmd.department)
        if row is not None and utc(row.rotated_at) >= at:
            return
        if row is None:
            row = model(department=cmd.department)
            uow.add(row)
        row.token_hash, row.rotated_at = cmd.token_hash, at

    def department_of_token(query: DepartmentOfToken, uow: UnitOfWork) -> str | None:
        return uow.session.execute(select(model.department).where(model.token_hash == query.token_hash)).scalar()

    return {RecordDepartmentToken: record_department_token, DepartmentOfToken: department_of_token}


def department_token_rotated(event: Event) -> RecordDepartmentToken:
    data = event.data
    return RecordDepartmentToken(data["department"], data["token_hash"], data["rotated_at"])


CONSUMERS_ENTRY = {EVENT: department_token_rotated}


def token_resolver(handle: Callable[[Any], Any]):
    """The app's resolver for department API tokens: `handle` is the service's `shared.web.handle` (its bus)."""
    return department_token_resolver(lambda token_hash: handle(DepartmentOfToken(token_hash)))
