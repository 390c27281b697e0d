"""Reading results' own tables for the handlers: the visit's assignment, a round's result, evidence references,
a rectification with its progress. Plain functions on a session; no rule lives here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import Forbidden, Invalid, NotFound

from .db import Assignment, Evidence, Rectification, RectificationProgress, Result, ResultVoid


def assignment_for(session: Session, inspection_id: str, inspector_id: str | None) -> Assignment:
    """The visit's assignment; with `inspector_id`, only if that inspector is on the team."""
    assignment = session.get(Assignment, inspection_id)
    if assignment is None:
        raise NotFound("该检查尚未抽取检查人员或不存在")
    if inspector_id is not None and inspector_id not in assignment.inspector_ids:
        raise Forbidden("只有被抽中的检查人员可以录入该检查的结果和证据")
    return assignment


def on_team(session: Session, inspection_id: str, inspector_id: str) -> bool:
    assignment = session.get(Assignment, inspection_id)
    return assignment is not None and inspector_id in assignment.inspector_ids


def result_of_round(session: Session, inspection_id: str, round_: int) -> Result | None:
    return session.execute(select(Result).where(Result.inspection_id == inspection_id,
                                                Result.round == round_)).scalar()


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
                               squadron_of(session.get(Assignment, rectification.inspection_id)),
                               rectification.status == "open" and today > rectification.deadline)


def squadron_of(assignment: Assignment | None) -> str:
    """The squadron (中队) a visit belongs to: its team's first member's, as the draw lists them (S14, S15)."""
    inspectors = assignment.inspectors if assignment else []
    return (inspectors[0].get("unit") if inspectors else None) or "未分中队"
