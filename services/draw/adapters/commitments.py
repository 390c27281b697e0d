"""Seed commitments in the database (design §4): seeds are generated and their hashes published *before* any
pool that will use them exists; each seed serves exactly one draw and is revealed in that draw's record."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from ..domain.verifiable import seed_hash
from .db import SeedCommitment


def ensure_ahead(session, now, ahead: int) -> int:
    """Top up unused commitments so the next draws have seeds committed in advance; returns how many made."""
    unused = session.execute(select(func.count()).select_from(SeedCommitment)
                             .where(SeedCommitment.used_by.is_(None))).scalar_one()
    made = 0
    for _ in range(max(0, ahead - unused)):
        seed = secrets.randbelow(2**62)
        session.add(SeedCommitment(seed=seed, seed_hash=seed_hash(seed), committed_at=now))
        made += 1
    return made


def take(session, before, draw_id: str) -> SeedCommitment | None:
    """The oldest unused commitment made strictly before this draw began (its hash was already public)."""
    query = (select(SeedCommitment).where(SeedCommitment.used_by.is_(None), SeedCommitment.committed_at < before)
             .order_by(SeedCommitment.id).limit(1))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    commitment = session.execute(query).scalar()
    if commitment is not None:
        commitment.used_by = draw_id
    return commitment
