"""results' use cases: keep the team's assignment per department and the fixed visit time, take one append-only
result per department and round from that department's members (S8), the company's one confirmation of the visit
(S9), open the rectifications each result calls for (S10), publish each department's own result to it (N5 mutual
recognition), correct a result only through a signed application approved by the approver and decided by the
detachment (S8), and the reads and reports (S11, S14, S15, N8)."""
from __future__ import annotations

from shared.department_tokens import department_token_handlers
from shared.sessions import revoked_session_handlers

from .. import commands, queries
from ..adapters.db import DepartmentToken, RevokedSession
from . import (
    assignments,
    corrections,
    department_visits,
    evidence,
    progress,
    publication,
    reading,
    rectifications,
    reports,
    submission,
    summaries,
)

HANDLERS = {
    **department_token_handlers(DepartmentToken),
    **revoked_session_handlers(RevokedSession),
    commands.RecordAssignment: assignments.record_assignment,
    commands.RecordReplacement: assignments.record_replacement,
    commands.RecordSchedule: assignments.record_schedule,
    commands.RecordConfirmation: submission.record_confirmation,
    commands.SaveDraft: submission.save_draft,
    commands.SubmitResult: submission.submit_result,
    commands.AddEvidence: evidence.add_evidence,
    commands.ApplyForCorrection: corrections.apply_for_correction,
    commands.DecideCorrection: corrections.decide_correction,
    commands.DetachmentDecision: corrections.detachment_decision,
    commands.UpdateRectification: rectifications.update_rectification,
    commands.WriteSummary: summaries.write_summary,
    commands.ReleaseSummary: summaries.release_summary,
    queries.ResultSummaries: summaries.result_summaries,
    queries.VisitResults: reading.visit_results,
    queries.GetResult: reading.get_result,
    queries.ReadResult: reading.read_result,
    queries.DepartmentVisits: department_visits.department_visits,
    queries.GetDraft: reading.get_draft,
    queries.GetEvidence: reading.get_evidence,
    queries.CorrectionQueue: corrections.correction_queue,
    queries.Rectifications: reading.rectifications,
    queries.PublicResults: publication.public_results,
    queries.PublicVisits: publication.public_visits,
    queries.MyVisits: progress.my_visits,
    queries.ResultForm: progress.result_form,
    queries.VisitProgress: progress.visit_progress,
    queries.DeadlineDashboard: progress.deadline_dashboard,
    queries.Report: reports.report,
}
