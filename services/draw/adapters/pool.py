"""Reads the inspector library into the pure eligibility rules: one place that knows how a candidate is made."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from ..domain.eligibility import Candidate, Period, Visit, split_pool
from ..domain.policy import DrawPolicy
from .db import DeclaredInterest, Inspector, StatusPeriod, TeamMember


def visit_of(inspection: dict, policy: DrawPolicy, department: str | None = None) -> Visit:
    """The visit as one department's part sees it: the district rule (S6) binds only the sub-bureau's own
    officers (`policy.department`); a partner department's officers are its own, wherever they sit."""
    department = department or policy.department
    return Visit(company_uscc=inspection["company"]["uscc"], start=date.fromisoformat(inspection["window"]["start"]),
                 end=date.fromisoformat(inspection["window"]["end"]),
                 jurisdiction=policy.jurisdiction if department == policy.department else None,
                 max_load=policy.max_load)


def candidates(session, policy: DrawPolicy, visit: Visit, exclude_inspection: str | None = None,
               department: str | None = None) -> list:
    """Every officer in `department`'s library (the drawing department by default), with periods, conflicts
    with this company, and load. Officers a department merely named for a visit are not in its library."""
    inspectors = session.execute(select(Inspector).where(Inspector.department_code == (department or
                                                                                       policy.department),
                                                         Inspector.source == "library")
                                 .order_by(Inspector.id)).scalars().all()
    periods = defaultdict(list)
    for p in session.execute(select(StatusPeriod).where(StatusPeriod.start <= visit.end,
                                                         StatusPeriod.end >= visit.start)).scalars():
        periods[p.inspector_id].append(Period(p.kind, p.start, p.end))
    conflicted = set(session.execute(select(DeclaredInterest.inspector_id)
                                     .where(DeclaredInterest.company_uscc == visit.company_uscc)).scalars())
    load = defaultdict(int)
    overlapping = select(TeamMember.inspector_id).where(TeamMember.until.is_(None),
                                                         TeamMember.visit_start <= visit.end,
                                                         TeamMember.visit_end >= visit.start)
    if exclude_inspection:
        overlapping = overlapping.where(TeamMember.inspection_id != exclude_inspection)
    for inspector_id in session.execute(overlapping).scalars():
        load[inspector_id] += 1
    return [(i, Candidate(i.id, i.on_duty, i.certificate_no, i.certificate_expiry, i.jurisdiction,
                          tuple(periods[i.id]), frozenset([visit.company_uscc]) if i.id in conflicted else frozenset(),
                          load[i.id])) for i in inspectors]


def eligible(session, policy: DrawPolicy, visit: Visit, exclude_inspection: str | None = None,
             department: str | None = None):
    """(inspectors by id, pool ids, excluded with reasons) of one department's library."""
    pairs = candidates(session, policy, visit, exclude_inspection, department)
    pool, excluded = split_pool([c for _, c in pairs], visit)
    return {i.id: i for i, _ in pairs}, pool, excluded
