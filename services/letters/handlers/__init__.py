"""letters' handlers: one per command and query, routed by message type (the bus's dict)."""
from __future__ import annotations

from shared.department_tokens import department_token_handlers
from shared.sessions import revoked_session_handlers

from .. import commands, queries
from ..adapters.db import DepartmentToken, RevokedSession
from . import documents, issuing, seals

HANDLERS = {
    **department_token_handlers(DepartmentToken),
    **revoked_session_handlers(RevokedSession),
    commands.IssueJointLetter: issuing.issue_joint_letter,
    commands.RecordVisitTime: issuing.record_visit_time,
    commands.ReissueAfterReplacement: issuing.reissue_after_replacement,
    commands.RetryFailedIssue: issuing.retry_failed_issue,
    commands.UploadSeal: seals.upload_seal,
    queries.DocumentsOfInspection: documents.documents_of_inspection,
    queries.DocumentPdf: documents.document_pdf,
    queries.PortalDocuments: documents.portal_documents,
    queries.VisitTime: documents.visit_time,
    queries.AwaitingTime: documents.awaiting_time,
    queries.BatchPdf: documents.batch_pdf,
    queries.VerifyDocument: documents.verify_document,
    queries.IssueFailures: documents.issue_failures,
    queries.CurrentSeal: seals.current_seal,
}
