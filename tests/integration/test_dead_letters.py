"""Dead letters an operator can handle (issue 14, Deliver 3), on the real broker (a fresh vhost per test; embedded
mode: test_dead_letters_embedded.py): `list` shows each message's id, type, routing key, first failure reason,
counts and times without consuming it; `replay` puts each chosen message back once per invocation — never looping
on one that fails again."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager

import pika
import pytest

from shared import dead_letters, events, topology
from shared.consumer import Consumer
from tests.conftest import wait_for
from tests.support.dead_letters import audit_entries, failing
from tests.support.events import assigned_payload

pytestmark = pytest.mark.integration
QUEUE = "results.inspectors.assigned"
DEAD = topology.dead_queue_name(QUEUE)


@pytest.fixture
def results(system):
    return system.runtime("results")


def _event(inspection_id: str) -> tuple[str, bytes]:
    from shared.clock import Clock
    return events.build("draw", "inspectors.assigned", assigned_payload(inspection_id), inspection_id, Clock().now())


def _publish(url: str, *messages: tuple[str, bytes]) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    for event_id, body in messages:
        channel.basic_publish(topology.EXCHANGE, "inspectors.assigned", body, pika.BasicProperties(
            content_type=events.CONTENT_TYPE, message_id=event_id, type=events.event_type("inspectors.assigned"),
            delivery_mode=2))
    connection.close()


def _depth(url: str, queue: str = DEAD) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


@contextmanager
def _consuming(runtime, url: str, delivery_limit: int):
    consumer = Consumer(runtime, url, prefetch=10, delivery_limit=delivery_limit, retry_delays=(0.1,))
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_for(consumer.ready.is_set, message="consumer ready")
        yield consumer
    finally:
        stop.set()
        thread.join(10)


def _assignments(runtime, model) -> int:
    with runtime.unit_of_work(read_only=True) as uow:  # a fresh transaction per look: a new snapshot each time
        return uow.session.query(model).count()


def test_list_shows_each_dead_message_and_consumes_nothing(results, amqp_url):
    calls = []
    results.consumers["inspectors.assigned"] = failing(calls)
    sent = [_event("insp-a"), _event("insp-b")]
    with _consuming(results, amqp_url, delivery_limit=2):
        _publish(amqp_url, *sent)
        wait_for(lambda: _depth(amqp_url) == 2, message="both dead-lettered")
    listed = dead_letters.list_broker(amqp_url, results.queues())
    again = dead_letters.list_broker(amqp_url, results.queues())
    assert _depth(amqp_url) == 2, "listing consumed nothing"
    assert [letter.as_json() for letter in again] == [letter.as_json() for letter in listed], "nor changed a count"
    assert sorted(letter.event_id for letter in listed) == sorted(event_id for event_id, _ in sent)
    by_id = {letter.event_id: letter for letter in listed}
    a = by_id[sent[0][0]]
    assert a.queue == QUEUE and a.type == events.event_type("inspectors.assigned")
    assert a.routing_key == "inspectors.assigned"
    assert a.reason == "RuntimeError: handler bug on insp-a"
    assert a.attempts == 2 and a.deaths == 1 and a.replays == 0
    assert a.first_failure_at is not None and a.dead_at is not None and a.first_failure_at <= a.dead_at
    assert calls.count(sent[0][0]) == 2


def test_replay_all_sends_each_message_once_and_a_failing_one_comes_back_dead_once_more(results, amqp_url):
    """The old command looped: 3 dead messages that still failed were replayed 6, 20, 50 … times. With a limit of
    one attempt a replayed message is dead again within milliseconds, while the replay is still taking messages:
    the snapshot keeps it from being taken twice."""
    calls = []
    results.consumers["inspectors.assigned"] = failing(calls)
    sent = [_event(f"insp-{n}") for n in range(3)]
    replayed_to_audit = []
    with _consuming(results, amqp_url, delivery_limit=1):
        _publish(amqp_url, *sent)
        wait_for(lambda: _depth(amqp_url) == 3, message="all three dead-lettered")
        before = len(calls)
        done = dead_letters.replay_broker_queues(amqp_url, results.queues(),
                                                 on_replayed=lambda q, letter: replayed_to_audit.append(letter))
        assert sorted(done.replayed) == sorted(event_id for event_id, _ in sent)
        assert done.kept == [] and done.not_found == []
        wait_for(lambda: _depth(amqp_url) == 3 and len(calls) == before + 3, message="dead once more")
    assert len(calls) == before + 3, "each replayed message was handled exactly once more"
    listed = dead_letters.list_broker(amqp_url, results.queues())
    assert {letter.deaths for letter in listed} == {2} and {letter.replays for letter in listed} == {1}
    assert {letter.reason for letter in listed} == {f"RuntimeError: handler bug on insp-{n}" for n in range(3)}
    assert len(replayed_to_audit) == 3


def test_replay_by_id_takes_only_that_message(results, amqp_url):
    from services.results.adapters.db import Assignment
    calls, broken = [], {"on": True}
    results.consumers["inspectors.assigned"] = failing(calls, broken)
    first, second = _event("insp-1"), _event("insp-2")
    with _consuming(results, amqp_url, delivery_limit=2):
        _publish(amqp_url, first, second)
        wait_for(lambda: _depth(amqp_url) == 2, message="dead-lettered")
        broken["on"] = False
        done = dead_letters.replay_broker_queues(amqp_url, results.queues(), {first[0], "no-such-event"})
        assert done.replayed == [first[0]] and done.not_found == ["no-such-event"]
        wait_for(lambda: _assignments(results, Assignment) == 1, message="the replayed one processed")
    assert [letter.event_id for letter in dead_letters.list_broker(amqp_url, results.queues())] == [second[0]]


def test_the_cli_lists_in_chinese_and_as_json_and_replays_with_an_audit_entry(system, results, embedded_env,
                                                                              amqp_url, monkeypatch, capsys):
    from services.cli import main
    for variable, value in {**embedded_env, "AMQP_URL": amqp_url}.items():
        monkeypatch.setenv(variable, value)
    results.consumers["inspectors.assigned"] = failing([])
    event_id, body = _event("insp-cli")
    with _consuming(results, amqp_url, delivery_limit=1):
        _publish(amqp_url, (event_id, body))
        wait_for(lambda: _depth(amqp_url) == 1, message="dead-lettered")
    capsys.readouterr()
    assert main(["dead-letters", "list", "--service", "results"]) == 0
    table = capsys.readouterr().out
    assert "事件 ID" in table and event_id in table and "RuntimeError: handler bug on insp-cli" in table
    assert main(["dead-letters", "list", "--service", "results", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["event_id"] == event_id and row["routing_key"] == "inspectors.assigned" and row["deaths"] == 1
    _spy(amqp_url, "spy.inspectors.assigned")  # what another service's queue would receive
    assert main(["dead-letters", "replay", "--service", "results", "--id", event_id, "--id", "gone"]) == 1
    assert "已重新投递 1 条；1 条未找到：gone" in capsys.readouterr().out
    assert _depth(amqp_url) == 0 and _depth(amqp_url, QUEUE) == 1, "back on its own queue"
    assert _depth(amqp_url, "spy.inspectors.assigned") == 0, "and nowhere else"
    (entry,) = audit_entries(results, "dead_letter.replayed")
    assert entry.actor == "cli:operator" and entry.object == f"{QUEUE}/{event_id}"


def _spy(url: str, queue: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.queue_declare(queue)
    channel.queue_bind(queue, topology.EXCHANGE, routing_key="inspectors.assigned")
    connection.close()


def test_a_message_the_broker_dead_lettered_itself_shows_its_x_death(results, amqp_url):
    """An unparseable body is rejected without requeue: the broker's `x-death` is all there is to read."""
    with _consuming(results, amqp_url, delivery_limit=2):
        _publish(amqp_url, ("garbage-1", b"{not json"))
        wait_for(lambda: _depth(amqp_url) == 1, message="dead-lettered")
    (letter,) = dead_letters.list_broker(amqp_url, results.queues())
    assert letter.event_id == "garbage-1" and letter.queue == QUEUE and letter.routing_key == "inspectors.assigned"
    assert letter.reason == "rejected" and letter.attempts == 1 and letter.deaths == 1
    assert letter.dead_at is not None and letter.first_failure_at == letter.dead_at


@pytest.fixture
def department_user(amqp_url):
    """A department's broker user in the test's vhost (users are global: named after the vhost)."""
    import subprocess
    vhost = amqp_url.rsplit("/", 1)[1]
    user = f"{vhost}_dept"
    subprocess.run(["rabbitmqctl", "-q", "add_user", user, "pw"], check=True, capture_output=True, timeout=60)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                   capture_output=True, timeout=60)
    yield user, amqp_url.replace("guest:guest@", f"{user}:pw@")
    subprocess.run(["rabbitmqctl", "-q", "delete_user", user], capture_output=True, timeout=60)


def test_replay_keeps_who_sent_a_message_and_never_speaks_for_a_department(results, amqp_url, department_user):
    """The intake handler authorises a submission by its broker-vouched sender: a replay must neither lose it
    (the consumer's dead copy carries it, vouched by the service's own user) nor forge it (a department's own
    message can only be published again by that department's user)."""
    user, as_department = department_user
    senders = []

    def records_sender(event):
        senders.append(event.sender)
        raise RuntimeError("still broken")

    results.consumers["inspectors.assigned"] = records_sender
    event_id, body = _event("insp-dept")
    connection = pika.BlockingConnection(pika.URLParameters(as_department))
    channel = connection.channel()
    channel.confirm_delivery()
    with _consuming(results, amqp_url, delivery_limit=1):
        for message_id, payload in ((event_id, body), ("garbage-dept", b"{not json")):
            channel.basic_publish(topology.EXCHANGE, "inspectors.assigned", payload, pika.BasicProperties(
                message_id=message_id, user_id=user, delivery_mode=2))
        connection.close()
        wait_for(lambda: _depth(amqp_url) == 2, message="both dead")
        done = dead_letters.replay_broker_queues(amqp_url, results.queues())
        assert done.replayed == [event_id]
        assert [k for k, _ in done.kept] == ["garbage-dept"] and user in done.kept[0][1]
        wait_for(lambda: len(senders) == 2 and _depth(amqp_url) == 2, message="failed and dead again")
    assert senders == [user, user], "the replayed copy still names the department that sent it"
