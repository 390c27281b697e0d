"""Outage helpers (issue 14): which errors are "the database is away" (waited out) rather than a bug (retried,
then dead-lettered), log lines that name the reason, and one line per outage rather than one per try."""
from __future__ import annotations

import logging

import pytest
from pika.exceptions import AMQPConnectionError
from sqlalchemy import exc as sa_exc

from shared.outages import Outage, describe, is_database_outage
from shared.topology import parse_delays

pytestmark = pytest.mark.unit


def test_an_unreachable_database_is_an_outage_and_a_constraint_violation_is_not():
    refused = sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connection refused"))
    assert is_database_outage(refused)
    assert is_database_outage(RuntimeError("wrapped")) is False
    try:
        try:
            raise refused
        except sa_exc.OperationalError as inner:
            raise RuntimeError("handler failed") from inner
    except RuntimeError as outer:
        assert is_database_outage(outer), "an outage wrapped by a handler is still an outage"
    integrity = sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key"))
    assert not is_database_outage(integrity)
    assert not is_database_outage(ValueError("bad data"))
    invalidated = sa_exc.DBAPIError("SELECT 1", {}, Exception("server closed the connection"),
                                    connection_invalidated=True)
    assert is_database_outage(invalidated)


def test_only_connection_level_database_errors_are_outages():
    """A statement timeout or a deadlock is an OperationalError too, but it fails the same message every time:
    counted as an outage, that message would be held and parked for ever instead of dead-lettered (review)."""
    import sqlite3

    import psycopg
    from psycopg import errors as pg
    assert is_database_outage(sa_exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed")))
    assert is_database_outage(sa_exc.OperationalError("SELECT 1", {}, pg.AdminShutdown("terminating")))
    assert not is_database_outage(sa_exc.OperationalError("SELECT 1", {}, pg.QueryCanceled("statement timeout")))
    assert not is_database_outage(sa_exc.OperationalError("SELECT 1", {}, pg.DeadlockDetected("deadlock")))
    assert not is_database_outage(sa_exc.OperationalError("SELECT 1", {}, pg.DiskFull("no space")))
    assert is_database_outage(sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")))
    assert not is_database_outage(sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table")))
    assert not is_database_outage(sa_exc.InterfaceError("SELECT 1", {}, sqlite3.InterfaceError("bad parameter")))


def test_a_reason_names_the_class_and_is_never_empty():
    assert describe(RuntimeError("handler bug\nsecond line")) == "RuntimeError: handler bug"
    assert describe(AMQPConnectionError()) == "AMQPConnectionError: no detail given"
    nested = AMQPConnectionError(ConnectionRefusedError(111, "Connection refused"))
    assert describe(nested) == "AMQPConnectionError: [Errno 111] Connection refused"
    assert "()" not in describe(AMQPConnectionError(OSError()))


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(caplog):
    caplog.set_level(logging.DEBUG, logger="test.outage")
    outage = Outage("results relay", "database", logging.getLogger("test.outage"))
    outage.recovered()  # nothing was down: nothing to say
    for _ in range(5):
        outage.failed(ConnectionRefusedError(111, "Connection refused"), 0.2)
    assert outage.down and outage.outages == 1 and outage.failures == 5
    outage.recovered()
    outage.recovered()
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO]
    assert len(lines) == 2
    assert lines[0][0] == "WARNING" and "database unavailable (ConnectionRefusedError: " in lines[0][1]
    assert lines[1][0] == "INFO" and "database reachable again after" in lines[1][1]
    assert not outage.down


def test_retry_delays_are_positive_seconds():
    assert parse_delays("1, 5,30,120") == (1.0, 5.0, 30.0, 120.0)
    for bad in ("", "0", "1,-5", "soon"):
        with pytest.raises(ValueError):
            parse_delays(bad)


def test_a_periodic_job_meeting_a_database_outage_says_so_once_not_a_traceback_per_run(caplog):
    from types import SimpleNamespace

    from shared.periodic import PeriodicJobs
    caplog.set_level(logging.INFO, logger="shared.periodic")
    runs = []

    def send_webhooks(runtime):
        runs.append(1)
        if len(runs) <= 3:
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connection refused"))

    jobs = PeriodicJobs([SimpleNamespace(name="results", periodic=[(1, send_webhooks)])])
    last_run: dict = {}
    for second in range(5):
        jobs.run_due(last_run, float(second))
    assert len(runs) == 5
    lines = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records]
    assert [level for level, _, _ in lines] == ["WARNING", "INFO"], lines
    assert "results send_webhooks: database unavailable (OperationalError: " in lines[0][1]
    assert not any(exc_info for _, _, exc_info in lines)
