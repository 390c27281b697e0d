"""N8 (issue 13): free-text findings are never public themselves. What the public reads of them is a summary that
the department's approver (分管负责人 of the department whose result it is) writes and releases; each save is a new
version, kept with who wrote it and when (S1), and the public sees the latest released version, masked. Every step
is audited."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.uow import UnitOfWork

from ..adapters.db import Publication, Result, ResultSummary, ResultVoid
from ..commands import ReleaseSummary, WriteSummary
from ..queries import ResultSummaries

MAX_SUMMARY_CHARS = 2000
NOT_OWN_DEPARTMENT = "只能为本部门的检查结果撰写和公开摘要"


@dataclass(frozen=True)
class SummaryState:
    """A result, its public record (None for a result written before publication existed), its summary versions
    oldest first."""
    result: Result
    publication: Publication | None
    versions: tuple[ResultSummary, ...]

    @property
    def latest(self) -> ResultSummary | None:
        return self.versions[-1] if self.versions else None

    @property
    def released(self) -> ResultSummary | None:
        return next((v for v in reversed(self.versions) if v.released_at is not None), None)


def write_summary(cmd: WriteSummary, uow: UnitOfWork) -> SummaryState:
    """A new version when the text changed (the same text again is no new version); released at once if asked."""
    result = _own_result(uow, cmd.result_id, cmd.approver_department)
    text = (cmd.text or "").strip()
    if not text:
        raise Invalid("公开摘要不能为空", fields={"text": ["请填写公开摘要"]})
    if len(text) > MAX_SUMMARY_CHARS:
        raise Invalid("公开摘要过长", fields={"text": [f"不超过 {MAX_SUMMARY_CHARS} 字"]})
    versions = _versions(uow, result.id)
    latest = versions[-1] if versions else None
    if latest is None or latest.text != text:
        latest = ResultSummary(result_id=result.id, version=latest.version + 1 if latest else 1, text=text,
                               written_by=cmd.actor, written_at=uow.now)
        uow.add(latest)
        versions.append(latest)
        uow.audit(cmd.actor, "summary.written", f"result:{result.id}",
                  after={"version": latest.version, "department": result.department, "text": text})
    if cmd.release and latest.released_at is None:
        _release(uow, result, latest, cmd.actor)
    return SummaryState(result, _publication(uow, result.id), tuple(versions))


def release_summary(cmd: ReleaseSummary, uow: UnitOfWork) -> SummaryState:
    """The latest version goes public; releasing what is already public, or nothing, is refused."""
    result = _own_result(uow, cmd.result_id, cmd.approver_department)
    versions = _versions(uow, result.id)
    if not versions:
        raise Conflict("尚未撰写公开摘要", code="summary_missing")
    if versions[-1].released_at is not None:
        raise Conflict("最新版本的公开摘要已经公开", code="summary_released")
    _release(uow, result, versions[-1], cmd.actor)
    return SummaryState(result, _publication(uow, result.id), tuple(versions))


def result_summaries(query: ResultSummaries, uow: UnitOfWork) -> list[SummaryState]:
    """The department's results that count (voided rounds left out), newest first, with their summaries."""
    if query.department is None:
        raise Forbidden("审批人账号未关联部门")
    listing = (select(Result).where(Result.department == query.department,
                                    Result.id.not_in(select(ResultVoid.result_id)))
               .order_by(Result.submitted_at.desc()).limit(200))
    if query.result_id is not None:
        listing = listing.where(Result.id == query.result_id)
    results = list(uow.session.execute(listing).scalars())
    if query.result_id is not None and not results:
        raise NotFound("检查结果不存在或已作废")
    ids = [r.id for r in results]
    versions: dict[str, list[ResultSummary]] = {}
    for row in uow.session.execute(select(ResultSummary).where(ResultSummary.result_id.in_(ids))
                                   .order_by(ResultSummary.version)).scalars():
        versions.setdefault(row.result_id, []).append(row)
    publications = {p.result_id: p for p in uow.session.execute(
        select(Publication).where(Publication.result_id.in_(ids))).scalars()}
    return [SummaryState(r, publications.get(r.id), tuple(versions.get(r.id, ()))) for r in results]


def _own_result(uow: UnitOfWork, result_id: str, department: str | None) -> Result:
    """The result, if it is the approver's own department's and still counts."""
    result = uow.get(Result, result_id)
    if result is None:
        raise NotFound("检查结果不存在")
    if department is None or result.department != department:
        raise Forbidden(NOT_OWN_DEPARTMENT)
    if uow.get(ResultVoid, result.id) is not None:
        raise Conflict("该检查结果已作废，不再公开", code="result_void")
    return result


def _versions(uow: UnitOfWork, result_id: str) -> list[ResultSummary]:
    return list(uow.session.execute(select(ResultSummary).where(ResultSummary.result_id == result_id)
                                    .order_by(ResultSummary.version)).scalars())


def _publication(uow: UnitOfWork, result_id: str) -> Publication | None:
    return uow.session.execute(select(Publication).where(Publication.result_id == result_id)).scalars().first()


def _release(uow: UnitOfWork, result: Result, version: ResultSummary, actor: str) -> None:
    version.released_by, version.released_at = actor, uow.now
    uow.audit(actor, "summary.released", f"result:{result.id}",
              after={"version": version.version, "department": result.department})
