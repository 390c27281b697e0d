"""From what a department sent (HTTP body, batch row, AMQP message, drawn target) to a `SubmitTask`: one
translation for every channel, so a task means the same whichever way it came in. No I/O."""
from __future__ import annotations

import hashlib
import json

from marshmallow import ValidationError

from shared.errors import flatten_fields

from .commands import SubmitTask, UnreadableTask
from .schemas import JointTaskSchema

TASK_SCHEMA = JointTaskSchema()  # one instance for every row (issue 15: a schema built per task was 15 % of a batch)


def command_from(body: dict, department: str, actor: str, channel: str, idempotency_key: str | None = None,
                 uscc_override_reason: str | None = None, sent: dict | None = None) -> SubmitTask:
    """`body` has passed `JointTaskSchema`; `sent` is what to keep with a refusal (default: `body`)."""
    window = body.get("window") or {}
    return SubmitTask(
        department=department, plan_id=body["plan_id"], external_id=idempotency_key or body["external_id"],
        company_uscc=body["company"]["uscc"], company_name=body["company"]["name"],
        company_address=body["company"].get("address", ""), items=tuple(body["items"]),
        window_start=window.get("start"), window_end=window.get("end"),
        upstream_draw_ref=body.get("upstream_draw_ref"), request_hash=request_hash(body), actor=actor,
        channel=channel, uscc_override_reason=uscc_override_reason, body=body if sent is None else sent)


def parse_task(raw, department: str, actor: str, channel: str) -> SubmitTask | UnreadableTask:
    """A raw row or message: the command, or the schema's reasons (kept as a rejection by the handler)."""
    try:
        body = TASK_SCHEMA.load(raw)
    except ValidationError as error:
        raw = raw if isinstance(raw, dict) else {"body": raw}
        external_id = str(raw.get("external_id", ""))[:100]
        return UnreadableTask(department=department, channel=channel, body=raw,
                              fields=flatten_fields({"json": error.messages}),
                              plan_id=str(raw.get("plan_id", ""))[:36] or None,
                              external_id=(external_id or None) if channel == "amqp" else external_id)
    return command_from(body, department, actor, channel, sent=raw)


def request_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
