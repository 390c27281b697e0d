"""N10: document numbers per issuer per year are consecutive, without gaps or duplicates, also when many
letters are issued at the same moment — on PostgreSQL and on SQLite."""
from __future__ import annotations

import threading

import pytest

from shared.config import load_settings

pytestmark = pytest.mark.integration


def _issue_concurrently(app, threads: int = 12, each: int = 5) -> list[int]:
    from services.letters.adapters.db import db
    from services.letters.adapters.sequences import next_number
    numbers, barrier, errors = [], threading.Barrier(threads), []

    def issue():
        with app.app_context():
            barrier.wait()
            for _ in range(each):
                try:
                    numbers.append(next_number(db.session, "青环西联函", 2026))
                    db.session.commit()
                except Exception as error:  # collect and fail the test below, with the cause
                    db.session.rollback()
                    errors.append(repr(error))

    workers = [threading.Thread(target=issue) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    return numbers


def _app(env):
    from services import registry
    return registry.build("letters", load_settings("letters", env))


def test_concurrent_numbers_are_consecutive_on_postgresql(pg_env, tmp_path):
    from services.embedded import dispose
    app = _app({**pg_env, "JOINTINSPECT_VAR": str(tmp_path)})
    try:
        numbers = _issue_concurrently(app)
    finally:
        dispose(app)
    assert sorted(numbers) == list(range(1, 61))


def test_concurrent_numbers_are_consecutive_on_sqlite(tmp_path):
    from services.embedded import dispose
    app = _app({"JOINTINSPECT_VAR": str(tmp_path)})
    try:
        numbers = _issue_concurrently(app)
    finally:
        dispose(app)
    assert sorted(numbers) == list(range(1, 61))
