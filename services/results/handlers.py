"""results' use cases: keep the team's assignment, take one append-only result per visit round (S8), open the
rectifications it calls for (S10), share each department's own items with it (N5 mutual recognition) and
correct a result only through an approved, signed application (S8)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shared.errors import Conflict, Invalid, NotFound
from shared.events import Event
from shared.ids import new_id
from shared.uow import UnitOfWork

from . import evidence, publication, rectifications
from .adapters.db import Assignment, Correction, Draft, Result, ResultVoid
from .domain.categories import missing_and_unknown
from .domain.deadlines import publication_deadline


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
    company_confirmation: dict
    today: date


def submit_result(cmd: SubmitResult, uow: UnitOfWork) -> Result:
    """Submitting finalises (S8): the result is written once for this round, published to every department with
    its own items (N5, N7), and each problem found opens a rectification (S10). The draft goes."""
    session, settings = uow.session, uow.runtime.deps["result_rules"]
    assignment = evidence.assignment_for(session, cmd.inspection_id, cmd.inspector_id)
    if _result_of_round(session, cmd.inspection_id, assignment.round) is not None:
        raise _already_submitted()  # first: whatever the new content, the entered result stands (S8)
    _check_content(assignment.inspection, cmd)
    evidence.check_refs(session, cmd.inspection_id, {
        **{f"items.{n}.evidence": list(item.get("evidence", [])) for n, item in enumerate(cmd.items)},
        "company_confirmation.scan": [cmd.company_confirmation["scan"]] if cmd.company_confirmation.get("scan")
        else []})
    due = publication_deadline(cmd.visit_date, settings.publication_working_days)
    result = Result(id=new_id(), inspection_id=cmd.inspection_id, round=assignment.round, status="submitted",
                    category=cmd.category, visit_date=cmd.visit_date, items=[dict(i) for i in cmd.items],
                    company_confirmation=dict(cmd.company_confirmation), submitted_by=cmd.actor,
                    submitted_at=uow.now, publication_due=due.due, published_late=cmd.today > due.due)
    try:
        with session.begin_nested():
            session.add(result)
    except IntegrityError:
        raise _already_submitted() from None
    opened = rectifications.open_for(uow, result, assignment.inspection, settings.rectification_months)
    publication.publish(uow, result, assignment.inspection)
    draft = session.get(Draft, (cmd.inspection_id, cmd.inspector_id))
    if draft is not None:
        session.delete(draft)
    uow.audit(cmd.actor, "result.submitted", f"result:{result.id}",
              after={"inspection": cmd.inspection_id, "round": result.round, "category": cmd.category,
                     "publication_due": due.due.isoformat(), "published_late": result.published_late,
                     "rectifications": len(opened)})
    deadlines = {r.department: r.deadline.isoformat() for r in opened}
    supersedes = _voided_round(session, cmd.inspection_id, result.round - 1)
    for department in assignment.inspection["departments"]:
        message = department_message(assignment.inspection, department, result, deadlines.get(department["code"]))
        uow.emit("result.published", {**message, "supersedes": supersedes},
                 subject=cmd.inspection_id, department=department["code"])
    uow.commit()
    return result


def _voided_round(session, inspection_id: str, round_: int) -> str | None:
    """The id of the voided result a re-inspection replaces, so partners drop the one they hold (S8, N5)."""
    earlier = _result_of_round(session, inspection_id, round_) if round_ >= 1 else None
    return earlier.id if earlier is not None and session.get(ResultVoid, earlier.id) is not None else None


def _result_of_round(session, inspection_id: str, round_: int) -> Result | None:
    return session.execute(select(Result).where(Result.inspection_id == inspection_id,
                                                Result.round == round_)).scalar()


def save_draft(uow: UnitOfWork, inspection_id: str, inspector_id: str, body: dict) -> Draft:
    """A draft may be saved any number of times until the round's result is submitted."""
    assignment = evidence.assignment_for(uow.session, inspection_id, inspector_id)
    if _result_of_round(uow.session, inspection_id, assignment.round) is not None:
        raise _already_submitted()
    draft = uow.session.get(Draft, (inspection_id, inspector_id)) or Draft(inspection_id=inspection_id,
                                                                          inspector_id=inspector_id)
    draft.body, draft.saved_at = body, uow.now
    uow.session.add(draft)
    return draft


def request_correction(uow: UnitOfWork, result_id: str, reason: str, application_scan: str, actor: str,
                       inspector_id: str | None) -> Correction:
    """S8: a correction is asked for in writing — the reason and the scan of the application signed by the
    department head — by the team that entered the result (or a clerk); an approver decides."""
    session = uow.session
    result = session.get(Result, result_id)
    if result is None:
        raise NotFound("检查结果不存在")
    if inspector_id is not None:
        evidence.assignment_for(session, result.inspection_id, inspector_id)
    if session.get(ResultVoid, result_id) is not None:
        raise Conflict("该检查结果已作废", code="result_void")
    pending = session.execute(select(Correction).where(Correction.result_id == result_id,
                                                       Correction.status == "pending")).scalar()
    if pending is not None:
        raise Conflict("该检查结果已有待审批的更正申请", code="correction_pending")
    evidence.check_refs(session, result.inspection_id, {"application_scan": [application_scan]})
    correction = Correction(id=new_id(), result_id=result_id, inspection_id=result.inspection_id, reason=reason,
                            application_sha256=application_scan, requested_by=actor, requested_at=uow.now,
                            status="pending")
    session.add(correction)
    uow.audit(actor, "correction.requested", f"result:{result_id}", reason=reason,
              after={"correction": correction.id, "application_scan": application_scan})
    return correction


def decide_correction(uow: UnitOfWork, correction_id: str, approve: bool, note: str, actor: str,
                      today: date) -> Correction:
    """Approval voids the result (kept, marked, linked to this correction) and sends the visit back to the same
    team as a new round (re-inspection); rejection leaves the result as it is. Both are audited."""
    session = uow.session
    correction = session.get(Correction, correction_id)
    if correction is None:
        raise NotFound("更正申请不存在")
    if correction.status != "pending":
        raise Conflict("该更正申请已处理", code="correction_decided")
    correction.status = "approved" if approve else "rejected"
    correction.decided_by, correction.decided_at, correction.decision_note = actor, uow.now, note or None
    uow.audit(actor, f"correction.{correction.status}", f"correction:{correction.id}", reason=note or None,
              after={"result": correction.result_id})
    if approve:
        session.add(ResultVoid(result_id=correction.result_id, correction_id=correction.id, voided_by=actor,
                               voided_at=uow.now))
        assignment = session.get(Assignment, correction.inspection_id)
        assignment.round += 1
        rectifications.cancel_for_result(uow, correction.result_id, actor, today)
        uow.audit(actor, "result.voided", f"result:{correction.result_id}", reason=correction.reason,
                  after={"correction": correction.id, "reinspection_round": assignment.round})
    return correction


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
    found_problem = any(item["outcome"] == "发现问题" for item in cmd.items)
    if found_problem and cmd.category == "未发现问题":
        problems["category"] = ["有事项发现问题，检查结果类别不能为“未发现问题”"]
    elif not found_problem and cmd.category.startswith("发现问题"):
        problems["category"] = ["没有事项发现问题，检查结果类别不能为“发现问题…”"]
    if problems:
        raise Invalid("检查结果校验未通过", fields=problems)


def department_message(inspection: dict, department: dict, result: Result, rectification_deadline: str | None
                       ) -> dict:
    """Exactly this department's items, plus the visit summary every partner may rely on (N5)."""
    answers = {item["item_code"]: item for item in result.items}
    own = [{**item, **{k: answers[item["code"]].get(k) for k in ("outcome", "method", "findings", "measures",
                                                                   "follow_up")}}
           for item in department["items"]]
    return {
        "inspection_id": result.inspection_id, "result_id": result.id, "department": department["code"],
        "plan": inspection["plan"], "company": inspection["company"], "visit_date": result.visit_date.isoformat(),
        "category": result.category, "items": own,
        "summary": {"departments": [d["code"] for d in inspection["departments"]],
                    "lead_department": inspection["lead_department"], "category": result.category,
                    "problems_found": sum(1 for item in result.items if item["outcome"] == "发现问题")},
        "round": result.round, "publication_due": result.publication_due.isoformat(),
        "published_late": result.published_late, "rectification_deadline": rectification_deadline,
    }
