"""Outages are waited out, never fatal (issue 14): a PostgreSQL restart (a private server, see
tests/support/private_postgres.py) neither stops the relay nor dead-letters good messages; a handler bug is
retried with growing delays and then dead-lettered with its reason; a worker whose relay dies exits non-zero;
a web request during a database outage answers 503 with Retry-After."""
from __future__ import annotations

import logging
import threading
import time
import uuid

import pika
import pytest

from shared import events, topology
from shared.config import load_settings
from shared.consumer import Consumer
from shared.relay import OutboxRelay
from tests.conftest import wait_for
from tests.integration.test_messaging_rabbitmq import _assigned_event, _count, _publish, _queue_depth, running

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def private_pg():
    from tests.support.private_postgres import PrivatePostgres
    server = PrivatePostgres()
    yield server
    server.close()


@pytest.fixture
def results_pg(private_pg, tmp_path):
    """The results service on the private server, so the test may stop and start its database."""
    from services import registry
    if not private_pg.running:
        private_pg.start()
    url = private_pg.create_database(f"results_{uuid.uuid4().hex[:8]}")
    env = {"RESULTS_DATABASE_URL": url, "JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "outage-secret"}
    runtime = registry.start("results", load_settings("results", env))
    yield runtime
    if not private_pg.running:
        private_pg.start()
    runtime.dispose()


def _messages(caplog, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def _add_outbox_rows(runtime, n: int, start: int = 0) -> None:
    with runtime.unit_of_work() as uow:
        for i in range(start, start + n):
            uow.emit("result.published", {"n": i}, subject=f"s{i}", department="SCJG")
        uow.commit()


def _watch_everything(amqp_url: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    topology.declare_exchanges(channel)
    channel.queue_declare("watch", durable=True)
    channel.queue_bind("watch", topology.EXCHANGE, "#")
    connection.close()


def test_the_relay_survives_a_database_restart_and_publishes_what_is_written_after_it(
        results_pg, private_pg, amqp_url, caplog):
    """Before issue 14 an OperationalError ended the relay thread: nothing was published again."""
    caplog.set_level(logging.INFO, logger="shared")
    _watch_everything(amqp_url)
    relay = OutboxRelay(results_pg, amqp_url, batch=50, idle_seconds=0.05)
    _add_outbox_rows(results_pg, 5)
    with running(relay) as part:
        wait_for(lambda: _queue_depth(amqp_url, "watch") == 5, message="published before the outage")
        private_pg.stop()
        wait_for(lambda: part.database.down, message="the relay notices the outage")
        time.sleep(1.0)  # several failed tries during the outage: still one warning line
        private_pg.start()
        _add_outbox_rows(results_pg, 7, start=5)
        wait_for(lambda: _queue_depth(amqp_url, "watch") == 12, timeout=30, message="published after the restart")
        assert not part.database.down
    outbox = results_pg.models["Outbox"]
    assert _count(results_pg, outbox, published_at=None) == 0
    warnings = _messages(caplog, "database unavailable")
    assert len(warnings) == 1, warnings
    assert "OperationalError" in warnings[0] and "()" not in warnings[0]
    assert len(_messages(caplog, "database reachable again after")) == 1
    assert not [r.getMessage() for r in caplog.records if r.exc_info], "no tracebacks for an outage"


def test_a_consumer_waits_out_a_database_restart_without_dead_lettering(results_pg, private_pg, amqp_url, caplog):
    """Before issue 14 the rejected messages were requeued at once and dead-lettered within milliseconds."""
    from services.results.adapters.db import Assignment
    caplog.set_level(logging.INFO, logger="shared")
    consumer = Consumer(results_pg, amqp_url, prefetch=10, delivery_limit=2, retry_delays=(0.2,))
    with running(consumer):
        private_pg.stop()
        for n in range(3):
            event_id, body = _assigned_event(f"during-outage-{n}")
            _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: consumer.database.down, message="the consumer notices the outage")
        time.sleep(1.5)  # longer than the delivery limit would last with immediate requeues
        assert _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 0
        private_pg.start()
        wait_for(lambda: _count(results_pg, Assignment) == 3, timeout=30, message="all three processed after it")
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned") == 0, message="all acked")
    assert _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 0
    assert not _messages(caplog, "handler failed"), "an outage is not a handler failure"
    assert len(_messages(caplog, "database unavailable")) == 1
    assert len(_messages(caplog, "database reachable again after")) == 1
    assert not [r.getMessage() for r in caplog.records if r.exc_info], "no tracebacks for an outage"


def test_a_long_database_outage_parks_messages_in_the_delay_queue_without_counting_them(
        results_pg, private_pg, amqp_url, caplog):
    """A message held unacked for longer than the broker's acknowledgement timeout would be requeued and counted;
    the consumer hands it to the delay queue first, as often as needed, and it is never dead-lettered."""
    from services.results.adapters.db import Assignment
    caplog.set_level(logging.DEBUG, logger="shared.consumer")
    consumer = Consumer(results_pg, amqp_url, delivery_limit=2, retry_delays=(0.3,), hold_seconds=0.5)
    with running(consumer):
        private_pg.stop()
        event_id, body = _assigned_event("long-outage")
        _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: len(_messages(caplog, f"{event_id} waits in the delay queue")) >= 3, timeout=30,
                 message="parked more often than the delivery limit")
        private_pg.start()
        wait_for(lambda: _count(results_pg, Assignment) == 1, timeout=30, message="processed after the outage")
    assert _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 0
    assert not _messages(caplog, "handler failed")


@pytest.fixture
def results_runtime(system):
    from shared.web import runtime_of
    return runtime_of(system.apps["results"])


def test_a_failing_handler_is_retried_with_growing_delays_then_dead_lettered_with_its_reason(
        results_runtime, amqp_url, caplog):
    attempts: list[float] = []

    def always_fails(event):
        attempts.append(time.monotonic())
        raise RuntimeError("handler bug: no such visit")

    results_runtime.consumers["inspectors.assigned"] = always_fails
    consumer = Consumer(results_runtime, amqp_url, prefetch=10, delivery_limit=3, retry_delays=(0.5, 2.0))
    with running(consumer):
        event_id, body = _assigned_event("poison")
        _publish(amqp_url, "inspectors.assigned", body, event_id)
        wait_for(lambda: _queue_depth(amqp_url, "results.inspectors.assigned.dead") == 1, message="dead letter")
    assert len(attempts) == 3
    first_gap, second_gap = attempts[1] - attempts[0], attempts[2] - attempts[1]
    assert first_gap >= 0.45 and second_gap >= 1.95, (first_gap, second_gap)  # the first delay, then the second
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        method, properties, dead_body = connection.channel().basic_get("results.inspectors.assigned.dead",
                                                                       auto_ack=True)
    finally:
        connection.close()
    assert dead_body == body and properties.message_id == event_id
    assert properties.headers[topology.ATTEMPTS_HEADER] == 3
    assert properties.headers[topology.FIRST_FAILURE_REASON_HEADER] == "RuntimeError: handler bug: no such visit"
    assert properties.headers[topology.ORIGINAL_ROUTING_KEY_HEADER] == "inspectors.assigned"
    assert properties.headers[topology.DEAD_AT_HEADER] >= properties.headers[topology.FIRST_FAILURE_AT_HEADER]
    assert _queue_depth(amqp_url, "results.inspectors.assigned") == 0
    assert _messages(caplog, f"{event_id} dead-lettered after 3 attempts: RuntimeError: handler bug")


@pytest.fixture
def department_user(amqp_url):
    """A broker user of its own, as a department has (the consumer connects as `guest`)."""
    from tests.conftest import _rabbitmqctl
    user, vhost = f"dept_{uuid.uuid4().hex[:6]}", amqp_url.rsplit("/", 1)[1]
    _rabbitmqctl("add_user", user, "dept-password")
    _rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    yield user, amqp_url.replace("guest:guest@", f"{user}:dept-password@")
    _rabbitmqctl("delete_user", user)


def test_a_retried_message_keeps_its_broker_authenticated_sender(results_runtime, amqp_url, department_user):
    """intake trusts the AMQP user_id of a department's message; a retry copy is republished by the consumer,
    so the original sender travels in a header that is believed only on the consumer's own copies."""
    user, department_url = department_user
    senders: list[str | None] = []

    def fails_once(event):
        senders.append(event.sender)
        if len(senders) == 1:
            raise RuntimeError("transient")

    results_runtime.consumers["inspectors.assigned"] = fails_once
    consumer = Consumer(results_runtime, amqp_url, delivery_limit=3, retry_delays=(0.2,))
    with running(consumer):
        event_id, body = _assigned_event("sender")
        connection = pika.BlockingConnection(pika.URLParameters(department_url))
        channel = connection.channel()
        channel.confirm_delivery()
        forged = {topology.ORIGINAL_SENDER_HEADER: "someone-else"}  # not believed: user_id is not the consumer's
        channel.basic_publish(topology.EXCHANGE, "inspectors.assigned", body, pika.BasicProperties(
            content_type=events.CONTENT_TYPE, message_id=event_id, user_id=user, headers=forged))
        connection.close()
        wait_for(lambda: len(senders) == 2, message="retried once")
    assert senders == [user, user]


def test_a_worker_whose_relay_dies_exits_non_zero(tmp_path, amqp_url, caplog):
    from services import registry
    from shared.worker import Worker
    env = {"JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "s", "AMQP_URL": amqp_url}
    worker = Worker(registry.start("results", load_settings("results", env)))

    def broken(stop):
        raise RuntimeError("relay bug")

    worker.relay.run = broken
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", worker.run_forever(check_seconds=0.1)))
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and result["code"] == 1
    assert _messages(caplog, "relay thread died: RuntimeError: relay bug")
    assert worker.stop_event.is_set(), "the other parts were stopped too"


def test_web_requests_during_a_database_outage_answer_503_with_retry_after(results_pg, private_pg):
    from services import registry
    app = registry.create("results", results_pg)
    client = app.test_client()
    assert client.get("/results/api/v1/public/results").status_code == 200
    private_pg.stop()
    try:
        api = client.get("/results/api/v1/public/results")
        assert api.status_code == 503 and api.headers["Retry-After"] == "5"
        assert api.get_json()["error"]["code"] == "database_unavailable"
        assert "数据库" in api.get_json()["error"]["message"]
        page = client.get("/results/public/results")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "text/html" in page.content_type and "数据库暂时无法连接" in page.get_data(as_text=True)
    finally:
        private_pg.start()
    assert client.get("/results/api/v1/public/results").status_code == 200


def test_a_broker_outage_is_told_in_a_few_lines_without_tracebacks(results_runtime, amqp_url, caplog):
    """Measured before issue 14: ~250 lines and 20 tracebacks per worker for a 26 s broker outage, mostly pika
    reporting each failed connection attempt, and "broker unavailable ()" saying nothing."""
    from tests.integration.test_messaging_rabbitmq import FlakyBrokerProxy
    caplog.set_level(logging.INFO)
    vhost = amqp_url.rsplit("/", 1)[1]
    proxy = FlakyBrokerProxy()
    proxy.up.set()
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/{vhost}"
    relay, consumer = OutboxRelay(results_runtime, url, idle_seconds=0.05), Consumer(results_runtime, url)
    try:
        with running(relay), running(consumer):
            caplog.clear()
            proxy.down()
            wait_for(lambda: not consumer.ready.is_set(), message="the consumer notices the outage")
            threading.Event().wait(4)  # a dozen failed attempts with backoff
            proxy.up.set()
            wait_for(consumer.ready.is_set, timeout=30, message="consumer back")
            _add_outbox_rows(results_runtime, 1)
            wait_for(lambda: relay.published == 1, timeout=30, message="relay back")
    finally:
        proxy.close()
    lines = [r for r in caplog.records if r.name.startswith(("shared", "pika")) and r.levelno >= logging.INFO
             and "stopped" not in r.getMessage()]
    text = [r.getMessage() for r in lines]
    assert not any(r.exc_info for r in lines), text
    assert len([t for t in text if "broker unavailable" in t]) == 2, text  # the relay's and the consumer's
    assert len([t for t in text if "broker reachable again after" in t]) == 2, text
    assert all("()" not in t for t in text), text
    assert len(lines) <= 6, text


def test_a_worker_process_keeps_publishing_across_a_database_restart(private_pg, amqp_url, tmp_path):
    """The incident of issue 14 end to end: `jointinspect worker` against a PostgreSQL that restarts; rows written
    after the restart are published by the same process, which then stops cleanly with status 0."""
    import os
    import signal
    import subprocess
    import sys

    from services import registry
    from shared.signing import generate_key_text
    if not private_pg.running:
        private_pg.start()
    env = {"RESULTS_DATABASE_URL": private_pg.create_database(f"results_{uuid.uuid4().hex[:8]}"),
           "JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "outage-secret", "AMQP_URL": amqp_url,
           "AUDIT_SIGNING_KEY": generate_key_text()}
    runtime = registry.start("results", load_settings("results", env))  # the test's own view of the database
    _watch_everything(amqp_url)
    log_file = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "results"],
                               env={**os.environ, **env}, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _add_outbox_rows(runtime, 2)
        wait_for(lambda: _queue_depth(amqp_url, "watch") == 2, timeout=60, message="published before the restart")
        private_pg.stop()
        threading.Event().wait(1.4)  # the measured restart of issue 14
        private_pg.start()
        _add_outbox_rows(runtime, 3, start=2)
        wait_for(lambda: _queue_depth(amqp_url, "watch") == 5, timeout=60, message="published after the restart")
        assert process.poll() is None, "the worker is still running"
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log_file.close()
        runtime.dispose()
    output = (tmp_path / "worker.log").read_text()
    assert "Traceback" not in output, output
    assert output.count("results relay: database unavailable (OperationalError: ") == 1, output
    assert output.count("results relay: database reachable again after") == 1, output
