"""Who may be drawn for a visit (N2, N3, S6) — pure rules, no I/O. Every exclusion carries its reason, and the
reasons are public (they go into the draw record), so they name the rule, never private details."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date


@dataclass(frozen=True)
class Candidate:
    id: str
    on_duty: bool
    certificate_no: str | None
    certificate_expiry: date | None
    jurisdiction: str = ""
    periods: tuple[Period, ...] = ()
    conflicts: frozenset[str] = field(default_factory=frozenset)  # USCCs the inspector must not inspect
    load: int = 0  # visits already assigned that overlap this one


@dataclass(frozen=True)
class Visit:
    """What a department's part is drawn for. `jurisdiction` is None for a partner department (S6 binds the
    sub-bureau to its own district, not the partners); `max_load` 0 means no cap."""
    company_uscc: str
    start: date
    end: date
    jurisdiction: str | None
    max_load: int


def exclusion_reason(candidate: Candidate, visit: Visit) -> str | None:
    """The first rule that excludes the officer, as the public reads it; None: eligible. A new rule here goes into
    adapters/pool.py's SQL too (it passes without these objects the officers no rule excludes, issue 15)."""
    if not candidate.on_duty:
        return "不在岗"
    if not candidate.certificate_no:
        return "无执法证"
    if candidate.certificate_expiry is not None and candidate.certificate_expiry < visit.end:
        return f"执法证有效期至 {candidate.certificate_expiry}，早于检查结束日期"
    if visit.jurisdiction and candidate.jurisdiction != visit.jurisdiction:
        return f"不属于本辖区（{candidate.jurisdiction}）"
    for period in candidate.periods:
        if period.start <= visit.end and visit.start <= period.end:
            return f"{period.kind}（{period.start} 至 {period.end}）与检查时间重叠"
    if visit.company_uscc in candidate.conflicts:
        return "与被检查单位存在利害关系，依法回避"
    if visit.max_load and candidate.load >= visit.max_load:
        return f"检查时间内已承担 {candidate.load} 项检查，达到上限"
    return None


def split_pool(candidates: list[Candidate], visit: Visit) -> tuple[list[str], list[dict]]:
    """The frozen pool is sorted by id (design §4) so anyone can rebuild it from the record."""
    pool, excluded = [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        reason = exclusion_reason(candidate, visit)
        if reason:
            excluded.append({"id": candidate.id, "reason": reason})
        else:
            pool.append(candidate.id)
    return pool, excluded
