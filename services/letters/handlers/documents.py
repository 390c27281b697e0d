"""Reading the documents: a visit's set, one PDF, the portal and its batch print, public verification (N4)."""
from __future__ import annotations

from sqlalchemy import select

from shared.auth import Principal
from shared.errors import Forbidden, found
from shared.uow import UnitOfWork

from ..adapters import documents, seals
from ..adapters.db import Document, DocumentFile, IssueFailure, Visit
from ..domain.documents import may_see
from ..queries import (
    AwaitingTime,
    BatchPdf,
    DocumentPdf,
    DocumentsOfInspection,
    IssueFailures,
    PortalDocuments,
    VerifyDocument,
    VisitTime,
)


def _check_access(principal: Principal, document: Document) -> None:
    """Before the visit only the assigned inspectors, clerks and approvers see a letter (N4)."""
    if not may_see(principal.role, principal.subject, document.inspector_ids):
        raise Forbidden("只有被抽中的检查人员、综合科和审批人可以查看该文书")


def documents_of_inspection(query: DocumentsOfInspection, uow: UnitOfWork) -> list[Document]:
    rows = documents.of_inspection(uow.session, query.inspection_id)
    for document in rows:
        _check_access(query.principal, document)
    return rows


def document_pdf(query: DocumentPdf, uow: UnitOfWork) -> tuple[Document, bytes]:
    document = found(uow.get(Document, query.document_id), "文书不存在")
    _check_access(query.principal, document)
    return document, uow.get(DocumentFile, document.id).pdf


def _visible(principal: Principal, rows: list[Document]) -> list[Document]:
    """Current letters this person may see: an inspector their own team's, staff all."""
    return [d for d in rows if may_see(principal.role, principal.subject, d.inspector_ids)]


def portal_documents(query: PortalDocuments, uow: UnitOfWork) -> list[Document]:
    return _visible(query.principal, documents.current(uow.session))


def _team_ids(visit: Visit) -> list[str]:
    return [i["id"] for i in visit.inspectors or []]


def visit_time(query: VisitTime, uow: UnitOfWork) -> Visit | None:
    visit = uow.get(Visit, query.inspection_id)
    if visit is not None and not may_see(query.principal.role, query.principal.subject, _team_ids(visit)):
        raise Forbidden("只有被抽中的检查人员、综合科和审批人可以查看该检查")
    return visit


def awaiting_time(query: AwaitingTime, uow: UnitOfWork) -> list[Visit]:
    return [v for v in documents.awaiting_time(uow.session)
            if may_see(query.principal.role, query.principal.subject, _team_ids(v))]


def batch_pdf(query: BatchPdf, uow: UnitOfWork, render_documents) -> bytes | None:
    """Several inspections' letters as one PDF, each letter starting on its own page."""
    chosen = _visible(query.principal, documents.current(uow.session, list(query.document_ids)))
    if not chosen:
        return None
    return seals.render(uow.session, render_documents, [d.content for d in chosen])


def verify_document(query: VerifyDocument, uow: UnitOfWork) -> Document | None:
    return documents.by_code(uow.session, query.code)


def issue_failures(_query: IssueFailures, uow: UnitOfWork) -> list[IssueFailure]:
    return list(uow.session.execute(select(IssueFailure).order_by(IssueFailure.created_at)).scalars())


