"""A service's own long-running parts (`runtime.parts`, issue 15: letters' render loop) are supervised by the worker
like its relay and consumer: one that dies makes the worker exit 1, to be restarted."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from shared.worker import Worker
from tests.support.letters import letters_runtime

pytestmark = pytest.mark.unit


def _waits(stop: threading.Event) -> None:
    stop.wait()


def _dies(_stop: threading.Event) -> None:
    raise RuntimeError("render pool gone")


@pytest.mark.parametrize("part, code", [(_waits, 0), (_dies, 1)])
def test_a_runtime_part_runs_beside_relay_and_consumer_and_its_death_ends_the_worker(tmp_path, part, code):
    runtime = letters_runtime(tmp_path, AMQP_URL="amqp://guest:guest@127.0.0.1:1/unused")
    runtime.periodic.clear()
    try:
        worker = Worker(runtime)
        assert [name for name, _run in worker.runtime_parts] == ["render-loop"]
        worker.relay = worker.consumer = SimpleNamespace(run=_waits)  # no broker in a unit test
        worker.runtime_parts = [("render-loop", part)]
        if code == 0:
            threading.Timer(0.5, worker.stop_event.set).start()
        assert worker.run_forever(check_seconds=0.05) == code
    finally:
        runtime.dispose()
    if code:
        assert worker.failure == "render-loop thread died: RuntimeError: render pool gone"
