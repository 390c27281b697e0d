"""The pipelined relay (issue 15, P3; shared/relay.py, shared/relay_confirms.py) on real PostgreSQL and RabbitMQ:
rows are marked only after the broker confirmed them, a batch's rows with one UPDATE, an event no queue is bound
for neither stalls the relay nor stays unsent, and a nacked row is published again, in order."""
from __future__ import annotations

import json
import logging

import pika
import pytest
from sqlalchemy import event

from shared import topology
from shared.metrics import UNROUTABLE
from shared.relay import OutboxRelay
from shared.relay_confirms import ConfirmingPublisher, Refused
from tests.conftest import wait_for
from tests.integration.test_messaging_rabbitmq import _count, _queue_depth, running
from tests.integration.test_ordering import _start

pytestmark = pytest.mark.integration
QUEUE = "partner.scjg"
BOUND_KEY = "result.published.SCJG"


@pytest.fixture
def results_pg(pg_env, tmp_path):
    runtime = _start("results", {"RESULTS_DATABASE_URL": pg_env["RESULTS_DATABASE_URL"]}, tmp_path)
    yield runtime
    runtime.dispose()


def _bind_queue(url: str, arguments: dict | None = None) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    topology.declare_exchanges(channel)
    channel.queue_declare(QUEUE, durable=True, arguments=arguments or {"x-queue-type": "quorum"})
    channel.queue_bind(QUEUE, topology.EXCHANGE, BOUND_KEY)
    connection.close()


def _emit(runtime, n: int, department: str = "SCJG", start: int = 0) -> None:
    with runtime.unit_of_work() as uow:
        for i in range(start, start + n):
            uow.emit("result.published", {"n": i}, subject=f"s{i}", department=department)
        uow.commit()


def _drain(url: str) -> list[int]:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel, seen = connection.channel(), []
    while True:
        method, _properties, body = channel.basic_get(QUEUE, auto_ack=True)
        if method is None:
            break
        seen.append(json.loads(body)["data"]["n"])
    connection.close()
    return seen


class RecordingPublisher(ConfirmingPublisher):
    """Writes each confirm the broker sends into a shared timeline, next to the relay's UPDATEs."""

    def __init__(self, url: str, relay: OutboxRelay, timeline: list):
        super().__init__(url, "test-relay", relay.window, relay._returned)
        self.timeline = timeline

    def _confirmed(self, frame) -> None:
        self.timeline.append(("confirm", frame.method.delivery_tag, frame.method.multiple))
        super()._confirmed(frame)


def _record_updates(runtime, timeline: list) -> None:
    def after(_conn, cursor, statement, *_):
        if statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            timeline.append(("update", cursor.rowcount))
    event.listen(runtime.engine, "after_cursor_execute", after)


def _unroutable(service: str) -> float:
    return sum(sample.value for metric in UNROUTABLE.collect() for sample in metric.samples
               if sample.name.endswith("_total") and sample.labels["service"] == service)


def _confirmed_through(timeline: list, upto: int) -> int:
    """How many leading delivery tags the confirms in `timeline[:upto]` cover."""
    settled: set[int] = set()
    for kind, tag, multiple in (entry for entry in timeline[:upto] if entry[0] == "confirm"):
        settled |= set(range(1, tag + 1)) if multiple else {tag}
    covered = 0
    while covered + 1 in settled:
        covered += 1
    return covered


def test_rows_are_marked_only_after_the_broker_confirmed_them_a_window_per_update(results_pg, amqp_url):
    _bind_queue(amqp_url)
    _emit(results_pg, 250)
    relay, timeline = OutboxRelay(results_pg, amqp_url, batch=250, window=100), []
    _record_updates(results_pg, timeline)
    publisher = RecordingPublisher(amqp_url, relay, timeline)
    publisher.open()
    try:
        assert relay.publish_batch(publisher) == 250
    finally:
        publisher.close()
    updates = [i for i, entry in enumerate(timeline) if entry[0] == "update"]
    assert 1 <= len(updates) <= 3, "one UPDATE per window of 100 at most, never one per message"
    marked = 0
    for i in updates:
        marked += timeline[i][1]
        assert marked <= _confirmed_through(timeline, i), f"{marked} rows marked, fewer confirmed, at {timeline}"
    assert marked == 250
    assert _count(results_pg, results_pg.models["Outbox"], published_at=None) == 0
    assert _queue_depth(amqp_url, QUEUE) == 250


def test_a_window_of_rows_is_marked_with_one_update_statement(results_pg, amqp_url):
    _bind_queue(amqp_url)
    _emit(results_pg, 300)
    statements: list[str] = []
    event.listen(results_pg.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement.lstrip().split()[0].upper()))
    relay = OutboxRelay(results_pg, amqp_url, batch=100, window=100, idle_seconds=0.01)
    with running(relay):
        wait_for(lambda: relay.published == 300, message="all 300 published")
    assert statements.count("UPDATE") == 3, statements
    assert _drain(amqp_url) == list(range(300)), "in the order they were written, each once"


def test_events_no_queue_is_bound_for_are_marked_sent_and_do_not_stall_the_relay(results_pg, amqp_url, caplog):
    """A partner key of a department without a partner queue is legitimately unroutable (basic.return)."""
    caplog.set_level(logging.INFO, logger="shared.relay")
    _bind_queue(amqp_url)
    before = _unroutable("results")
    for start in range(0, 40, 10):
        _emit(results_pg, 5, department="SCJG", start=start)
        _emit(results_pg, 5, department="STHJ", start=start + 5)
    relay = OutboxRelay(results_pg, amqp_url, batch=7, window=3, idle_seconds=0.01)
    with running(relay):
        wait_for(lambda: _count(results_pg, results_pg.models["Outbox"], published_at=None) == 0,
                 message="every row marked, the unroutable ones too")
    assert relay.published == 40
    assert _drain(amqp_url) == [n for start in range(0, 40, 10) for n in range(start, start + 5)]
    assert _unroutable("results") - before == 20
    said = [r.getMessage() for r in caplog.records if "no queue is bound" in r.getMessage()]
    assert len(said) == 1 and "result.published.STHJ" in said[0], said


def test_a_nacked_row_and_those_after_it_are_published_again_in_order(results_pg, amqp_url):
    """A queue that refuses what exceeds its length (reject-publish) nacks rows 5…9 of 10."""
    _bind_queue(amqp_url, {"x-max-length": 5, "x-overflow": "reject-publish"})
    _emit(results_pg, 10)
    relay = OutboxRelay(results_pg, amqp_url, batch=10, window=10)
    publisher = ConfirmingPublisher(amqp_url, "test-relay", relay.window, relay._returned)
    publisher.open()
    try:
        with pytest.raises(Refused):
            relay.publish_batch(publisher)
    finally:
        publisher.close()
    outbox = results_pg.models["Outbox"]
    assert relay.published == 5 and _count(results_pg, outbox, published_at=None) == 5
    first = _drain(amqp_url)
    assert first == [0, 1, 2, 3, 4]
    with running(OutboxRelay(results_pg, amqp_url, batch=10, window=10, idle_seconds=0.01)):
        wait_for(lambda: _count(results_pg, outbox, published_at=None) == 0, message="the nacked rows sent again")
    assert _drain(amqp_url) == [5, 6, 7, 8, 9]
