"""Issue #12, embedded mode: for a three-department visit each department receives exactly its own events, once, by
the pull feed and by its webhook (signed), with the same CloudEvent ids both ways; no department sees another's."""
from __future__ import annotations

import json

import pytest

from tests.conftest import wait_for
from tests.flow import THREE_DEPARTMENTS, WsgiHttp, ok, run_joint_visit
from tests.support.partners import EXPECTED, Receiver, addressed, event_name, read_feed, verify

pytestmark = pytest.mark.e2e


@pytest.fixture
def partner_system(embedded_env):
    from services.demo import seed_reference
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({**embedded_env, "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"})
    system.reference = seed_reference(system, system.runtime("intake").clock.today_local())
    yield system
    system.close()


def run_webhook_jobs(system) -> None:
    intake = system.runtime("intake")
    for _seconds, job in intake.periodic:
        job(intake)


def test_each_department_gets_exactly_its_own_events_by_feed_and_by_webhook(partner_system):
    system, http = partner_system, WsgiHttp(partner_system.wsgi)
    tokens = {d["code"]: d["token"] for d in system.reference["departments"]}
    receivers = {code: Receiver().__enter__() for code in THREE_DEPARTMENTS}
    try:
        for code, receiver in receivers.items():
            ok(http.call("POST", f"/intake/api/v1/departments/{code}/webhooks", tokens[code],
                         {"url": receiver.url, "secret": f"secret-{code}"}), (201,))

        def settle(check, what):
            system.bus.drain()
            value = check()
            assert value, f"{what} did not happen after the bus drained"
            return value

        run_joint_visit(http, system.reference, settle, system.runtime("intake").clock.today_local())
        system.bus.drain()
        feeds = {code: read_feed(http, code, tokens[code], limit=3) for code in THREE_DEPARTMENTS}

        def all_delivered():
            run_webhook_jobs(system)
            return all(len(receivers[c].received) >= len(feeds[c]) for c in THREE_DEPARTMENTS)

        wait_for(all_delivered, timeout=30, interval=0.2, message="every webhook delivery")
        for code in THREE_DEPARTMENTS:
            feed_ids = [event["id"] for event in feeds[code]]
            own = addressed(feeds[code])  # issue 13: draw.committed goes to every department, once each
            assert {event_name(e) for e in feeds[code]} - {event_name(e) for e in own} == {"draw.committed"}, code
            assert {event_name(e) for e in own} == EXPECTED[code], code
            assert all(e["data"]["department"] == code for e in own), "only its own events"
            assert len(feed_ids) == len(set(feed_ids)), "each event once"
            assert sorted(receivers[code].ids()) == sorted(feed_ids), "the same ids by both ways"
            for headers, body in receivers[code].received:
                assert headers["content-type"].startswith("application/cloudevents+json")
                assert verify(f"secret-{code}", body, headers["x-jointinspect-signature"])
                event = json.loads(body)
                assert event_name(event) == "draw.committed" or event["data"]["department"] == code
        own_ids = {c: {e["id"] for e in addressed(feeds[c])} for c in THREE_DEPARTMENTS}
        assert not (own_ids["STHJ"] | own_ids["YJGL"]) & own_ids["SCJG"], "no department sees another's events"
        status, refused = http.call("GET", "/intake/api/v1/departments/STHJ/events?after=0", tokens["SCJG"])
        assert status == 403 and refused["error"]["message"]
    finally:
        for receiver in receivers.values():
            receiver.__exit__(None, None, None)
