"""The one audit writer (S1, design §6): every change records who, what, why and when, hash-chained."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from .bulk_insert import insert_rows
from .clock import iso
from .db import is_postgres

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_340_211
_PENDING = "jointinspect.audit_pending"  # (model, savepoint, entry) recorded in this transaction, in order


def entry_hash(prev_hash: str, actor: str, action: str, obj: str, before, after, reason, at: datetime) -> str:
    payload = json.dumps([prev_hash, actor, action, obj, before, after, reason, iso(at)],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session, model, actor: str, action: str, obj: str, at: datetime,
           before: dict | None = None, after: dict | None = None, reason: str | None = None) -> None:
    """Collect one entry; the chain is appended when the transaction commits (`_append_pending`). Hashing waits
    for the commit so the chain's lock is held for one read and one INSERT, not from a transaction's first entry
    to its end (issue 15: it serialised every intake transaction). An entry recorded inside a savepoint that
    rolls back is dropped with it. Nothing is returned: the entry has no `seq` before the commit."""
    if session.get_transaction() is None:
        session.connection()  # begin now: the entries belong to this transaction and end with it
    entry = {"actor": actor, "action": action, "object": obj, "before": before, "after": after,
             "reason": reason, "at": at}
    session.info.setdefault(_PENDING, []).append((model, session.get_nested_transaction(), entry))


def pending(session) -> list[dict]:
    """The entries this transaction will append, in record order (for tests and for handlers that need to
    see what they audited before the commit)."""
    return [entry for _model, _scope, entry in session.info.get(_PENDING, ())]


@event.listens_for(Session, "before_commit")
def _append_pending(session) -> None:
    """At the outer commit (a savepoint release also fires this event: skipped), after the last flush so the
    seals it records are included: per audit table, lock the chain, read its tail once, insert every entry.
    Commit with no savepoint open (the unit of work's do): a root commit that closes an open savepoint fires this
    while the savepoint is current, so it would be skipped."""
    if session.get_nested_transaction() is not None:
        return
    session.flush()
    if not session.info.get(_PENDING):
        return
    entries, session.info[_PENDING] = session.info[_PENDING], []
    by_model: dict = {}
    for model, _scope, entry in entries:
        by_model.setdefault(model, []).append(entry)
    for model, rows in by_model.items():
        _append(session, model, rows)


def _append(session, model, entries: list[dict]) -> None:
    if is_postgres(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = session.execute(select(model.hash).order_by(model.seq.desc()).limit(1)).scalar() or GENESIS
    rows = []
    for entry in entries:
        digest = entry_hash(prev, entry["actor"], entry["action"], entry["object"], entry["before"],
                            entry["after"], entry["reason"], entry["at"])
        rows.append({**entry, "prev_hash": prev, "hash": digest})
        prev = digest
    insert_rows(session, model.__table__, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, transaction) -> None:
    """A savepoint rolled back takes its entries (and those of savepoints released into it) with it."""
    if not transaction.nested:
        return
    session.info[_PENDING] = [item for item in session.info.get(_PENDING, ())
                              if not _within(item[1], transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_pending(session, transaction) -> None:
    """The outer transaction is over (committed: already written; rolled back or closed: discarded)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _within(scope, transaction) -> bool:
    while scope is not None:
        if scope is transaction:
            return True
        scope = scope.parent
    return False


def verify_chain(session, model) -> tuple[bool, int, str | None]:
    """Recompute every link; return (ok, entries checked, first problem). Links alone cannot catch a rewrite that
    re-hashes the rest, or a cut tail: the full check (sealed rows, signed checkpoints) is
    `shared.audit_verify.verify_history`, behind VerifyAuditChain and `jointinspect audit verify`."""
    prev = GENESIS
    count = 0
    for row in session.execute(select(model).order_by(model.seq)).scalars():
        count += 1
        expected = entry_hash(prev, row.actor, row.action, row.object, row.before, row.after, row.reason, row.at)
        if row.prev_hash != prev or row.hash != expected:
            return False, count, f"audit entry {row.seq} does not match its chain"
        prev = row.hash
    return True, count, None
