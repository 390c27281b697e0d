"""Reads the inspector library into the pure eligibility rules: one place that knows how a candidate is made.

P6 (issue 15): the pool is read in the database, never a full ORM object per officer — one query for the ids of
the officers no rule excludes (most of a library), one for the others with only the columns the rules read (load
and conflict flag by LEFT JOINs to aggregates), one for the few status periods that overlap the visit. The rules
and their public reasons stay in domain/eligibility.py, so a draw record's pool and exclusions are exactly what they
were."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, false, func, or_, select, true

from ..domain.eligibility import Candidate, Period, Visit, split_pool
from ..domain.policy import DrawPolicy
from .db import DeclaredInterest, Inspector, StatusPeriod, TeamMember

IN_CHUNK = 5000  # ids per IN (…): well under a driver's bound-parameter limit


def visit_of(inspection: dict, policy: DrawPolicy, department: str | None = None) -> Visit:
    """The visit as one department's part sees it: the district rule (S6) binds only the sub-bureau's own
    officers (`policy.department`); a partner department's officers are its own, wherever they sit."""
    department = department or policy.department
    return Visit(company_uscc=inspection["company"]["uscc"], start=date.fromisoformat(inspection["window"]["start"]),
                 end=date.fromisoformat(inspection["window"]["end"]),
                 jurisdiction=policy.jurisdiction if department == policy.department else None,
                 max_load=policy.max_load)


def _library(department: str):
    """Officers registered in `department`'s library; officers a department merely named are not in it."""
    return (Inspector.department_code == department, Inspector.source == "library")


def _loads(visit: Visit, exclude_inspection: str | None):
    """Per officer, the current team places on visits overlapping this one (this visit's own excepted)."""
    query = (select(TeamMember.inspector_id, func.count().label("load"))
             .where(TeamMember.until.is_(None), TeamMember.visit_start <= visit.end,
                    TeamMember.visit_end >= visit.start).group_by(TeamMember.inspector_id))
    if exclude_inspection:
        query = query.where(TeamMember.inspection_id != exclude_inspection)
    return query.subquery("loads")


def _periods(session, visit: Visit, department: str) -> dict[str, list[Period]]:
    """The status periods overlapping the visit, per officer, in the order they were recorded (the first one is
    the reason given)."""
    periods = defaultdict(list)
    rows = session.execute(select(StatusPeriod.inspector_id, StatusPeriod.kind, StatusPeriod.start, StatusPeriod.end)
                           .join(Inspector, Inspector.id == StatusPeriod.inspector_id)
                           .where(*_library(department), StatusPeriod.start <= visit.end,
                                  StatusPeriod.end >= visit.start)
                           .order_by(StatusPeriod.recorded_at, StatusPeriod.id))
    for inspector_id, kind, start, end in rows:
        periods[inspector_id].append(Period(kind, start, end))
    return periods


def _unexcluded(visit: Visit, loads):
    """The officers no rule of domain/eligibility.py excludes, written in SQL so that most of a library of 10,000
    comes back as bare ids (P6: building an object per officer cost more than the query, and its garbage
    collection more still). Conservative on purpose: an officer this does not pass (a NULL anywhere included) is
    read in full and judged by the rules, which alone give the public reasons; a new rule there must be added
    here too (tests/integration/test_draw_pool_sql.py compares with reading every officer)."""
    period = select(StatusPeriod.id).where(StatusPeriod.inspector_id == Inspector.id,
                                           StatusPeriod.start <= visit.end, StatusPeriod.end >= visit.start)
    interest = select(DeclaredInterest.id).where(DeclaredInterest.inspector_id == Inspector.id,
                                                 DeclaredInterest.company_uscc == visit.company_uscc)
    terms = [Inspector.on_duty.is_(True), Inspector.certificate_no.is_not(None), Inspector.certificate_no != "",
             or_(Inspector.certificate_expiry.is_(None), Inspector.certificate_expiry >= visit.end),
             ~period.exists(), ~interest.exists()]
    if visit.jurisdiction:
        terms.append(Inspector.jurisdiction == visit.jurisdiction)
    if visit.max_load:
        terms.append(func.coalesce(loads.c.load, 0) < visit.max_load)
    return and_(*terms)


def to_judge(session, visit: Visit, department: str, loads, unexcluded) -> list[Candidate]:
    """The officers the SQL did not pass, with their periods, conflict with this company and load, as the rules
    see them."""
    conflicted = select(DeclaredInterest.inspector_id).where(  # one row per officer: unique (inspector, company)
        DeclaredInterest.company_uscc == visit.company_uscc).subquery("conflicted")
    rows = session.execute(
        select(Inspector.id, Inspector.on_duty, Inspector.certificate_no, Inspector.certificate_expiry,
               Inspector.jurisdiction, func.coalesce(loads.c.load, 0), conflicted.c.inspector_id)
        .outerjoin(loads, loads.c.inspector_id == Inspector.id)
        .outerjoin(conflicted, conflicted.c.inspector_id == Inspector.id)
        .where(*_library(department), case((unexcluded, false()), else_=true()))).all()
    periods = _periods(session, visit, department) if rows else {}
    conflict = frozenset([visit.company_uscc])
    return [Candidate(officer, on_duty, certificate_no, expiry, jurisdiction, tuple(periods.get(officer, ())),
                      conflict if conflicted_id is not None else frozenset(), load)
            for officer, on_duty, certificate_no, expiry, jurisdiction, load, conflicted_id in rows]


def eligible(session, policy: DrawPolicy, visit: Visit, exclude_inspection: str | None = None,
             department: str | None = None) -> tuple[list[str], list[dict]]:
    """(pool ids, excluded with reasons) of `department`'s library (the drawing department by default): the pool
    sorted by id (design §4) and the exclusions as domain/eligibility.split_pool gives them. A caller that shows
    people reads the few it needs with `inspectors_by_id`."""
    department = department or policy.department
    loads = _loads(visit, exclude_inspection)
    unexcluded = _unexcluded(visit, loads)
    ids = session.execute(select(Inspector.id).outerjoin(loads, loads.c.inspector_id == Inspector.id)
                          .where(*_library(department), unexcluded)).scalars().all()
    judged, excluded = split_pool(to_judge(session, visit, department, loads, unexcluded), visit)
    return sorted(ids + judged), excluded


def inspectors_by_id(session, ids: list[str]) -> dict[str, Inspector]:
    """The full library rows of a few chosen officers (a caller that shows more than ids)."""
    found = {}
    for at in range(0, len(ids), IN_CHUNK):
        found.update((i.id, i) for i in session.execute(
            select(Inspector).where(Inspector.id.in_(ids[at:at + IN_CHUNK]))).scalars())
    return found
