"""Public disclosure of results (N7, N8, S11): per company and department — name, USCC, plan, department, items
with their outcome, result category, date. Written when the result is submitted (谁检查、谁录入、谁公开);
a voided round leaves the feed, its re-inspection takes its place. Only what has happened is public: a row's
visit date is never after the day it is read (a result cannot be submitted before its visit)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from shared.clock import iso
from shared.uow import UnitOfWork

from .adapters.db import Publication, Result, ResultVoid

PUBLIC_ITEM_FIELDS = ("code", "name", "basis", "outcome", "method", "findings", "measures", "follow_up")


def publish(uow: UnitOfWork, result: Result, inspection: dict) -> None:
    answers = {answer["item_code"]: answer for answer in result.items}
    for department in inspection["departments"]:
        items = [{"code": item["code"], "name": item["name"], "basis": item.get("basis", ""),
                  **{key: answers[item["code"]].get(key) for key in ("outcome", "method", "findings", "measures",
                                                                     "follow_up")}}
                 for item in department["items"]]
        uow.session.add(Publication(
            result_id=result.id, inspection_id=result.inspection_id, department=department["code"],
            department_name=department["name"], company_name=inspection["company"]["name"],
            company_uscc=inspection["company"]["uscc"], plan_id=inspection["plan"]["id"],
            plan_name=inspection["plan"]["name"], visit_date=result.visit_date, category=result.category,
            items=items, published_at=uow.now))


def public_query(filters: dict, today: date):
    voided = select(ResultVoid.result_id)
    query = (select(Publication).where(Publication.result_id.not_in(voided), Publication.visit_date <= today)
             .order_by(Publication.visit_date.desc(), Publication.id.desc()))
    if filters.get("company"):
        needle = filters["company"]
        query = query.where(or_(Publication.company_uscc == needle.upper(),
                                Publication.company_name.contains(needle, autoescape=True)))
    if filters.get("department"):
        query = query.where(Publication.department == filters["department"])
    if filters.get("plan"):
        query = query.where(Publication.plan_id == filters["plan"])
    return query


def public_view(row: Publication) -> dict:
    return {"company": {"name": row.company_name, "uscc": row.company_uscc},
            "plan": {"id": row.plan_id, "name": row.plan_name},
            "department": {"code": row.department, "name": row.department_name},
            "visit_date": row.visit_date.isoformat(), "category": row.category,
            "items": [{key: item.get(key) for key in PUBLIC_ITEM_FIELDS} for item in row.items],
            "published_at": iso(row.published_at)}
