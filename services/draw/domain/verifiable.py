"""The one verifiable draw (design §4, N4), in two phases an insider cannot bend (issue 13): a fresh seed is
committed (its hash published) and the pool frozen right after; the draw runs only once external public randomness
(a named public lottery drawn after the commitment) is entered, and the RFC 3797 key is made from both — the seed
first, then the lottery numbers. Grinding seeds does not help: nobody knows the numbers when the seed is fixed; and
nobody can change the seed or the pool afterwards without the published commitment giving it away. Written once,
used by inspector draws, target draws (one per stratum) and checked by anyone from the public record. Pure: no
database, no clock."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from shared import rfc3797
from shared.clock import iso

POOL_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
POOL_ID_REFUSED = "编号只能由英文字母、数字、连字符（-）和下划线（_）组成，最长 36 个字符"


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


def valid_pool_id(value: str) -> bool:
    """Ids that can stand in a pool (inspector ids, credit codes): [A-Za-z0-9_-] only, so no id can smuggle a
    separator, a line break or a look-alike character into the published pool."""
    return isinstance(value, str) and bool(POOL_ID.match(value))


def frozen_pool(pool: list[str], algorithm: str) -> tuple[list[str], str]:
    """The pool as it is frozen and published at commitment time: sorted by id, with its canonical hash."""
    pool = sorted(pool)
    bad = [member for member in pool if not valid_pool_id(member)]
    if bad:
        raise ValueError(f"pool ids outside [A-Za-z0-9_-]: {bad[:3]!r}")
    return pool, rfc3797.pool_hash(pool, algorithm)


def make_verifiable_draw(pool: list[str], count: int, seed: int, public_numbers: list[list[int]],
                         algorithm: str) -> VerifiableDraw:
    """The committed seed first, then the public randomness entered after the commitment, then RFC 3797 §4–5."""
    pool = list(pool)
    sources = [[seed], *public_numbers]
    key = rfc3797.make_key(sources)
    return VerifiableDraw(algorithm=algorithm, sources=sources, key=key, pool=pool,
                          pool_hash=rfc3797.pool_hash(pool, algorithm), count=count,
                          selected=rfc3797.select(pool, count, key, algorithm))


def commitment_record(commitment) -> dict:
    """The ⚑ published commitment (what `draw.committed` said), plus the seed once the draw revealed it."""
    body = {"id": commitment.id, "seed_hash": commitment.seed_hash, "committed_at": iso(commitment.committed_at)}
    if commitment.pool_frozen_at is not None:
        body.update(subject_kind=commitment.subject_kind, purpose=commitment.purpose,
                    department=commitment.department, algorithm=commitment.algorithm, count=commitment.count,
                    pool_size=len(commitment.pool or []), pool_hash=commitment.pool_hash,
                    pool_frozen_at=iso(commitment.pool_frozen_at),
                    status="drawn" if commitment.used_by else "waiting_for_randomness")
    if commitment.used_by is not None:
        body["seed"] = commitment.seed
    return body


def verify_record(record: dict) -> tuple[bool, list[str]]:
    """RFC 3797 re-computation plus the two phases (provenance_problems)."""
    ok, problems = rfc3797.verify(record)
    problems += provenance_problems(record)
    return not problems, problems


def provenance_problems(record: dict) -> list[str]:
    """Issue 13: the seed in `sources` hashes to the published commitment; the published pool hash is the record's;
    the public randomness is recorded and is the second source; and committed_at < pool frozen < lottery drawn <
    draw made. `scripts/verify_draw.py` makes the same checks with the standard library alone."""
    problems, commitment = [], record.get("commitment") or {}
    randomness = record.get("randomness") or {}
    seed, sources = commitment.get("seed"), record.get("sources") or [[]]
    if seed is None or [seed] != sources[0]:
        problems.append("the first source is not the committed seed")
    elif seed_hash(seed) != commitment.get("seed_hash"):
        problems.append("the committed seed does not match its published hash")
    if commitment.get("pool_hash") != record.get("pool_hash"):
        problems.append("the pool hash is not the one published with the commitment")
    if not randomness.get("numbers") or not randomness.get("source") or not randomness.get("drawn_at"):
        problems.append("no external public randomness is recorded")
    elif sources[1:] != [randomness["numbers"]]:
        problems.append("the public randomness is not the second source")
    moments = [_moment(commitment.get("committed_at")), _moment(commitment.get("pool_frozen_at")),
               _moment(randomness.get("drawn_at")), _moment(record.get("created_at"))]
    if None in moments or not all(a < b for a, b in zip(moments, moments[1:])):
        problems.append("not in order: commitment < pool frozen < randomness drawn < draw made")
    return problems


def _moment(value):
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
