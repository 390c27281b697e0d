"""S8: each department records its own result, once per round, by its own members (谁检查、谁录入); a draft until
then. Submitting publishes that department's result with its own items and its own category (N5, N7), opens the
rectifications its problems call for (S10), and references the company's one confirmation of the visit (S9)."""
from __future__ import annotations

from shared.errors import Conflict, Invalid
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Assignment, Confirmation, Draft, Result, ResultVoid
from ..adapters.records import (
    assignment_for,
    check_evidence_refs,
    current_round,
    department_of,
    home_department,
    member_of,
    result_of_round,
    schedule_of,
    scheduled_day,
)
from ..commands import RecordConfirmation, SaveDraft, SubmitResult
from ..domain.categories import derived_category, disagreement, is_problem_category, missing_and_unknown
from ..domain.deadlines import ResultRules, publication_deadline
from ..domain.team import confirmation_scope
from . import evidence, publication, rectifications


def already_submitted() -> Conflict:
    return Conflict("检查结果已提交，不得修改；如确有错误，请提交更正申请", code="result_final")


def save_draft(cmd: SaveDraft, uow: UnitOfWork) -> Draft:
    """An upsert: saved any number of times until the department's round is submitted. Two saves racing to create
    the row: the loser's insert fails on the primary key, the bus runs it again, and it updates the winner's row."""
    assignment = assignment_for(uow.session, cmd.inspection_id, cmd.inspector_id)
    department = cmd.department or home_department(assignment, cmd.inspector_id)
    department_of(assignment, department)
    member_of(assignment, department, cmd.inspector_id)
    round_ = current_round(uow.session, cmd.inspection_id, department)
    if result_of_round(uow.session, cmd.inspection_id, department, round_) is not None:
        raise already_submitted()
    draft = uow.get(Draft, (cmd.inspection_id, department, cmd.inspector_id))
    if draft is None:
        draft = Draft(inspection_id=cmd.inspection_id, department=department, inspector_id=cmd.inspector_id)
        uow.add(draft)
    draft.body, draft.saved_at = dict(cmd.body), uow.now
    uow.session.flush()
    return draft


def record_confirmation(cmd: RecordConfirmation, uow: UnitOfWork) -> Confirmation:
    """Once per sitting: a second, different confirmation is refused (the first stands, S8)."""
    assignment = assignment_for(uow.session, cmd.inspection_id, cmd.inspector_id)
    scope = "visit"
    if cmd.department:
        department_of(assignment, cmd.department)
        member_of(assignment, cmd.department, cmd.inspector_id)
        scope = confirmation_scope(cmd.department, current_round(uow.session, cmd.inspection_id, cmd.department))
    _check_confirmation(cmd.confirmation)
    return _confirmation(uow, cmd.inspection_id, scope, cmd.confirmation, cmd.actor)


def submit_result(cmd: SubmitResult, uow: UnitOfWork, result_rules: ResultRules) -> list[Result]:
    """Each department's result is written once for its round (S8), published to that department with its own
    items and category (N5, N7), and each problem found opens a rectification (S10); the department's drafts go.
    Two submissions at once: the unique (inspection, department, round) fails the second, which the bus runs again
    and which then answers 409. Several departments in one command (a member of each): one result each."""
    session, today = uow.session, uow.today()
    assignment = assignment_for(session, cmd.inspection_id, cmd.inspector_id)
    groups = _by_department(assignment, cmd)
    rounds = {}
    for code in groups:
        member_of(assignment, code, cmd.inspector_id)
        rounds[code] = current_round(session, cmd.inspection_id, code)
        if result_of_round(session, cmd.inspection_id, code, rounds[code]) is not None:
            raise already_submitted()  # first: whatever the new content, the entered result stands (S8)
    for upload in cmd.evidence:
        evidence.store(uow, cmd.inspection_id, upload, cmd.actor)
    categories = _check_content(session, assignment, cmd, groups, today)
    check_evidence_refs(session, cmd.inspection_id, {
        **{f"items.{n}.evidence": list(item.get("evidence", [])) for n, item in enumerate(cmd.items)},
        "company_confirmation.scan": [cmd.company_confirmation["scan"]]
        if (cmd.company_confirmation or {}).get("scan") else []})
    confirmations = {code: _confirmation_for(uow, cmd, confirmation_scope(code, rounds[code])) for code in groups}
    due = publication_deadline(cmd.visit_date, result_rules.publication_working_days)
    written = []
    for code, items in groups.items():
        department, confirmation = department_of(assignment, code), confirmations[code]
        result = Result(id=new_id(), inspection_id=cmd.inspection_id, department=code, round=rounds[code],
                        status="submitted", category=categories[code], visit_date=cmd.visit_date,
                        items=[dict(i) for i in items], company_confirmation=dict(confirmation.body),
                        confirmation_id=confirmation.id, submitted_by=cmd.actor, submitted_at=uow.now,
                        publication_due=due.due, published_late=today > due.due)
        uow.add(result)
        session.flush()
        _publish(uow, assignment, department, result, result_rules)
        written.append(result)
    return written


def _publish(uow: UnitOfWork, assignment: Assignment, department: dict, result: Result,
             result_rules: ResultRules) -> None:
    session = uow.session
    opened = rectifications.open_for(uow, result, assignment.inspection, result_rules.rectification_months)
    publication.publish(uow, result, assignment.inspection, department)
    for draft in session.query(Draft).filter_by(inspection_id=result.inspection_id, department=result.department):
        session.delete(draft)
    uow.audit(result.submitted_by, "result.submitted", f"result:{result.id}",
              after={"inspection": result.inspection_id, "department": result.department, "round": result.round,
                     "category": result.category, "publication_due": result.publication_due.isoformat(),
                     "published_late": result.published_late, "confirmation": result.confirmation_id,
                     "rectifications": len(opened)})
    supersedes = _voided_round(session, result.inspection_id, result.department, result.round - 1)
    message = payloads.result_published(assignment.inspection, department, result,
                                        opened[0].deadline.isoformat() if opened else None, supersedes)
    uow.emit("result.published", message, subject=result.inspection_id, department=result.department)


def _by_department(assignment: Assignment, cmd: SubmitResult) -> dict[str, list[dict]]:
    """The answers grouped by the department whose item each is, in the inspection's order; with `department`
    named, every answer must be one of its items."""
    owner = {item["code"]: d["code"] for d in assignment.inspection["departments"] for item in d["items"]}
    if cmd.department:
        department_of(assignment, cmd.department)
    unknown = [i["item_code"] for i in cmd.items if i["item_code"] not in owner]
    foreign = [i["item_code"] for i in cmd.items
               if cmd.department and owner.get(i["item_code"], cmd.department) != cmd.department]
    if unknown or foreign:
        raise Invalid("检查结果校验未通过", fields={"items": [f"事项 {c} 不属于该检查" for c in unknown] +
                                                    [f"事项 {c} 不属于本部门" for c in foreign]})
    groups: dict[str, list[dict]] = {cmd.department: []} if cmd.department else {}
    for department in assignment.inspection["departments"]:
        mine = [i for i in cmd.items if owner[i["item_code"]] == department["code"]]
        if mine:
            groups.setdefault(department["code"], []).extend(mine)
    if not groups:
        raise Invalid("检查结果校验未通过", fields={"items": ["至少应填写一项检查结果"]})
    return groups


def _check_content(session, assignment: Assignment, cmd: SubmitResult, groups: dict, today) -> dict[str, str]:
    """Every problem found, as one refusal; else each department's category (given, or derived from its items)."""
    window, problems = assignment.inspection["window"], {}
    scheduled = scheduled_day(schedule_of(session, cmd.inspection_id))
    if not window["start"] <= cmd.visit_date.isoformat() <= window["end"]:
        problems["visit_date"] = [f"检查日期应在检查时间 {window['start']} 至 {window['end']} 之内"]
    elif cmd.visit_date > today:
        problems["visit_date"] = ["检查日期不能晚于今天"]
    elif scheduled is not None and cmd.visit_date < scheduled:
        problems["visit_date"] = [f"检查日期不能早于约定的检查时间 {scheduled.isoformat()}"]
    categories, messages, wrong = {}, [], []
    for code, items in groups.items():
        expected = [item["code"] for item in department_of(assignment, code)["items"]]
        missing, _, repeated = missing_and_unknown(expected, [i["item_code"] for i in items])
        messages += [f"缺少事项 {c} 的结果" for c in missing] + [f"事项 {c} 重复填写" for c in repeated]
        outcomes = [i["outcome"] for i in items]
        category = cmd.category or derived_category(outcomes)
        if len(groups) > 1 and cmd.category and is_problem_category(cmd.category) and "发现问题" not in outcomes:
            category = derived_category(outcomes)  # one visit category given for several: a department that
            # found nothing is never recorded as having found something
        why = disagreement(category, outcomes)
        if why:
            wrong.append(why if len(groups) == 1 else f"{department_of(assignment, code)['name']}：{why}")
        categories[code] = category
    if messages:
        problems["items"] = messages
    if wrong:
        problems["category"] = wrong
    if problems:
        raise Invalid("检查结果校验未通过", fields=problems)
    return categories


def _check_confirmation(body: dict | None) -> None:
    body = body or {}
    if not (body.get("scan") or body.get("refused") or (body.get("name") and body.get("confirmed_at"))):
        raise Invalid("检查结果校验未通过", fields={"company_confirmation": [
            "请上传签字确认的扫描件，或填写签字人姓名和时间，或填写拒绝签字的理由"]})


def _confirmation_for(uow: UnitOfWork, cmd: SubmitResult, scope: str) -> Confirmation:
    """The sitting's confirmation on file, or the one this submission brings (the first department's)."""
    on_file = _on_file(uow, cmd.inspection_id, scope)
    if on_file is not None and not cmd.company_confirmation:
        return on_file
    if on_file is None:
        _check_confirmation(cmd.company_confirmation)
    return _confirmation(uow, cmd.inspection_id, scope, cmd.company_confirmation, cmd.actor)


def _on_file(uow: UnitOfWork, inspection_id: str, scope: str) -> Confirmation | None:
    return uow.session.query(Confirmation).filter_by(inspection_id=inspection_id, scope=scope).one_or_none()


def _confirmation(uow: UnitOfWork, inspection_id: str, scope: str, body: dict, actor: str) -> Confirmation:
    """Written once: the same confirmation again is the one on file; a different one is refused."""
    body = {key: value for key, value in dict(body).items() if value}
    on_file = _on_file(uow, inspection_id, scope)
    if on_file is not None:
        if on_file.body != body:
            raise Conflict("被检查单位的确认已记录，不得修改（各部门的检查结果共用这一次确认）",
                           code="confirmation_final")
        return on_file
    if body.get("scan"):
        check_evidence_refs(uow.session, inspection_id, {"company_confirmation.scan": [body["scan"]]})
    confirmation = Confirmation(id=new_id(), inspection_id=inspection_id, scope=scope, body=body,
                                recorded_by=actor, recorded_at=uow.now)
    uow.add(confirmation)
    uow.session.flush()
    uow.audit(actor, "confirmation.recorded", f"inspection:{inspection_id}", after={"scope": scope, **body})
    return confirmation


def _voided_round(session, inspection_id: str, department: str, round_: int) -> str | None:
    """The id of the voided result a re-inspection replaces, so the department drops the one it holds (S8, N5)."""
    earlier = result_of_round(session, inspection_id, department, round_) if round_ >= 1 else None
    return earlier.id if earlier is not None and session.get(ResultVoid, earlier.id) is not None else None

