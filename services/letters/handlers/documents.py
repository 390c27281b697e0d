"""Reading the documents: a visit's set, one PDF, the portal and its batch print, public verification (N4)."""
from __future__ import annotations

from sqlalchemy import select

from shared.auth import Principal
from shared.errors import Forbidden, found
from shared.uow import UnitOfWork

from ..adapters import documents
from ..adapters.db import Document, DocumentFile, IssueFailure, Visit
from ..domain.documents import departments_of, may_see
from ..queries import (
    AwaitingTime,
    BatchPdf,
    DocumentPdf,
    DocumentsOfInspection,
    IssueFailures,
    PortalDocuments,
    PortalPage,
    VerifyDocument,
    VisitTime,
)

NOT_TAKING_PART = "本部门未参与该检查，无权查看"


def _departments(uow: UnitOfWork, inspection_id: str, document: Document | None = None) -> tuple[str, ...]:
    """The departments taking part in a visit: from its team's event (the Visit row), else as the letter says."""
    visit = uow.get(Visit, inspection_id)
    if visit is not None and visit.inspection:
        return departments_of(visit.inspection)
    return departments_of(document.content) if document is not None else ()


def _may_see(principal: Principal, inspector_ids: list[str], departments: tuple[str, ...] = ()) -> bool:
    return may_see(principal.role, principal.subject, inspector_ids, principal.department or principal.subject,
                   departments)


def _refusal(principal: Principal, what: str) -> Forbidden:
    if principal.role == "department":
        return Forbidden(NOT_TAKING_PART)
    return Forbidden(f"只有被抽中的检查人员、综合科和审批人可以查看该{what}")


def _check_access(uow: UnitOfWork, principal: Principal, document: Document) -> None:
    """Before the visit only the assigned inspectors, clerks, approvers and the departments taking part see a
    letter (N4)."""
    departments = _departments(uow, document.inspection_id, document) if principal.role == "department" else ()
    if not _may_see(principal, document.inspector_ids, departments):
        raise _refusal(principal, "文书")


def documents_of_inspection(query: DocumentsOfInspection, uow: UnitOfWork) -> list[Document]:
    rows = documents.of_inspection(uow.session, query.inspection_id)
    if query.principal.role == "department":
        departments = _departments(uow, query.inspection_id, rows[0] if rows else None)
        if not _may_see(query.principal, [], departments):
            raise _refusal(query.principal, "检查")
        return rows
    for document in rows:
        _check_access(uow, query.principal, document)
    return rows


def document_pdf(query: DocumentPdf, uow: UnitOfWork, renderings) -> tuple[Document, bytes]:
    """The stored PDF; one asked for before the render loop got to it is rendered now and stored (issue 15)."""
    document = found(uow.get(Document, query.document_id), "文书不存在")
    _check_access(uow, query.principal, document)
    stored = uow.get(DocumentFile, document.id)
    return document, stored.pdf if stored is not None else renderings.pdf_for(document)


def _visible(uow: UnitOfWork, principal: Principal, rows: list[Document]) -> list[Document]:
    """Current letters this person may see: an inspector their own team's, a department its visits', staff all."""
    if principal.role != "department":
        return [d for d in rows if _may_see(principal, d.inspector_ids)]
    return [d for d in rows if _may_see(principal, d.inspector_ids, _departments(uow, d.inspection_id, d))]


def portal_documents(query: PortalDocuments, uow: UnitOfWork) -> PortalPage:
    """The person's page of sets: who may see what (N4) is decided in SQL before the limit, so the page is right
    and reads one page of rows, not every document issued (issue 15)."""
    principal = query.principal
    readable = documents.readable_by(uow.session, principal.role, principal.subject,
                                     principal.department or principal.subject)
    rows, total = documents.current_sets(uow.session, readable, query.page, query.per_page)
    return PortalPage(rows, total, query.page, query.per_page)


def _team_ids(visit: Visit) -> list[str]:
    return [i["id"] for i in visit.inspectors or []]


def visit_time(query: VisitTime, uow: UnitOfWork) -> Visit | None:
    visit = uow.get(Visit, query.inspection_id)
    if query.principal.role == "department":
        if not _may_see(query.principal, [], _departments(uow, query.inspection_id,
                                                          documents.current_letter(uow.session, query.inspection_id))):
            raise _refusal(query.principal, "检查")
    elif visit is not None and not _may_see(query.principal, _team_ids(visit)):
        raise _refusal(query.principal, "检查")
    return visit


def awaiting_time(query: AwaitingTime, uow: UnitOfWork) -> list[Visit]:
    return [v for v in documents.awaiting_time(uow.session)
            if _may_see(query.principal, _team_ids(v), departments_of(v.inspection))]


def batch_pdf(query: BatchPdf, uow: UnitOfWork, renderings) -> bytes | None:
    """Several inspections' letters as one PDF, each letter starting on its own page; the same letters printed
    again are served from the cache (issue 15)."""
    chosen = _visible(uow, query.principal, documents.current(uow.session, list(query.document_ids)))
    if not chosen:
        return None
    return renderings.batch(uow.session, [d.content for d in chosen])


def verify_document(query: VerifyDocument, uow: UnitOfWork) -> Document | None:
    return documents.by_code(uow.session, query.code)


def issue_failures(_query: IssueFailures, uow: UnitOfWork) -> list[IssueFailure]:
    return list(uow.session.execute(select(IssueFailure).order_by(IssueFailure.created_at)).scalars())


