"""Distributed mode (issue #12): intake's worker consumes the partner-facing events from the broker through its
pattern queues (`intake.letter.issued.*` …), so the pull feed holds them with the body and id that were published."""
from __future__ import annotations

import threading

import pika
import pytest

from services.intake.queries import PartnerEvents
from shared import events, topology
from shared.consumer import Consumer
from tests.conftest import wait_for
from tests.support.partners import partner_runtime

pytestmark = pytest.mark.integration


def test_partner_events_reach_the_department_feed_over_rabbitmq(amqp_url, tmp_path):
    runtime = partner_runtime(tmp_path / "var")
    consumer, stop = Consumer(runtime, amqp_url, delivery_limit=3), threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        assert consumer.ready.wait(20)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        published = {}
        for key, name in (("letter.issued.SCJG", "letter.issued"), ("result.published.STHJ", "result.published"),
                          ("rectification.updated.SCJG", "rectification.updated"), ("task.accepted.SCJG", None)):
            department = key.rsplit(".", 1)[1]
            event_id, body = events.build("results", name or "task.accepted", {"department": department}, None,
                                          runtime.clock.now())
            channel.basic_publish(topology.EXCHANGE, key, body, pika.BasicProperties(
                content_type=events.CONTENT_TYPE, message_id=event_id, delivery_mode=2))
            if name:
                published.setdefault(department, []).append(body)
        connection.close()

        def feed(code):
            return [e.body for e in runtime.bus.handle(PartnerEvents(code, code)).events]

        wait_for(lambda: len(feed("SCJG")) == 2 and len(feed("STHJ")) == 1, message="the partner events")
        assert sorted(feed("SCJG")) == sorted(published["SCJG"]) and feed("STHJ") == published["STHJ"]  # 2 queues
    finally:
        stop.set()
        thread.join(timeout=15)
        runtime.dispose()
