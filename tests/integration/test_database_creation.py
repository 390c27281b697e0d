"""Issue 14: `jointinspect migrate` creates a missing PostgreSQL database (so a fresh server needs no hand-written
CREATE DATABASE) and leaves an existing one alone."""
from __future__ import annotations

import pytest

from services.cli.database_creation import ensure_database
from tests.conftest import PG_ADMIN_URL, RUN_ID, pg_url

pytestmark = pytest.mark.integration


def _exists(name: str) -> bool:
    import psycopg
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def test_a_missing_database_is_created_once_and_then_left_alone():
    pytest.importorskip("psycopg")
    name = f"{RUN_ID}_created-by-migrate"  # a hyphen: the name must be quoted, not pasted into SQL
    try:
        assert not _exists(name)
        assert ensure_database(pg_url(name)) is True
        assert _exists(name)
        assert ensure_database(pg_url(name)) is False
    finally:
        import psycopg
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_sqlite_needs_no_creation(tmp_path):
    assert ensure_database(f"sqlite:///{tmp_path / 'intake.db'}") is False
    assert not (tmp_path / "intake.db").exists()
