"""Signed checkpoints of a service's audit chain head (S1, issue 13).

Every `AUDIT_CHECKPOINT_MINUTES` (and on demand, `jointinspect audit checkpoint`) each service signs its chain head
with Ed25519, stores the checkpoint, publishes it (public page and API) and sends it to every department as
`audit.checkpoint`. Once a checkpoint has left the building, rewriting the chain before it (and re-hashing the rest)
or cutting entries off its end contradicts a signed statement someone else holds."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from .clock import iso, utc
from .signing import ALGORITHM, Signer

EVENT = "audit.checkpoint"


def signed_message(service: str, seq: int, head_hash: str, at: datetime | str, key_id: str) -> bytes:
    """What the signature covers: canonical JSON (sorted keys, no spaces, UTF-8) of the five fields. A partner
    verifies with nothing but this recipe and the public key."""
    body = {"service": service, "seq": seq, "head_hash": head_hash, "at": at if isinstance(at, str) else iso(at),
            "key_id": key_id}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def payload(service: str, checkpoint) -> dict:
    """`audit.checkpoint` (docs/asyncapi.yaml) and each entry of the public list: the same fields everywhere."""
    return {"service": service, "seq": checkpoint.seq, "head_hash": checkpoint.head_hash, "at": iso(checkpoint.at),
            "algorithm": ALGORITHM, "key_id": checkpoint.key_id, "public_key": checkpoint.public_key,
            "signature": checkpoint.signature}


def head(session, audit_model) -> tuple[int, str] | None:
    row = session.execute(select(audit_model.seq, audit_model.hash).order_by(audit_model.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else None


def latest(session, model):
    return session.execute(select(model).order_by(model.seq.desc()).limit(1)).scalar()


def make(uow, signer: Signer):
    """Sign the current head unless it is already checkpointed (several workers may run the job: the unique seq
    lets one of them win). Answers the new checkpoint, or None when there was nothing new to sign."""
    model = uow.models["AuditCheckpoint"]
    current = head(uow.session, uow.models["AuditEntry"])
    if current is None:
        return None
    seq, head_hash = current
    previous = latest(uow.session, model)
    if previous is not None and previous.seq >= seq:
        return None
    at = utc(uow.now).replace(microsecond=0)
    signature = signer.sign(signed_message(uow.service, seq, head_hash, at, signer.key_id))
    checkpoint = model(seq=seq, head_hash=head_hash, at=at, key_id=signer.key_id, public_key=signer.public_key,
                       signature=signature)
    uow.add(checkpoint)
    uow.emit(EVENT, payload(uow.service, checkpoint), subject=f"{uow.service}:{seq}")
    return checkpoint


def listing(session, model, service: str, limit: int | None = None) -> list[dict]:
    query = select(model).order_by(model.seq.desc())
    if limit:
        query = query.limit(limit)
    return [payload(service, row) for row in session.execute(query).scalars()]


def document(service: str, checkpoints: list[dict], keys: dict[str, str]) -> dict:
    """The public JSON a verifier saves (`jointinspect audit verify --checkpoints FILE|URL` reads it back). `keys`
    are the service's configured ones (the signing key, AUDIT_PREVIOUS_PUBLIC_KEYS), never the keys the stored rows
    name: a row forged with another key must not bring its own key into the list."""
    return {"service": service, "algorithm": ALGORITHM,
            "public_keys": [{"key_id": k, "public_key": v} for k, v in sorted(keys.items())],
            "signed_fields": ["service", "seq", "head_hash", "at", "key_id"],
            "checkpoints": checkpoints}
