"""Issue the joint inspection letter set of a visit and tell every department (S12, S13, N10, issue #11).

The set needs both the whole team (`inspectors.assigned`) and the fixed visit time (`visit.scheduled`); whichever
arrives second issues it. It is issued by the LEAD department under its own 机关代字 and number sequence."""
from __future__ import annotations

from datetime import datetime

from shared.clock import utc
from shared.config import Settings
from shared.errors import NotYet, found
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import documents, renderer, seals, sequences
from ..adapters.db import Document, IssueFailure, Visit
from ..commands import IssueJointLetter, RecordVisitTime, ReissueAfterReplacement, RetryFailedIssue
from ..domain.documents import SET, MissingGlyphError, letter_content, mark_leader, set_member_number, visit_time_text
from ..domain.issuer import Issuer, lead_issuer
from ..domain.numbering import document_number, verification_code
from ..domain.seal import asset_name

ACTOR = "system:letters"


def _visit(uow: UnitOfWork, inspection_id: str) -> Visit:
    visit = uow.get(Visit, inspection_id)
    if visit is None:
        visit = Visit(inspection_id=inspection_id, updated_at=uow.now)
        uow.add(visit)
    return visit


def _ready(visit: Visit) -> bool:
    return visit.inspectors is not None and visit.schedule is not None


def issue_joint_letter(cmd: IssueJointLetter, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                       render_documents) -> bool:
    """On `inspectors.assigned`: keep the team; issue the set if the visit's time is already fixed. True when the
    visit has a current set afterwards; False while it waits for its time (待定检查时间) or could not be typeset."""
    visit = _visit(uow, cmd.inspection_id)
    if visit.inspectors is None:
        visit.inspection, visit.inspectors = cmd.inspection, mark_leader(cmd.inspectors, cmd.leader_id)
        visit.updated_at = uow.now
    if documents.current_letter(uow.session, cmd.inspection_id) is not None:
        return True  # already issued for this team
    if not _ready(visit):
        return False
    return issue_or_record(uow, visit, settings, issuer, render_documents)


def record_visit_time(cmd: RecordVisitTime, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                      render_documents) -> bool:
    """On `visit.scheduled`: the first time issues the set (once the team is known); a higher version (the time
    changed) revokes the current set — kept, its verification page says why — and issues a new one with a new
    number; a stale or repeated version changes nothing. True when a set was issued by this announcement."""
    visit = _visit(uow, cmd.inspection_id)
    before = visit.schedule
    if before is not None and cmd.version <= before["version"]:
        return False  # stale or duplicate announcement
    at = utc(datetime.fromisoformat(cmd.scheduled_at))
    visit.schedule = {"scheduled_at": at.isoformat().replace("+00:00", "Z"),
                      "local_time": uow.clock.local(at).strftime("%Y-%m-%d %H:%M"), "version": cmd.version,
                      "reason": cmd.reason, "scheduled_by": cmd.scheduled_by}
    visit.updated_at = uow.now
    if visit.inspectors is None:
        return False  # the team is not known yet: issued when it is
    reason = None
    if before is not None:
        reason = (f"检查时间变更：{visit_time_text(before['local_time'])} → "
                  f"{visit_time_text(visit.schedule['local_time'])}" + (f"（{cmd.reason}）" if cmd.reason else ""))
    _revoke(uow, cmd.inspection_id, reason or "检查时间确定后重新出具")
    return issue_or_record(uow, visit, settings, issuer, render_documents)


def reissue_after_replacement(cmd: ReissueAfterReplacement, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                              render_documents) -> bool:
    """On `inspectors.replaced` (S13): the set naming the old team is revoked — it stays on record and its
    verification page says so — and a new one, with a new number and the same fixed time, names the new team.
    Before the time is fixed only the team is updated: the set is issued with the new team once it is. Before the
    team itself is known (`inspectors.assigned` travels on another queue) it waits (issue 14)."""
    visit = _visit(uow, cmd.inspection_id)
    if visit.inspectors is None:
        raise NotYet(f"inspection {cmd.inspection_id} has no team yet")
    leader = next((i["id"] for i in visit.inspectors or [] if i.get("leader")), None)
    if leader not in {i["id"] for i in cmd.inspectors}:
        leader = None  # the leader was the one replaced: the event's mark, else the first member, leads
    visit.inspection, visit.inspectors = cmd.inspection, mark_leader(cmd.inspectors, leader)
    visit.updated_at = uow.now
    if visit.schedule is None:
        return False
    _revoke(uow, cmd.inspection_id, f"检查人员更换：{cmd.old_name} → {cmd.new_name}（{cmd.reason}）")
    return issue_or_record(uow, visit, settings, issuer, render_documents)


def retry_failed_issue(cmd: RetryFailedIssue, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                       render_documents) -> bool:
    """After the font or the registered name is corrected, issue the set again; True when it was issued."""
    found(uow.get(IssueFailure, cmd.inspection_id), "该检查没有出具失败的记录")
    visit = uow.get(Visit, cmd.inspection_id)
    if visit is None or not _ready(visit):
        return False
    return issue_or_record(uow, visit, settings, issuer, render_documents)


def _revoke(uow: UnitOfWork, inspection_id: str, reason: str) -> None:
    for current in documents.current_set(uow.session, inspection_id):
        current.status, current.revoked_reason = "revoked", reason[:500]
        uow.audit(ACTOR, "letter.revoked", f"document:{current.id}", reason=reason)


def issue_or_record(uow: UnitOfWork, visit: Visit, settings: Settings, issuer: Issuer, render_documents) -> bool:
    """Issue the set, or — when it cannot be typeset (a character no font has) — keep the visit in a visible
    failed state with the Chinese reason, in the same transaction. The glyphs are checked BEFORE the number is
    taken, so a set that cannot be printed consumes none (N10), and issuing renders nothing: the number sequence's
    row lock is held only for this short transaction; the PDFs are rendered after it (issue 15, renderings.py)."""
    version = documents.latest_version(uow.session, visit.inspection_id) + 1
    lead = lead_issuer(visit.inspection, issuer)
    draft_number = document_number(lead.code, uow.clock.local(uow.now).year, 1)
    try:
        renderer.check(render_documents, [content for _kind, content in
                                          _contents(uow, visit, settings, lead, draft_number, seal=None)])
    except MissingGlyphError as error:
        _record_failure(uow, visit, version, str(error))
        return False
    _issue(uow, visit, version, lead)
    stale = uow.get(IssueFailure, visit.inspection_id)
    if stale is not None:
        uow.session.delete(stale)
    return True


def _record_failure(uow: UnitOfWork, visit: Visit, version: int, reason: str) -> None:
    failure = uow.get(IssueFailure, visit.inspection_id) or IssueFailure(inspection_id=visit.inspection_id)
    failure.reason, failure.created_at = reason, uow.now
    failure.payload = {"inspection_id": visit.inspection_id, "inspection": visit.inspection,
                       "inspectors": list(visit.inspectors), "schedule": visit.schedule, "version": version}
    uow.add(failure)
    uow.audit(ACTOR, "letter.failed", f"inspection:{visit.inspection_id}", reason=reason)


def _contents(uow: UnitOfWork, visit: Visit, settings: Settings, issuer: Issuer, number: str, seal) -> list:
    """(kind, content) of every document of the set (S12), each with its own verification code."""
    local_now = uow.clock.local(uow.now)
    contents = []
    for kind, label in SET:
        code = verification_code()
        verify_url = f"{settings.public_base_url}/letters/verify/{code}"
        contents.append((kind, {**letter_content(visit.inspection, list(visit.inspectors), issuer, visit.schedule,
                                                 number, local_now.date().isoformat(), code, verify_url),
                                "kind": kind, "label": label, "letter_number": number,
                                "seal": asset_name(seal.sha256 if seal else None)}))
    return contents


def _issue(uow: UnitOfWork, visit: Visit, version: int, issuer: Issuer) -> None:
    """The whole set for one visit (S12): the joint letter numbered in the lead department's sequence, and the
    notice, checklist and field record that share its number. Stored without PDFs: the render loop (or the first
    reader) renders them after this commit."""
    session, inspection, inspectors = uow.session, visit.inspection, list(visit.inspectors)
    local_now = uow.clock.local(uow.now)
    seal = seals.current_seal(session, issuer.code)  # a lead that uploaded no seal: the seal area stays empty
    seq = sequences.next_number(session, issuer.code, local_now.year)  # the row lock, held to this commit
    number = document_number(issuer.code, local_now.year, seq)
    letter = None
    for kind, content in _contents(uow, visit, uow.settings, issuer, number, seal):
        document = Document(id=new_id(), inspection_id=visit.inspection_id, kind=kind, issuer_code=issuer.code,
                            year=local_now.year, seq=seq, number=set_member_number(kind, number), version=version,
                            status="current", verification_code=content["verification"]["code"],
                            inspector_ids=[i["id"] for i in inspectors], content=content, created_at=uow.now)
        uow.add(document)
        letter = letter or document
    uow.audit(ACTOR, "letter.issued", f"document:{letter.id}",
              after={"number": number, "inspection": visit.inspection_id, "version": version,
                     "issuer": issuer.code, "scheduled_at": visit.schedule["scheduled_at"]})
    for department in inspection["departments"]:
        uow.emit("letter.issued", payloads.letter_issued(letter, inspection, department, inspectors,
                                                         issuer.as_event(), visit.schedule["scheduled_at"]),
                 subject=visit.inspection_id, department=department["code"])
