"""The backbone on the real broker (design §3): confirms, manual acks after commit, inbox, dead letters,
and a relay that waits out a broker outage."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pika
import pytest

from shared import events, topology
from shared.consumer import Consumer
from shared.relay import OutboxRelay
from tests.conftest import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def results_runtime(system):
    from shared.web import runtime_of
    return runtime_of(system.apps["results"])


def _assigned_event(inspection_id: str = "insp-1") -> tuple[str, bytes]:
    from shared.clock import Clock
    from tests.support.events import assigned_payload
    return events.build("draw", "inspectors.assigned", assigned_payload(inspection_id), inspection_id, Clock().now())


def _publish(url: str, routing_key: str, body: bytes, message_id: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(topology.EXCHANGE, routing_key, body, pika.BasicProperties(
        content_type=events.CONTENT_TYPE, message_id=message_id, delivery_mode=2))
    connection.close()


def _queue_depth(url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


@contextmanager
def running(part):
    """Run a relay or consumer in its own thread for the block; a consumer is ready before the block starts."""
    stop = threading.Event()
    thread = threading.Thread(target=part.run, args=(stop,), daemon=True)
    thread.start()
    try:
        if hasattr(part, "ready"):
            wait_for(part.ready.is_set, message="consumer ready")
        yield part
    finally:
        stop.set()
        thread.join(10)


def _count(runtime, model, **filters) -> int:
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(model).filter_by(**filters).count()


def test_a_duplicate_delivery_has_no_second_effect(results_runtime, amqp_url):
    """Design §3.3: the inbox keyed by event id absorbs a redelivered event."""
    from services.results.adapters.db import Assignment
    consumer = Consumer(results_runtime, amqp_url, prefetch=10, delivery_limit=3)
    with running(consumer):
        event_id, body = _assigned_event()
        for _ in range(2):
            _publish(amqp_url, "inspectors.assigned", body, event_id)
        queue = "results.inspectors.assigned"
        wait_for(lambda: _count(results_runtime, results_runtime.models["Inbox"], queue=queue) == 1, message="inbox")
        wait_for(lambda: _queue_depth(amqp_url, queue) == 0, message="both deliveries acked")
        assert _count(results_runtime, Assignment) == 1
        assert _count(results_runtime, results_runtime.models["Inbox"]) == 1


def test_a_message_that_always_fails_ends_in_the_dead_letter_queue(results_runtime, amqp_url):
    """Design §3.4: after the delivery limit the broker moves it to `<queue>.dead`, nothing is lost."""
    attempts = []

    def always_fails(event):
        attempts.append(event.id)
        raise RuntimeError("handler bug")

    results_runtime.consumers["inspectors.assigned"] = always_fails
    consumer = Consumer(results_runtime, amqp_url, prefetch=10, delivery_limit=3, retry_delays=(0.2,))
    with running(consumer):
        event_id, body = _assigned_event("poison")
        _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 1, message="dead letter")
        assert _queue_depth(amqp_url, "results.inspectors.assigned") == 0
        assert 3 <= len(attempts) <= 4  # the first delivery plus the redeliveries the limit allows


def test_an_unparseable_message_is_dead_lettered_at_once(results_runtime, amqp_url):
    consumer = Consumer(results_runtime, amqp_url, prefetch=10, delivery_limit=3)
    with running(consumer):
        _publish(amqp_url, "inspectors.assigned", b"{not json", "garbage")
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 1, message="dead letter")


class FlakyBrokerProxy:
    """A TCP proxy in front of the real broker that the test can take down and bring back: a broker outage
    without stopping the machine's RabbitMQ for everyone else."""

    def __init__(self, target=("127.0.0.1", 5672)):
        self.target = target
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.up = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def down(self):
        self.up.clear()
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections.clear()

    def close(self):
        self.down()
        self.server.close()


def _add_outbox_rows(runtime, n: int) -> None:
    with runtime.unit_of_work() as uow:
        for i in range(n):
            uow.emit("result.published", {"n": i}, subject=f"s{i}", department="SCJG")
        uow.commit()


def test_a_relay_facing_a_stopped_broker_publishes_everything_once_it_is_back(results_runtime, amqp_url):
    """Design §3.2: rows wait in the outbox while the broker is away and are published, once each, after."""
    vhost = amqp_url.rsplit("/", 1)[1]
    proxy = FlakyBrokerProxy()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    topology.declare_exchanges(channel)
    channel.queue_declare("partner.scjg", durable=True)
    channel.queue_bind("partner.scjg", topology.EXCHANGE, "result.published.SCJG")
    connection.close()
    relay = OutboxRelay(results_runtime, f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}", batch=50)
    _add_outbox_rows(results_runtime, 30)
    try:
        with running(relay):
            _outage_and_recovery(results_runtime, amqp_url, proxy)
    finally:
        proxy.close()


def _outage_and_recovery(results_runtime, amqp_url, proxy) -> None:
    """Two outages: rows wait in the outbox, then all of them reach the queue exactly once."""
    proxy.down()
    _add_outbox_rows(results_runtime, 30)
    outbox = results_runtime.models["Outbox"]
    assert _count(results_runtime, outbox, published_at=None) == 60, "nothing is marked sent without a broker"
    proxy.up.set()
    wait_for(lambda: _count(results_runtime, outbox, published_at=None) == 0, timeout=30, message="relay caught up")
    wait_for(lambda: _queue_depth(amqp_url, "partner.scjg") == 60, message="all 60 messages on the queue")
    proxy.down()
    _add_outbox_rows(results_runtime, 10)
    proxy.up.set()
    wait_for(lambda: _queue_depth(amqp_url, "partner.scjg") == 70, timeout=30, message="after a second outage")


def test_a_consumer_reconnects_after_the_broker_went_away(results_runtime, amqp_url):
    """Design §3.5: connections recover after a broker restart; messages published meanwhile are consumed."""
    from services.results.adapters.db import Assignment
    vhost = amqp_url.rsplit("/", 1)[1]
    proxy = FlakyBrokerProxy()
    proxy.up.set()
    consumer = Consumer(results_runtime, f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}", delivery_limit=3)
    try:
        with running(consumer):
            proxy.down()
            wait_for(lambda: not consumer.ready.is_set(), message="consumer notices the outage")
            event_id, body = _assigned_event("after-outage")
            _publish(amqp_url, "inspectors.assigned", body, event_id)  # straight to the broker, not via the proxy
            proxy.up.set()
            wait_for(lambda: _count(results_runtime, Assignment) == 1, timeout=30, message="processed after reconnect")
            assert consumer.connections_opened >= 2
    finally:
        proxy.close()


def test_a_long_handler_does_not_starve_heartbeats(results_runtime, amqp_url):
    """Design §3.5 / §9: work runs in a worker thread, so a handler longer than two heartbeat intervals neither
    drops the connection nor causes a redelivery."""
    from services.results.consumers import inspectors_assigned
    calls = []

    def slow(event):
        calls.append(event.id)
        threading.Event().wait(5)  # long work, e.g. rendering a batch of letters
        return inspectors_assigned(event)

    results_runtime.consumers["inspectors.assigned"] = slow
    consumer = Consumer(results_runtime, amqp_url + "?heartbeat=2", delivery_limit=3)
    with running(consumer):
        event_id, body = _assigned_event("slow")
        _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned") == 0 and calls, timeout=30,
                 message="acked")
        wait_for(lambda: _count(results_runtime, results_runtime.models["Inbox"]) == 1, timeout=30, message="inbox")
        assert consumer.connections_opened == 1 and calls == [event_id]


def test_dead_letters_can_be_replayed_once_the_cause_is_fixed(results_runtime, amqp_url):
    """Design §3.4: visible to an operator, replayed by a command, processed exactly once."""
    from services.results.adapters.db import Assignment
    from services.results.consumers import inspectors_assigned
    from shared import dead_letters
    broken = {"on": True}

    def sometimes_fails(event):
        if broken["on"]:
            raise RuntimeError("downstream not ready")
        return inspectors_assigned(event)

    results_runtime.consumers["inspectors.assigned"] = sometimes_fails
    consumer = Consumer(results_runtime, amqp_url, delivery_limit=2, retry_delays=(0.2,))
    with running(consumer):
        event_id, body = _assigned_event("replay-me")
        _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 1, message="dead letter")
        assert dead_letters.broker_depths(results_runtime, amqp_url)["results.inspectors.assigned.dead"] == 1
        broken["on"] = False
        assert dead_letters.replay_broker(amqp_url, "results.inspectors.assigned") == 1
        wait_for(lambda: _count(results_runtime, Assignment) == 1, message="replayed and processed")
        assert _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 0
