"""Embedded mode's dead letters (design §3.7): the consumer's `dead_letter` table plays `<queue>.dead`.

A row is one dead message; a replay that fails again marks the row replayed and adds a new row, as the broker puts
the message back into `.dead` — so the history of an event in a queue (first death, how often) is its rows, with
no column the broker does not have (the first failure's time is the first row's: the bus keeps no earlier one, and
its attempts happen within one drain). Replay is one delivery per row through the normal path (inbox included),
the pending rows read once up front: a message failing again is never retried in the same invocation."""
from __future__ import annotations

import logging
import traceback
from collections import defaultdict

from sqlalchemy import select

from . import events
from .clock import utc
from .dead_letter_view import DeadLetter, ReplayResult
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)


def _reason(error: str) -> str | None:
    lines = [line.strip() for line in (error or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else None


def _history(runtime: ServiceRuntime) -> dict[tuple[str, str], list]:
    dead = runtime.models["DeadLetter"]
    with runtime.unit_of_work(read_only=True) as uow:
        rows = uow.session.execute(select(dead).order_by(dead.id)).scalars().all()
    history = defaultdict(list)
    for row in rows:
        history[(row.queue, row.event_id)].append(row)
    return history


def pending_embedded(runtime: ServiceRuntime) -> list:
    dead = runtime.models["DeadLetter"]
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(dead).where(dead.replayed_at.is_(None)).order_by(dead.id)).scalars().all()


def list_embedded(runtime: ServiceRuntime) -> list[DeadLetter]:
    letters = []
    for (queue, event_id), rows in _history(runtime).items():
        first = rows[0]
        for row in rows:
            if row.replayed_at is not None:
                continue
            try:
                type_ = events.parse(row.body).type
            except ValueError:
                type_ = None
            # the routing key is the queue's binding key: the embedded bus keeps no department suffix
            letters.append(DeadLetter(
                queue=queue, event_id=event_id, type=type_, routing_key=runtime.queues().get(queue),
                reason=_reason(first.error), last_reason=_reason(row.error), deaths=rows.index(row) + 1,
                attempts=row.attempts, first_failure_at=utc(first.created_at), dead_at=utc(row.created_at),
                replays=rows.index(row)))
    return sorted(letters, key=lambda letter: letter.dead_at)


def replay_embedded_letters(runtime: ServiceRuntime, ids: set[str] | None = None,
                            actor: str = "cli:operator") -> ReplayResult:
    """Each pending row (all, or those whose event id is in `ids`) delivered once; audited in the service."""
    dead = runtime.models["DeadLetter"]
    result = ReplayResult([], [], [])
    for row in pending_embedded(runtime):  # the snapshot: rows added while replaying are not taken
        if (ids is not None and row.event_id not in ids) or row.event_id in result.replayed:
            continue
        try:
            event = events.parse(row.body)
        except ValueError as exc:
            result.kept.append((row.event_id, f"消息无法解析：{exc}"))
            continue
        error = None
        try:
            runtime.deliver(row.queue, event)
        except Exception:
            error = traceback.format_exc()
            log.exception("dead letter replay: %s failed again on %s", row.queue, row.event_id)
        with runtime.unit_of_work() as uow:
            uow.get(dead, row.id).replayed_at = runtime.clock.now()
            if error:
                uow.add(dead(queue=row.queue, event_id=row.event_id, body=row.body, error=error[-4000:], attempts=1,
                             created_at=runtime.clock.now()))
            uow.audit(actor, "dead_letter.replayed", f"{row.queue}/{row.event_id}",
                      after={"outcome": "failed_again" if error else "processed"}, reason=_reason(error or ""))
            uow.commit()
        result.replayed.append(row.event_id)
        if error:
            result.failed_again.append(row.event_id)
        log.info("dead letter replayed: %s %s (%s)", row.queue, row.event_id, "failed again" if error else "processed")
    result.not_found = sorted((ids or set()) - set(result.replayed) - {k for k, _ in result.kept})
    return result


def record_replay(runtime: ServiceRuntime, actor: str, queue: str, letter: DeadLetter) -> None:
    """A broker replay is an operator's action on the service: on file in its audit chain like any other."""
    with runtime.unit_of_work() as uow:
        uow.audit(actor, "dead_letter.replayed", f"{queue}/{letter.event_id}", after={"outcome": "republished"},
                  reason=letter.reason)
        uow.commit()


def replay_embedded(runtime: ServiceRuntime) -> int:
    """Every pending dead letter once; the number replayed."""
    return len(replay_embedded_letters(runtime).replayed)
