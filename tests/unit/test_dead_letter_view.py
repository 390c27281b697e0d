"""How a dead message is read (issue 14): the consumer's failure headers win over the broker's `x-death`, a retry
queue's expiries are hops rather than failures, and the operator's replay count survives."""
from __future__ import annotations

from datetime import datetime, timezone

import pika

from shared.dead_letter_view import describe

AT = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
LATER = datetime(2026, 11, 29, 10, 5, tzinfo=timezone.utc)


def test_the_consumers_headers_name_the_first_failure_and_the_attempts():
    properties = pika.BasicProperties(message_id="e1", type="cn.gov.jointinspect.inspectors.assigned.v1", headers={
        "x-jointinspect-attempts": 5, "x-first-failure-reason": "KeyError: 'x'",
        "x-first-failure-at": AT.isoformat(), "x-last-failure-reason": "ValueError: y",
        "x-jointinspect-replays": 2,
        "x-death": [{"queue": "results.retry.5s", "reason": "expired", "count": 4, "time": LATER,
                     "routing-keys": ["results.inspectors.assigned"]}]})
    letter = describe("results.inspectors.assigned.dead", properties, b"{}", "inspectors.assigned")
    assert (letter.queue, letter.event_id, letter.routing_key) == ("results.inspectors.assigned", "e1",
                                                                   "inspectors.assigned")
    assert (letter.reason, letter.last_reason, letter.attempts) == ("KeyError: 'x'", "ValueError: y", 5)
    assert letter.first_failure_at == AT and letter.dead_at is None  # a retry hop is not a death
    assert (letter.deaths, letter.replays) == (3, 2)


def test_the_brokers_x_death_when_it_dead_lettered_the_message_itself():
    properties = pika.BasicProperties(headers={"x-death": [
        {"queue": "results.inspectors.assigned", "reason": "delivery_limit", "count": 1, "time": LATER,
         "exchange": "jointinspect", "routing-keys": ["inspectors.assigned"]},
        {"queue": "results.retry.1s", "reason": "expired", "count": 1, "time": AT, "routing-keys": ["x"]}]})
    body = b'{"id": "e2", "type": "cn.gov.jointinspect.inspectors.assigned.v1"}'
    letter = describe("results.inspectors.assigned.dead", properties, body)
    assert (letter.event_id, letter.type) == ("e2", "cn.gov.jointinspect.inspectors.assigned.v1")
    assert (letter.reason, letter.routing_key, letter.attempts) == ("delivery_limit", "inspectors.assigned", 1)
    assert letter.first_failure_at == letter.dead_at == LATER and letter.deaths == 1
