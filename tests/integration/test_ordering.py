"""Scale-out that keeps order (issue 14, Deliver 5), on real PostgreSQL and RabbitMQ with fresh databases and a
fresh vhost: several relays of one service publish an inspection's events in the order they were written
(shared/relay.py, the relay lock), and several consumers of one service handle an `inspectors.replaced` only after
the inspection's `inspectors.assigned`, whichever they receive first (shared/errors.NotYet, shared/consumer.py)."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict
from contextlib import ExitStack

import pika
import pytest
from sqlalchemy import select

from shared import events, topology
from shared.config import load_settings
from shared.consumer import Consumer
from shared.relay import OutboxRelay
from tests.conftest import wait_for
from tests.integration.test_messaging_rabbitmq import _count, _publish, _queue_depth, running
from tests.support.events import assigned_payload

pytestmark = pytest.mark.integration
INSPECTIONS = 120
FAST_RETRIES = (0.2, 0.5, 1.0)


def _start(service: str, env: dict, tmp_path):
    from services import registry
    settings = load_settings(service, {**env, "JOINTINSPECT_VAR": str(tmp_path / service),
                                       "SECRET_KEY": "ordering-secret"})
    return registry.start(service, settings)


@pytest.fixture
def draw_pg(pg_env, tmp_path):
    runtime = _start("draw", {"DRAW_DATABASE_URL": pg_env["DRAW_DATABASE_URL"]}, tmp_path)
    yield runtime
    runtime.dispose()


@pytest.fixture
def results_pg(pg_env, tmp_path):
    runtime = _start("results", {"RESULTS_DATABASE_URL": pg_env["RESULTS_DATABASE_URL"]}, tmp_path)
    yield runtime
    runtime.dispose()


def _replaced_payload(inspection_id: str) -> dict:
    """INS-002 replaced by INS-009: the team as it now stands, as draw announces it."""
    assigned = assigned_payload(inspection_id)
    old = assigned["inspectors"][1]
    new = {**old, "id": "INS-009", "name": "赵敏", "certificate_no": "37029"}
    return {"inspection_id": inspection_id, "draw_id": "d", "replacement_id": f"r-{inspection_id}", "old": old,
            "new": new, "reason": "回避", "text": "", "approver": "approver01",
            "inspectors": [assigned["inspectors"][0], new], "inspection": assigned["inspection"]}


def _emit(runtime, name: str, inspection_id: str) -> None:
    """One event per transaction, as a draw and a later replacement write them."""
    payload = assigned_payload(inspection_id) if name == "inspectors.assigned" else _replaced_payload(inspection_id)
    with runtime.unit_of_work() as uow:
        uow.emit(name, payload, subject=inspection_id)
        uow.commit()


def _watch(amqp_url: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    topology.declare_exchanges(channel)
    channel.queue_declare("watch", durable=True)
    channel.queue_bind("watch", topology.EXCHANGE, "inspectors.*")
    connection.close()


def _drain(amqp_url: str, queue: str) -> list[tuple[str, str, str]]:
    """(subject, event name, id) of every message in `queue`, in the order the broker holds them."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel, seen = connection.channel(), []
    while True:
        method, _properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            break
        event = events.parse(body)
        seen.append((event.subject, event.name, event.id))
    connection.close()
    return seen


def _by_subject(seen) -> dict[str, list[str]]:
    order = defaultdict(list)
    for subject, name, _id in seen:
        order[subject].append(name)
    return order


def test_two_relays_publish_each_inspections_events_in_the_order_they_were_written(draw_pg, amqp_url):
    """Batches of one row and three relays: before the relay lock, rows claimed with SKIP LOCKED by different
    relays were published concurrently and a `replaced` overtook its `assigned`."""
    _watch(amqp_url)
    relays = [OutboxRelay(draw_pg, amqp_url, batch=1, idle_seconds=0.01) for _ in range(3)]
    ids = [f"insp-{n:03d}" for n in range(INSPECTIONS)]
    with ExitStack() as stack:
        for relay in relays:
            stack.enter_context(running(relay))
        for inspection_id in ids:  # written while the relays publish
            _emit(draw_pg, "inspectors.assigned", inspection_id)
            _emit(draw_pg, "inspectors.replaced", inspection_id)
        wait_for(lambda: _queue_depth(amqp_url, "watch") >= 2 * INSPECTIONS, timeout=60, message="all published")
    seen = _drain(amqp_url, "watch")
    assert len(seen) == 2 * INSPECTIONS, "0 lost, 0 duplicated"
    assert len({event_id for *_, event_id in seen}) == len(seen)
    out_of_order = {s: names for s, names in _by_subject(seen).items()
                    if names != ["inspectors.assigned", "inspectors.replaced"]}
    assert not out_of_order, out_of_order
    assert sum(relay.published for relay in relays) == 2 * INSPECTIONS
    assert _count(draw_pg, draw_pg.models["Outbox"], published_at=None) == 0


def _consumers(runtime, amqp_url: str, n: int = 2) -> list[Consumer]:
    return [Consumer(runtime, amqp_url, prefetch=20, workers=4, delivery_limit=3, retry_delays=FAST_RETRIES)
            for _ in range(n)]


def _inbox(runtime) -> dict[tuple[str, str], object]:
    inbox = runtime.models["Inbox"]
    with runtime.unit_of_work(read_only=True) as uow:
        return {(row.queue, row.event_id): row.processed_at for row in uow.session.scalars(select(inbox))}


def test_two_consumers_handle_a_replacement_only_after_its_assignment_whichever_arrives_first(
        results_pg, amqp_url):
    """Every other inspection's `replaced` is published before its `assigned`: it is deferred (not a failed
    attempt, never dead-lettered) until the assignment is recorded, then applied to it — before issue 14 it built
    an assignment of its own, the later `assigned` was dropped and the replacement left no audit entry."""
    from services.results.adapters.db import Assignment
    consumers = _consumers(results_pg, amqp_url)
    ids = [f"insp-{n:03d}" for n in range(INSPECTIONS)]
    sent = {}
    with ExitStack() as stack:
        for consumer in consumers:
            stack.enter_context(running(consumer))
        for n, inspection_id in enumerate(ids):
            order = ["inspectors.assigned", "inspectors.replaced"]
            for name in (order if n % 2 else reversed(order)):
                payload = (assigned_payload(inspection_id) if name == "inspectors.assigned"
                           else _replaced_payload(inspection_id))
                event_id, body = events.build("draw", name, payload, inspection_id, results_pg.clock.now())
                sent[(name, inspection_id)] = event_id
                _publish(amqp_url, name, body, event_id)
        wait_for(lambda: len(_inbox(results_pg)) >= 2 * INSPECTIONS, timeout=90, message="every event handled")
    inbox = _inbox(results_pg)
    assert len(inbox) == 2 * INSPECTIONS
    for inspection_id in ids:
        assigned_at = inbox[("results.inspectors.assigned", sent[("inspectors.assigned", inspection_id)])]
        replaced_at = inbox[("results.inspectors.replaced", sent[("inspectors.replaced", inspection_id)])]
        assert assigned_at <= replaced_at, inspection_id
    with results_pg.unit_of_work(read_only=True) as uow:
        assignments = uow.session.scalars(select(Assignment)).all()
        audit = Counter(e.action for e in uow.session.scalars(select(results_pg.models["AuditEntry"])))
    assert len(assignments) == INSPECTIONS
    assert {tuple(a.inspector_ids) for a in assignments} == {("INS-001", "INS-009")}
    assert {a.leader_id for a in assignments} == {"INS-001"}
    assert audit["assignment.replaced"] == INSPECTIONS, "each replacement applied to its assignment once"
    for queue in ("results.inspectors.assigned", "results.inspectors.replaced"):
        assert _queue_depth(amqp_url, topology.dead_queue_name(queue)) == 0


def test_relays_and_consumers_two_of_each_keep_every_inspections_order_end_to_end(draw_pg, results_pg, amqp_url):
    """The whole path with two workers' worth of parts: draw's outbox → two relays → the broker → two results
    consumers; every inspection ends with its replacement applied, 0 lost, 0 duplicated, 0 dead letters."""
    from services.results.adapters.db import Assignment
    _watch(amqp_url)
    parts = [OutboxRelay(draw_pg, amqp_url, batch=2, idle_seconds=0.01) for _ in range(2)]
    parts += _consumers(results_pg, amqp_url)
    ids = [f"e2e-{n:03d}" for n in range(INSPECTIONS)]
    with ExitStack() as stack:
        for part in parts[2:] + parts[:2]:  # consumers first: their queues exist before anything is published
            stack.enter_context(running(part))
        writers = [threading.Thread(target=lambda chunk=chunk: [
            (_emit(draw_pg, "inspectors.assigned", i), _emit(draw_pg, "inspectors.replaced", i)) for i in chunk])
            for chunk in (ids[0::2], ids[1::2])]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(60)
        wait_for(lambda: len(_inbox(results_pg)) >= 2 * INSPECTIONS, timeout=90, message="every event handled")
    seen = _drain(amqp_url, "watch")
    assert len(seen) == 2 * INSPECTIONS and len({event_id for *_, event_id in seen}) == len(seen)
    assert all(names == ["inspectors.assigned", "inspectors.replaced"] for names in _by_subject(seen).values())
    assert len(_inbox(results_pg)) == 2 * INSPECTIONS
    with results_pg.unit_of_work(read_only=True) as uow:
        teams = {a.inspection_id: tuple(a.inspector_ids) for a in uow.session.scalars(select(Assignment))}
        replaced = [e for e in uow.session.scalars(select(results_pg.models["AuditEntry"]))
                    if e.action == "assignment.replaced"]
    assert teams == {i: ("INS-001", "INS-009") for i in ids}
    assert sorted(e.object for e in replaced) == sorted(f"inspection:{i}" for i in ids)
    for queue in ("results.inspectors.assigned", "results.inspectors.replaced"):
        assert _queue_depth(amqp_url, topology.dead_queue_name(queue)) == 0


def test_a_replacement_whose_assignment_never_comes_is_deferred_then_counted_and_dead_lettered(
        results_pg, amqp_url):
    """Deferrals are bounded: after `defer_limit` of them the event's failures count like any other, so an
    operator finds it among the dead letters with the reason instead of it circling for ever."""
    consumer = Consumer(results_pg, amqp_url, prefetch=5, workers=2, delivery_limit=2, retry_delays=FAST_RETRIES,
                        defer_limit=3)
    with running(consumer):
        event_id, body = events.build("draw", "inspectors.replaced", _replaced_payload("orphan"), "orphan",
                                      results_pg.clock.now())
        _publish(amqp_url, "inspectors.replaced", body, event_id)
        dead = topology.dead_queue_name("results.inspectors.replaced")
        wait_for(lambda: _queue_depth(amqp_url, dead) == 1, timeout=30, message="dead-lettered")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        method, properties, _body = connection.channel().basic_get(dead, auto_ack=True)
    finally:
        connection.close()
    headers = properties.headers
    assert properties.message_id == event_id
    assert headers[topology.DEFERRALS_HEADER] == 3 and headers[topology.ATTEMPTS_HEADER] == 2
    assert "NotYet" in headers[topology.FIRST_FAILURE_REASON_HEADER]
    assert _count(results_pg, results_pg.models["Inbox"]) == 0


def _publish_many(url: str, routing_key: str, messages: list[tuple[str, bytes]]) -> None:
    """All at once on one channel, so one visit's versions reach the consumers' threads together."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for event_id, body in messages:
        channel.basic_publish(topology.EXCHANGE, routing_key, body, pika.BasicProperties(
            content_type=events.CONTENT_TYPE, message_id=event_id, delivery_mode=2))
    connection.close()


def _scheduled(inspection_id: str, version: int, at) -> tuple[str, bytes]:
    scheduled_at = f"2026-12-0{1 + version % 5}T01:30:00Z"
    return events.build("draw", "visit.scheduled", {
        "inspection_id": inspection_id, "scheduled_at": scheduled_at, "local_time": scheduled_at[:10] + " 09:30",
        "version": version, "scheduled_by": "INS-001"}, inspection_id, at)


def test_concurrent_versions_of_one_visit_leave_the_newest_whichever_commits_last(results_pg, amqp_url):
    """Versions 2–6 of each visit's time arrive at once at two consumers with four handler threads each: one
    inspection's events are handled one at a time (the subject lock, shared/runtime.py), so each handler's
    version check reads what the one before it committed and the newest version stays. Without the lock two
    handlers both read version 1 and the later commit wins, stale or not."""
    from services.results.adapters.db import VisitSchedule
    consumers = _consumers(results_pg, amqp_url)
    ids = [f"visit-{n:03d}" for n in range(INSPECTIONS // 2)]
    with ExitStack() as stack:
        for consumer in consumers:
            stack.enter_context(running(consumer))
        for inspection_id in ids:
            event_id, body = _scheduled(inspection_id, 1, results_pg.clock.now())
            _publish(amqp_url, "visit.scheduled", body, event_id)
        wait_for(lambda: len(_inbox(results_pg)) >= len(ids), timeout=60, message="first versions handled")
        _publish_many(amqp_url, "visit.scheduled", [_scheduled(inspection_id, version, results_pg.clock.now())
                                                     for inspection_id in ids for version in (3, 6, 2, 5, 4)])
        wait_for(lambda: len(_inbox(results_pg)) >= 6 * len(ids), timeout=90, message="every version handled")
    with results_pg.unit_of_work(read_only=True) as uow:
        versions = {s.inspection_id: s.version for s in uow.session.scalars(select(VisitSchedule))}
    assert versions == {i: 6 for i in ids}
