"""results' use cases: keep the team's assignment, take one append-only result per visit (S8) and share
each department's own items with it (N5 mutual recognition)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import Event
from shared.ids import new_id
from shared.uow import UnitOfWork

from .adapters.db import Assignment, Result
from .domain.categories import missing_and_unknown


def record_assignment(event: Event, uow: UnitOfWork) -> None:
    """On `inspectors.assigned`: remember who may record results for the visit and what it covers."""
    data = event.data
    if uow.session.get(Assignment, data["inspection_id"]) is not None:
        return
    uow.session.add(Assignment(inspection_id=data["inspection_id"], draw_id=data["draw_id"],
                               inspector_ids=[i["id"] for i in data["inspectors"]], inspectors=data["inspectors"],
                               inspection=data["inspection"], round=1, created_at=uow.now))


def record_replacement(event: Event, uow: UnitOfWork) -> None:
    """On `inspectors.replaced` (S13): from now on the new team may record the results, the old member not."""
    data = event.data
    assignment = uow.session.get(Assignment, data["inspection_id"])
    if assignment is None:
        return record_assignment(event, uow)
    assignment.inspector_ids = [i["id"] for i in data["inspectors"]]
    assignment.inspectors = data["inspectors"]
    uow.audit("system:results", "assignment.replaced", f"inspection:{data['inspection_id']}",
              before={"inspector": data["old"]["id"]}, after={"inspector": data["new"]["id"]})


@dataclass(frozen=True)
class SubmitResult:
    inspection_id: str
    inspector_id: str
    actor: str
    visit_date: date
    category: str
    items: tuple[dict, ...]
    company_confirmation: dict | None
    today: date


def submit_result(cmd: SubmitResult, uow: UnitOfWork) -> Result:
    session = uow.session
    assignment = session.get(Assignment, cmd.inspection_id)
    if assignment is None:
        raise NotFound("该检查尚未抽取检查人员或不存在")
    if cmd.inspector_id not in assignment.inspector_ids:
        raise Forbidden("只有被抽中的检查人员可以录入该检查的结果")
    _check_content(assignment.inspection, cmd)
    if session.execute(select(Result).where(Result.inspection_id == cmd.inspection_id,
                                            Result.round == assignment.round)).scalar() is not None:
        raise _already_submitted()
    result = Result(id=new_id(), inspection_id=cmd.inspection_id, round=assignment.round, status="submitted",
                    category=cmd.category, visit_date=cmd.visit_date, items=[dict(i) for i in cmd.items],
                    company_confirmation=cmd.company_confirmation, submitted_by=cmd.actor, submitted_at=uow.now)
    try:
        with session.begin_nested():
            session.add(result)
    except IntegrityError:
        raise _already_submitted() from None
    uow.audit(cmd.actor, "result.submitted", f"result:{result.id}", after={"inspection": cmd.inspection_id,
                                                                           "category": cmd.category})
    for department in assignment.inspection["departments"]:
        uow.emit("result.published", department_message(assignment.inspection, department, result),
                 subject=cmd.inspection_id, department=department["code"])
    uow.commit()
    return result


def _already_submitted() -> Conflict:
    return Conflict("检查结果已提交，不得修改；如确有错误，请提交更正申请（S8）", code="result_final")


def _check_content(inspection: dict, cmd: SubmitResult) -> None:
    window = inspection["window"]
    problems: dict[str, list[str]] = {}
    if not window["start"] <= cmd.visit_date.isoformat() <= window["end"]:
        problems["visit_date"] = [f"检查日期应在检查时间 {window['start']} 至 {window['end']} 之内"]
    elif cmd.visit_date > cmd.today:
        problems["visit_date"] = ["检查日期不能晚于今天"]
    expected = [item["code"] for d in inspection["departments"] for item in d["items"]]
    missing, unknown, repeated = missing_and_unknown(expected, [i["item_code"] for i in cmd.items])
    messages = [f"缺少事项 {c} 的结果" for c in missing] + [f"事项 {c} 不属于该检查" for c in unknown] + \
               [f"事项 {c} 重复填写" for c in repeated]
    if messages:
        problems["items"] = messages
    if problems:
        raise Invalid("检查结果校验未通过", fields=problems)


def department_message(inspection: dict, department: dict, result: Result) -> dict:
    """Exactly this department's items, plus the visit summary every partner may rely on (N5)."""
    answers = {item["item_code"]: item for item in result.items}
    own = [{**item, **{k: answers[item["code"]][k] for k in ("outcome", "method", "findings", "measures")}}
           for item in department["items"]]
    return {
        "inspection_id": result.inspection_id, "result_id": result.id, "department": department["code"],
        "plan": inspection["plan"], "company": inspection["company"], "visit_date": result.visit_date.isoformat(),
        "category": result.category, "items": own,
        "summary": {"departments": [d["code"] for d in inspection["departments"]],
                    "lead_department": inspection["lead_department"], "category": result.category,
                    "problems_found": sum(1 for item in result.items if item["outcome"] == "发现问题")},
        "rectification_deadline": None,
    }
