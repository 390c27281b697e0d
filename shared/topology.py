"""The broker topology, declared from this one module (design §2, §3.4).

Queues are `<service>.<event>`, durable quorum queues with an explicit delivery limit (RabbitMQ 3.10 has
no default, design §9) dead-lettering into `jointinspect.dlx` → `<queue>.dead`.
"""
from __future__ import annotations

EXCHANGE = "jointinspect"
DEAD_LETTER_EXCHANGE = "jointinspect.dlx"


def queue_name(service: str, event: str) -> str:
    return f"{service}.{event}"


def dead_queue_name(queue: str) -> str:
    return f"{queue}.dead"


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic matching (`*` one word, `#` zero or more), used by the embedded transport."""
    return _match(pattern.split("."), key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


def declare_exchanges(channel) -> None:
    channel.exchange_declare(EXCHANGE, exchange_type="topic", durable=True)
    channel.exchange_declare(DEAD_LETTER_EXCHANGE, exchange_type="direct", durable=True)


def declare_queue(channel, queue: str, binding_key: str, delivery_limit: int) -> None:
    """One consumer queue with its dead-letter twin; idempotent, so every worker start may call it."""
    dead = dead_queue_name(queue)
    channel.queue_declare(dead, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(dead, DEAD_LETTER_EXCHANGE, routing_key=queue)
    channel.queue_declare(queue, durable=True, arguments={
        "x-queue-type": "quorum",
        "x-delivery-limit": delivery_limit,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue,
    })
    channel.queue_bind(queue, EXCHANGE, routing_key=binding_key)


def declare_service(channel, service: str, events: list[str], delivery_limit: int) -> list[str]:
    declare_exchanges(channel)
    queues = []
    for name in events:
        queue = queue_name(service, name)
        declare_queue(channel, queue, name, delivery_limit)
        queues.append(queue)
    return queues
