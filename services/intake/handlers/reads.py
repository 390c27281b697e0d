"""intake's queries: read on a read-only unit of work; what they return stays readable after it closes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from shared.auth import hash_token
from shared.errors import Forbidden, NotFound, found
from shared.schemas import page_of
from shared.uow import UnitOfWork

from ..adapters.db import Department, Inspection, Item, ItemVersion, JointTask, Plan, Rejection
from ..adapters.visits import Visit, load_visit, load_visits
from ..queries import (
    CatalogItems,
    DepartmentByToken,
    Departments,
    InspectionDetail,
    ItemByCode,
    ItemVersions,
    PlanById,
    Plans,
    PlanVisits,
    Rejections,
    TaskById,
    VisitCounts,
)

PLAN_MISSING = "抽查计划不存在"


@dataclass(frozen=True)
class PlanPage:
    plans: list[Plan]
    total: int


@dataclass(frozen=True)
class PlanReview:
    plan: Plan
    visits: list[Visit]
    withdrawn: list[JointTask]


def task_by_id(query: TaskById, uow: UnitOfWork) -> JointTask:
    task = uow.get(JointTask, query.task_id)
    if task is None or (query.department is not None and task.department_code != query.department):
        raise NotFound("任务不存在")  # another department's task is not even acknowledged
    return task


def rejections(query: Rejections, uow: UnitOfWork) -> list[Rejection]:
    statement = select(Rejection).order_by(Rejection.created_at.desc()).limit(query.limit)
    if query.department is not None:
        statement = statement.where(Rejection.department_code == query.department)
    return list(uow.session.execute(statement).scalars())


def plans(query: Plans, uow: UnitOfWork) -> PlanPage:
    """Published plans are public (N8); drafts only to staff."""
    statement = select(Plan).order_by(Plan.created_at.desc())
    if not query.include_drafts:
        statement = statement.where(Plan.status != "draft")
    if query.page is None:
        rows = list(uow.session.execute(statement).scalars())
        return PlanPage(rows, len(rows))
    rows, total = page_of(statement, query.page, query.per_page, uow.session)
    return PlanPage(list(rows), total)


def plan_by_id(query: PlanById, uow: UnitOfWork) -> Plan:
    plan = uow.get(Plan, query.plan_id)
    if plan is None or (plan.status == "draft" and not query.include_drafts):
        raise NotFound(PLAN_MISSING)
    return plan


def plan_visits(query: PlanVisits, uow: UnitOfWork) -> PlanReview:
    plan = found(uow.get(Plan, query.plan_id), PLAN_MISSING)
    withdrawn = uow.session.execute(select(JointTask).where(JointTask.plan_id == plan.id,
                                                            JointTask.status == "withdrawn")).scalars().all()
    return PlanReview(plan, load_visits(uow.session, plan), list(withdrawn))


def inspection_detail(query: InspectionDetail, uow: UnitOfWork) -> Visit:
    inspection = found(uow.get(Inspection, query.inspection_id), "检查（联合检查）不存在")
    if query.department is not None:
        mine = uow.session.execute(select(JointTask.id).where(JointTask.inspection_id == inspection.id,
                                                              JointTask.department_code == query.department))
        if mine.first() is None:
            raise Forbidden("本部门未参与该检查")
    return load_visit(uow.session, uow.get(Plan, inspection.plan_id), inspection)


def visit_counts(_query: VisitCounts, uow: UnitOfWork) -> dict[str, int]:
    return dict(uow.session.execute(select(Inspection.plan_id, func.count()).group_by(Inspection.plan_id)).all())


def catalog_items(query: CatalogItems, uow: UnitOfWork) -> list[Item]:
    """The public catalog (N1, N8): active items only."""
    statement = select(Item).where(Item.active.is_(True)).order_by(Item.department_code, Item.code)
    if query.department:
        statement = statement.where(Item.department_code == query.department)
    return list(uow.session.execute(statement).scalars())


def item_by_code(query: ItemByCode, uow: UnitOfWork) -> Item:
    return found(uow.get(Item, query.code), f"事项 {query.code} 不存在")


def item_versions(query: ItemVersions, uow: UnitOfWork) -> list[ItemVersion]:
    rows = uow.session.execute(select(ItemVersion).where(ItemVersion.code == query.code)
                               .order_by(ItemVersion.version)).scalars().all()
    if not rows:
        raise NotFound(f"事项 {query.code} 不存在")
    return list(rows)


def departments(_query: Departments, uow: UnitOfWork) -> list[Department]:
    return list(uow.session.execute(select(Department).order_by(Department.code)).scalars())


def department_by_token(query: DepartmentByToken, uow: UnitOfWork) -> Department | None:
    """Department API tokens are opaque and stored hashed."""
    return uow.session.execute(select(Department).where(Department.token_hash == hash_token(query.token))).scalar()
