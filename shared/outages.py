"""Outages of the database or the broker are waited out, never fatal (issue 14): what counts as an outage, and
the logging that says once that something went away and once that it is back, instead of a traceback per try."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time

from sqlalchemy import exc as sa_exc

try:  # the PostgreSQL driver; absent only in a SQLite-only installation
    from psycopg import OperationalError as PsycopgOperationalError
except ImportError:  # pragma: no cover
    PsycopgOperationalError = sa_exc.OperationalError

log = logging.getLogger(__name__)

# What a failing database raises: the SQLAlchemy wrappers, a pool that cannot hand out a connection, and the
# driver's own error when it escapes SQLAlchemy (e.g. raised inside a pool event).
DATABASE_ERRORS = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, sa_exc.DBAPIError,
                   PsycopgOperationalError)


def is_database_outage(exc: BaseException | None) -> bool:
    """True when `exc` (or what caused it) means "the database is not reachable right now" rather than "this
    statement failed": the first is waited out, the second (a statement timeout, a deadlock, a full disk, a bad
    parameter) goes through the normal retry-then-dead-letter path, or a message failing the same way every time
    would be held and parked for ever. Connection-level only: a pool that cannot hand out a connection, an
    invalidated connection, PostgreSQL's connection-exception class 08 and its shutdown/starting-up states, a
    psycopg error raised before any statement (no SQLSTATE), SQLite's busy/locked/unopenable database."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, sa_exc.TimeoutError):
            return True
        if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
            return True
        if isinstance(exc, sa_exc.OperationalError) and isinstance(exc.orig, OSError):
            return True  # the socket itself: refused, reset, unreachable
        if isinstance(exc, PsycopgOperationalError) or type(exc).__module__.startswith("psycopg"):
            state = getattr(exc, "sqlstate", None)
            if isinstance(exc, PsycopgOperationalError) and state is None:
                return True  # the connection itself failed or was closed: no statement ever ran
            if state and (state.startswith("08") or state in CONNECTION_STATES):
                return True
            if state:
                return False
        if isinstance(exc, sqlite3.OperationalError):
            return any(words in str(exc) for words in SQLITE_OUTAGE_WORDS)
        origin = exc.orig if isinstance(exc, sa_exc.DBAPIError) else None  # the driver's own error
        exc, seen = origin or exc.__cause__ or exc.__context__, seen + 1
    return False


CONNECTION_STATES = ("57P01", "57P02", "57P03")  # admin_shutdown, crash_shutdown, cannot_connect_now
SQLITE_OUTAGE_WORDS = ("database is locked", "unable to open database", "disk I/O error")


def describe(exc: BaseException) -> str:
    """`Class: first line of the message` — never an empty "()" (pika's connection errors often have no text:
    then what they wrap, or their arguments, say what happened)."""
    text = str(exc).strip()
    if not text and exc.args:
        text = "; ".join(describe(a) if isinstance(a, BaseException) else repr(a) for a in exc.args)
    if not text and (exc.__cause__ or exc.__context__):
        text = describe(exc.__cause__ or exc.__context__)
    if not text and not repr(exc).endswith("()"):  # pika's connector errors carry their cause only in repr
        return repr(exc).splitlines()[0][:300]
    first = text.splitlines()[0] if text else "no detail given"
    return f"{type(exc).__name__}: {first[:300]}"


class Outage:
    """One dependency as seen by one part (e.g. "results relay" → "database"): `failed` logs one warning when it
    goes away, `recovered` one info line with how long it was away. Thread-safe, so a consumer's handler threads
    share one."""

    def __init__(self, who: str, what: str, logger: logging.Logger | None = None):
        self.who, self.what, self.log = who, what, logger or log
        self.since: float | None = None
        self.failures = 0
        self.outages = 0
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException, retry_in: float | None = None) -> None:
        with self._lock:
            self.failures += 1
            if self.since is not None:
                self.log.debug("%s: %s still unavailable (%s)", self.who, self.what, describe(exc))
                return
            self.since = time.monotonic()
            self.outages += 1
        when = f"retrying in {retry_in:.1f} s, then with backoff" if retry_in is not None else "waiting for it"
        self.log.warning("%s: %s unavailable (%s); %s", self.who, self.what, describe(exc), when)

    def recovered(self) -> None:
        with self._lock:
            if self.since is None:
                return
            away, self.since = time.monotonic() - self.since, None
        self.log.info("%s: %s reachable again after %.1f s", self.who, self.what, away)
