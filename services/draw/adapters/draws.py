"""Storing one verifiable draw (design §4, N4): take a pre-committed seed, add the public numbers entered
before the draw began, select with RFC 3797 (domain.verifiable) and keep the immutable record. Inspector
draws and every stratum of a target draw go through here, so the construction exists once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..domain.verifiable import make_verifiable_draw
from . import commitments
from .db import DrawRecord, PublicNumbers


def public_numbers_before(session, moment) -> list[list[int]]:
    """The latest public numbers entered before this draw began (design §4: public sources beside the seed)."""
    latest = session.execute(select(PublicNumbers).where(PublicNumbers.entered_at < moment)
                             .order_by(PublicNumbers.id.desc()).limit(1)).scalar()
    return [latest.numbers] if latest else []


def record_draw(session, now, draw_id: str, algorithm: str, *, subject_kind: str, subject_id: str, purpose: str,
                pool: list[str], count: int, excluded: list[dict], operator: str, visit_start: date,
                inspection_id: str | None = None, inspectors=None, inspection: dict | None = None,
                people: dict | None = None, department: str | None = None) -> DrawRecord | None:
    """The stored draw, or None when no seed was committed before `now` (then nothing is drawn).
    `people` (id → public inspector dict) fills the record's confidential `inspectors` in pick order."""
    commitment = commitments.take(session, now, draw_id)
    if commitment is None:
        return None
    drawn = make_verifiable_draw(pool, count, commitment.seed, public_numbers_before(session, now), algorithm)
    record = DrawRecord(
        id=draw_id, subject_kind=subject_kind, subject_id=subject_id, inspection_id=inspection_id, purpose=purpose,
        department=department,
        algorithm=drawn.algorithm, sources=drawn.sources, key=drawn.key, pool=drawn.pool, pool_hash=drawn.pool_hash,
        excluded=excluded, count=drawn.count, selected=drawn.selected, commitment_id=commitment.id,
        operator=operator, visit_start=visit_start,
        inspectors=[people[i] for i in drawn.selected] if people else list(inspectors or []),
        inspection=inspection or {}, created_at=now)
    session.add(record)
    return record
