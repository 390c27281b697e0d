"""Public disclosure of results (N7, N8, S11): per company and department exactly the N8 fields — name, USCC,
plan, department, items with their outcome, the department's own category, date, rectification status — and the
summary the department's approver released (issue 13). Free-text findings, measures, inspectors, evidence and the
company's signature are never public. Written when that department submits (谁检查、谁录入、谁公开); a voided round
leaves the feed, its re-inspection takes its place. Only what has happened is public: nothing before the visit's
day nor before its fixed time (N4), and the public task list (N8 "tasks after the visit") likewise."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from shared.schemas import page_of
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Publication, Rectification, Result, ResultSummary, ResultVoid, VisitSchedule
from ..queries import PublicResults, PublicVisits

ANSWER_FIELDS = ("outcome",)  # the item's result category; its free text stays with the result (issue 13)


@dataclass(frozen=True)
class PublicRecord:
    """One row of the public feed: the publication, the released summary's text (None until released, unmasked:
    views mask it) and the rectification status (`none`, `open`, `overdue`, `completed`) with the open ones' latest
    deadline."""
    publication: Publication
    summary: str | None
    rectification: str
    rectification_due: date | None


def publish(uow: UnitOfWork, result: Result, inspection: dict, department: dict) -> None:
    """The department's public record: its own items and its own category (谁检查、谁录入、谁公开)."""
    answers = {answer["item_code"]: answer for answer in result.items}
    items = [{"code": item["code"], "name": item["name"],
              **{key: answers.get(item["code"], {}).get(key) for key in ANSWER_FIELDS}}
             for item in department["items"]]
    uow.add(Publication(
        result_id=result.id, inspection_id=result.inspection_id, department=department["code"],
        department_name=department["name"], company_name=inspection["company"]["name"],
        company_uscc=inspection["company"]["uscc"], plan_id=inspection["plan"]["id"],
        plan_name=inspection["plan"]["name"], visit_date=result.visit_date, category=result.category,
        items=items, published_at=uow.now))


def public_results(query: PublicResults, uow: UnitOfWork) -> tuple[list[PublicRecord], int]:
    """(records, total) of the feed's page: newest visit first, voided rounds and future visits left out — by the
    day, and by the fixed time too: a result entered on the visit's day before its hour stays private until then
    (N4: nobody is warned)."""
    feed = select(Publication).where(Publication.visit_date <= uow.today())
    if query.company:
        feed = feed.where(or_(Publication.company_uscc == query.company.upper(),
                              Publication.company_name.contains(query.company, autoescape=True)))
    if query.department:
        feed = feed.where(Publication.department == query.department)
    if query.plan:
        feed = feed.where(Publication.plan_id == query.plan)
    rows, total = page_of(feed.where(~_voided(), ~_ahead(uow.now))
                          .order_by(Publication.visit_date.desc(), Publication.id.desc()),
                          query.page, query.per_page, uow.session, counted=_counted(feed, uow.now))
    ids = [row.result_id for row in rows]
    summaries = _released_summaries(uow, ids)
    rectifications = _rectifications(uow, ids)
    return [PublicRecord(row, summaries.get(row.result_id),
                         *rectification_status(rectifications.get(row.result_id, []), uow.today()))
            for row in rows], total


def _voided():
    """The row's result was voided. The page's rows use NOT EXISTS: an anti-join PostgreSQL runs row by row down
    the feed's (visit_date, id) index and stops after a page (0.13 ms for 20 of 100,000, where NOT IN built both
    hashed subplans first: 0.5 ms; bench/feed_page.py)."""
    return select(ResultVoid.result_id).where(ResultVoid.result_id == Publication.result_id).exists()


def _counted(feed, now):
    """The same rows to count. The count visits every row whatever the shape; there PostgreSQL's hashed NOT IN —
    the excluded ids are few: voided results, visits still ahead, both keyed not null — filters in the scan and
    was 1.5–1.8 × cheaper than the anti-joins (bench/feed_page.py)."""
    ahead = select(VisitSchedule.inspection_id).where(VisitSchedule.scheduled_at > now)
    return feed.where(Publication.result_id.not_in(select(ResultVoid.result_id)),
                      Publication.inspection_id.not_in(ahead))


def _ahead(now):
    """The row's visit has a fixed time still to come (N4)."""
    return (select(VisitSchedule.inspection_id)
            .where(VisitSchedule.inspection_id == Publication.inspection_id, VisitSchedule.scheduled_at > now)
            .exists())


def rectification_status(rectifications: list[Rectification], today: date) -> tuple[str, date | None]:
    """S10 as the public sees it: nothing to rectify, rectifying (by the latest open deadline), overdue, done."""
    live = [r for r in rectifications if r.status != "cancelled"]
    open_ = [r for r in live if r.status == "open"]
    if not live:
        return "none", None
    if not open_:
        return "completed", None
    due = max(r.deadline for r in open_)
    return ("overdue" if any(r.deadline < today for r in open_) else "open"), due


def _released_summaries(uow: UnitOfWork, result_ids: list[str]) -> dict[str, str]:
    """Each result's latest released summary text."""
    released = (select(ResultSummary).where(ResultSummary.result_id.in_(result_ids),
                                            ResultSummary.released_at.is_not(None))
                .order_by(ResultSummary.version))
    return {row.result_id: row.text for row in uow.session.execute(released).scalars()}


def _rectifications(uow: UnitOfWork, result_ids: list[str]) -> dict[str, list[Rectification]]:
    found: dict[str, list[Rectification]] = {}
    for row in uow.session.execute(select(Rectification).where(Rectification.result_id.in_(result_ids))).scalars():
        found.setdefault(row.result_id, []).append(row)
    return found


@dataclass(frozen=True)
class PublicVisit:
    """A visit whose fixed time has passed, and the departments whose result of it is public."""
    assignment: Assignment
    schedule: VisitSchedule
    published: frozenset[str]


def public_visits(query: PublicVisits, uow: UnitOfWork) -> tuple[list[PublicVisit], int]:
    """(visits, total): only once the fixed time (the latest `visit.scheduled`) is past; newest first."""
    visited = (select(Assignment).join(VisitSchedule, VisitSchedule.inspection_id == Assignment.inspection_id)
               .where(VisitSchedule.scheduled_at <= uow.now)
               .order_by(VisitSchedule.scheduled_at.desc(), Assignment.inspection_id))
    rows, total = page_of(visited, query.page, query.per_page, uow.session)
    ids = [row.inspection_id for row in rows]
    schedules = {s.inspection_id: s for s in uow.session.execute(
        select(VisitSchedule).where(VisitSchedule.inspection_id.in_(ids))).scalars()}
    published: dict[str, set[str]] = {}
    for row in uow.session.execute(select(Publication).where(
            Publication.inspection_id.in_(ids), ~_voided())).scalars():
        published.setdefault(row.inspection_id, set()).add(row.department)
    return [PublicVisit(row, schedules[row.inspection_id], frozenset(published.get(row.inspection_id, ())))
            for row in rows], total
