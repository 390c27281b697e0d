"""Distributed mode end to end: each service's HTTP app and worker as separate OS processes, on real
RabbitMQ and PostgreSQL, with a partner agency's plain pika consumer bound to its own routing key."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import types

import pika
import pytest
from cloudevents.core.formats.json import JSONFormat

from shared.config import PROJECT_ROOT, SERVICES, load_settings
from shared.signing import generate_key_text
from tests.conftest import answers, free_port, today, wait_for
from tests.flow import THREE_DEPARTMENTS, UrlHttp, assert_public_draw_record, run_joint_visit

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture
def cluster(pg_env, amqp_url, tmp_path):
    env = {**os.environ, **pg_env, "AMQP_URL": amqp_url, "SECRET_KEY": "e2e-secret", "DELIVERY_LIMIT": "3",
           "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1", "AUDIT_SIGNING_KEY": generate_key_text(),
           "JOINTINSPECT_VAR": str(tmp_path / "var"), "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
           "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    ports = {name: free_port() for name in SERVICES}
    exe = [sys.executable, "-m", "services.cli"]
    processes = []
    logs = tmp_path / "logs"
    logs.mkdir()
    for name in SERVICES:
        for role, args in (("serve", ["--bind", f"127.0.0.1:{ports[name]}", "--workers", "1"]), ("worker", [])):
            with open(logs / f"{name}-{role}.log", "wb") as log:  # the child keeps its own descriptor
                processes.append(subprocess.Popen([*exe, role, name, *args], env=env, cwd=PROJECT_ROOT,
                                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    try:
        for name in SERVICES:
            wait_for(lambda n=name: answers(f"{bases[n]}/{n}/readyz"), timeout=60, message=f"{name} ready")
        yield types.SimpleNamespace(env=env, bases=bases, amqp_url=amqp_url, processes=processes, logs=logs)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _seed(cluster) -> dict:
    """Reference data goes straight into the services' own PostgreSQL databases, as an operator would load it."""
    from services import registry
    from services.demo import seed_reference
    runtimes = {name: registry.start(name, load_settings(name, cluster.env)) for name in ("intake", "draw")}
    try:
        operator = types.SimpleNamespace(runtimes=runtimes,
                                         handle=lambda name, message: runtimes[name].bus.handle(message))
        return seed_reference(operator, today())
    finally:
        for runtime in runtimes.values():
            runtime.dispose()


def _partner_queue(amqp_url: str, dept: str) -> tuple[pika.BlockingConnection, str]:
    """What a partner agency does (README): its own durable queue bound to its routing key."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.exchange_declare("jointinspect", exchange_type="topic", durable=True)
    queue = f"partner.{dept.lower()}.results"
    channel.queue_declare(queue, durable=True)
    channel.queue_bind(queue, "jointinspect", routing_key=f"result.published.{dept}")
    return connection, queue


def test_distributed_flow_reaches_every_partner_agency_with_exactly_its_own_items(cluster):
    """N5 over real RabbitMQ: three departments' own queues, each gets one message with only its items and its own
    category; the visit has one fixed time and each department's officers (issue #11)."""
    info = _seed(cluster)
    partners = {dept: _partner_queue(cluster.amqp_url, dept) for dept in THREE_DEPARTMENTS}
    channels = {dept: connection.channel() for dept, (connection, _) in partners.items()}
    http = UrlHttp(cluster.bases)
    visit = run_joint_visit(http, info, lambda check, what: wait_for(check, timeout=60, interval=0.2, message=what),
                            today())
    for department, record in visit["draws"].items():
        assert_public_draw_record(record)  # each department's part drawn from its own officers (N2)
        assert {p["department"] for p in record["inspectors"]} == {department} and len(record["selected"]) >= 2
    for dept, (connection, queue) in partners.items():
        received = []

        def got_one(channel=channels[dept], queue=queue, received=received):
            method, properties, body = channel.basic_get(queue, auto_ack=True)
            if method:
                received.append((properties, body))
            return received

        wait_for(got_one, timeout=30, interval=0.1, message=f"{dept}'s result message")
        properties, body = received[0]
        event = JSONFormat().read(None, body)
        assert properties.content_type == "application/cloudevents+json"
        assert properties.message_id == event.get_id() and properties.delivery_mode == 2
        assert properties.type == event.get_type() == "cn.gov.jointinspect.result.published.v1"
        assert event.get_subject() == visit["inspection_id"]
        data = event.get_data()
        assert data["department"] == dept
        assert [item["code"] for item in data["items"]] == THREE_DEPARTMENTS[dept]
        if dept == "SCJG":
            assert data["items"][0]["outcome"] == "发现问题" and data["rectification_deadline"]
            assert data["category"].startswith("发现问题")
        else:  # a department that found nothing is never published with a problem category
            assert data["category"] == "未发现问题" and data["summary"]["problems_found"] == 0
    # exactly one each: nothing else (no other department's result, no duplicate) reaches a partner's queue
    wait_for(lambda: _all_outboxes_sent(cluster), timeout=30, message="every outbox drained")
    for dept, (connection, queue) in partners.items():
        assert channels[dept].basic_get(queue, auto_ack=True)[0] is None, dept
        connection.close()


def _provision(cluster, code: str) -> dict:
    """What the operator runs (README): the department's broker user and its queue `partner.<dept>`."""
    import json
    vhost = cluster.amqp_url.rsplit("/", 1)[1]
    done = subprocess.run([sys.executable, "-m", "services.cli", "partners", "provision", code, "--json",
                           "--user", f"{vhost}_partner_{code.lower()}"], env=cluster.env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_each_department_gets_its_own_events_once_by_queue_feed_and_webhook(cluster):
    """Issue #12 in distributed mode: the provisioned queue, the pull feed and the signed webhook carry exactly that
    department's events, once each, with the same CloudEvent ids; no department sees another's."""
    import json

    from tests.support.partners import EXPECTED, Receiver, addressed, event_name, read_feed, verify
    info = _seed(cluster)
    http = UrlHttp(cluster.bases)
    tokens = {d["code"]: d["token"] for d in info["departments"]}
    grants = {code: _provision(cluster, code) for code in THREE_DEPARTMENTS}
    receivers = {code: Receiver().__enter__() for code in THREE_DEPARTMENTS}
    try:
        for code, receiver in receivers.items():
            status, _ = http.call("POST", f"/intake/api/v1/departments/{code}/webhooks", tokens[code],
                                  {"url": receiver.url, "secret": f"secret-{code}"})
            assert status == 201
        run_joint_visit(http, info, lambda check, what: wait_for(check, timeout=60, interval=0.2, message=what),
                        today())
        wait_for(lambda: _all_outboxes_sent(cluster), timeout=60, message="every outbox drained")

        def feed_complete(code):
            events = addressed(read_feed(http, code, tokens[code], limit=50))  # audit checkpoints: any time
            return events if {event_name(e) for e in events} == EXPECTED[code] else None

        feeds = {code: wait_for(lambda c=code: feed_complete(c), timeout=60, message=f"{code}'s feed")
                 for code in THREE_DEPARTMENTS}
        for code in THREE_DEPARTMENTS:
            feed_ids = sorted(e["id"] for e in feeds[code])
            assert len(feed_ids) == len(set(feed_ids)) and all(e["data"]["department"] == code for e in feeds[code])
            wait_for(lambda c=code: len(addressed([json.loads(b) for _, b in receivers[c].received])) >= len(feeds[c]),
                     timeout=90, interval=0.5, message=f"{code}'s webhook deliveries")  # broadcasts do not count
            assert sorted(e["id"] for e in addressed([json.loads(b) for _, b in receivers[code].received])) == feed_ids
            assert all(verify(f"secret-{code}", body, headers["x-jointinspect-signature"])
                       for headers, body in receivers[code].received)
            grant = grants[code]
            vhost = cluster.amqp_url.rsplit("/", 1)[1]
            connection = pika.BlockingConnection(pika.URLParameters(
                f"amqp://{grant['user']}:{grant['password']}@127.0.0.1:5672/{vhost}"))
            channel, queued = connection.channel(), []
            while (message := channel.basic_get(grant["queue"], auto_ack=True))[0] is not None:
                _method, properties, body = message
                assert properties.message_id == json.loads(body)["id"]
                queued.append(json.loads(body))
            connection.close()
            assert sorted(e["id"] for e in addressed(queued)) == feed_ids, \
                f"{code}: the queue carries exactly the feed's events"
    finally:
        for receiver in receivers.values():
            receiver.__exit__(None, None, None)
        for code, grant in grants.items():
            subprocess.run(["rabbitmqctl", "-q", "delete_user", grant["user"]], capture_output=True, timeout=60)


def _all_outboxes_sent(cluster) -> bool:
    import psycopg
    for name in SERVICES:
        url = cluster.env[f"{name.upper()}_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url) as conn:
            if conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]:
                return False
    return True


def test_logout_in_draw_ends_the_token_in_every_service_process(cluster):
    """Issue 13: each service checks login tokens by signature alone, in its own processes; draw's
    `account.sessions_revoked` over RabbitMQ is what makes a logged-out token stop working in the others."""
    from tests.flow import login, ok
    _seed(cluster)
    http = UrlHttp(cluster.bases)
    token = login(http, "clerk01")
    reads = ("/intake/api/v1/rejections", "/letters/api/v1/failures", "/results/api/v1/rectifications")
    assert [http.call("GET", path, token)[0] for path in reads] == [200, 200, 200]
    ok(http.call("POST", "/draw/api/v1/auth/logout", token))
    for path in reads:
        wait_for(lambda path=path: http.call("GET", path, token)[0] == 401, timeout=30, message=f"logout at {path}")
    assert http.call("GET", "/results/api/v1/rectifications", login(http, "clerk01"))[0] == 200
