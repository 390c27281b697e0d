"""intake's handlers through its bus alone: a temporary SQLite file, no Flask app, no HTTP (issue #10)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.clock import FixedClock
from shared.errors import Conflict, Invalid
from shared.uscc import random_uscc
from tests.support.intake import audit_entries, count, intake_runtime, load_reference, outbox, rows

pytestmark = pytest.mark.unit


@pytest.fixture
def no_flask(monkeypatch):
    """Building a Flask app here would mean a handler still needs one."""
    import flask

    def refuse(*_args, **_kwargs):
        raise AssertionError("a handler test built a Flask app")

    monkeypatch.setattr(flask.Flask, "__init__", refuse)


@pytest.fixture
def intake(tmp_path, no_flask):
    runtime = intake_runtime(tmp_path / "var")
    load_reference(runtime)
    yield runtime
    runtime.dispose()


@pytest.fixture
def plan(intake):
    from services.intake.commands import CreatePlan
    today = intake.clock.today_local()
    return intake.bus.handle(CreatePlan(
        number=f"〔{today.year}〕5号", name="处理器测试", module="部门联合", lead_department="SCJG",
        partners=("STHJ",), period_start=today, period_end=today + timedelta(days=30), intake_deadline=today,
        publish=True, actor="clerk:clerk01"))


def submission(plan, department="SCJG", items=("SCJG-01",), external_id="T-1", uscc=None):
    from services.intake.parsing import command_from
    body = {"plan_id": plan.id, "external_id": external_id, "items": list(items),
            "company": {"uscc": uscc or "91370211MA3C8G6Q11", "name": "青岛某公司", "address": ""}}
    return command_from(body, department, f"department:{department}", "http")


def test_a_task_is_accepted_and_replayed_without_flask(intake, plan):
    from flask import has_app_context
    first = intake.bus.handle(submission(plan))
    again = intake.bus.handle(submission(plan))
    assert (first.status, again.status) == (201, 200) and first.task.id == again.task.id
    assert not has_app_context()


def test_two_departments_for_one_company_share_one_visit(intake, plan):
    first = intake.bus.handle(submission(plan))
    second = intake.bus.handle(submission(plan, "STHJ", ["STHJ-01"], "S-1"))
    assert first.task.inspection_id == second.task.inspection_id


def test_the_same_id_with_a_different_body_is_a_conflict_and_is_recorded(intake, plan):
    from services.intake.adapters.db import JointTask, Rejection
    intake.bus.handle(submission(plan))
    with pytest.raises(Conflict) as refused:
        intake.bus.handle(submission(plan, items=["SCJG-02"]))
    assert refused.value.code == "idempotency_conflict"
    assert count(intake, JointTask) == 1
    assert [r.code for r in rows(intake, Rejection)] == ["idempotency_conflict"]


def test_a_refused_task_leaves_its_rejection_and_nothing_of_itself(intake, plan):
    from services.intake.adapters.db import Inspection, JointTask, Rejection
    with pytest.raises(Invalid):
        intake.bus.handle(submission(plan, items=["STHJ-01"]))
    assert (count(intake, JointTask), count(intake, Inspection)) == (0, 0)
    [rejection] = rows(intake, Rejection)
    assert "不属于本部门" in rejection.fields["items"][0] and rejection.body["external_id"] == "T-1"
    assert len(audit_entries(intake, "task.rejected")) == 1 and audit_entries(intake, "task.accepted") == []


def test_a_batch_answers_each_row_and_keeps_the_good_ones(intake, plan):
    from services.intake.adapters.db import JointTask, Rejection
    from services.intake.commands import SubmitBatch
    from services.intake.parsing import parse_task
    raw = [{"plan_id": plan.id, "external_id": "B-1", "items": ["SCJG-01"],
            "company": {"uscc": random_uscc(), "name": "甲公司"}},
           {"plan_id": plan.id},
           {"plan_id": plan.id, "external_id": "B-3", "items": ["STHJ-01"],
            "company": {"uscc": random_uscc(), "name": "乙公司"}}]
    answers = intake.bus.handle(SubmitBatch(tuple(parse_task(r, "SCJG", "department:SCJG", "batch") for r in raw)))
    assert [a.status for a in answers] == [201, 422, 422]
    assert "external_id" in answers[1].error.fields and answers[2].external_id == "B-3"
    assert count(intake, JointTask) == 1 and count(intake, Rejection) == 2


def test_withdrawing_the_only_task_withdraws_the_visit_and_dispatch_skips_it(intake, plan):
    from services.intake.adapters.db import Inspection
    from services.intake.commands import DispatchPlan, WithdrawTask
    task = intake.bus.handle(submission(plan)).task
    withdrawn = intake.bus.handle(WithdrawTask(task.id, "SCJG", "department:SCJG", "企业已注销"))
    assert withdrawn.status == "withdrawn"
    assert rows(intake, Inspection)[0].status == "withdrawn"
    assert intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01")).inspection_ids == ()


def test_dispatch_emits_the_visit_once_with_its_contract_payload(intake, plan):
    from services.intake.commands import DispatchPlan
    intake.bus.handle(submission(plan))
    intake.bus.handle(submission(plan, "STHJ", ["STHJ-01"], "S-1"))
    intake.bus.handle(DispatchPlan(plan.id, "department:SCJG", "SCJG"))
    intake.bus.handle(DispatchPlan(plan.id, "department:SCJG", "SCJG"))
    [ready] = outbox(intake, "inspection.ready")
    data = json.loads(ready.body)["data"]
    assert [(d["code"], d["lead"]) for d in data["departments"]] == [("SCJG", True), ("STHJ", False)]


def test_the_deadline_job_dispatches_only_after_the_deadline(intake, plan):
    from services.intake.bootstrap import dispatch_due
    intake.bus.handle(submission(plan))
    dispatch_due(intake)
    assert outbox(intake, "inspection.ready") == []
    intake.clock = FixedClock(intake.clock.now() + timedelta(days=1))
    dispatch_due(intake)
    assert len(outbox(intake, "inspection.ready")) == 1


def test_a_clerk_overrides_a_uscc_refusal_once(intake, plan):
    from services.intake.adapters.db import Rejection
    from services.intake.commands import OverrideUscc
    with pytest.raises(Invalid):
        intake.bus.handle(submission(plan, uscc="914403001922038217"))
    [rejection] = rows(intake, Rejection)
    accepted = intake.bus.handle(OverrideUscc(rejection.id, "clerk:clerk01", "营业执照原样"))
    assert accepted.task.uscc_override_reason == "营业执照原样"
    with pytest.raises(Conflict):
        intake.bus.handle(OverrideUscc(rejection.id, "clerk:clerk01", "再来一次"))


def test_a_message_from_an_unknown_sender_is_audited_not_accepted(intake, plan):
    from services.intake.adapters.db import JointTask
    from services.intake.commands import ReceiveTask
    intake.bus.handle(ReceiveTask("ev-1", "stranger", {"plan_id": plan.id}))
    assert len(audit_entries(intake, "task.refused")) == 1 and count(intake, JointTask) == 0


def test_a_message_from_a_department_is_answered_on_its_routing_key(intake, plan):
    from services.intake.adapters.db import Department
    from services.intake.commands import ReceiveTask
    with intake.unit_of_work() as uow:  # set-up: the department's broker user has no API
        uow.get(Department, "SCJG").broker_user = "scjg-mq"
        uow.commit()
    body = {"plan_id": plan.id, "external_id": "MQ-1", "items": ["SCJG-01"],
            "company": {"uscc": random_uscc(), "name": "丙公司"}}
    intake.bus.handle(ReceiveTask("ev-2", "scjg-mq", body))
    intake.bus.handle(ReceiveTask("ev-3", "scjg-mq", {**body, "external_id": "MQ-2", "items": ["X"]}))
    [accepted] = outbox(intake, "task.accepted.SCJG")
    [rejected] = outbox(intake, "task.rejected.SCJG")
    assert json.loads(accepted.body)["data"]["created"] is True
    assert json.loads(rejected.body)["data"]["event_id"] == "ev-3"


def test_every_event_intake_emits_obeys_the_asyncapi_contract(intake, plan):
    """task.accepted, task.rejected and inspection.ready, each from its own builder (payloads.py)."""
    from services.intake.adapters.db import Department
    from services.intake.commands import DispatchPlan, ReceiveTask
    from tests.support.contract import contract_errors, message_for
    with intake.unit_of_work() as uow:
        uow.get(Department, "SCJG").broker_user = "scjg-mq"
        uow.commit()
    body = {"plan_id": plan.id, "external_id": "MQ-1", "items": ["SCJG-01"],
            "company": {"uscc": random_uscc(), "name": "丙公司"}, "window": None}
    intake.bus.handle(ReceiveTask("ev-2", "scjg-mq", body))
    intake.bus.handle(ReceiveTask("ev-3", "scjg-mq", {**body, "items": ["SCJG-02"]}))
    intake.bus.handle(ReceiveTask("ev-4", "scjg-mq", {"plan_id": plan.id}))
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    events = outbox(intake)
    assert sorted(row.routing_key for row in events) == ["department.token_rotated"] * 3 + [
        "inspection.ready", "task.accepted.SCJG", "task.rejected.SCJG", "task.rejected.SCJG"]
    for row in events:
        assert contract_errors(message_for(row.routing_key), json.loads(row.body)) == [], row.routing_key


def test_the_catalog_loads_once_and_a_token_resolves_its_department(intake):
    from services.intake.catalog import read_catalog
    from services.intake.commands import LoadCatalog, RotateDepartmentToken
    from services.intake.queries import DepartmentByToken
    counts = intake.bus.handle(LoadCatalog(read_catalog(), "system:test"))
    assert counts == {"departments": 0, "items_created": 0, "items_changed": 0}
    token = intake.bus.handle(RotateDepartmentToken("STHJ", "admin:admin"))
    assert intake.bus.handle(DepartmentByToken(token)).code == "STHJ"
    assert intake.bus.handle(DepartmentByToken("nope")) is None


def test_drawn_targets_become_tasks_and_a_refused_one_is_kept_as_a_rejection(intake, plan):
    """S6/S12 through the event entrypoint: one uow with the inbox row; a refusal is answered, never raised."""
    from services.intake.adapters.db import JointTask, Rejection
    from shared.events import Event
    from shared.runtime import Outcome
    data = {"target_draw_id": "TD-1", "plan_id": plan.id, "department": "SCJG", "items": ["SCJG-01"],
            "targets": [{"uscc": random_uscc(), "name": "甲", "stratum": "A", "draw_id": "D-1"},
                        {"uscc": "914403001922038217", "name": "乙", "stratum": "A", "draw_id": "D-2"}]}
    event = Event(id="ev-td", name="targets.drawn", source="/jointinspect/draw", subject=None,
                  time=intake.clock.now(), data=data)
    assert intake.deliver("intake.targets.drawn", event) is Outcome.PROCESSED
    assert intake.deliver("intake.targets.drawn", event) is Outcome.DUPLICATE
    [task] = rows(intake, JointTask)
    assert (task.channel, task.upstream_draw_ref) == ("draw", "D-1")
    assert [r.channel for r in rows(intake, Rejection)] == ["draw"]


def test_a_key_taken_before_the_insert_answers_as_a_conflict_and_leaves_no_stray_visit(intake, plan):
    """N5 without savepoints (issue 15): one task skips the look-up of tasks on file, so a key already taken shows
    as a conflict on the task's insert; the visit opened for it in the same statement is removed again."""
    from services.intake.adapters.db import Inspection
    from services.intake.handlers import tasks
    intake.bus.handle(submission(plan))
    other_company = random_uscc()
    with intake.unit_of_work() as uow:
        with pytest.raises(Conflict):
            tasks.accept(submission(plan, uscc=other_company), uow)
        uow.commit()
    assert count(intake, Inspection, company_uscc=other_company) == 0


def test_a_replay_skipping_the_look_up_answers_the_original(intake, plan):
    from services.intake.adapters.db import Inspection, JointTask
    from services.intake.handlers import tasks
    first = intake.bus.handle(submission(plan)).task
    with intake.unit_of_work() as uow:
        task, created = tasks.accept(submission(plan), uow)
        uow.commit()
    assert (task.id, created) == (first.id, False)
    assert count(intake, JointTask) == 1 and count(intake, Inspection) == 1


def test_each_department_of_a_visit_carries_its_letter_issuer_and_staffing(intake, plan):
    """S12/N2 (issue #11): the visit tells draw how each department staffs it and letters who issues when it leads."""
    from services.intake.commands import DispatchPlan
    intake.bus.handle(submission(plan))
    intake.bus.handle(submission(plan, "STHJ", ("STHJ-01",), "T-2"))
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01", None))
    [ready] = outbox(intake, "inspection.ready")
    parts = {d["code"]: d for d in json.loads(ready.body)["data"]["departments"]}
    assert parts["SCJG"]["issuer"] == {"name": "青岛市黄岛区市场监督管理局", "code": "黄市监联函"}
    assert parts["STHJ"]["issuer"] == {"name": "青岛市生态环境局西海岸新区分局", "code": "青环西联函"}
    assert {d["staffing"] for d in parts.values()} == {"library"}


def test_a_changed_staffing_in_the_catalog_is_applied_and_audited(intake):
    from services.intake.adapters.db import Department
    from services.intake.catalog import read_catalog
    from services.intake.commands import LoadCatalog
    data = read_catalog()
    next(d for d in data["departments"] if d["code"] == "YJGL")["staffing"] = "named"
    intake.bus.handle(LoadCatalog(data, "clerk:clerk01"))
    assert rows(intake, Department, code="YJGL")[0].staffing == "named"
    [change] = [e for e in audit_entries(intake, "department.changed") if e.object == "department:YJGL"]
    assert change.before["staffing"] == "library" and change.after["staffing"] == "named"
    next(d for d in data["departments"] if d["code"] == "YJGL")["staffing"] = "by-phone"
    with pytest.raises(Invalid):
        intake.bus.handle(LoadCatalog(data, "clerk:clerk01"))
