"""Operator tools for messages that kept failing (design §3.4): see them, and replay them once the cause is
fixed. On the broker they wait in `<queue>.dead`; in embedded mode in the consumer's `dead_letter` table."""
from __future__ import annotations

from sqlalchemy import select

from . import events
from .amqp import close_quietly, connect
from .runtime import ServiceRuntime
from .topology import dead_queue_name


def broker_depths(runtime: ServiceRuntime, amqp_url: str) -> dict[str, int]:
    connection = connect(amqp_url, f"{runtime.name}-dead-letters")
    try:
        channel = connection.channel()
        return {dead_queue_name(q): channel.queue_declare(dead_queue_name(q), passive=True).method.message_count
                for q in runtime.queues()}
    finally:
        close_quietly(connection)


def replay_broker(amqp_url: str, queue: str, limit: int = 10_000) -> int:
    """Move messages from `<queue>.dead` back onto `<queue>` only (the default exchange), with confirms,
    acking each dead copy after the broker confirmed the new one."""
    connection = connect(amqp_url, "dead-letter-replay")
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        moved = 0
        while moved < limit:
            method, properties, body = channel.basic_get(dead_queue_name(queue))
            if method is None:
                break
            headers = {k: v for k, v in (properties.headers or {}).items() if not k.startswith("x-")}
            properties.headers = headers or None
            channel.basic_publish("", queue, body, properties)
            channel.basic_ack(method.delivery_tag)
            moved += 1
        return moved
    finally:
        close_quietly(connection)


def pending_embedded(runtime: ServiceRuntime) -> list:
    dead = runtime.models["DeadLetter"]
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(dead).where(dead.replayed_at.is_(None)).order_by(dead.id)).scalars().all()


def replay_embedded(runtime: ServiceRuntime) -> int:
    """Deliver each dead letter again through the normal path (inbox included); stop at the first failure."""
    dead = runtime.models["DeadLetter"]
    replayed = 0
    for row in pending_embedded(runtime):
        runtime.deliver(row.queue, events.parse(row.body))
        with runtime.unit_of_work() as uow:
            uow.get(dead, row.id).replayed_at = runtime.clock.now()
            uow.commit()
        replayed += 1
    return replayed

