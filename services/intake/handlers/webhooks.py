"""A department's webhooks (issue #12): register (the target checked against SSRF), list, remove, the delivery log
and 重新投递; and the sender's two short transactions around an HTTP attempt made outside any of them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from shared.db import is_postgres
from shared.errors import Conflict, Invalid, NotFound
from shared.ids import new_id
from shared.uow import UnitOfWork

from ..adapters.partner_db import PartnerEvent, Webhook, WebhookAttempt, WebhookDelivery
from ..commands import ClaimDueDeliveries, RecordDeliveryAttempt, RedeliverWebhook, RegisterWebhook, RemoveWebhook
from ..domain.webhooks import WebhookPolicy
from ..queries import WebhookDeliveries, Webhooks
from .partner_events import check_viewer

MAX_WEBHOOKS = 10


@dataclass(frozen=True)
class DeliveryJob:
    """What the sender needs for one attempt, read in the claim and used after its commit."""
    delivery_id: str
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True)
class DeliveryRecord:
    delivery: WebhookDelivery
    url: str
    event_type: str
    attempts: list[WebhookAttempt]


def register_webhook(cmd: RegisterWebhook, uow: UnitOfWork, webhook_target_refusal) -> Webhook:
    check_viewer(uow, cmd.department, cmd.viewer)
    url = cmd.url.strip()
    reason = webhook_target_refusal(url)
    if reason:
        raise Invalid(reason, fields={"url": [reason]})
    active = uow.session.execute(select(func.count()).select_from(Webhook).where(
        Webhook.department == cmd.department, Webhook.active.is_(True))).scalar()
    if active >= MAX_WEBHOOKS:
        raise Conflict(f"每个部门最多登记 {MAX_WEBHOOKS} 个回调地址，请先删除不再使用的")
    hook = Webhook(id=new_id(), department=cmd.department, url=url, secret=cmd.secret, active=True,
                   created_by=cmd.actor, created_at=uow.now)
    uow.add(hook)
    uow.audit(cmd.actor, "webhook.registered", f"webhook:{hook.id}", after={"department": cmd.department, "url": url})
    return hook


def _own_webhook(uow: UnitOfWork, department: str, webhook_id: str) -> Webhook:
    hook = uow.get(Webhook, webhook_id)
    if hook is None or hook.department != department or not hook.active:
        raise NotFound("回调地址不存在")
    return hook


def remove_webhook(cmd: RemoveWebhook, uow: UnitOfWork) -> None:
    """The webhook stops receiving; its log stays, and what was still pending for it is cancelled."""
    check_viewer(uow, cmd.department, cmd.viewer)
    hook = _own_webhook(uow, cmd.department, cmd.webhook_id)
    hook.active, hook.removed_at = False, uow.now
    for delivery in uow.session.execute(select(WebhookDelivery).where(
            WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")).scalars():
        delivery.status = "cancelled"
    uow.audit(cmd.actor, "webhook.removed", f"webhook:{hook.id}", before={"url": hook.url})


def webhooks(query: Webhooks, uow: UnitOfWork) -> list[Webhook]:
    check_viewer(uow, query.department, query.viewer)
    return list(uow.session.execute(select(Webhook).where(Webhook.department == query.department,
                                                          Webhook.active.is_(True))
                                    .order_by(Webhook.created_at)).scalars())


def webhook_deliveries(query: WebhookDeliveries, uow: UnitOfWork) -> list[DeliveryRecord]:
    check_viewer(uow, query.department, query.viewer)
    statement = (select(WebhookDelivery, Webhook.url, PartnerEvent.event_type)
                 .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                 .join(PartnerEvent, (PartnerEvent.department == WebhookDelivery.department)
                       & (PartnerEvent.seq == WebhookDelivery.event_seq))
                 .where(WebhookDelivery.department == query.department)
                 .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.event_seq.desc()).limit(query.limit))
    if query.failed_only:
        statement = statement.where(WebhookDelivery.status == "failed")
    rows = uow.session.execute(statement).all()
    attempts: dict[str, list[WebhookAttempt]] = {}
    if rows:
        for attempt in uow.session.execute(select(WebhookAttempt).where(
                WebhookAttempt.delivery_id.in_([d.id for d, _, _ in rows])).order_by(WebhookAttempt.id)).scalars():
            attempts.setdefault(attempt.delivery_id, []).append(attempt)
    return [DeliveryRecord(d, url, event_type, attempts.get(d.id, [])) for d, url, event_type in rows]


def redeliver_webhook(cmd: RedeliverWebhook, uow: UnitOfWork) -> WebhookDelivery:
    check_viewer(uow, cmd.department, cmd.viewer)
    delivery = uow.get(WebhookDelivery, cmd.delivery_id)
    if delivery is None or delivery.department != cmd.department:
        raise NotFound("投递记录不存在")
    if delivery.status != "failed":
        raise Conflict("只有投递失败的记录可以重新投递" if delivery.status != "pending" else "该记录正在投递中")
    hook = uow.get(Webhook, delivery.webhook_id)
    if not hook.active:
        raise Conflict("该回调地址已删除，无法重新投递")
    delivery.status, delivery.next_attempt_at, delivery.window_started_at = "pending", uow.now, uow.now
    uow.audit(cmd.actor, "webhook.redelivered", f"webhook-delivery:{delivery.id}",
              after={"event_id": delivery.event_id})
    return delivery


def claim_due_deliveries(cmd: ClaimDueDeliveries, uow: UnitOfWork, webhook_policy: WebhookPolicy) -> list[DeliveryJob]:
    """Due deliveries are moved past a lease and committed before anything is sent: no transaction is open while
    a receiver answers, two senders never take the same row (SKIP LOCKED), and a sender that dies mid-way only
    delays its deliveries until the lease ends."""
    now = uow.now
    statement = (select(WebhookDelivery, Webhook.url, Webhook.secret, PartnerEvent.body)
                 .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                 .join(PartnerEvent, (PartnerEvent.department == WebhookDelivery.department)
                       & (PartnerEvent.seq == WebhookDelivery.event_seq))
                 .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                 .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.event_seq).limit(webhook_policy.batch))
    if is_postgres(uow.session):
        statement = statement.with_for_update(skip_locked=True, of=WebhookDelivery)
    jobs = []
    for delivery, url, secret, body in uow.session.execute(statement).all():
        delivery.next_attempt_at = now + webhook_policy.lease
        jobs.append(DeliveryJob(delivery.id, url, secret, bytes(body)))
    return jobs


def record_delivery_attempt(cmd: RecordDeliveryAttempt, uow: UnitOfWork, webhook_policy: WebhookPolicy) -> str:
    """2xx: delivered. Otherwise the next attempt after the backoff, or failed once the retry window is over."""
    delivery = uow.get(WebhookDelivery, cmd.delivery_id)
    if delivery is None:
        raise NotFound("投递记录不存在")
    uow.add(WebhookAttempt(delivery_id=delivery.id, attempted_at=cmd.attempted_at, status_code=cmd.status_code,
                           error=cmd.error, latency_ms=cmd.latency_ms))
    delivery.attempts += 1
    if delivery.status != "pending":
        return delivery.status  # removed (cancelled) while the attempt was under way
    if cmd.status_code is not None and 200 <= cmd.status_code < 300:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", uow.now, None
        return delivery.status
    delivery.last_error = cmd.error or f"HTTP {cmd.status_code}"
    if webhook_policy.gives_up(delivery.window_started_at, uow.now):
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = uow.now + webhook_policy.retry_delay(delivery.attempts)
    return delivery.status
