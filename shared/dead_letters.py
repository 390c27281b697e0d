"""Operator tools for messages that kept failing (design §3.4, issue 14): see each one — event id, type, routing key,
first failure reason, how often it died, when — and replay them once the cause is fixed. On the broker they wait in
`<queue>.dead`; embedded mode keeps them in the consumer's `dead_letter` table (shared/dead_letters_embedded.py).

Reading never consumes: all of a queue's messages are taken unacked on one channel and given back when the channel
closes, so each is seen once. Returning counts as a redelivery on a quorum `.dead` queue (its own
`x-delivery-count`), which is harmless there (the dead queue has no delivery limit) but means that header says
nothing about the original failures: the counts shown come from `x-death` and our own replay header instead.

Replay takes a snapshot of the queue's length first and never takes more messages than that, republishes each
chosen one once (publisher confirm, `mandatory`) straight to the queue it failed in, and acks the dead copy only
after the confirm. A message that fails again comes back to `.dead` behind the snapshot, so one invocation never
replays it twice — the old command looped on such messages."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import unquote, urlparse

import pika
from pika.exceptions import ChannelClosedByBroker, NackError, UnroutableError

from .amqp import close_quietly, connect
from .dead_letter_view import (
    DROPPED_HEADERS,
    DROPPED_PREFIXES,
    FIRST_AT_HEADER,
    FIRST_REASON_HEADER,
    REPLAYED_AT_HEADER,
    REPLAYS_HEADER,
    DeadLetter,
    ReplayResult,
    describe,
)
from .topology import dead_queue_name

log = logging.getLogger(__name__)


@contextmanager
def _channel(amqp_url: str, purpose: str) -> Iterator:
    connection = connect(amqp_url, purpose)
    try:
        yield connection.channel()
    finally:
        close_quietly(connection)  # the messages still unacked go back to their queue


def _held(channel, dead: str, limit: int) -> Iterator[tuple]:
    """Up to `limit` messages, each once: they stay unacked on this channel, so basic_get never repeats one."""
    for _ in range(limit):
        method, properties, body = channel.basic_get(dead)
        if method is None:
            return
        yield method, properties, body


def depth(channel, queue: str) -> int:
    return channel.queue_declare(queue, passive=True).method.message_count


@contextmanager
def _unless_missing(queue: str) -> Iterator:
    """A dead queue no worker has declared yet holds nothing (the passive declare answers 404)."""
    try:
        yield
    except ChannelClosedByBroker as closed:
        if closed.reply_code != 404:
            raise
        log.debug("%s does not exist: nothing dead there", queue)


def broker_depths(runtime, amqp_url: str) -> dict[str, int]:
    """`<queue>.dead` → messages waiting, for every queue of the service (`runtime.queues()`)."""
    depths = {}
    for queue in runtime.queues():
        with _unless_missing(queue), _channel(amqp_url, "dead-letter-depths") as channel:
            depths[dead_queue_name(queue)] = depth(channel, dead_queue_name(queue))
    return depths


def list_broker(amqp_url: str, queues: dict[str, str], limit: int = 1000) -> list[DeadLetter]:
    """Every message of each `<queue>.dead` (queue → its binding key; at most `limit` per queue), none consumed."""
    letters = []
    for queue, binding in queues.items():
        dead = dead_queue_name(queue)
        with _unless_missing(dead), _channel(amqp_url, "dead-letter-list") as channel:
            letters += [describe(dead, p, b, binding)
                        for _, p, b in _held(channel, dead, min(limit, depth(channel, dead)))]
    return letters


def _replay_properties(properties: pika.BasicProperties, letter: DeadLetter, now: datetime) -> pika.BasicProperties:
    headers = {k: v for k, v in (properties.headers or {}).items()
               if k not in DROPPED_HEADERS and not k.startswith(DROPPED_PREFIXES)}
    headers[REPLAYS_HEADER] = letter.replays + 1
    headers[REPLAYED_AT_HEADER] = now.isoformat()
    if letter.reason:
        headers.setdefault(FIRST_REASON_HEADER, letter.reason)
    if letter.first_failure_at:
        headers.setdefault(FIRST_AT_HEADER, letter.first_failure_at.isoformat())
    return pika.BasicProperties(
        content_type=properties.content_type, content_encoding=properties.content_encoding, headers=headers,
        delivery_mode=2, priority=properties.priority, correlation_id=properties.correlation_id,
        message_id=properties.message_id, timestamp=properties.timestamp, type=properties.type,
        app_id=properties.app_id, user_id=properties.user_id)


def replay_queue(amqp_url: str, queue: str, ids: set[str] | None = None,
                 on_replayed=None) -> ReplayResult:
    """Replay the dead letters of one queue — all of them, or only those whose event id is in `ids` — each once.

    Sent straight to `queue` (default exchange), not to the topic exchange with the original routing key: that key
    also reaches every other service's queue and the partners' queues, which already have the event. A message
    published by a department keeps its `user_id` (the handler authorises by it); the broker accepts that only
    from the same user (or one tagged impersonator), so such a message is otherwise left dead and reported."""
    dead, me = dead_queue_name(queue), unquote(urlparse(amqp_url).username or "guest")
    result = ReplayResult([], [], [])
    with _unless_missing(dead), _channel(amqp_url, "dead-letter-replay") as channel:
        channel.confirm_delivery()
        snapshot = depth(channel, dead)  # messages dying again during this run queue up behind these
        for method, properties, body in _held(channel, dead, snapshot):
            letter = describe(dead, properties, body)
            event_id = letter.event_id or f"tag:{method.delivery_tag}"
            if (ids is not None and event_id not in ids) or event_id in result.replayed:
                continue  # given back when the channel closes
            if properties.user_id and properties.user_id != me:
                result.kept.append((event_id, f"由 {properties.user_id} 发送，须以该账号重放"))
                continue
            try:
                channel.basic_publish("", queue, body, _replay_properties(
                    properties, letter, datetime.now(timezone.utc)), mandatory=True)
            except (NackError, UnroutableError):
                result.kept.append((event_id, f"队列 {queue} 未确认接收"))
                continue
            channel.basic_ack(method.delivery_tag)  # only after the broker confirmed the new copy
            result.replayed.append(event_id)
            log.info("dead letter replayed: %s %s (%s) back to %s", event_id, letter.type, letter.reason, queue)
            if on_replayed:
                on_replayed(queue, letter)
    return result


def replay_broker_queues(amqp_url: str, queues: Iterable[str], ids: set[str] | None = None,
                         on_replayed=None) -> ReplayResult:
    """`replay_queue` over several queues; `not_found` names the requested ids no queue held."""
    total = ReplayResult([], [], [])
    for queue in queues:
        done = replay_queue(amqp_url, queue, ids, on_replayed)
        total.replayed += done.replayed
        total.kept += done.kept
    total.not_found = sorted((ids or set()) - set(total.replayed) - {k for k, _ in total.kept})
    return total


def replay_broker(amqp_url: str, queue: str) -> int:
    """Every dead letter of `queue` once (the partners' `replay` uses it too); the number replayed."""
    return len(replay_queue(amqp_url, queue).replayed)
