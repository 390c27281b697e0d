"""Reading results' own tables for the handlers: the visit's assignment and its departments' members, a
department's round and result, the fixed visit time, evidence references, a rectification with its progress.
Plain functions on a session; no rule lives here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import Forbidden, Invalid, NotFound

from ..domain.access import NOT_TAKING_PART, takes_part
from ..domain.team import departments_of
from .db import Assignment, Evidence, Rectification, RectificationProgress, Result, ResultVoid, VisitSchedule


def assignment_for(session: Session, inspection_id: str, inspector_id: str | None) -> Assignment:
    """The visit's assignment; with `inspector_id`, only if that inspector is on the team."""
    assignment = session.get(Assignment, inspection_id)
    if assignment is None:
        raise NotFound("该检查尚未抽取检查人员或不存在")
    if inspector_id is not None and inspector_id not in assignment.inspector_ids:
        raise Forbidden("只有被抽中的检查人员可以录入该检查的结果和证据")
    return assignment


def assignment_readable(session: Session, inspection_id: str, inspector_id: str | None,
                        reader_department: str | None) -> Assignment:
    """The visit's assignment as `assignment_for`, and for a department only a visit it takes part in (a visit
    unknown here is refused the same way, so a department learns nothing of other visits)."""
    if reader_department is None:
        return assignment_for(session, inspection_id, inspector_id)
    assignment = session.get(Assignment, inspection_id)
    if assignment is None or not takes_part(assignment.inspection, reader_department):
        raise Forbidden(NOT_TAKING_PART)
    return assignment


def on_team(session: Session, inspection_id: str, inspector_id: str) -> bool:
    assignment = session.get(Assignment, inspection_id)
    return assignment is not None and inspector_id in assignment.inspector_ids


def department_of(assignment: Assignment, code: str) -> dict:
    """The inspection's department `code` (its name and items)."""
    department = next((d for d in assignment.inspection["departments"] if d["code"] == code), None)
    if department is None:
        raise NotFound("该检查不涉及此部门")
    return department


def member_of(assignment: Assignment, code: str, inspector_id: str | None) -> None:
    """Only that department's members record its items (谁检查、谁录入); staff (`inspector_id` None) pass."""
    if inspector_id is None:
        return
    if code not in departments_of(assignment.parts, inspector_id):
        raise Forbidden(f"只有{department_of(assignment, code)['name']}的检查人员可以录入本部门事项的检查结果")


def home_department(assignment: Assignment, inspector_id: str) -> str:
    """The department an inspector records for when none is named: the first of their parts."""
    mine = departments_of(assignment.parts, inspector_id)
    return mine[0] if mine else assignment.inspection["departments"][0]["code"]


def results_of(session: Session, inspection_id: str, department: str | None = None) -> list[Result]:
    listing = select(Result).where(Result.inspection_id == inspection_id)
    if department is not None:
        listing = listing.where(Result.department == department)
    return list(session.execute(listing.order_by(Result.round)).scalars())


def current_round(session: Session, inspection_id: str, department: str) -> int:
    """1 until the department's result of a round is voided (S8), then the next round."""
    latest = (results_of(session, inspection_id, department) or [None])[-1]
    if latest is None:
        return 1
    return latest.round + 1 if session.get(ResultVoid, latest.id) is not None else latest.round


def result_of_round(session: Session, inspection_id: str, department: str, round_: int) -> Result | None:
    return session.execute(select(Result).where(Result.inspection_id == inspection_id,
                                                Result.department == department,
                                                Result.round == round_)).scalar()


def current_results(session: Session, assignment: Assignment) -> dict[str, Result | None]:
    """Per department (the inspection's order) its current result: the round's, if submitted and not voided."""
    voided = voided_ids(session)
    rows = results_of(session, assignment.inspection_id)
    current: dict[str, Result | None] = {}
    for department in assignment.inspection["departments"]:
        mine = [r for r in rows if r.department == department["code"]]
        current[department["code"]] = mine[-1] if mine and mine[-1].id not in voided else None
    return current


def schedule_of(session: Session, inspection_id: str) -> VisitSchedule | None:
    return session.get(VisitSchedule, inspection_id)


def scheduled_day(schedule: VisitSchedule | None) -> date | None:
    return date.fromisoformat(schedule.local_time[:10]) if schedule is not None else None


def voided_ids(session: Session) -> set[str]:
    return set(session.execute(select(ResultVoid.result_id)).scalars())


def check_evidence_refs(session: Session, inspection_id: str, refs: dict[str, list[str]]) -> None:
    """Every hash a record names was uploaded for this visit; `refs` maps a field name to its hashes."""
    wanted = {sha for shas in refs.values() for sha in shas}
    if not wanted:
        return
    known = set(session.execute(select(Evidence.sha256).where(Evidence.sha256.in_(wanted),
                                                              Evidence.inspection_id == inspection_id)).scalars())
    problems = {field: [f"证据文件 {sha[:12]}… 未上传到本次检查" for sha in shas if sha not in known]
                for field, shas in refs.items()}
    problems = {field: messages for field, messages in problems.items() if messages}
    if problems:
        raise Invalid("引用的证据文件不存在", fields=problems)


@dataclass(frozen=True)
class RectificationRecord:
    """A rectification as its readers need it: its progress entries, its squadron, whether it is overdue."""
    rectification: Rectification
    progress: tuple[RectificationProgress, ...]
    squadron: str
    overdue: bool


def rectification_record(session: Session, rectification: Rectification, today: date) -> RectificationRecord:
    entries = session.execute(select(RectificationProgress).where(
        RectificationProgress.rectification_id == rectification.id).order_by(RectificationProgress.id)).scalars()
    return RectificationRecord(rectification, tuple(entries),
                               squadron_of(session.get(Assignment, rectification.inspection_id),
                                           rectification.department),
                               rectification.status == "open" and today > rectification.deadline)


def squadron_of(assignment: Assignment | None, department: str | None = None) -> str:
    """The unit (中队) answerable for a visit (S14, S15): with `department`, that department's first member's —
    each department answers for its own result; else the team's first member's (the leader, as the draw lists
    them)."""
    inspectors = assignment.inspectors if assignment else []
    if assignment is not None and department is not None:
        part = next((p for p in assignment.parts if p["department"] == department), None)
        first = next((i for i in inspectors if part and i["id"] in part["inspector_ids"]), None)
        if first is not None and first.get("unit"):
            return first["unit"]
    return (inspectors[0].get("unit") if inspectors else None) or "未分中队"
