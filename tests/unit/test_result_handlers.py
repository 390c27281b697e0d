"""results' use cases on its bus alone — a temporary SQLite file, no Flask app, no other service: assignment →
submit → one `result.published.<dept>` per department with exactly its items; S8 append-only; drafts as upserts;
corrections; the figures from the settings. These visits have an `inspectors.assigned` of the shape before issue 11
(no parts: every member records for every department); per-department teams: test_result_departments.py."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.results.adapters import db as results_db
from services.results.commands import (
    AddEvidence,
    ApplyForCorrection,
    DecideCorrection,
    DetachmentDecision,
    RecordAssignment,
    RecordReplacement,
    SaveDraft,
    SubmitResult,
)
from services.results.handlers.submission import save_draft
from services.results.queries import GetDraft, Report
from shared import events
from shared.errors import Conflict, Forbidden
from tests.support.contract import contract_errors, message_for
from tests.support.outbox import outbox_rows
from tests.support.results import at, inspection, outbox, results_runtime, rows, team

pytestmark = pytest.mark.unit
VISIT = date(2026, 11, 30)
PDF = b"%PDF-1.4\n% signed\n%%EOF\n"


@pytest.fixture
def runtime(tmp_path):
    runtime = results_runtime(tmp_path, clock=at(VISIT))
    yield runtime
    runtime.dispose()


def assign(runtime, inspection_id: str = "insp-1") -> None:
    runtime.bus.handle(RecordAssignment(inspection_id, "draw-1", team(), inspection(inspection_id)))


def answers(problem_in: tuple[str, ...] = ()) -> tuple[dict, ...]:
    return tuple({"item_code": code, "outcome": "发现问题" if code in problem_in else "未发现问题",
                  "method": "实地检查", "findings": "标识缺失" if code in problem_in else "", "measures": "",
                  "follow_up": "无需后续处置", "evidence": []}
                 for code in ("STHJ-01", "SCJG-01", "SCJG-02"))


def submit(runtime, inspector: str = "INS-001", problem_in: tuple[str, ...] = ()):
    return runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id=inspector, actor=f"inspector:{inspector}", visit_date=VISIT,
        category="发现问题待后续处理" if problem_in else "未发现问题", items=answers(problem_in),
        company_confirmation={"name": "王经理", "confirmed_at": "现场签字"}))


def test_each_department_is_published_exactly_its_own_items(runtime):
    assign(runtime)
    sthj_result, scjg_result = submit(runtime, problem_in=("SCJG-02",))
    sthj, scjg = outbox(runtime, "result.published.STHJ"), outbox(runtime, "result.published.SCJG")
    assert [i["code"] for i in sthj[0]["items"]] == ["STHJ-01"]
    assert [(i["code"], i["outcome"]) for i in scjg[0]["items"]] == [("SCJG-01", "未发现问题"), ("SCJG-02", "发现问题")]
    assert sthj[0]["rectification_deadline"] is None and scjg[0]["rectification_deadline"] == "2027-02-28"
    assert scjg[0]["result_id"] == scjg_result.id and scjg[0]["supersedes"] is None
    assert sthj[0]["result_id"] == sthj_result.id != scjg_result.id
    # one visit category given for both: the department that found nothing is not published as having found
    assert (sthj[0]["category"], sthj[0]["summary"]["problems_found"]) == ("未发现问题", 0)
    assert (scjg[0]["category"], scjg[0]["summary"]["problems_found"]) == ("发现问题待后续处理", 1)
    assert [r["item_code"] for r in outbox(runtime, "rectification.updated.SCJG")] == ["SCJG-02"]


def test_every_message_obeys_the_partners_contract(runtime):
    assign(runtime)
    submit(runtime, problem_in=("STHJ-01",))
    checked = outbox_rows(runtime)
    assert len(checked) == 3
    for row in checked:
        assert contract_errors(message_for(row.routing_key), json.loads(row.body)) == [], row.routing_key


def test_a_result_is_written_once(runtime):
    assign(runtime)
    first = submit(runtime)
    with pytest.raises(Conflict) as refused:
        submit(runtime, inspector="INS-002")
    assert refused.value.code == "result_final"
    assert sorted(r.id for r in rows(runtime, "Result")) == sorted(r.id for r in first)


def test_no_code_path_changes_or_deletes_a_written_result(runtime):
    """S8 below the handlers: the session refuses to flush an UPDATE or DELETE of a result or its publication."""
    assign(runtime)
    submit(runtime)
    for model, change in ((results_db.Result, lambda row, session: setattr(row, "category", "注销")),
                          (results_db.Result, lambda row, session: session.delete(row)),
                          (results_db.Publication, lambda row, session: setattr(row, "items", []))):
        with runtime.unit_of_work() as uow:
            change(uow.session.query(model).first(), uow.session)
            with pytest.raises(results_db.AppendOnlyViolation):
                uow.commit()
    assert rows(runtime, "Result")[0].category == "未发现问题"


def test_a_draft_is_saved_again_and_again_as_one_row_and_goes_with_the_submission(runtime):
    assign(runtime)
    runtime.bus.handle(SaveDraft("insp-1", "INS-001", {"category": "未发现问题"}))
    runtime.bus.handle(SaveDraft("insp-1", "INS-001", {"category": "注销"}))
    assert runtime.bus.handle(GetDraft("insp-1", "INS-001")).body == {"category": "注销"}
    assert len(rows(runtime, "Draft")) == 1
    submit(runtime)
    assert rows(runtime, "Draft") == []
    with pytest.raises(Conflict):
        runtime.bus.handle(SaveDraft("insp-1", "INS-001", {}))


def test_a_draft_save_that_lost_the_race_to_create_the_row_updates_it_when_run_again(runtime):
    """The first run does not see the row another request has just committed, inserts, and fails on the primary
    key; the bus runs it again, and this time it updates the winner's row."""
    assign(runtime)
    runtime.bus.handle(SaveDraft("insp-1", "INS-001", {"category": "先到的"}))
    runs = []

    def blind_on_the_first_run(cmd, uow):
        runs.append(cmd)
        if len(runs) == 1:
            seen = uow.get
            uow.get = lambda model, key: None if model is results_db.Draft else seen(model, key)
        return save_draft(cmd, uow)

    runtime.bus.handlers[SaveDraft] = blind_on_the_first_run
    draft = runtime.bus.handle(SaveDraft("insp-1", "INS-001", {"category": "后到的"}))
    assert len(runs) == 2 and draft.body == {"category": "后到的"}
    assert [d.body for d in rows(runtime, "Draft")] == [{"category": "后到的"}]


def test_only_the_current_team_records_after_a_replacement(runtime):
    assign(runtime)
    new_team = (team()[0], {**team()[1], "id": "INS-009"})
    runtime.bus.handle(RecordReplacement("insp-1", "draw-1", new_team, inspection("insp-1"), "INS-002", "INS-009"))
    with pytest.raises(Forbidden):
        runtime.bus.handle(SaveDraft("insp-1", "INS-002", {}))
    runtime.bus.handle(SaveDraft("insp-1", "INS-009", {}))
    assert any(e.action == "assignment.replaced" for e in rows(runtime, "AuditEntry"))


def test_an_approved_correction_voids_the_result_and_the_reinspection_supersedes_it(runtime):
    assign(runtime)
    first = submit(runtime, problem_in=("STHJ-01",))[0]
    scan = runtime.bus.handle(AddEvidence("insp-1", "INS-001", "inspector:INS-001", "申请.pdf", PDF)).sha256
    correction = runtime.bus.handle(ApplyForCorrection(first.id, "误录为发现问题", scan, "inspector:INS-001",
                                                       "INS-001"))
    runtime.bus.handle(DecideCorrection(correction.id, True, "同意", "approver:approver01"))
    assert [r.status for r in rows(runtime, "Rectification")] == ["open"]  # the approver's step voids nothing
    runtime.bus.handle(DetachmentDecision(correction.id, True, "同意删除", "detachment:zhidui01"))
    assert [r.status for r in rows(runtime, "Rectification")] == ["cancelled"]
    [second] = runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id="INS-002", actor="inspector:INS-002", visit_date=VISIT,
        items=answers()[:1], department="STHJ", company_confirmation={"name": "王经理", "confirmed_at": "重新检查"}))
    assert second.round == 2 and second.department == "STHJ"
    assert [m["supersedes"] for m in outbox(runtime, "result.published.STHJ")] == [None, first.id]
    assert [u["status"] for u in outbox(runtime, "rectification.updated.STHJ")] == ["open", "cancelled"]


def test_an_event_becomes_its_command_through_the_inbox_once(runtime):
    payload = {"inspection_id": "insp-e", "draw_id": "d", "inspection": inspection("insp-e"), "inspectors": team()}
    _, body = events.build("draw", "inspectors.assigned", payload, "insp-e", runtime.clock.now())
    event = events.parse(body)
    assert runtime.deliver("results.inspectors.assigned", event).value == "processed"
    assert runtime.deliver("results.inspectors.assigned", event).value == "duplicate"
    [assignment] = rows(runtime, "Assignment")
    assert assignment.inspector_ids == ["INS-001", "INS-002"] and assignment.leader_id == "INS-001"
    assert [p["inspector_ids"] for p in assignment.parts] == [["INS-001", "INS-002"]] * 2  # the old shape


def test_the_legal_figures_come_from_the_settings(tmp_path):
    runtime = results_runtime(tmp_path, {"RESULTS_PUBLICATION_WORKING_DAYS": "5", "RESULTS_RECTIFICATION_MONTHS": "1",
                                         "REPORTS_MONTHLY_DUE_DAY": "7", "REPORTS_QUARTERLY_DUE_DAY": "15"},
                              clock=at(VISIT))
    try:
        assign(runtime)
        result = submit(runtime, problem_in=("STHJ-01",))[0]
        assert result.publication_due == date(2026, 12, 7)  # 5 working days after Monday 30 November
        assert rows(runtime, "Rectification")[0].deadline == date(2026, 12, 30)
        assert runtime.bus.handle(Report("monthly", "2026-11"))["due_on"] == "2026-12-07"
        assert runtime.bus.handle(Report("quarterly", "2026Q4"))["due_on"] == "2027-01-15"
    finally:
        runtime.dispose()


def test_report_due_days_default_to_the_5th_and_the_10th(runtime):
    assert runtime.bus.handle(Report("monthly", "2026-11"))["due_on"] == "2026-12-05"
    assert runtime.bus.handle(Report("quarterly", "2026Q4"))["due_on"] == "2027-01-10"
