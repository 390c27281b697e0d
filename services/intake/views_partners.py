"""Serialisers for the partner feed and webhooks (issue #12). A feed item is the CloudEvent exactly as received."""
from __future__ import annotations

import json

from shared.clock import iso

EVENT_LABELS = {"letter.issued": "检查函", "visit.scheduled": "检查时间", "result.published": "检查结果",
                "result.voided": "结果作废", "rectification.updated": "整改进度"}
DELIVERY_STATUS = {"pending": "投递中", "delivered": "已送达", "failed": "投递失败", "cancelled": "已取消"}


def feed_view(page) -> dict:
    return {"items": [json.loads(event.body) for event in page.events], "next": page.next}


def feed_rows(page) -> list[dict]:
    """For the department's page: cursor, type, id, time and the event's own subject."""
    rows = []
    for event in page.events:
        body = json.loads(event.body)
        name = event.event_type.removeprefix("cn.gov.jointinspect.").removesuffix(".v1")
        rows.append({"cursor": event.seq, "type": event.event_type, "label": EVENT_LABELS.get(name, name),
                     "id": event.event_id,
                     "time": body.get("time", ""), "subject": body.get("subject") or "",
                     "received_at": event.received_at})
    return rows


def webhook_view(hook) -> dict:
    return {"id": hook.id, "url": hook.url, "created_at": iso(hook.created_at)}


def attempt_view(attempt) -> dict:
    return {"at": iso(attempt.attempted_at), "status_code": attempt.status_code, "error": attempt.error,
            "latency_ms": attempt.latency_ms}


def delivery_view(record) -> dict:
    d = record.delivery
    return {"id": d.id, "webhook_id": d.webhook_id, "url": record.url, "event_id": d.event_id,
            "event_type": record.event_type, "event_label": EVENT_LABELS.get(
                record.event_type.removeprefix("cn.gov.jointinspect.").removesuffix(".v1"), record.event_type),
            "cursor": d.event_seq, "status": d.status, "attempts": d.attempts,
            "next_attempt_at": iso(d.next_attempt_at) if d.status == "pending" else None,
            "delivered_at": iso(d.delivered_at) if d.delivered_at else None, "last_error": d.last_error,
            "log": [attempt_view(a) for a in record.attempts]}
