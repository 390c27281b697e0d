"""Provisioned partner queues on a real broker (issue 12): `jointinspect partners provision <dept>` makes a user that
may consume its own `partner.<dept>` and nothing else, bound to exactly that department's partner events."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker

from shared import partner_queues, topology
from shared.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def provision(amqp_url):
    """Run the real command in the test's vhost; broker users are global, so each test names its own."""
    vhost = amqp_url.rsplit("/", 1)[1]
    made = []

    def run(department: str, *extra: str) -> dict:
        user = f"{vhost}_partner_{department.lower()}"
        made.append(user)
        done = _cli(amqp_url, "provision", department, "--json", "--user", user, *extra)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    yield run
    for user in set(made):
        partner_queues.RabbitmqctlUsers().delete(user)


def _cli(amqp_url: str, *args: str) -> subprocess.CompletedProcess:
    """`jointinspect partners …` as an operator runs it; users through rabbitmqctl (no management plugin here)."""
    env = {**os.environ, "AMQP_URL": amqp_url, "RABBITMQ_MANAGEMENT_URL": ""}
    return subprocess.run([sys.executable, "-m", "services.cli", "partners", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _as(amqp_url: str, user: str, password: str) -> pika.BlockingConnection:
    host_and_vhost = amqp_url.split("@", 1)[1]
    return pika.BlockingConnection(pika.URLParameters(f"amqp://{user}:{password}@{host_and_vhost}"))


def _publish(amqp_url: str, *keys: str) -> None:
    """Publish with confirms as the system does, so every message is routed before the test looks."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    for key in keys:
        channel.basic_publish(topology.EXCHANGE, key, json.dumps({"id": key}).encode(),
                              pika.BasicProperties(message_id=key, delivery_mode=2))
    connection.close()


def _drain(channel, queue: str) -> list[str]:
    keys = []
    while True:
        method, _, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return keys
        keys.append(json.loads(body)["id"])


def test_provisioning_twice_is_idempotent_and_keeps_the_password(provision, amqp_url):
    first = provision("SCJG")
    _publish(amqp_url, "letter.issued.SCJG")
    second = provision("SCJG")
    assert first["created"] and first["password"]
    assert not second["created"] and second["password"] is None
    assert first["queue"] == second["queue"] == "partner.scjg" and first["dead_queue"] == "partner.scjg.dead"
    connection = _as(amqp_url, first["user"], first["password"])
    assert _drain(connection.channel(), "partner.scjg") == ["letter.issued.SCJG"]  # the message survived
    connection.close()


def test_the_exchange_exists_before_any_worker_started(provision, amqp_url):
    provision("SCJG")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    connection.channel().exchange_declare(topology.EXCHANGE, passive=True)  # raises 404 NOT_FOUND when missing
    connection.close()


def test_a_partner_receives_exactly_its_own_partner_events(provision, amqp_url):
    scjg, yjgl = provision("SCJG"), provision("YJGL")
    _publish(amqp_url, "result.published.SCJG", "task.accepted.SCJG", "task.rejected.SCJG", "letter.issued.YJGL",
             "visit.scheduled.SCJG", "result.voided.SCJG", "rectification.updated.SCJG", "inspection.ready")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    assert _drain(connection.channel(), "partner.scjg") == [
        "result.published.SCJG", "visit.scheduled.SCJG", "result.voided.SCJG", "rectification.updated.SCJG"]
    connection.close()
    connection = _as(amqp_url, yjgl["user"], yjgl["password"])
    assert _drain(connection.channel(), "partner.yjgl") == ["letter.issued.YJGL"]
    connection.close()


def test_a_partner_consumes_its_queue_with_manual_acks(provision, amqp_url):
    scjg = provision("SCJG")
    _publish(amqp_url, "letter.issued.SCJG")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    channel = connection.channel()
    for method, properties, body in channel.consume("partner.scjg", inactivity_timeout=10):
        assert method is not None and properties.message_id == "letter.issued.SCJG"
        channel.basic_ack(method.delivery_tag)
        break
    channel.cancel()
    connection.close()


def test_a_partner_cannot_read_another_departments_queue(provision, amqp_url):
    scjg, _ = provision("SCJG"), provision("YJGL")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    for attempt in (lambda ch: ch.basic_get("partner.yjgl"), lambda ch: ch.basic_get("partner.scjg.dead"),
                    lambda ch: ch.basic_consume("partner.yjgl", lambda *a: None)):
        with pytest.raises(ChannelClosedByBroker) as refused:
            attempt(connection.channel())
        assert refused.value.reply_code == 403
    connection.close()


def test_a_partner_cannot_declare_or_bind_anything(provision, amqp_url):
    scjg = provision("SCJG")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    own = f"scjg.inbox.{uuid.uuid4().hex[:6]}"
    for attempt in (lambda ch: ch.queue_declare(own, durable=True),
                    lambda ch: ch.queue_declare("", exclusive=True),
                    lambda ch: ch.queue_bind("partner.scjg", topology.EXCHANGE, routing_key="letter.issued.YJGL"),
                    lambda ch: ch.queue_bind("partner.scjg", topology.EXCHANGE, routing_key="#"),
                    lambda ch: ch.exchange_declare("mine", exchange_type="fanout"),
                    lambda ch: ch.basic_publish(topology.EXCHANGE, "result.published.SCJG", b"{}") or ch.basic_get(
                        "partner.scjg")):
        with pytest.raises(ChannelClosedByBroker) as refused:
            attempt(connection.channel())
        assert refused.value.reply_code == 403
    connection.close()


def test_answers_are_bound_only_when_asked_and_unbound_again(provision, amqp_url):
    scjg = provision("SCJG", "--with-answers")
    assert "task.accepted.SCJG" in scjg["bindings"]
    _publish(amqp_url, "task.accepted.SCJG")
    provision("SCJG")
    _publish(amqp_url, "task.rejected.SCJG")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    assert _drain(connection.channel(), "partner.scjg") == ["task.accepted.SCJG"]
    connection.close()


def test_a_supplied_password_replaces_the_old_one(provision, amqp_url, tmp_path):
    first = provision("SCJG")
    secret = tmp_path / "password"
    secret.write_text("a-new-secret-from-the-operator\n", encoding="utf-8")
    again = provision("SCJG", "--password-file", str(secret))
    assert again["password"] is None  # never echoed back
    _as(amqp_url, first["user"], "a-new-secret-from-the-operator").close()
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        _as(amqp_url, first["user"], first["password"])


def test_rejected_messages_wait_in_the_dead_twin_and_can_be_replayed(provision, amqp_url):
    scjg = provision("SCJG")
    _publish(amqp_url, "result.published.SCJG")
    connection = _as(amqp_url, scjg["user"], scjg["password"])
    channel = connection.channel()
    channel.basic_nack(channel.basic_get("partner.scjg")[0].delivery_tag, requeue=False)
    done = _cli(amqp_url, "replay", "SCJG")
    assert done.returncode == 0 and "1" in done.stdout, done.stderr
    assert _drain(channel, "partner.scjg") == ["result.published.SCJG"]
    connection.close()


def test_list_shows_each_partner_and_its_queue(provision, amqp_url):
    sthj = provision("STHJ")
    _publish(amqp_url, "letter.issued.STHJ")
    listed = _cli(amqp_url, "list")
    assert listed.returncode == 0, listed.stderr
    assert sthj["user"] in listed.stdout and "partner.sthj：1 条待取" in listed.stdout
    assert "guest" not in listed.stdout


def test_a_revoked_partner_can_no_longer_connect_and_its_queue_stays(provision, amqp_url):
    scjg = provision("SCJG")
    _publish(amqp_url, "letter.issued.SCJG")
    assert _cli(amqp_url, "revoke", "SCJG", "--user", scjg["user"]).returncode == 0
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        _as(amqp_url, scjg["user"], scjg["password"])
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    assert connection.channel().queue_declare("partner.scjg", passive=True).method.message_count == 1
    connection.close()


def test_a_wrong_department_code_is_refused_before_anything_is_made(amqp_url):
    done = _cli(amqp_url, "provision", "SC.JG")
    assert done.returncode == 1 and "部门代码" in done.stderr


def test_partners_need_a_broker():
    env = {**os.environ, "AMQP_URL": ""}
    done = subprocess.run([sys.executable, "-m", "services.cli", "partners", "provision", "SCJG"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "AMQP_URL" in done.stderr


def test_a_joint_visit_reaches_each_partner_queue_once_with_the_feeds_ids(system, reference, http, amqp_url,
                                                                           provision):
    """The distributed path without processes: the visit runs embedded, then every outbox row is published as the
    relay publishes it; each department's queue holds exactly its own events, with the ids its pull feed shows."""
    from shared.relay import message_properties
    from tests.flow import ok, run_joint_visit
    from tests.support.outbox import outbox_rows
    from tests.support.partners import addressed
    departments = ("SCJG", "STHJ", "YJGL")
    partners = {code: provision(code) for code in departments}  # before any event: a queue keeps only what follows

    def settle(check, what):
        system.bus.drain()
        value = check()
        assert value, f"{what} did not happen"
        return value

    run_joint_visit(http, reference, settle, system.runtime("intake").clock.today_local())
    system.bus.drain()
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    keys = []
    for service in ("intake", "draw", "letters", "results"):
        for row in outbox_rows(system, service):
            channel.basic_publish(topology.EXCHANGE, row.routing_key, row.body, message_properties(row))
            keys.append(row.routing_key)
    connection.close()
    assert {"inspection.ready", "visit.scheduled", "inspectors.assigned"} <= set(keys)  # internal: must not arrive
    tokens = {d["code"]: d["token"] for d in reference["departments"]}
    for code in departments:
        received = _receive(amqp_url, partners[code])
        ids = [event["id"] for event in received]
        assert len(ids) == len(set(ids)), f"{code} got an event twice"
        own = addressed(received)  # issue 13: draw.committed is one message every department's queue binds
        assert len(received) - len(own) == 3, code
        kinds = {event["type"].split(".")[3] for event in own}
        assert {"letter", "visit", "result"} <= kinds <= {"letter", "visit", "result", "rectification"}, code
        assert all(event["data"]["department"] == code for event in own), code
        feed = ok(http.call("GET", f"/intake/api/v1/departments/{code}/events?limit=1000", tokens[code]))
        assert set(ids) == {item["id"] for item in feed["items"]}, code


def _receive(amqp_url: str, partner: dict) -> list[dict]:
    """What the partner's consumer sees: each message's CloudEvent, its `id` the AMQP `message_id`."""
    connection = _as(amqp_url, partner["user"], partner["password"])
    channel, received = connection.channel(), []
    while True:
        method, properties, body = channel.basic_get(partner["queue"], auto_ack=True)
        if method is None:
            break
        event = json.loads(body)
        assert properties.message_id == event["id"] and properties.content_type == "application/cloudevents+json"
        received.append(event)
    connection.close()
    return received
