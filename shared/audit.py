"""The one audit writer (S1, design §6): every change records who, what, why and when, hash-chained."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from .clock import iso
from .db import is_postgres

GENESIS = "0" * 64
_PG_AUDIT_LOCK = 7_340_211
_TAIL = "jointinspect.audit_tail"  # one chain per database: serialise appends so two writers never share a prev_hash


def entry_hash(prev_hash: str, actor: str, action: str, obj: str, before, after, reason, at: datetime) -> str:
    payload = json.dumps([prev_hash, actor, action, obj, before, after, reason, iso(at)],
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(session, model, actor: str, action: str, obj: str, at: datetime,
           before: dict | None = None, after: dict | None = None, reason: str | None = None):
    """Append one entry. Within a transaction the previous entry is remembered, so a batch of a thousand tasks
    does not re-read the chain's tail a thousand times; if a savepoint rollback discarded that entry, it is no
    longer in the session and the tail is read again."""
    last = session.info.get(_TAIL)
    if last is not None and last in session:
        prev = last.hash
    else:
        if is_postgres(session):
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
        prev = session.execute(select(model.hash).order_by(model.seq.desc()).limit(1)).scalar() or GENESIS
    row = model(actor=actor, action=action, object=obj, before=before, after=after, reason=reason,
                at=at, prev_hash=prev, hash=entry_hash(prev, actor, action, obj, before, after, reason, at))
    session.add(row)
    session.info[_TAIL] = row
    return row


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_tail(session) -> None:
    """Another transaction may append next: the remembered tail is only good inside this one."""
    session.info.pop(_TAIL, None)


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
