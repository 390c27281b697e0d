"""Public disclosure of results (N7, N8, S11): per company and department — name, USCC, plan, department, items
with their outcome, the department's own category, date. Written when that department submits (谁检查、谁录入、谁公开);
a voided round leaves the feed, its re-inspection takes its place. Only what has happened is public: a row's
visit date is never after the day it is read (a result cannot be submitted before its visit)."""
from __future__ import annotations

from sqlalchemy import or_, select

from shared.schemas import page_of
from shared.uow import UnitOfWork

from ..adapters.db import Publication, Result, ResultVoid
from ..queries import PublicResults

ANSWER_FIELDS = ("outcome", "method", "findings", "measures", "follow_up")


def publish(uow: UnitOfWork, result: Result, inspection: dict, department: dict) -> None:
    """The department's public record: its own items and its own category (谁检查、谁录入、谁公开)."""
    answers = {answer["item_code"]: answer for answer in result.items}
    items = [{"code": item["code"], "name": item["name"], "basis": item.get("basis", ""),
              **{key: answers.get(item["code"], {}).get(key) for key in ANSWER_FIELDS}}
             for item in department["items"]]
    uow.add(Publication(
        result_id=result.id, inspection_id=result.inspection_id, department=department["code"],
        department_name=department["name"], company_name=inspection["company"]["name"],
        company_uscc=inspection["company"]["uscc"], plan_id=inspection["plan"]["id"],
        plan_name=inspection["plan"]["name"], visit_date=result.visit_date, category=result.category,
        items=items, published_at=uow.now))


def public_results(query: PublicResults, uow: UnitOfWork) -> tuple[list[Publication], int]:
    """(rows, total) of the feed's page: newest visit first, voided rounds and future visits left out."""
    voided = select(ResultVoid.result_id)
    feed = (select(Publication).where(Publication.result_id.not_in(voided), Publication.visit_date <= uow.today())
            .order_by(Publication.visit_date.desc(), Publication.id.desc()))
    if query.company:
        feed = feed.where(or_(Publication.company_uscc == query.company.upper(),
                              Publication.company_name.contains(query.company, autoescape=True)))
    if query.department:
        feed = feed.where(Publication.department == query.department)
    if query.plan:
        feed = feed.where(Publication.plan_id == query.plan)
    return page_of(feed, query.page, query.per_page, uow.session)
