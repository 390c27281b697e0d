"""The outbox relay on SQLite (design §3.2, issue #10): a broker that is slow to confirm never holds the service's
database, because SQLite has one writer at a time and the service's own requests must not wait for the broker."""
from __future__ import annotations

import threading

import pytest

from shared.relay import OutboxRelay
from tests.support.intake import intake_runtime
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.unit


class SlowBroker:
    """A channel whose confirms take long; while it waits, another writer of the same service must get through."""

    def __init__(self, runtime):
        self.runtime, self.writer_waited = runtime, None

    def publish(self, messages, progress=None):
        """The relay's publisher (shared/relay_confirms.py): returns how many leading messages were confirmed."""
        if self.writer_waited is None:
            done = threading.Event()

            def write():
                with self.runtime.unit_of_work() as uow:
                    uow.audit("test:writer", "probe", "probe:1")
                    uow.commit()
                done.set()

            threading.Thread(target=write, daemon=True).start()
            self.writer_waited = not done.wait(5)
        return len(messages), None


def test_a_slow_broker_never_holds_the_database_of_the_service(tmp_path):
    runtime = intake_runtime(tmp_path / "var")
    with runtime.unit_of_work() as uow:
        for n in range(3):
            uow.emit("inspection.ready", {"n": n}, subject=f"insp-{n}")
        uow.commit()
    broker = SlowBroker(runtime)
    assert OutboxRelay(runtime, "amqp://unused").publish_batch(broker) == 3
    assert broker.writer_waited is False, "a writer waited for the broker's confirm"
    assert all(row.published_at is not None for row in outbox_rows(runtime))
    runtime.dispose()
