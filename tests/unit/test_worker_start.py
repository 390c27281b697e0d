"""A worker started while its database is restarting waits it out instead of exiting (issue 14: outages are
waited out, never fatal; the fault suite saw a letters worker exit 1 when restarted during PostgreSQL restart #2)."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from services.cli import operator_commands


def test_start_up_waits_a_database_outage_out_with_one_warning(monkeypatch, caplog):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    attempts = []

    def start():
        attempts.append(1)
        if len(attempts) < 4:
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "Connection refused"))
        return "runtime"

    with caplog.at_level(logging.INFO, logger="jointinspect"):
        assert operator_commands._start_waiting(start, "letters worker") == "runtime"
    assert len(attempts) == 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "database unavailable" in warnings[0].getMessage()
    assert any("again" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


def test_start_up_does_not_hide_a_real_error():
    def start():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    with pytest.raises(IntegrityError):
        operator_commands._start_waiting(start, "letters worker")
