"""results' use cases: keep the team's assignment, take one append-only result per visit round (S8), open the
rectifications it calls for (S10), share each department's own items with it (N5 mutual recognition), correct a
result only through an approved, signed application (S8), and the reads and reports (S11, S14, S15, N8)."""
from __future__ import annotations

from .. import commands, queries
from . import assignments, corrections, evidence, publication, reading, rectifications, reports, submission

HANDLERS = {
    commands.RecordAssignment: assignments.record_assignment,
    commands.RecordReplacement: assignments.record_replacement,
    commands.SaveDraft: submission.save_draft,
    commands.SubmitResult: submission.submit_result,
    commands.AddEvidence: evidence.add_evidence,
    commands.ApplyForCorrection: corrections.apply_for_correction,
    commands.DecideCorrection: corrections.decide_correction,
    commands.UpdateRectification: rectifications.update_rectification,
    queries.VisitResults: reading.visit_results,
    queries.GetResult: reading.get_result,
    queries.GetDraft: reading.get_draft,
    queries.GetEvidence: reading.get_evidence,
    queries.CorrectionQueue: corrections.correction_queue,
    queries.Rectifications: reading.rectifications,
    queries.PublicResults: publication.public_results,
    queries.MyVisits: reading.my_visits,
    queries.ResultForm: reading.result_form,
    queries.DeadlineDashboard: reading.deadline_dashboard,
    queries.Report: reports.report,
}
