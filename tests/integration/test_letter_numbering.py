"""N10: document numbers per issuer per year are consecutive, without gaps or duplicates, also when many
letters are issued at the same moment — on PostgreSQL and on SQLite."""
from __future__ import annotations

import threading

import pytest

from shared.config import load_settings

pytestmark = pytest.mark.integration


def _issue_concurrently(runtime, threads: int = 12, each: int = 5) -> list[int]:
    from services.letters.adapters.sequences import next_number
    numbers, barrier, errors = [], threading.Barrier(threads), []

    def issue():
        barrier.wait()
        for _ in range(each):
            try:
                with runtime.unit_of_work() as uow:
                    number = next_number(uow.session, "青环西联函", 2026)
                    uow.commit()
                numbers.append(number)
            except Exception as error:  # collect and fail the test below, with the cause
                errors.append(repr(error))

    workers = [threading.Thread(target=issue) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    return numbers


def _runtime(env):
    from services import registry
    return registry.start("letters", load_settings("letters", env))


def test_concurrent_numbers_are_consecutive_on_postgresql(pg_env, tmp_path):
    runtime = _runtime({**pg_env, "JOINTINSPECT_VAR": str(tmp_path)})
    try:
        numbers = _issue_concurrently(runtime)
    finally:
        runtime.dispose()
    assert sorted(numbers) == list(range(1, 61))


def test_concurrent_numbers_are_consecutive_on_sqlite(tmp_path):
    runtime = _runtime({"JOINTINSPECT_VAR": str(tmp_path)})
    try:
        numbers = _issue_concurrently(runtime)
    finally:
        runtime.dispose()
    assert sorted(numbers) == list(range(1, 61))
