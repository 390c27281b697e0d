"""Issue 11 on results' bus alone: each department's members record that department's items, its result has its own
category, is published to it (`result.published.<dept>`) and made public when it submits, with its own deadline;
the company's confirmation is captured once for the visit; a correction voids one department's result after the
approver's approval and the detachment's decision (`result.voided.<dept>`); the visit time comes from
`visit.scheduled`; reports count each department on its own (S15)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.results.commands import (
    AddEvidence,
    ApplyForCorrection,
    DecideCorrection,
    DetachmentDecision,
    RecordAssignment,
    RecordConfirmation,
    RecordReplacement,
    RecordSchedule,
    SaveDraft,
    SubmitResult,
)
from services.results.queries import MyVisits, PublicResults, Report, ResultForm, VisitProgress
from shared import events
from shared.errors import Conflict, Forbidden, Invalid
from tests.support.contract import contract_errors, message_for
from tests.support.outbox import outbox_rows
from tests.support.results import at, inspection, joint_team, outbox, results_runtime, rows, scheduled

pytestmark = pytest.mark.unit
VISIT = date(2026, 11, 30)
PDF = b"%PDF-1.4\n% signed\n%%EOF\n"
CONFIRMED = {"name": "王经理", "confirmed_at": "2026-11-30 16:30"}
ITEMS = {"STHJ": ("STHJ-01",), "SCJG": ("SCJG-01", "SCJG-02")}


@pytest.fixture
def runtime(tmp_path):
    runtime = results_runtime(tmp_path, clock=at(VISIT))
    team = joint_team()
    runtime.bus.handle(RecordAssignment("insp-1", "draw-STHJ", team["inspectors"], inspection("insp-1"),
                                        team["leader_id"], team["parts"]))
    yield runtime
    runtime.dispose()


def answers(department: str, problem_in: tuple[str, ...] = ()) -> tuple[dict, ...]:
    return tuple({"item_code": code, "outcome": "发现问题" if code in problem_in else "未发现问题",
                  "method": "实地检查", "findings": "危废暂存间未设置标识" if code in problem_in else "",
                  "measures": "", "follow_up": "责令改正" if code in problem_in else "无需后续处置", "evidence": []}
                 for code in ITEMS[department])


def record(runtime, department: str, member: int = 1, problem_in=(), category=None, confirmation=CONFIRMED,
           day=VISIT, items=None):
    inspector = f"{department}-P{member}"
    [result] = runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id=inspector, actor=f"inspector:{inspector}", visit_date=day,
        items=items or answers(department, problem_in), category=category, company_confirmation=confirmation,
        department=department))
    return result


def test_two_departments_record_their_own_items_and_each_is_published_with_its_own_category(runtime):
    sthj = record(runtime, "STHJ", problem_in=("STHJ-01",))
    scjg = record(runtime, "SCJG", member=2, confirmation=None)
    assert (sthj.department, sthj.category, [i["item_code"] for i in sthj.items]) == \
        ("STHJ", "发现问题待后续处理", ["STHJ-01"])
    assert (scjg.department, scjg.category, [i["item_code"] for i in scjg.items]) == \
        ("SCJG", "未发现问题", ["SCJG-01", "SCJG-02"])
    [to_sthj], [to_scjg] = outbox(runtime, "result.published.STHJ"), outbox(runtime, "result.published.SCJG")
    assert (to_sthj["category"], to_sthj["summary"]["category"], to_sthj["summary"]["problems_found"]) == \
        ("发现问题待后续处理", "发现问题待后续处理", 1)
    assert (to_scjg["category"], to_scjg["summary"]["category"], to_scjg["summary"]["problems_found"]) == \
        ("未发现问题", "未发现问题", 0)
    assert [i["code"] for i in to_scjg["items"]] == ["SCJG-01", "SCJG-02"]
    assert to_sthj["rectification_deadline"] == "2027-02-28" and to_scjg["rectification_deadline"] is None
    assert [r.department for r in rows(runtime, "Rectification")] == ["STHJ"]
    for row in outbox_rows(runtime):
        assert contract_errors(message_for(row.routing_key), json.loads(row.body)) == [], row.routing_key
    feed, total = runtime.bus.handle(PublicResults())
    assert total == 2 and {(p.publication.department, p.publication.category, p.rectification) for p in feed} == {
        ("STHJ", "发现问题待后续处理", "open"), ("SCJG", "未发现问题", "none")}


def test_a_department_that_found_nothing_is_never_published_with_a_problem_category(runtime):
    with pytest.raises(Invalid) as refused:
        record(runtime, "SCJG", category="发现问题待后续处理")
    assert "不能为“发现问题…”" in refused.value.fields["category"][0]
    with pytest.raises(Invalid) as refused:
        record(runtime, "STHJ", problem_in=("STHJ-01",), category="未发现问题")
    assert "应为“发现问题…”" in refused.value.fields["category"][0]
    assert rows(runtime, "Result") == [] and outbox(runtime, "result.published") == []
    assert record(runtime, "SCJG", category="注销").category == "注销"  # what the company is, not what was found


def test_only_items_given_all_not_applicable_default_to_no_such_activity(runtime):
    items = tuple(dict(a, outcome="不涉及") for a in answers("SCJG"))
    assert record(runtime, "SCJG", items=items).category == "未发现开展本次抽查涉及的经营活动"


def test_a_member_of_another_department_may_not_record_it(runtime):
    with pytest.raises(Forbidden) as refused:
        record_as(runtime, "STHJ-P1", "SCJG")
    assert refused.value.message == "只有青岛西海岸新区市场监督管理局的检查人员可以录入本部门事项的检查结果"
    with pytest.raises(Forbidden):
        runtime.bus.handle(SaveDraft("insp-1", "STHJ-P1", {}, "SCJG"))
    with pytest.raises(Forbidden):
        runtime.bus.handle(ResultForm("insp-1", "STHJ-P1", "SCJG"))
    with pytest.raises(Invalid) as refused:  # its own department, with another department's item
        runtime.bus.handle(SubmitResult("insp-1", "STHJ-P1", "inspector:STHJ-P1", VISIT,
                                        answers("STHJ") + answers("SCJG")[:1], department="STHJ",
                                        company_confirmation=CONFIRMED))
    assert "事项 SCJG-01 不属于本部门" in refused.value.fields["items"]
    with pytest.raises(Forbidden):  # naming no department: the items say which, and SCJG is not theirs
        runtime.bus.handle(SubmitResult("insp-1", "STHJ-P1", "inspector:STHJ-P1", VISIT,
                                        answers("STHJ") + answers("SCJG"), company_confirmation=CONFIRMED))
    assert rows(runtime, "Result") == []


def record_as(runtime, inspector: str, department: str):
    return runtime.bus.handle(SubmitResult("insp-1", inspector, f"inspector:{inspector}", VISIT, answers(department),
                                           department=department, company_confirmation=CONFIRMED))


def test_drafts_are_kept_per_department_and_go_with_its_submission(runtime):
    runtime.bus.handle(SaveDraft("insp-1", "STHJ-P1", {"category": "未发现问题"}))  # own department by default
    runtime.bus.handle(SaveDraft("insp-1", "SCJG-P1", {"category": "注销"}))
    assert sorted((d.department, d.inspector_id) for d in rows(runtime, "Draft")) == [("SCJG", "SCJG-P1"),
                                                                                     ("STHJ", "STHJ-P1")]
    record(runtime, "STHJ")
    assert [d.department for d in rows(runtime, "Draft")] == ["SCJG"]
    with pytest.raises(Conflict):
        runtime.bus.handle(SaveDraft("insp-1", "STHJ-P2", {}))


def test_the_company_confirms_once_for_the_visit_and_every_department_references_it(runtime):
    with pytest.raises(Invalid) as refused:
        record(runtime, "STHJ", confirmation=None)
    assert "签字" in refused.value.fields["company_confirmation"][0]
    on_file = runtime.bus.handle(RecordConfirmation("insp-1", "STHJ-P1", "inspector:STHJ-P1", CONFIRMED))
    with pytest.raises(Conflict) as again:
        runtime.bus.handle(RecordConfirmation("insp-1", "SCJG-P1", "inspector:SCJG-P1", {"refused": "拒绝签字"}))
    assert again.value.code == "confirmation_final"
    sthj = record(runtime, "STHJ", confirmation=None)
    scjg = record(runtime, "SCJG", confirmation=CONFIRMED)  # the same again is the one on file
    assert sthj.confirmation_id == scjg.confirmation_id == on_file.id
    assert sthj.company_confirmation == scjg.company_confirmation == CONFIRMED
    assert len(rows(runtime, "Confirmation")) == 1
    with pytest.raises(Forbidden):  # off the team
        runtime.bus.handle(RecordConfirmation("insp-1", "INS-099", "inspector:INS-099", CONFIRMED))


def test_each_department_has_its_own_deadline_and_the_visit_is_complete_when_all_submitted(runtime):
    sthj = record(runtime, "STHJ")
    assert sthj.publication_due == date(2026, 12, 28) and not sthj.published_late
    progress = runtime.bus.handle(VisitProgress("insp-1"))
    assert not progress.complete
    assert [(s.code, s.status, s.due) for s in progress.departments] == [
        ("STHJ", "submitted", date(2026, 12, 28)), ("SCJG", "to_enter", date(2026, 12, 28))]
    [mine] = runtime.bus.handle(MyVisits("SCJG-P1"))
    assert (mine.status, mine.mine, mine.complete) == ("to_enter", ["SCJG"], False)
    runtime.clock = at(date(2026, 12, 29))
    late = record(runtime, "SCJG")
    assert late.published_late and runtime.bus.handle(VisitProgress("insp-1")).complete
    assert runtime.bus.handle(MyVisits("STHJ-P2"))[0].status == "submitted"


def test_a_department_that_did_not_record_in_time_is_not_completed_for_that_department(runtime):
    record(runtime, "STHJ")
    runtime.clock = at(date(2026, 12, 29))
    report = runtime.bus.handle(Report("monthly", "2026-11"))
    by_department = {r["department"]: (r["dispatched"], r["inspected"], r["on_time"], r["completion_rate"])
                     for r in report["rows"]}
    assert by_department == {"STHJ": (1, 1, 1, 1.0), "SCJG": (1, 0, 0, 0.0)}
    # each department under its own unit: the eco squadron, market regulation's own
    assert {r["department"]: r["squadron"] for r in report["rows"]} == {"STHJ": "第一中队",
                                                                       "SCJG": "青岛西海岸新区市场监督管理局"}
    assert [(n["department"], n["department_name"], n["reason"], n["due"]) for n in report["not_completed"]] == [
        ("SCJG", "青岛西海岸新区市场监督管理局", "检查结果未按时录入", "2026-12-28")]


def test_the_detachment_decides_a_correction_and_the_department_hears_its_result_is_void(runtime):
    sthj = record(runtime, "STHJ", problem_in=("STHJ-01",))
    scjg = record(runtime, "SCJG", problem_in=("SCJG-02",), confirmation=None)
    scan = runtime.bus.handle(AddEvidence("insp-1", "SCJG-P1", "inspector:SCJG-P1", "申请.pdf", PDF)).sha256
    with pytest.raises(Forbidden):  # another department's member cannot ask to correct it
        runtime.bus.handle(ApplyForCorrection(scjg.id, "误录", scan, "inspector:STHJ-P1", "STHJ-P1"))
    correction = runtime.bus.handle(ApplyForCorrection(scjg.id, "SCJG-02 误录为发现问题", scan, "inspector:SCJG-P1",
                                                       "SCJG-P1"))
    assert correction.department == "SCJG"
    with pytest.raises(Conflict) as early:
        runtime.bus.handle(DetachmentDecision(correction.id, True, "", "detachment:zhidui01"))
    assert early.value.code == "correction_not_approved"
    runtime.bus.handle(DecideCorrection(correction.id, True, "情况属实", "approver:approver01"))
    assert rows(runtime, "ResultVoid") == [] and outbox(runtime, "result.voided") == []
    runtime.bus.handle(DetachmentDecision(correction.id, True, "同意删除", "detachment:zhidui01"))

    assert [v.result_id for v in rows(runtime, "ResultVoid")] == [scjg.id]
    [voided] = outbox(runtime, "result.voided.SCJG")
    assert voided == {"inspection_id": "insp-1", "result_id": scjg.id, "department": "SCJG", "round": 1,
                      "reason": "SCJG-02 误录为发现问题", "voided_at": voided["voided_at"],
                      "correction_id": correction.id}
    assert outbox(runtime, "result.voided.STHJ") == []
    for row in outbox_rows(runtime):
        assert contract_errors(message_for(row.routing_key), json.loads(row.body)) == [], row.routing_key
    assert {(r.department, r.status) for r in rows(runtime, "Rectification")} == {("STHJ", "open"),
                                                                                 ("SCJG", "cancelled")}
    assert [(s.code, s.status, s.round) for s in runtime.bus.handle(VisitProgress("insp-1")).departments] == [
        ("STHJ", "submitted", 1), ("SCJG", "to_enter", 2)]
    with pytest.raises(Invalid):  # the re-inspection is its own sitting: the company confirms it
        record(runtime, "SCJG", confirmation=None)
    again = record(runtime, "SCJG", member=2, confirmation={"name": "王经理", "confirmed_at": "复查签字"})
    assert (again.round, again.category) == (2, "未发现问题")
    assert [m["supersedes"] for m in outbox(runtime, "result.published.SCJG")] == [None, scjg.id]
    assert [m["supersedes"] for m in outbox(runtime, "result.published.STHJ")] == [None]
    with pytest.raises(Conflict):
        record(runtime, "STHJ", confirmation=None)  # STHJ's result stands: written once
    assert sthj.id not in {v.result_id for v in rows(runtime, "ResultVoid")}
    actions = [e.action for e in rows(runtime, "AuditEntry")]
    for step in ("correction.requested", "correction.approved", "correction.confirmed", "result.voided"):
        assert step in actions


def test_a_refusal_at_either_step_keeps_the_result(runtime):
    scjg = record(runtime, "SCJG")
    scan = runtime.bus.handle(AddEvidence("insp-1", "SCJG-P1", "inspector:SCJG-P1", "申请.pdf", PDF)).sha256
    first = runtime.bus.handle(ApplyForCorrection(scjg.id, "检查日期有误", scan, "clerk:clerk01", None))
    runtime.bus.handle(DecideCorrection(first.id, False, "无误", "approver:approver01"))
    second = runtime.bus.handle(ApplyForCorrection(scjg.id, "检查日期确有误", scan, "clerk:clerk01", None))
    runtime.bus.handle(DecideCorrection(second.id, True, "同意", "approver:approver01"))
    refused = runtime.bus.handle(DetachmentDecision(second.id, False, "证据不足", "detachment:zhidui01"))
    assert refused.status == "rejected" and refused.detachment_note == "证据不足"
    assert rows(runtime, "ResultVoid") == [] and outbox(runtime, "result.voided") == []
    with pytest.raises(Conflict):
        runtime.bus.handle(DetachmentDecision(second.id, True, "", "detachment:zhidui01"))


def test_the_fixed_visit_time_comes_from_visit_scheduled_and_bounds_the_visit_date(runtime):
    runtime.bus.handle(RecordSchedule(**scheduled("insp-1", "2026-12-02 09:30", version=2)))
    runtime.bus.handle(RecordSchedule(**scheduled("insp-1", "2026-11-30 09:30", version=1)))  # late, older
    [schedule] = rows(runtime, "VisitSchedule")
    assert (schedule.local_time, schedule.version) == ("2026-12-02 09:30", 2)
    runtime.clock = at(date(2026, 12, 2))
    with pytest.raises(Invalid) as refused:
        record(runtime, "STHJ", day=date(2026, 12, 1))
    assert "不能早于约定的检查时间 2026-12-02" in refused.value.fields["visit_date"][0]
    assert runtime.bus.handle(ResultForm("insp-1", "STHJ-P1")).schedule.local_time == "2026-12-02 09:30"
    assert record(runtime, "STHJ", day=date(2026, 12, 2)).visit_date == date(2026, 12, 2)


def test_visit_scheduled_and_the_new_inspectors_assigned_become_commands_through_the_inbox(tmp_path):
    runtime = results_runtime(tmp_path, clock=at(VISIT))
    try:
        _, body = events.build("draw", "visit.scheduled", scheduled("insp-e"), "insp-e", runtime.clock.now())
        assert runtime.deliver("results.visit.scheduled", events.parse(body)).value == "processed"
        team = joint_team()
        payload = {"inspection_id": "insp-e", "draw_id": "draw-STHJ", "leader_id": team["leader_id"],
                   "inspectors": list(team["inspectors"]), "parts": list(team["parts"]),
                   "inspection": inspection("insp-e")}
        _, body = events.build("draw", "inspectors.assigned", payload, "insp-e", runtime.clock.now())
        assert runtime.deliver("results.inspectors.assigned", events.parse(body)).value == "processed"
        [assignment] = rows(runtime, "Assignment")
        assert assignment.leader_id == "STHJ-P1"
        assert [(p["department"], p["inspector_ids"]) for p in assignment.parts] == [
            ("STHJ", ["STHJ-P1", "STHJ-P2"]), ("SCJG", ["SCJG-P1", "SCJG-P2"])]
        assert rows(runtime, "VisitSchedule")[0].local_time == "2026-11-30 09:30"
    finally:
        runtime.dispose()


def test_a_replacement_takes_the_old_members_place_in_its_department(runtime):
    team = joint_team()
    newcomer = {**team["inspectors"][3], "id": "SCJG-P9"}
    runtime.bus.handle(RecordReplacement("insp-1", "draw-STHJ", team["inspectors"][:3] + (newcomer,),
                                         inspection("insp-1"), "SCJG-P2", "SCJG-P9"))
    with pytest.raises(Forbidden):
        runtime.bus.handle(SaveDraft("insp-1", "SCJG-P2", {}))
    assert runtime.bus.handle(SaveDraft("insp-1", "SCJG-P9", {})).department == "SCJG"
