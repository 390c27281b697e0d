"""A department's webhooks (issue #12) on intake's bus: SSRF refusal, signed CloudEvents deliveries, backoff,
the delivery log and 重新投递. A real HTTP receiver on 127.0.0.1; a clock moved by hand instead of sleeping."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.intake.adapters.partner_db import WebhookAttempt, WebhookDelivery
from services.intake.commands import RedeliverWebhook, RegisterWebhook, RemoveWebhook
from services.intake.domain.webhooks import WebhookPolicy
from services.intake.queries import WebhookDeliveries, Webhooks
from services.intake.webhook_job import send_due_webhooks
from shared.errors import Forbidden, Invalid
from tests.support.intake import rows
from tests.support.partners import T0, MovingClock, Receiver, deliver, partner_event, partner_runtime, verify

SECRET = "s3cret-of-scjg"


def register(runtime, url, department="SCJG", viewer="SCJG"):
    return runtime.bus.handle(RegisterWebhook(department, url, SECRET, f"department:{department}", viewer))


@pytest.fixture
def clock():
    return MovingClock(T0)


@pytest.fixture
def intake(tmp_path, clock):
    runtime = partner_runtime(tmp_path / "var", clock, allow_private=True)
    yield runtime
    runtime.dispose()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/",
                                 "https://192.168.1.5/x", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/hook", "http://0.0.0.0/", "http://100.64.0.1/"])
def test_registration_refuses_loopback_and_private_targets_by_default(tmp_path, url):
    runtime = partner_runtime(tmp_path / "var")
    with pytest.raises(Invalid) as refused:
        register(runtime, url)
    assert refused.value.status == 422 and "内网" in refused.value.message and "url" in refused.value.fields
    assert runtime.bus.handle(Webhooks("SCJG", "SCJG")) == []
    runtime.dispose()


@pytest.mark.parametrize("url", ["ftp://example.gov.cn/x", "file:///etc/passwd", "http:///nohost",
                                 "https://user:pw@example.gov.cn/"])
def test_registration_refuses_what_is_not_an_http_target_even_with_the_setting(intake, url):
    with pytest.raises(Invalid):
        register(intake, url)


def test_a_public_target_is_accepted_and_a_private_one_only_with_the_setting(tmp_path, intake):
    runtime = partner_runtime(tmp_path / "strict")
    hook = register(runtime, "https://partner.example.gov.cn/hooks")
    assert [h.url for h in runtime.bus.handle(Webhooks("SCJG", "SCJG"))] == [hook.url]
    runtime.dispose()
    assert register(intake, "http://127.0.0.1:9/hook").id


def test_the_webhook_figures_come_from_the_settings():
    from shared.config import SettingsError, load_settings
    assert WebhookPolicy.from_settings(load_settings("intake", {})).allow_private_targets is False
    for flag in ("1", "true", "on"):
        allowed = load_settings("intake", {"WEBHOOK_ALLOW_PRIVATE_TARGETS": flag})
        assert WebhookPolicy.from_settings(allowed).allow_private_targets
    assert WebhookPolicy.from_settings(load_settings("intake", {"WEBHOOK_RETRY_HOURS": "48"})).retry_hours == 48
    with pytest.raises(SettingsError, match="WEBHOOK_ALLOW_PRIVATE_TARGETS"):
        load_settings("intake", {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "maybe"})


def test_another_department_may_not_register_or_list(intake):
    with pytest.raises(Forbidden):
        register(intake, "https://partner.example.gov.cn/", department="SCJG", viewer="STHJ")
    with pytest.raises(Forbidden):
        intake.bus.handle(Webhooks("SCJG", "STHJ"))


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    policy = WebhookPolicy()
    assert [policy.retry_delay(n).total_seconds() for n in range(1, 10)] == \
        [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert not policy.gives_up(T0, T0 + timedelta(hours=23, minutes=59))
    assert policy.gives_up(T0, T0 + timedelta(hours=24))


def test_a_delivery_is_a_signed_cloudevent_in_structured_mode(intake):
    with Receiver([200]) as receiver:
        register(intake, receiver.url)
        event = partner_event("letter.issued", "SCJG")
        deliver(intake, event)
        assert send_due_webhooks(intake) == 1
    (headers, body), = receiver.received
    assert body == event.body  # the CloudEvent exactly as received: the same id by every way
    assert headers["content-type"] == "application/cloudevents+json"
    assert verify(SECRET, body, headers["x-jointinspect-signature"])
    assert not verify("another-secret", body, headers["x-jointinspect-signature"])
    delivery, = rows(intake, WebhookDelivery)
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert send_due_webhooks(intake) == 0  # delivered once


def test_each_event_makes_one_delivery_per_active_webhook_of_its_department_only(intake):
    register(intake, "https://a.example.gov.cn/")
    register(intake, "https://b.example.gov.cn/")
    register(intake, "https://c.example.gov.cn/", department="STHJ", viewer="STHJ")
    deliver(intake, partner_event("result.published", "SCJG"))
    assert sorted(d.department for d in rows(intake, WebhookDelivery)) == ["SCJG", "SCJG"]


def test_a_receiver_that_fails_three_times_gets_it_once_more_after_backoff(intake, clock):
    with Receiver([500, 503, 502, 200]) as receiver:
        register(intake, receiver.url)
        event = partner_event("result.published", "SCJG")
        deliver(intake, event)
        assert send_due_webhooks(intake) == 1  # t0: 500
        for wait in (30, 60, 120):
            clock.advance(wait - 1)
            assert send_due_webhooks(intake) == 0, "not before its backoff"
            clock.advance(1)
            assert send_due_webhooks(intake) == 1
        assert send_due_webhooks(intake) == 0
    assert receiver.ids() == [event.id] * 4
    delivery, = rows(intake, WebhookDelivery)
    assert delivery.status == "delivered" and delivery.attempts == 4
    log = intake.bus.handle(WebhookDeliveries("SCJG", "SCJG"))[0].attempts
    assert [a.status_code for a in log] == [500, 503, 502, 200]
    assert all(a.latency_ms >= 0 for a in log)
    assert [a.attempted_at.replace(tzinfo=None) for a in log] == \
        [(T0 + timedelta(seconds=s)).replace(tzinfo=None) for s in (0, 30, 90, 210)]


def test_after_the_retry_window_the_delivery_fails_and_can_be_redelivered(intake, clock):
    with Receiver([500]) as receiver:
        register(intake, receiver.url)
        deliver(intake, partner_event("rectification.updated", "SCJG"))
        for _ in range(60):
            send_due_webhooks(intake)
            clock.advance(3600)
        failed = intake.bus.handle(WebhookDeliveries("SCJG", "SCJG", failed_only=True))
        assert len(failed) == 1 and failed[0].delivery.status == "failed"
        attempts = len(receiver.received)
        assert 24 <= attempts < 40  # retried for at least 24 hours, then no more
        assert send_due_webhooks(intake) == 0
        receiver.script = [200]
        intake.bus.handle(RedeliverWebhook("SCJG", failed[0].delivery.id, "department:SCJG", "SCJG"))
        assert send_due_webhooks(intake) == 1
    delivery, = rows(intake, WebhookDelivery)
    assert delivery.status == "delivered" and len(rows(intake, WebhookAttempt)) == attempts + 1


def test_the_target_is_checked_again_before_each_attempt(tmp_path, clock):
    addresses = {"partner.example.gov.cn": ["93.184.216.34"]}
    runtime = partner_runtime(tmp_path / "var", clock, resolver=lambda host: addresses.get(host, []))
    register(runtime, "http://partner.example.gov.cn/hook")
    addresses["partner.example.gov.cn"] = ["127.0.0.1"]  # DNS changed after registration
    deliver(runtime, partner_event("letter.issued", "SCJG"))
    assert send_due_webhooks(runtime) == 1
    attempt, = rows(runtime, WebhookAttempt)
    assert attempt.status_code is None and "内网" in attempt.error
    runtime.dispose()


def test_a_redirect_is_not_followed(intake):
    with Receiver([302], location="http://169.254.169.254/") as receiver:
        register(intake, receiver.url)
        deliver(intake, partner_event("letter.issued", "SCJG"))
        send_due_webhooks(intake)
    attempt, = rows(intake, WebhookAttempt)
    assert attempt.status_code == 302 and len(receiver.received) == 1
    assert rows(intake, WebhookDelivery)[0].status == "pending"


def test_a_removed_webhook_gets_nothing_more(intake):
    hook = register(intake, "https://partner.example.gov.cn/")
    deliver(intake, partner_event("letter.issued", "SCJG"))
    with pytest.raises(Forbidden):
        intake.bus.handle(RemoveWebhook("SCJG", hook.id, "department:STHJ", "STHJ"))
    intake.bus.handle(RemoveWebhook("SCJG", hook.id, "department:SCJG", "SCJG"))
    deliver(intake, partner_event("letter.issued", "SCJG"))
    assert [d.status for d in rows(intake, WebhookDelivery)] == ["cancelled"]
    assert intake.bus.handle(Webhooks("SCJG", "SCJG")) == []
