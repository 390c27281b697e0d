"""draw's handlers, one per command or query, routed by message type."""
from __future__ import annotations

from shared.department_tokens import department_token_handlers
from shared.sessions import revoked_session_handlers

from .. import commands as c
from .. import queries as q
from ..adapters.db import DepartmentToken
from ..adapters.logins import RevokedSession
from . import (
    accounts,
    draw_reads,
    filings,
    inspector_draws,
    library,
    logins,
    matching,
    naming,
    recusal,
    replacements,
    scheduling,
    seeds,
    target_draws,
    targets,
)

HANDLERS = {
    **department_token_handlers(DepartmentToken),
    **revoked_session_handlers(RevokedSession),
    c.Login: logins.login,
    c.EndSession: logins.end_session,
    c.ChangePassword: logins.change_password,
    c.RecordTeamForScheduling: scheduling.record_team,
    c.ScheduleVisit: scheduling.schedule_visit,
    q.GetVisitSchedule: scheduling.get_visit_schedule,
    q.MyVisitsToSchedule: scheduling.my_visits_to_schedule,
    q.UnscheduledVisits: scheduling.unscheduled_visits,
    c.DrawInspectors: inspector_draws.draw_inspectors,
    c.RetryDraw: inspector_draws.retry_draw,
    c.NameOfficers: naming.name_officers,
    c.EnterRandomness: seeds.enter_randomness,
    q.ListRandomness: seeds.list_randomness,
    c.DrawTargets: target_draws.draw_targets,
    c.MatchComprehensive: matching.match_comprehensive,
    c.RequestReplacement: replacements.request_replacement,
    c.DecideReplacement: replacements.decide_replacement,
    c.DeclareInterest: recusal.declare_interest,
    c.ApplyForRecusal: recusal.apply_for_recusal,
    c.DecideRecusal: recusal.decide_recusal,
    c.RegisterInspector: library.register_inspector,
    c.ChangeInspector: library.change_inspector,
    c.AddStatusPeriod: library.add_status_period,
    c.ImportInspectors: library.import_inspectors,
    c.CreateAccount: accounts.create_account,
    c.FileReport: filings.file_report,
    c.ChangeLocalTargets: targets.change_local_targets,
    c.ImportProvinceLibrary: targets.import_province_library,
    q.ListDraws: draw_reads.list_draws,
    q.GetDraw: draw_reads.get_draw,
    q.VerifyDraw: draw_reads.verify_draw,
    q.ListSeedCommitments: draw_reads.list_seed_commitments,
    q.ListBlocked: naming.list_blocked,
    q.ListMissingParts: naming.list_missing_parts,
    q.ListNamingTasks: naming.list_naming_tasks,
    q.GetTeamParts: naming.get_team_parts,
    q.ListInspectors: library.list_inspectors,
    q.InspectorLibraryOverview: library.inspector_library_overview,
    q.ExportInspectors: library.export_inspectors,
    q.PreviewInspectorImport: library.preview_inspector_import,
    q.ListRecusals: recusal.list_recusals,
    q.QuarterChanges: filings.quarter_changes,
    q.ListFilings: filings.list_filings,
    q.ListReplacements: replacements.list_replacements,
    q.ReplacementCandidates: replacements.replacement_candidates,
    q.ReplacementQueue: replacements.replacement_queue,
    q.ListTargets: targets.list_targets,
    q.CheckProvinceLibrary: targets.check_province_library,
    q.GetTargetDraw: targets.get_target_draw,
    q.ListMatchings: targets.list_matchings,
}

