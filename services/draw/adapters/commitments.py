"""Phase one of every draw in the database (design §4, issue 13): a fresh seed for ONE draw, its hash committed,
then — strictly later, in the same transaction — the pool frozen beside it. Nothing here can be re-done: a
commitment whose pool is frozen waits for the next public randomness entry and is drawn by it (adapters/draws)."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from shared.clock import utc

from ..domain.verifiable import frozen_pool, seed_hash
from .db import SeedCommitment


def commit_and_freeze(uow, *, subject_kind: str, subject_id: str, purpose: str, department: str | None,
                      algorithm: str, count: int, pool: list[str], excluded: list[dict],
                      context: dict) -> SeedCommitment:
    """A fresh seed committed at `committed_at`, then the pool frozen at a strictly later moment (a second
    reading of the clock; one microsecond later if the clock has not moved). The seed comes from the operating
    system's CSPRNG and nobody sees it until the draw; grinding it is useless because the lottery numbers that
    complete the key are drawn afterwards."""
    seed = secrets.randbelow(2**62)
    committed_at = uow.now
    pool, pool_hash = frozen_pool(pool, algorithm)
    frozen_at = max(utc(uow.now), utc(committed_at) + timedelta(microseconds=1))
    commitment = SeedCommitment(
        seed=seed, seed_hash=seed_hash(seed), committed_at=committed_at, subject_kind=subject_kind,
        subject_id=subject_id, purpose=purpose, department=department, algorithm=algorithm, count=count,
        pool=pool, pool_hash=pool_hash, pool_frozen_at=frozen_at, excluded=list(excluded), context=context)
    uow.add(commitment)
    uow.session.flush()
    return commitment


def pending_before(session, drawn_at) -> list[SeedCommitment]:
    """The frozen commitments no randomness has served yet, committed strictly before the lottery was drawn —
    oldest first (the order the one entry draws them in)."""
    query = (select(SeedCommitment).where(SeedCommitment.pool_frozen_at.is_not(None),
                                          SeedCommitment.randomness_id.is_(None),
                                          SeedCommitment.used_by.is_(None),
                                          SeedCommitment.committed_at < drawn_at)
             .order_by(SeedCommitment.committed_at, SeedCommitment.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).scalars().all()


def pending_of(session, subject_kind: str, subject_id: str, purpose: str | None = None,
               department: str | None = None) -> SeedCommitment | None:
    """The waiting commitment of one draw (a visit's department part, a target stratum), if any."""
    query = select(SeedCommitment).where(SeedCommitment.subject_kind == subject_kind,
                                         SeedCommitment.subject_id == subject_id,
                                         SeedCommitment.randomness_id.is_(None))
    if purpose is not None:
        query = query.where(SeedCommitment.purpose == purpose)
    if department is not None:
        query = query.where(SeedCommitment.department == department)
    return session.execute(query.order_by(SeedCommitment.id).limit(1)).scalar()
