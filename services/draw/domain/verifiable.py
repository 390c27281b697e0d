"""The one verifiable draw (design §4, N4): a pre-committed seed plus any public numbers make the RFC 3797 key,
the frozen pool (sorted by id) is hashed, and the key alone selects. Written once, used by inspector draws,
target draws (one per stratum) and checked by anyone from the public record. Pure: no database, no clock."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared import rfc3797
from shared.clock import iso


@dataclass(frozen=True)
class VerifiableDraw:
    algorithm: str
    sources: list
    key: str
    pool: list
    pool_hash: str
    count: int
    selected: list


def seed_hash(seed: int) -> str:
    """What a seed commitment publishes before the seed is used."""
    return hashlib.sha256(str(seed).encode("ascii")).hexdigest()


def make_verifiable_draw(pool: list[str], count: int, seed: int, public_numbers: list[list[int]],
                         algorithm: str) -> VerifiableDraw:
    """The committed seed first, then the public numbers entered before the draw, then RFC 3797 §4–5."""
    pool = list(pool)
    sources = [[seed], *public_numbers]
    key = rfc3797.make_key(sources)
    return VerifiableDraw(algorithm=algorithm, sources=sources, key=key, pool=pool,
                          pool_hash=rfc3797.pool_hash(pool, algorithm), count=count,
                          selected=rfc3797.select(pool, count, key, algorithm))


def public_record(record, commitment, show_names: bool) -> dict:
    """The ⚑ public record of a draw (design §4); names only for authorised roles or after the visit date (N4).
    `subject_kind`/`subject_id` say what the draw was for; `inspection_id` is kept for inspector draws, and
    `department` says whose officers an inspector draw drew (one record per department's part of a visit)."""
    body = {
        "id": record.id, "inspection_id": record.inspection_id, "subject_kind": record.subject_kind,
        "subject_id": record.subject_id, "purpose": record.purpose, "department": record.department,
        "algorithm": record.algorithm, "sources": record.sources, "key": record.key, "pool": record.pool,
        "pool_hash": record.pool_hash, "excluded": record.excluded, "count": record.count,
        "selected": record.selected, "operator": record.operator, "created_at": iso(record.created_at),
        "commitment": {"id": commitment.id, "seed_hash": commitment.seed_hash,
                       "committed_at": iso(commitment.committed_at), "seed": commitment.seed},
        "visit_start": record.visit_start.isoformat(),
    }
    if show_names:
        body["inspectors"] = record.inspectors
    return body


def verify_record(record: dict) -> tuple[bool, list[str]]:
    """RFC 3797 re-computation plus the commitment: the seed in `sources` must hash to the published
    commitment, made before the draw."""
    ok, problems = rfc3797.verify(record)
    commitment = record.get("commitment") or {}
    seed = commitment.get("seed")
    if seed is None or [seed] != record["sources"][0]:
        problems.append("the first source is not the committed seed")
    elif seed_hash(seed) != commitment.get("seed_hash"):
        problems.append("the committed seed does not match its published hash")
    if commitment.get("committed_at", "") >= record.get("created_at", ""):
        problems.append("the seed was not committed before the draw")
    return not problems, problems
