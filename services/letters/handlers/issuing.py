"""Issue the joint inspection letter set for a drawn team and tell every department (S12, S13, N10)."""
from __future__ import annotations

from shared.config import Settings
from shared.errors import found
from shared.ids import new_id
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters import documents, seals, sequences
from ..adapters.db import Document, DocumentFile, IssueFailure
from ..commands import IssueJointLetter, ReissueAfterReplacement, RetryFailedIssue
from ..domain.documents import SET, MissingGlyphError, letter_content, set_member_number
from ..domain.issuer import Issuer
from ..domain.numbering import document_number, verification_code
from ..domain.seal import asset_name

ACTOR = "system:letters"


def issue_joint_letter(cmd: IssueJointLetter, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                       render_documents) -> bool:
    """On `inspectors.assigned`: number, render and store the set, then emit `letter.issued.<dept>` to each
    participating department with its own items — one letter carries every department's items (S12)."""
    if documents.current_letter(uow.session, cmd.inspection_id) is not None:
        return True  # already issued for this team
    return issue_or_record(uow, cmd, 1, settings, issuer, render_documents)


def reissue_after_replacement(cmd: ReissueAfterReplacement, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                              render_documents) -> bool:
    """On `inspectors.replaced` (S13): the set naming the old team is revoked — it stays on record and its
    verification page says so — and a new one, with a new number, names the new team."""
    version = 1
    for current in documents.current_set(uow.session, cmd.inspection_id):
        current.status = "revoked"
        version = max(version, current.version + 1)
        uow.audit(ACTOR, "letter.revoked", f"document:{current.id}",
                  reason=f"检查人员更换：{cmd.old_name} → {cmd.new_name}（{cmd.reason}）")
    return issue_or_record(uow, cmd, version, settings, issuer, render_documents)


def retry_failed_issue(cmd: RetryFailedIssue, uow: UnitOfWork, settings: Settings, issuer: Issuer,
                       render_documents) -> bool:
    """After the font or the registered name is corrected, issue the set again; True when it was issued."""
    failure = found(uow.get(IssueFailure, cmd.inspection_id), "该检查没有出具失败的记录")
    payload = dict(failure.payload)
    order = IssueJointLetter(cmd.inspection_id, payload["inspection"], payload["inspectors"])
    return issue_or_record(uow, order, payload.get("version", 1), settings, issuer, render_documents)


def issue_or_record(uow: UnitOfWork, order, version: int, settings: Settings, issuer: Issuer,
                    render_documents) -> bool:
    """Issue the set, or — when it cannot be typeset (a character no font has) — keep the visit in a visible
    failed state with the Chinese reason, in the same transaction; the savepoint takes back the number, so no
    gap is left (N10). `order` carries inspection_id, inspection and inspectors."""
    try:
        with uow.savepoint():
            _issue(uow, order, version, settings, issuer, render_documents)
    except MissingGlyphError as error:
        _record_failure(uow, order, version, str(error))
        return False
    stale = uow.get(IssueFailure, order.inspection_id)
    if stale is not None:
        uow.session.delete(stale)
    return True


def _record_failure(uow: UnitOfWork, order, version: int, reason: str) -> None:
    failure = uow.get(IssueFailure, order.inspection_id) or IssueFailure(inspection_id=order.inspection_id)
    failure.reason, failure.created_at = reason, uow.now
    failure.payload = {"inspection_id": order.inspection_id, "inspection": order.inspection,
                       "inspectors": list(order.inspectors), "version": version}
    uow.add(failure)
    uow.audit(ACTOR, "letter.failed", f"inspection:{order.inspection_id}", reason=reason)


def _issue(uow: UnitOfWork, order, version: int, settings: Settings, issuer: Issuer, render_documents) -> None:
    """The whole set for one visit (S12): the numbered joint letter, and the notice, checklist and field record
    that share its number; every document has its own verification code."""
    session, inspection, inspectors = uow.session, order.inspection, list(order.inspectors)
    local_now = uow.clock.local(uow.now)
    seq = sequences.next_number(session, issuer.code, local_now.year)
    number = document_number(issuer.code, local_now.year, seq)
    seal = seals.current_seal(session, issuer.code)
    letter = None
    for kind, label in SET:
        code = verification_code()
        verify_url = f"{settings.public_base_url}/letters/verify/{code}"
        content = {**letter_content(inspection, inspectors, issuer, number, local_now.date().isoformat(), code,
                                    verify_url), "kind": kind, "label": label, "letter_number": number,
                   "seal": asset_name(seal.sha256 if seal else None)}
        document = Document(id=new_id(), inspection_id=order.inspection_id, kind=kind, issuer_code=issuer.code,
                            year=local_now.year, seq=seq, number=set_member_number(kind, number), version=version,
                            status="current", verification_code=code, inspector_ids=[i["id"] for i in inspectors],
                            content=content, created_at=uow.now)
        uow.add(document)
        uow.add(DocumentFile(document_id=document.id, pdf=seals.render(session, render_documents, [content])))
        letter = letter or document
    uow.audit(ACTOR, "letter.issued", f"document:{letter.id}",
              after={"number": number, "inspection": order.inspection_id, "version": version})
    for department in inspection["departments"]:
        uow.emit("letter.issued", payloads.letter_issued(letter, inspection, department, inspectors),
                 subject=order.inspection_id, department=department["code"])
