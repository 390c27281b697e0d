"""S8: one append-only result per visit round, entered by the drawn team; a draft until then. Submitting
publishes it to every department with its own items (N5, N7) and opens the rectifications it calls for (S10)."""
from __future__ import annotations

from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Draft, Result, ResultVoid
from ..adapters.records import assignment_for, check_evidence_refs, result_of_round
from ..commands import SaveDraft, SubmitResult
from ..domain.categories import missing_and_unknown
from ..domain.deadlines import ResultRules, publication_deadline
from . import evidence, publication, rectifications


def already_submitted() -> Conflict:
    return Conflict("检查结果已提交，不得修改；如确有错误，请提交更正申请", code="result_final")


def save_draft(cmd: SaveDraft, uow: UnitOfWork) -> Draft:
    """An upsert: saved any number of times until the round's result is submitted. Two saves racing to create the
    row: the loser's insert fails on the primary key, the bus runs it again, and it updates the winner's row."""
    assignment = assignment_for(uow.session, cmd.inspection_id, cmd.inspector_id)
    if result_of_round(uow.session, cmd.inspection_id, assignment.round) is not None:
        raise already_submitted()
    draft = uow.get(Draft, (cmd.inspection_id, cmd.inspector_id))
    if draft is None:
        draft = Draft(inspection_id=cmd.inspection_id, inspector_id=cmd.inspector_id)
        uow.add(draft)
    draft.body, draft.saved_at = dict(cmd.body), uow.now
    uow.session.flush()
    return draft


def submit_result(cmd: SubmitResult, uow: UnitOfWork, result_rules: ResultRules) -> Result:
    """Submitting finalises (S8): the result is written once for this round, published to every department with
    its own items (N5, N7), and each problem found opens a rectification (S10). The draft goes. Two submissions
    at once: the unique (inspection, round) fails the second, which the bus runs again and which then answers 409."""
    session, today = uow.session, uow.today()
    assignment = assignment_for(session, cmd.inspection_id, cmd.inspector_id)
    if result_of_round(session, cmd.inspection_id, assignment.round) is not None:
        raise already_submitted()  # first: whatever the new content, the entered result stands (S8)
    for upload in cmd.evidence:
        evidence.store(uow, cmd.inspection_id, upload, cmd.actor)
    _check_content(assignment.inspection, cmd, today)
    check_evidence_refs(session, cmd.inspection_id, {
        **{f"items.{n}.evidence": list(item.get("evidence", [])) for n, item in enumerate(cmd.items)},
        "company_confirmation.scan": [cmd.company_confirmation["scan"]] if cmd.company_confirmation.get("scan")
        else []})
    due = publication_deadline(cmd.visit_date, result_rules.publication_working_days)
    result = Result(id=new_id(), inspection_id=cmd.inspection_id, round=assignment.round, status="submitted",
                    category=cmd.category, visit_date=cmd.visit_date, items=[dict(i) for i in cmd.items],
                    company_confirmation=dict(cmd.company_confirmation), submitted_by=cmd.actor,
                    submitted_at=uow.now, publication_due=due.due, published_late=today > due.due)
    uow.add(result)
    session.flush()
    opened = rectifications.open_for(uow, result, assignment.inspection, result_rules.rectification_months)
    publication.publish(uow, result, assignment.inspection)
    draft = uow.get(Draft, (cmd.inspection_id, cmd.inspector_id))
    if draft is not None:
        session.delete(draft)
    uow.audit(cmd.actor, "result.submitted", f"result:{result.id}",
              after={"inspection": cmd.inspection_id, "round": result.round, "category": cmd.category,
                     "publication_due": due.due.isoformat(), "published_late": result.published_late,
                     "rectifications": len(opened)})
    deadlines = {r.department: r.deadline.isoformat() for r in opened}
    supersedes = _voided_round(session, cmd.inspection_id, result.round - 1)
    for department in assignment.inspection["departments"]:
        message = payloads.result_published(assignment.inspection, department, result,
                                            deadlines.get(department["code"]), supersedes)
        uow.emit("result.published", message, subject=cmd.inspection_id, department=department["code"])
    return result


def _voided_round(session, inspection_id: str, round_: int) -> str | None:
    """The id of the voided result a re-inspection replaces, so partners drop the one they hold (S8, N5)."""
    earlier = result_of_round(session, inspection_id, round_) if round_ >= 1 else None
    return earlier.id if earlier is not None and session.get(ResultVoid, earlier.id) is not None else None


def _check_content(inspection: dict, cmd: SubmitResult, today) -> None:
    window = inspection["window"]
    problems: dict[str, list[str]] = {}
    if not window["start"] <= cmd.visit_date.isoformat() <= window["end"]:
        problems["visit_date"] = [f"检查日期应在检查时间 {window['start']} 至 {window['end']} 之内"]
    elif cmd.visit_date > today:
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
