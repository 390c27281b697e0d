"""The broker topology, declared from this one module (design §2, §3.4).

Queues are `<service>.<event>`, durable quorum queues with an explicit delivery limit (RabbitMQ 3.10 has
no default, design §9) dead-lettering into `jointinspect.dlx` → `<queue>.dead`.

Delayed retries (issue 14): a handler failure is not requeued at once (five tries within milliseconds made a
short outage poison). The consumer republishes the message to the service's retry exchange `<service>.retry`
(headers exchange) with the header `jointinspect-retry-delay` naming one of the delay queues
`<service>.retry.<n>s`; that queue holds it for n seconds (`x-message-ttl`) and dead-letters it through the
default exchange with its routing key — the name of the queue it came from — so it comes back where it failed.
The headers a failing message carries (the dead-letter list shows them; `replay` drops the attempt count, so a
replayed message gets all its attempts again):
  x-jointinspect-attempts      failed attempts so far (int)
  x-first-failure-reason       `Class: message` of the first failure
  x-first-failure-at           ISO time of the first failure (UTC)
  x-last-failure-reason        `Class: message` of the latest failure
  x-original-routing-key       the routing key it was first delivered with (the event type)
  x-jointinspect-dead-at       ISO time (UTC) the consumer dead-lettered it
  jointinspect-original-sender the broker user who published the original (believed only on a copy whose
                               AMQP user_id is the consuming service's own user)
  jointinspect-retry-delay     which delay queue the retry exchange routes it to (e.g. "5s")
  x-jointinspect-deferrals     times it came before an event it depends on (shared.errors.NotYet) and was put
                               back in a delay queue without counting an attempt
After `delivery limit` failed attempts the consumer publishes it to `jointinspect.dlx` → `<queue>.dead` itself,
with those headers. The queue's own `x-delivery-limit` stays as the backstop for messages that are redelivered
without a handler verdict (a worker that crashes on them).
"""
from __future__ import annotations

EXCHANGE = "jointinspect"
DEAD_LETTER_EXCHANGE = "jointinspect.dlx"
ATTEMPTS_HEADER = "x-jointinspect-attempts"
FIRST_FAILURE_REASON_HEADER = "x-first-failure-reason"
FIRST_FAILURE_AT_HEADER = "x-first-failure-at"
LAST_FAILURE_REASON_HEADER = "x-last-failure-reason"
ORIGINAL_ROUTING_KEY_HEADER = "x-original-routing-key"
DEAD_AT_HEADER = "x-jointinspect-dead-at"
DEFERRALS_HEADER = "x-jointinspect-deferrals"
ORIGINAL_SENDER_HEADER = "jointinspect-original-sender"  # kept by `replay`, which drops `x-`
RETRY_DELAY_HEADER = "jointinspect-retry-delay"  # no `x-`: a headers exchange ignores those when matching


def queue_name(service: str, event: str) -> str:
    return f"{service}.{event}"


def dead_queue_name(queue: str) -> str:
    return f"{queue}.dead"


def retry_exchange_name(service: str) -> str:
    return f"{service}.retry"


def delay_label(seconds: float) -> str:
    return f"{seconds:g}s"


def retry_queue_name(service: str, seconds: float) -> str:
    return f"{service}.retry.{delay_label(seconds)}"


def parse_delays(text: str) -> tuple[float, ...]:
    """`RETRY_DELAYS` ("1,5,30,120", seconds): the wait before the 1st, 2nd, … retry; the last repeats."""
    delays = tuple(float(part) for part in text.replace(" ", "").split(",") if part)
    if not delays or any(d <= 0 for d in delays):
        raise ValueError(f"retry delays must be positive seconds, comma-separated: {text!r}")
    return delays


def delays_valid(text: str) -> bool:
    try:
        return bool(parse_delays(text))
    except ValueError:
        return False


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


def declare_retry(channel, service: str, delays: tuple[float, ...]) -> None:
    """The service's retry exchange and one delay queue per distinct delay; idempotent. Delay queues are
    quorum queues dead-lettering at-least-once, so a message waiting for its retry survives a broker restart
    and is not lost on its way back."""
    exchange = retry_exchange_name(service)
    channel.exchange_declare(exchange, exchange_type="headers", durable=True)
    for seconds in sorted(set(delays)):
        queue = retry_queue_name(service, seconds)
        channel.queue_declare(queue, durable=True, arguments={
            "x-queue-type": "quorum",
            "x-message-ttl": int(seconds * 1000),
            "x-dead-letter-exchange": "",  # the default exchange: back to the queue named by the routing key
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        })
        channel.queue_bind(queue, exchange, arguments={"x-match": "all", RETRY_DELAY_HEADER: delay_label(seconds)})


def declare_service(channel, service: str, events: list[str], delivery_limit: int,
                    retry_delays: tuple[float, ...] = ()) -> list[str]:
    declare_exchanges(channel)
    if retry_delays:
        declare_retry(channel, service, retry_delays)
    queues = []
    for name in events:
        queue = queue_name(service, name)
        declare_queue(channel, queue, name, delivery_limit)
        queues.append(queue)
    return queues
