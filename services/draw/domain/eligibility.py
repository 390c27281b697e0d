"""Who may be drawn for a visit (N2, N3, S6) — pure rules, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Candidate:
    id: str
    on_duty: bool
    certificate_no: str | None
    certificate_expiry: date | None


def exclusion_reason(candidate: Candidate, visit_end: date) -> str | None:
    if not candidate.on_duty:
        return "不在岗"
    if not candidate.certificate_no:
        return "无执法证"
    if candidate.certificate_expiry is not None and candidate.certificate_expiry < visit_end:
        return f"执法证有效期至 {candidate.certificate_expiry}，早于检查结束日期"
    return None


def split_pool(candidates: list[Candidate], visit_end: date) -> tuple[list[str], list[dict]]:
    """The frozen pool is sorted by id (design §4) so anyone can rebuild it from the record."""
    pool, excluded = [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        reason = exclusion_reason(candidate, visit_end)
        if reason:
            excluded.append({"id": candidate.id, "reason": reason})
        else:
            pool.append(candidate.id)
    return pool, excluded
