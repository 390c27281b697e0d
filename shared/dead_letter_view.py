"""What a dead message says (design §3.4, issue 14), in either mode: its event, where it failed, why, how often and
when — read from the headers the consumer writes (shared/topology.py) and the broker's `x-death`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pika

from .topology import (
    ATTEMPTS_HEADER,
    DEAD_AT_HEADER,
    DEFERRALS_HEADER,
    FIRST_FAILURE_AT_HEADER,
    FIRST_FAILURE_REASON_HEADER,
    LAST_FAILURE_REASON_HEADER,
    ORIGINAL_ROUTING_KEY_HEADER,
)

REPLAYS_HEADER = "x-jointinspect-replays"  # how many times an operator replayed this message
REPLAYED_AT_HEADER = "x-jointinspect-replayed-at"
# what the consumer records on a failing message (shared/topology.py); the first one found wins
FIRST_REASON_HEADER, FIRST_AT_HEADER = FIRST_FAILURE_REASON_HEADER, FIRST_FAILURE_AT_HEADER
LAST_REASON_HEADER = LAST_FAILURE_REASON_HEADER
DEAD_AT_HEADERS = ("x-dead-lettered-at", DEAD_AT_HEADER)
ROUTING_KEY_HEADERS = (ORIGINAL_ROUTING_KEY_HEADER,)
# dropped on replay, so the consumer counts attempts afresh and the broker records a new death; the first
# failure's reason and time are kept (and filled in from x-death when the broker alone recorded it)
DROPPED_HEADERS = ("x-death", "x-delivery-count", ATTEMPTS_HEADER, DEFERRALS_HEADER, *DEAD_AT_HEADERS)
DROPPED_PREFIXES = ("x-first-death-", "x-last-death-")


@dataclass
class DeadLetter:
    """One dead message as an operator sees it, in either mode."""

    queue: str  # the queue it failed in (its dead twin is `<queue>.dead`)
    event_id: str | None
    type: str | None
    routing_key: str | None
    reason: str | None  # of the first failure
    last_reason: str | None
    deaths: int  # times it reached the dead letters: 1 + the replays that failed again
    attempts: int | None  # failed deliveries before its latest dead-lettering, when the transport says
    first_failure_at: datetime | None
    dead_at: datetime | None  # its latest dead-lettering
    replays: int = 0

    def as_json(self) -> dict:
        def when(value):
            return value.isoformat() if value else None
        return {"queue": self.queue, "event_id": self.event_id, "type": self.type, "routing_key": self.routing_key,
                "reason": self.reason, "last_reason": self.last_reason, "deaths": self.deaths,
                "attempts": self.attempts, "first_failure_at": when(self.first_failure_at),
                "dead_at": when(self.dead_at), "replays": self.replays}


@dataclass
class ReplayResult:
    replayed: list[str]
    not_found: list[str]
    kept: list[tuple[str, str]]  # (event id, why it was left in the dead letters)
    failed_again: list[str] = field(default_factory=list)  # embedded mode: replayed, failed, dead once more


def _text(value) -> str | None:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return None if value is None else str(value)


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, (str, bytes)):
        try:
            return _when(datetime.fromisoformat(_text(value)))
        except ValueError:
            return None
    return None


def _cloudevent(body: bytes) -> dict:
    """Id and type from the body when the properties lack them (a partner's or a hand-published message)."""
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def describe(dead_queue: str, properties: pika.BasicProperties, body: bytes,
             binding_key: str | None = None) -> DeadLetter:
    """Read what the consumer (failure headers, shared/topology.py) and the broker (`x-death`, when it
    dead-lettered the message itself: unparseable, or past the queue's own delivery limit) recorded."""
    headers = properties.headers or {}
    origin = dead_queue[:-len(".dead")] if dead_queue.endswith(".dead") else dead_queue
    deaths = [d for d in headers.get("x-death") or [] if isinstance(d, dict)]
    # entries of the failing queue itself; a retry queue's TTL expiries are hops, not failures
    failures = [d for d in deaths if _text(d.get("queue")) == origin and _text(d.get("reason")) != "expired"]
    oldest = (failures or [{}])[-1]  # the broker puts the newest entry first
    keys = oldest.get("routing-keys") or []
    attempts = headers.get(ATTEMPTS_HEADER) if isinstance(headers.get(ATTEMPTS_HEADER), int) else None
    if attempts is None and failures:
        attempts = sum(int(d.get("count") or 0) for d in failures) or None
    times = [t for t in (_when(d.get("time")) for d in failures) if t]
    first_at = _when(headers.get(FIRST_AT_HEADER)) or (min(times) if times else None)
    dead_at = next((_when(headers[h]) for h in DEAD_AT_HEADERS if headers.get(h)), None) or \
        (max(times) if times else None)
    replays = headers.get(REPLAYS_HEADER) if isinstance(headers.get(REPLAYS_HEADER), int) else 0
    broker_reason = _text(oldest.get("reason"))
    envelope = _cloudevent(body)
    return DeadLetter(
        queue=origin,
        event_id=properties.message_id or _text(envelope.get("id")),
        type=properties.type or _text(envelope.get("type")),
        routing_key=(_text(keys[0]) if keys else None)
        or next((_text(headers[h]) for h in ROUTING_KEY_HEADERS if headers.get(h)), None) or binding_key,
        reason=_text(headers.get(FIRST_REASON_HEADER)) or broker_reason,
        last_reason=_text(headers.get(LAST_REASON_HEADER)) or broker_reason,
        deaths=1 + replays, attempts=attempts, first_failure_at=first_at, dead_at=dead_at, replays=replays)
