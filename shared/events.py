"""CloudEvents 1.0 structured JSON, exactly as design §2 (⚑) says, built and read with the cloudevents SDK."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from .clock import utc
from .ids import new_id
from .json_limits import check_structure

TYPE_PREFIX = "cn.gov.jointinspect."
TYPE_SUFFIX = ".v1"
CONTENT_TYPE = JSONFormat.CONTENT_TYPE  # application/cloudevents+json
_FORMAT = JSONFormat()


def event_type(name: str) -> str:
    return f"{TYPE_PREFIX}{name}{TYPE_SUFFIX}"


def event_name(type_: str) -> str:
    if not (type_.startswith(TYPE_PREFIX) and type_.endswith(TYPE_SUFFIX)):
        raise ValueError(f"not a jointinspect event type: {type_!r}")
    return type_[len(TYPE_PREFIX):-len(TYPE_SUFFIX)]


@dataclass(frozen=True)
class Event:
    """What a handler sees: the envelope's facts plus `data`, never the transport."""

    id: str
    name: str
    source: str
    subject: str | None
    time: datetime
    data: dict
    correlation_id: str | None = None
    sender: str | None = None  # the broker-authenticated user (AMQP user_id) of an external producer
    body: bytes | None = None  # the CloudEvent exactly as received: forwarded to partners unchanged (same id)

    def sent_by(self, sender: str | None) -> "Event":
        return replace(self, sender=sender)

    @property
    def type(self) -> str:
        return event_type(self.name)


def build(service: str, name: str, data: dict, subject: str | None, now: datetime,
          correlation_id: str | None = None, event_id: str | None = None) -> tuple[str, bytes]:
    """Return (id, body). `correlationid` follows the task across services (design §2)."""
    attributes = {
        "id": event_id or new_id(),
        "source": f"/jointinspect/{service}",
        "type": event_type(name),
        "specversion": "1.0",
        "time": utc(now),
        "datacontenttype": "application/json",
    }
    if subject:
        attributes["subject"] = subject
    if correlation_id:
        attributes["correlationid"] = correlation_id
    event = CloudEvent(attributes=attributes, data=data)
    return attributes["id"], _FORMAT.write(event)


def parse(body: bytes) -> Event:
    """Raise ValueError for anything that is not one of our CloudEvents: such a message is poison."""
    try:
        ce = _FORMAT.read(None, body)
    except Exception as exc:  # the SDK raises several types for malformed input
        raise ValueError(f"malformed CloudEvent: {exc}") from exc
    data = ce.get_data()
    if not isinstance(data, dict):
        raise ValueError("CloudEvent data must be a JSON object")
    check_structure(data)  # MalformedJSON is a ValueError: too deep, or a lone surrogate no database can store
    attrs = ce.get_attributes()
    return Event(
        id=ce.get_id(), name=event_name(ce.get_type()), source=ce.get_source(),
        subject=ce.get_subject(), time=ce.get_time(), data=data,
        correlation_id=attrs.get("correlationid"), body=bytes(body),
    )
