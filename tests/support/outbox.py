"""What a service left in its outbox, read through its own unit of work (no Flask app context needed)."""
from __future__ import annotations

import json

from sqlalchemy import select


def outbox_rows(system_or_runtime, service: str | None = None, prefix: str = "") -> list:
    """The outbox rows of one service, oldest first, whose routing key starts with `prefix`."""
    runtime = system_or_runtime.runtime(service) if service else system_or_runtime
    outbox = runtime.models["Outbox"]
    with runtime.unit_of_work(read_only=True) as uow:
        rows = uow.session.execute(select(outbox).order_by(outbox.seq)).scalars().all()
    return [row for row in rows if row.routing_key.startswith(prefix)]


def emitted(system_or_runtime, service: str | None = None, prefix: str = "") -> list[dict]:
    """The `data` of each event a service emitted whose routing key starts with `prefix`."""
    return [json.loads(row.body)["data"] for row in outbox_rows(system_or_runtime, service, prefix)]


def count_rows(runtime, model) -> int:
    from sqlalchemy import func
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar_one()
