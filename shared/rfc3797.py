"""RFC 3797 publicly verifiable selection (design §4, rule N4).

Why this construction: N4 requires that every draw can be re-verified by anyone from the published record
alone. RFC 3797 ("Publicly Verifiable Nominations Committee (NomCom) Random Selection") gives exactly that:
public integer sources are turned into a canonical key string (§4), and the key alone deterministically
drives the choice from a published, ordered pool (§5). Nobody — not the operator either — can steer the
result once the sources are fixed, and a third party with the record and any hash library gets the same
answer. The RFC names MD5; the project may use SHA-256 or SM3 with the *identical* construction, so the
record always names the algorithm. Pure standard library on purpose: it must import with nothing else, and
`scripts/verify_draw.py` carries a copy of the same few lines for third parties.
"""
from __future__ import annotations

import hashlib
import json
import re

ALGORITHMS = ("md5", "sha256", "sm3")
DEFAULT_ALGORITHM = "sha256"
POOL_ID = re.compile(r"^[A-Za-z0-9_-]+$")
RECORD_FIELDS = ("algorithm", "sources", "key", "pool", "pool_hash", "count", "selected")


def _hash(algorithm: str, data: bytes) -> bytes:
    """Digest with a named algorithm; SM3 only where this OpenSSL provides it (checked, never assumed)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported algorithm {algorithm!r}; expected one of {', '.join(ALGORITHMS)}")
    if algorithm == "sm3" and "sm3" not in hashlib.algorithms_available:
        raise ValueError("algorithm 'sm3' is not available in this Python's OpenSSL build")
    try:
        return hashlib.new(algorithm, data).digest()
    except ValueError as exc:  # listed but unusable (e.g. an OpenSSL provider not loaded)
        raise ValueError(f"algorithm {algorithm!r} cannot be used here: {exc}") from exc


def make_key(sources: list[list[int]]) -> str:
    """RFC 3797 §4 key string.

    For each source, in the given order: its values sorted ascending, each written in decimal followed by
    ".", and the source terminated by "/". An empty source contributes just "/". Sorting inside a source is
    what the RFC prescribes so that e.g. lottery numbers drawn in any order give the same key; the order of
    the sources themselves is significant.
    """
    parts = []
    for position, source in enumerate(sources):
        if not isinstance(source, (list, tuple)):
            raise ValueError(f"source {position} must be a list of integers, got {source!r}")
        for value in source:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"source {position} must hold non-negative integers only, got {value!r}")
        parts.append("".join(f"{value}." for value in sorted(source)) + "/")
    return "".join(parts)


def select(pool: list[str], count: int, key: str, algorithm: str = DEFAULT_ALGORITHM) -> list[str]:
    """RFC 3797 §5 selection of `count` members from `pool`, returned in pick order.

    For i = 0, 1, 2, …: H_i = hash(i as 2 bytes big-endian + key as ASCII bytes + the same 2 bytes), read as
    an unsigned big-endian integer; the pick is the (H_i mod remaining)-th (0-based) still-unselected member
    in pool order. The pool is NOT re-sorted here: pool order is part of the public input (the project
    publishes it sorted by id, which `verify` checks), and the RFC's own example uses numeric order.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a non-negative integer, got {count!r}")
    if count > len(pool):
        raise ValueError(f"count {count} exceeds the pool size {len(pool)}")
    if count > 0xFFFF:
        raise ValueError("RFC 3797 numbers selections with 2 bytes; count must be at most 65535")
    return picks(pool, [hash_value(i, key, algorithm) for i in range(count)])


def hash_value(i: int, key: str, algorithm: str = DEFAULT_ALGORITHM) -> int:
    """H_i = hash(i as 2 bytes big-endian ‖ key ‖ the same 2 bytes), as an unsigned big-endian integer."""
    prefix = i.to_bytes(2, "big")
    return int.from_bytes(_hash(algorithm, prefix + key.encode("ascii") + prefix), "big")


def picks(pool: list[str], values: list[int]) -> list[str]:
    """The mapping step on its own: each value picks the (value mod remaining)-th still-unselected member.
    Kept separate so its exact uniformity can be shown by enumeration."""
    remaining, selected = list(pool), []
    for value in values:
        selected.append(remaining.pop(value % len(remaining)))
    return selected


def pool_hash(pool: list[str], algorithm: str = DEFAULT_ALGORITHM) -> str:
    """Lower-case hex digest binding a draw to its pool.

    Exact construction, for third parties to reproduce: the pool as a JSON array of its id strings, in the given
    order, written canonically — `json.dumps(pool, ensure_ascii=False, separators=(",", ":"))`, i.e. no spaces,
    non-ASCII characters as themselves — encoded as UTF-8, hashed with `algorithm` (the one the record names).
    Example: pool ["a", "b"] with sha256 is sha256(b'["a","b"]').hexdigest(); the empty pool hashes b"[]".
    A JSON array, unlike ids joined by a separator, cannot make two different pools hash alike (issue 13: ids
    holding a line feed made "a\nb" one id or two).
    """
    return _hash(algorithm, json.dumps(list(pool), ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hex()


def valid_id(member) -> bool:
    """Pool ids are [A-Za-z0-9_-] only (issue 13)."""
    return isinstance(member, str) and bool(POOL_ID.match(member))


def verify(record: dict) -> tuple[bool, list[str]]:
    """Re-verify a public draw record (design §4) from its own contents, as any third party can (N4).

    Checks: all fields present; key == make_key(sources); pool sorted ascending (string order) without
    duplicates, ids in [A-Za-z0-9_-]; pool_hash == pool_hash(pool, algorithm);
    selected == select(pool, count, key, algorithm).
    Returns (ok, problems) with one English sentence per problem; never raises on a malformed record.
    """
    missing = [name for name in RECORD_FIELDS if name not in record]
    if missing:
        problems = [f"missing field {name!r}" for name in missing]
        return False, problems
    problems = _check_key(record) + _check_pool(record)
    problems += _check_selection(record)
    return not problems, problems


def _check_key(record: dict) -> list[str]:
    try:
        expected = make_key(record["sources"])
    except (TypeError, ValueError) as exc:
        return [f"sources are malformed: {exc}"]
    if record["key"] != expected:
        return [f"key {record['key']!r} does not match the sources (expected {expected!r})"]
    return []


def _check_pool(record: dict) -> list[str]:
    pool, problems = record["pool"], []
    if not isinstance(pool, list) or not all(isinstance(member, str) for member in pool):
        return ["pool must be a list of id strings"]
    if pool != sorted(pool):
        problems.append("pool is not sorted ascending by id")
    if len(set(pool)) != len(pool):
        problems.append("pool contains duplicate ids")
    if not all(valid_id(member) for member in pool):
        problems.append("pool contains ids outside [A-Za-z0-9_-]")
    try:
        expected = pool_hash(pool, record["algorithm"])
    except ValueError as exc:
        return problems + [f"pool_hash cannot be recomputed: {exc}"]
    if record["pool_hash"] != expected:
        problems.append(f"pool_hash does not match the pool (expected {expected})")
    return problems


def _check_selection(record: dict) -> list[str]:
    if not isinstance(record["pool"], list) or not isinstance(record["key"], str):
        return ["selected cannot be recomputed from a malformed pool or key"]
    try:
        expected = select(record["pool"], record["count"], record["key"], record["algorithm"])
    except (TypeError, ValueError) as exc:
        return [f"selected cannot be recomputed: {exc}"]
    if record["selected"] != expected:
        return [f"selected {record['selected']!r} does not match the recomputation {expected!r}"]
    return []
