"""Database plumbing written once: engine options, the messaging/audit tables every service has.

Each service declares its own `Base` and binds these mixins to it, so each keeps its own database
(design §1: services never read each other's tables) while outbox/inbox/audit behave identically.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


class UTCDateTime(DateTime):
    """Timezone-aware on PostgreSQL; SQLite returns naive values that are UTC by convention."""

    def __init__(self):
        super().__init__(timezone=True)


class OutboxMixin:
    """Design §3.1: events are rows written in the same transaction as the state change."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(120))
    routing_key: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


class InboxMixin:
    """Design §3.3: one row per (queue, event id) processed, committed with the handler's effects."""

    __tablename__ = "inbox"
    queue: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeadLetterMixin:
    """Embedded mode's `<queue>.dead`: a message that kept failing, kept for an operator to replay."""

    __tablename__ = "dead_letter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue: Mapped[str] = mapped_column(String(200), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditMixin:
    """S1 / design §6: who, what, why, when — chained by hashes so a silent edit breaks the chain."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    object: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpointMixin:
    """Issue 13: a signed statement "the chain's head was entry `seq` with hash `head_hash` at `at`", published and
    sent to every department, so a later rewrite or truncation of the chain contradicts it (shared/checkpoints.py)."""

    __tablename__ = "audit_checkpoint"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(100))


def messaging_models(base: type[DeclarativeBase]) -> dict[str, type]:
    """Bind the shared tables to one service's declarative base."""
    return {
        "Outbox": type("Outbox", (OutboxMixin, base),
                       {"__table_args__": (Index("ix_outbox_pending", "published_at", "seq"),)}),
        "Inbox": type("Inbox", (InboxMixin, base), {}),
        "DeadLetter": type("DeadLetter", (DeadLetterMixin, base), {}),
        "AuditEntry": type("AuditEntry", (AuditMixin, base), {}),
        "AuditCheckpoint": type("AuditCheckpoint", (AuditCheckpointMixin, base), {}),
    }


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    options = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}
    if "connect_timeout=" not in url:  # an unreachable host answers in 5 s, not after the OS's ~2 min (issue 14)
        options["connect_args"] = {"connect_timeout": 5}
    return options


READ_ONLY = "jointinspect_read_only"


def make_engine(url: str) -> Engine:
    """One engine per service database. On SQLite the driver's own transaction handling is switched off and every
    transaction starts with `BEGIN IMMEDIATE` (SQLAlchemy's documented pysqlite recipe): a batch is then really one
    transaction (pysqlite would otherwise commit at each savepoint RELEASE) and a second writer waits for the
    first (busy timeout) instead of failing with "database is locked" half-way. Read-only units of work
    (`READ_ONLY` execution option) begin DEFERRED, so readers never queue behind writers (WAL)."""
    engine = create_engine(url, **engine_options(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see make_engine)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def session_factories(engine: Engine) -> tuple[sessionmaker, sessionmaker]:
    """(writing, reading) session makers. Objects stay readable after the unit of work ends (no expiry on commit),
    so a handler's answer can be presented after its session is closed."""
    return (sessionmaker(bind=engine, expire_on_commit=False),
            sessionmaker(bind=engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False))


def service_database() -> tuple[type[DeclarativeBase], dict[str, type]]:
    """A service's own declarative base and its messaging tables."""
    base = type("Base", (DeclarativeBase,), {"__doc__": "Declarative base of one service's own database."})
    return base, messaging_models(base)


def advisory_key(name: str) -> int:
    """A PostgreSQL advisory lock key (signed 64-bit) for `name`: stable across processes and Python versions
    (not `hash()`), so every worker of a service agrees on it."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def is_postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
