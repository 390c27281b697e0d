"""The AMQP task path (issue 3): departments publish `task.submitted` as their own broker user; intake merges
the tasks into one visit and answers each department on `task.accepted.<dept>` / `task.rejected.<dept>`."""
from __future__ import annotations

import json
import subprocess
import threading
import uuid
from datetime import timedelta

import pika
import pytest

from shared import events, topology
from shared.consumer import Consumer
from shared.relay import OutboxRelay
from tests.conftest import wait_for
from tests.flow import WsgiHttp, login, ok
from tests.support.contract import CHANNEL_MESSAGES, contract_validator
from tests.support.intake import audit_entries, count, outbox

pytestmark = pytest.mark.integration


def _ctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def broker_users(amqp_url, system, reference):
    """One RabbitMQ user per department, registered as that department's broker identity."""
    from services.intake.adapters.db import Department
    vhost = amqp_url.rsplit("/", 1)[1]
    users = {}
    with system.runtime("intake").unit_of_work() as uow:  # test set-up: registering broker users has no API
        for code in ("SCJG", "STHJ", "YJGL"):
            name, password = f"{vhost}_{code.lower()}", uuid.uuid4().hex
            _ctl("add_user", name, password)
            _ctl("set_permissions", "-p", vhost, name, ".*", ".*", ".*")
            uow.get(Department, code).broker_user = name
            users[code] = (name, password)
        uow.commit()
    yield users
    for name, _ in users.values():
        _ctl("delete_user", name)


def _connection(amqp_url, user):
    host_part = amqp_url.split("@", 1)[1]
    return pika.BlockingConnection(pika.URLParameters(f"amqp://{user[0]}:{user[1]}@{host_part}"))


def _answers_queue(channel, code: str) -> str:
    """What a department does: its own durable queue for the answers addressed to it."""
    topology.declare_exchanges(channel)
    queue = f"dept.{code.lower()}.answers"
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, topology.EXCHANGE, routing_key=f"task.*.{code}")
    return queue


def _submit(channel, user_name: str, body: dict) -> None:
    from shared.clock import Clock
    event_id, payload = events.build("intake", "task.submitted", body, None, Clock().now())
    if "company" in body and body["company"]:
        assert not list(contract_validator("TaskSubmitted").iter_errors(json.loads(payload)))
    channel.basic_publish(topology.EXCHANGE, "task.submitted", payload, pika.BasicProperties(
        content_type=events.CONTENT_TYPE, message_id=event_id, delivery_mode=2, user_id=user_name,
        type=events.event_type("task.submitted")))


@pytest.fixture
def intake_worker(system, amqp_url):
    runtime = system.runtime("intake")
    consumer, relay = Consumer(runtime, amqp_url, delivery_limit=3), OutboxRelay(runtime, amqp_url)
    stop = threading.Event()
    threads = [threading.Thread(target=p.run, args=(stop,), daemon=True) for p in (consumer, relay)]
    for thread in threads:
        thread.start()
    wait_for(consumer.ready.is_set, message="intake consumer ready")
    yield runtime
    stop.set()
    for thread in threads:
        thread.join(10)


def test_three_departments_over_amqp_make_one_visit_and_each_is_answered(system, reference, broker_users,
                                                                          intake_worker, amqp_url):
    http = WsgiHttp(system.wsgi)
    today = intake_worker.clock.today_local()
    plan = ok(http.call("POST", "/intake/api/v1/plans", login(http, "clerk01"), {
        "number": f"〔{today.year}〕4号", "name": "消息通道测试", "lead_department": "SCJG",
        "partners": ["STHJ", "YJGL"],
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=9)).isoformat(),
        "intake_deadline": today.isoformat()}))
    company = reference["companies"][5]
    items = {"SCJG": ["SCJG-01"], "STHJ": ["STHJ-02"], "YJGL": ["YJGL-01"]}
    channels, connections = {}, []
    for code, user in broker_users.items():
        connections.append(_connection(amqp_url, user))
        channel = connections[-1].channel()
        channels[code] = (channel, _answers_queue(channel, code))
        _submit(channel, user[0], {"plan_id": plan["id"], "external_id": f"MQ-{code}", "company": company,
                                   "items": items[code]})
    _submit(channels["SCJG"][0], broker_users["SCJG"][0], {"plan_id": plan["id"], "external_id": "MQ-BAD",
                                                          "company": company, "items": ["STHJ-01"]})
    answers = {code: [] for code in channels}

    def collected():
        for code, (channel, queue) in channels.items():
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method:
                message = json.loads(body)
                kind = CHANNEL_MESSAGES[method.routing_key.rsplit(".", 1)[0]]
                assert not list(contract_validator(kind).iter_errors(message)), "docs/asyncapi.yaml ⚑"
                answers[code].append((method.routing_key, message["data"]))
        return sum(map(len, answers.values())) == 4

    try:
        wait_for(collected, timeout=30, interval=0.1, message="four answers")
    finally:
        for connection in connections:
            connection.close()
    accepted = {code: [d for key, d in got if key == f"task.accepted.{code}"] for code, got in answers.items()}
    assert len({d["inspection_id"] for got in accepted.values() for d in got}) == 1, "one visit (N5)"
    rejected = [d for key, d in answers["SCJG"] if key == "task.rejected.SCJG"]
    assert rejected[0]["external_id"] == "MQ-BAD" and "不属于本部门" in rejected[0]["fields"]["items"][0]
    ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", login(http, "clerk01")))
    ready = outbox(intake_worker, "inspection.ready")
    assert len(ready) == 1 and len(json.loads(ready[0].body)["data"]["departments"]) == 3


def test_a_department_cannot_publish_as_another(broker_users, amqp_url):
    """RabbitMQ checks `user_id` against the authenticated user: a forged sender is refused by the broker."""
    connection = _connection(amqp_url, broker_users["STHJ"])
    channel = connection.channel()
    topology.declare_exchanges(channel)
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        _submit(channel, broker_users["SCJG"][0], {"plan_id": "x"})
    connection.close()
    assert refused.value.reply_code == 406


def test_a_message_without_a_registered_sender_is_refused_and_audited(system, reference, intake_worker, amqp_url):
    from services.intake.adapters.db import JointTask
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    _submit(channel, "guest", {"plan_id": "x", "external_id": "ANON", "company": {}, "items": []})
    wait_for(lambda: audit_entries(intake_worker, "task.refused"), message="refusal audited")
    assert count(intake_worker, JointTask) == 0
    connection.close()
