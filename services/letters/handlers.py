"""letters' use cases: issue the joint inspection letter for a drawn team and tell every department (S12)."""
from __future__ import annotations

from sqlalchemy import select

from shared.clock import SHANGHAI
from shared.events import Event
from shared.ids import new_id
from shared.uow import UnitOfWork

from . import seals
from .adapters import sequences
from .adapters.db import Document, DocumentFile, IssueFailure
from .adapters.pdf import MissingGlyphError
from .domain.issuer import Issuer
from .domain.numbering import document_number, verification_code

KIND_JOINT_LETTER = "joint_letter"


def issue_joint_letter(event: Event, uow: UnitOfWork) -> None:
    """On `inspectors.assigned`: number, render and store the letter, then emit `letter.issued.<dept>` to each
    participating department with its own items — one letter carries every department's items (S12)."""
    data = event.data
    if _current(uow.session, data["inspection_id"]) is not None:
        return  # already issued for this team
    issue_or_record(uow, data, version=1)


def reissue_after_replacement(event: Event, uow: UnitOfWork) -> None:
    """On `inspectors.replaced` (S13): the letter naming the old team is revoked — it stays on record and its
    verification page says so — and a new one, with a new number, names the new team."""
    data = event.data
    version = 1
    for current in _current_set(uow.session, data["inspection_id"]):
        current.status = "revoked"
        version = max(version, current.version + 1)
        uow.audit("system:letters", "letter.revoked", f"document:{current.id}",
                  reason=f"检查人员更换：{data['old']['name']} → {data['new']['name']}（{data['reason']}）")
    issue_or_record(uow, data, version)


def issue_or_record(uow: UnitOfWork, data: dict, version: int) -> bool:
    """Issue the set, or — when it cannot be typeset (a character no font has) — keep the visit in a visible
    failed state with the Chinese reason; the savepoint takes back the number, so no gap is left (N10)."""
    session, inspection_id = uow.session, data["inspection_id"]
    try:
        with session.begin_nested():
            _issue(uow, inspection_id, data["inspection"], data["inspectors"], version)
    except MissingGlyphError as error:
        failure = session.get(IssueFailure, inspection_id) or IssueFailure(inspection_id=inspection_id)
        failure.reason, failure.payload, failure.created_at = str(error), {**data, "version": version}, uow.now
        session.add(failure)
        uow.audit("system:letters", "letter.failed", f"inspection:{inspection_id}", reason=str(error))
        return False
    stale = session.get(IssueFailure, inspection_id)
    if stale is not None:
        session.delete(stale)
    return True


SET = (("joint_letter", "联合检查函"), ("notice", "检查告知单"), ("checklist", "检查表"),
       ("field_record", "现场检查记录表"))


def _issue(uow: UnitOfWork, inspection_id: str, inspection: dict, inspectors: list[dict], version: int) -> None:
    """The whole set for one visit (S12): the numbered joint letter, and the notice, checklist and field record
    that share its number; every document has its own verification code."""
    session = uow.session
    issuer: Issuer = uow.runtime.deps["issuer"]
    local_now = uow.now.astimezone(SHANGHAI)
    seq = sequences.next_number(session, issuer.code, local_now.year)
    number = document_number(issuer.code, local_now.year, seq)
    letter, seal = None, seals.asset_name(seals.current_seal(session, issuer.code))
    for kind, label in SET:
        code = verification_code()
        verify_url = f"{uow.runtime.settings.public_base_url}/letters/verify/{code}"
        content = {**letter_content(inspection, inspectors, issuer, number, local_now.date().isoformat(), code,
                                    verify_url), "kind": kind, "label": label, "letter_number": number,
                   "seal": seal}
        document = Document(id=new_id(), inspection_id=inspection_id, kind=kind, issuer_code=issuer.code,
                            year=local_now.year, seq=seq, number=number if kind == "joint_letter" else
                            f"{number}·{label}", version=version, status="current", verification_code=code,
                            inspector_ids=[i["id"] for i in inspectors], content=content, created_at=uow.now)
        session.add(document)
        session.add(DocumentFile(document_id=document.id, pdf=seals.render(session, uow.runtime.deps, [content])))
        letter = letter or document
    uow.audit("system:letters", "letter.issued", f"document:{letter.id}",
              after={"number": number, "inspection": inspection_id, "version": version})
    for department in inspection["departments"]:
        uow.emit("letter.issued", partner_message(letter, inspection, department, inspectors,
                                                  letter.content["verification"]["url"]),
                 subject=inspection_id, department=department["code"])


def sort_set(documents: list[Document]) -> list[Document]:
    """Oldest version first; within a set the order of SET (the letter first)."""
    order = {kind: n for n, (kind, _) in enumerate(SET)}
    return sorted(documents, key=lambda d: (d.version, d.created_at, order.get(d.kind, 99)))


def _current_set(session, inspection_id: str) -> list[Document]:
    return session.execute(select(Document).where(Document.inspection_id == inspection_id,
                                                  Document.status == "current")).scalars().all()


def _current(session, inspection_id: str) -> Document | None:
    return session.execute(select(Document).where(Document.inspection_id == inspection_id,
                                                  Document.kind == KIND_JOINT_LETTER,
                                                  Document.status == "current")).scalar()


def letter_content(inspection: dict, inspectors: list[dict], issuer: Issuer, number: str, issued_on: str,
                   code: str, verify_url: str) -> dict:
    """The letter as the template renders it (see adapters/pdf.py for the shape)."""
    return {
        "number": number, "issuer": issuer.name, "issued_on": issued_on, "title": "关于开展部门联合双随机抽查的函",
        "recipients": [d["name"] for d in inspection["departments"] if d["name"] != issuer.name],
        "plan": {"number": inspection["plan"]["number"], "name": inspection["plan"]["name"]},
        "company": inspection["company"], "window": inspection["window"],
        "departments": [{"code": d["code"], "name": d["name"], "lead": d["lead"],
                         "items": [{"code": i["code"], "name": i["name"], "basis": i["basis"], "method": i["method"],
                                    "key_points": i.get("key_points", "")}
                                   for i in d["items"]]} for d in inspection["departments"]],
        "inspectors": [{"name": i["name"], "certificate_no": i["certificate_no"],
                        "department": i.get("department_name", i["department"])} for i in inspectors],
        "contact": {"name": issuer.contact_name, "phone": issuer.contact_phone},
        "verification": {"code": code, "url": verify_url},
    }


def partner_message(document: Document, inspection: dict, department: dict, inspectors: list[dict],
                    verify_url: str) -> dict:
    return {
        "inspection_id": document.inspection_id, "document_id": document.id, "number": document.number,
        "plan": inspection["plan"], "company": inspection["company"], "window": inspection["window"],
        "department": department["code"], "lead": department["lead"], "items": department["items"],
        "inspectors": [{"name": i["name"], "certificate_no": i["certificate_no"], "department": i["department"]}
                       for i in inspectors],
        "verification_code": document.verification_code, "verification_url": verify_url,
    }


def verification_view(document: Document) -> dict:
    """⚑ What anyone may learn from a verification code: genuine or not, current or revoked, and the facts
    a company needs to recognise real inspectors at its door."""
    content = document.content
    return {"genuine": True, "current": document.status == "current", "status": document.status,
            "number": document.number, "kind": document.kind, "issuer": content["issuer"],
            "issued_on": content["issued_on"], "company": {"name": content["company"]["name"],
                                                           "uscc": content["company"]["uscc"]},
            "window": content["window"], "inspectors": content["inspectors"]}
