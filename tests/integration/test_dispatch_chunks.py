"""Dispatch of a plan larger than one chunk (issue 15): the first chunk in the request (202 with progress), the rest
by intake's periodic job, chunk by chunk; every visit emitted exactly once (S6, S12) whatever happens between."""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event

from shared.auth import Principal, issue_token
from shared.config import load_settings
from shared.uscc import random_uscc
from tests.support.intake import load_reference, read
from tests.support.outbox import emitted

pytestmark = pytest.mark.integration
SECRET = "chunk-secret"


def chunked_intake(var_dir, chunk: int, env: dict | None = None):
    """intake migrated and wired with `DISPATCH_CHUNK=chunk`, the reference catalog loaded."""
    from services import registry
    settings = load_settings("intake", {"JOINTINSPECT_VAR": str(var_dir), "SECRET_KEY": SECRET,
                                        "DISPATCH_CHUNK": str(chunk), **(env or {})})
    runtime = registry.start("intake", settings)
    load_reference(runtime)
    return runtime


@pytest.fixture
def intake(tmp_path):
    runtime = chunked_intake(tmp_path / "var", chunk=2)
    yield runtime
    runtime.dispose()


def a_plan(runtime, number=7):
    from services.intake.commands import CreatePlan
    today = runtime.clock.today_local()
    return runtime.bus.handle(CreatePlan(
        number=f"〔{today.year}〕{number}号", name="分批派发", module="部门联合", lead_department="SCJG",
        partners=("STHJ",), period_start=today, period_end=today + timedelta(days=30), intake_deadline=today,
        publish=True, actor="clerk:clerk01"))


def visits(runtime, plan, n: int, joint_every: int = 2) -> list[str]:
    """`n` visits; every `joint_every`-th one joint with STHJ (two departments, two tasks). Inspection ids in
    the order they were opened."""
    from services.intake.parsing import command_from
    ids = []
    for index in range(n):
        company = {"uscc": random_uscc(), "name": f"分批企业{index}", "address": ""}
        body = {"plan_id": plan.id, "external_id": f"S-{index}", "items": ["SCJG-01"], "company": company}
        ids.append(runtime.bus.handle(command_from(body, "SCJG", "department:SCJG", "http")).task.inspection_id)
        if index % joint_every == 0:
            joint = {**body, "items": ["STHJ-01"]}
            runtime.bus.handle(command_from(joint, "STHJ", "department:STHJ", "http"))
    return ids


def ready_ids(runtime) -> list[str]:
    return [data["inspection_id"] for data in emitted(runtime, prefix="inspection.ready")]


def plan_status(runtime, plan_id) -> str:
    from services.intake.adapters.db import Plan
    return read(runtime, lambda s: s.get(Plan, plan_id).status)


def test_a_plan_larger_than_a_chunk_sends_one_chunk_and_is_marked_dispatching(intake):
    from services.intake.commands import DispatchPlan
    plan = a_plan(intake)
    opened = visits(intake, plan, 5)
    step = intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    assert (step.status, step.inspection_ids, step.dispatched, step.total) == ("dispatching", tuple(opened[:2]), 2, 5)
    assert ready_ids(intake) == opened[:2] and plan_status(intake, plan.id) == "dispatching"


def test_the_periodic_job_sends_the_rest_in_order_each_visit_once(intake):
    from services.intake.bootstrap import send_dispatch_chunks
    from services.intake.commands import DispatchPlan
    plan = a_plan(intake)
    opened = visits(intake, plan, 7)
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    send_dispatch_chunks(intake)
    assert ready_ids(intake) == opened and plan_status(intake, plan.id) == "dispatched"
    chunks = read(intake, lambda s: s.query(intake.models["AuditEntry"]).filter_by(action="plan.dispatched").count())
    assert chunks == 4, "7 visits in chunks of 2"


def test_a_chunk_carries_the_same_payload_as_reading_visit_by_visit(intake):
    from services.intake import payloads
    from services.intake.adapters.db import Inspection, Plan
    from services.intake.adapters.visits import load_visit
    from services.intake.bootstrap import send_dispatch_chunks
    from services.intake.commands import DispatchPlan
    plan = a_plan(intake)
    visits(intake, plan, 5)
    with intake.unit_of_work(read_only=True) as uow:
        row = uow.session.get(Plan, plan.id)
        expected = {i.id: payloads.inspection_ready(load_visit(uow.session, row, i))
                    for i in uow.session.query(Inspection).filter_by(plan_id=plan.id)}
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    send_dispatch_chunks(intake)
    assert {data["inspection_id"]: data for data in emitted(intake, prefix="inspection.ready")} == expected


def test_a_chunk_reads_its_visits_in_a_fixed_number_of_statements(tmp_path):
    """Set-based: the SELECTs of a chunk do not grow with the visits in it (visit by visit took 3 per visit)."""
    from services.intake.commands import DispatchPlan
    counts = []
    for chunk in (2, 8):
        runtime = chunked_intake(tmp_path / f"var{chunk}", chunk=chunk)
        plan = a_plan(runtime)
        visits(runtime, plan, chunk + 1)
        selects = []

        def count(_conn, _cursor, statement, *_args, sink=selects):
            if statement.lstrip().upper().startswith("SELECT"):
                sink.append(statement)

        event.listen(runtime.engine, "before_cursor_execute", count)
        try:
            assert len(runtime.bus.handle(DispatchPlan(plan.id, "clerk:clerk01")).inspection_ids) == chunk
        finally:
            event.remove(runtime.engine, "before_cursor_execute", count)
            runtime.dispose()
        counts.append(len(selects))
    assert counts[0] == counts[1], counts


def test_a_second_dispatch_sends_the_next_chunk_never_a_visit_twice(intake):
    from services.intake.commands import DispatchPlan
    plan = a_plan(intake)
    opened = visits(intake, plan, 5)
    steps = [intake.bus.handle(DispatchPlan(plan.id, "department:SCJG", "SCJG")) for _ in range(4)]
    assert [s.status for s in steps] == ["dispatching", "dispatching", "dispatched", "dispatched"]
    assert steps[-1].inspection_ids == () and (steps[-1].dispatched, steps[-1].total) == (5, 5)
    assert ready_ids(intake) == opened


def test_a_crash_inside_a_chunk_sends_none_of_it_and_the_next_run_sends_it_once(intake, monkeypatch):
    from services.intake import payloads
    from services.intake.bootstrap import send_dispatch_chunks
    from services.intake.commands import DispatchPlan
    plan = a_plan(intake)
    opened = visits(intake, plan, 6)
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    real, calls = payloads.inspection_ready, []

    def crash_on_the_fourth(visit):
        calls.append(visit.inspection.id)
        if len(calls) == 4:  # the second visit of the second background chunk
            raise RuntimeError("worker killed")
        return real(visit)

    monkeypatch.setattr(payloads, "inspection_ready", crash_on_the_fourth)
    with pytest.raises(RuntimeError):
        send_dispatch_chunks(intake)
    assert ready_ids(intake) == opened[:4], "the chunk before the crash committed, the crashed one left nothing"
    monkeypatch.setattr(payloads, "inspection_ready", real)
    send_dispatch_chunks(intake)
    assert ready_ids(intake) == opened and plan_status(intake, plan.id) == "dispatched"


def test_the_deadline_job_dispatches_a_large_plan_in_chunks(intake):
    from services.intake.bootstrap import dispatch_due
    from shared.clock import FixedClock
    plan = a_plan(intake)
    opened = visits(intake, plan, 5)
    intake.clock = FixedClock(intake.clock.now() + timedelta(days=1))
    dispatch_due(intake)
    assert ready_ids(intake) == opened and plan_status(intake, plan.id) == "dispatched"


def test_no_task_joins_or_leaves_a_plan_being_dispatched(intake):
    from services.intake.adapters.db import JointTask
    from services.intake.commands import DispatchPlan, WithdrawTask
    from services.intake.parsing import command_from
    from shared.errors import Conflict
    plan = a_plan(intake)
    visits(intake, plan, 5)
    intake.bus.handle(DispatchPlan(plan.id, "clerk:clerk01"))
    late = {"plan_id": plan.id, "external_id": "LATE", "items": ["SCJG-01"],
            "company": {"uscc": random_uscc(), "name": "迟到企业", "address": ""}}
    with pytest.raises(Conflict, match="已派发"):
        intake.bus.handle(command_from(late, "SCJG", "department:SCJG", "http"))
    pending = read(intake, lambda s: s.query(JointTask).filter_by(external_id="S-4", department_code="SCJG").one().id)
    with pytest.raises(Conflict, match="已派发"):
        intake.bus.handle(WithdrawTask(pending, "SCJG", "department:SCJG", "太晚了"))
    assert read(intake, lambda s: s.query(JointTask).filter_by(external_id="LATE").count()) == 0
    assert read(intake, lambda s: s.get(JointTask, pending).status) == "accepted"


def test_the_api_answers_202_with_progress_and_the_plan_shows_it(intake):
    from services import registry
    from services.intake.bootstrap import send_dispatch_chunks
    plan = a_plan(intake)
    visits(intake, plan, 5)
    client = registry.create("intake", intake).test_client()
    clerk = {"Authorization": f"Bearer {issue_token(SECRET, Principal('clerk', 'clerk01', 'STHJ'))}"}
    first = client.post(f"/intake/api/v1/plans/{plan.id}/dispatch", headers=clerk)
    assert first.status_code == 202 and first.json["status"] == "dispatching"
    assert first.json["progress"] == {"dispatched": 2, "total": 5} and len(first.json["dispatched"]) == 2
    shown = client.get(f"/intake/api/v1/plans/{plan.id}").json
    assert (shown["status"], shown["progress"]) == ("dispatching", {"dispatched": 2, "total": 5})
    send_dispatch_chunks(intake)
    shown = client.get(f"/intake/api/v1/plans/{plan.id}").json
    assert (shown["status"], shown["progress"]) == ("dispatched", {"dispatched": 5, "total": 5})
    again = client.post(f"/intake/api/v1/plans/{plan.id}/dispatch", headers=clerk)
    assert again.status_code == 200 and again.json["dispatched"] == []


@pytest.fixture
def intake_pg(pg_env, tmp_path):
    runtime = chunked_intake(tmp_path / "var", chunk=3, env=pg_env)
    yield runtime
    runtime.dispose()


def test_two_dispatchers_and_two_workers_at_once_send_each_visit_once(intake_pg):
    """PostgreSQL: the plan row lock serialises chunks of one plan; SKIP LOCKED keeps the workers from waiting."""
    from services.intake.bootstrap import send_dispatch_chunks
    from services.intake.commands import DispatchPlan
    runtime = intake_pg
    plan = a_plan(runtime)
    opened = visits(runtime, plan, 20, joint_every=3)
    barrier, failures = threading.Barrier(4), []

    def run(job):
        barrier.wait()
        try:
            for _ in range(3):
                job()
        except Exception as exc:  # noqa: BLE001 (reported below, with the assertion)
            failures.append(exc)

    jobs = [lambda: runtime.bus.handle(DispatchPlan(plan.id, "clerk:clerk01")),
            lambda: runtime.bus.handle(DispatchPlan(plan.id, "department:SCJG", "SCJG")),
            lambda: send_dispatch_chunks(runtime), lambda: send_dispatch_chunks(runtime)]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    send_dispatch_chunks(runtime)  # whatever the racing jobs left (a worker may have skipped a locked plan)
    assert failures == []
    sent = ready_ids(runtime)
    assert sorted(sent) == sorted(opened) and len(sent) == len(set(sent))
    assert plan_status(runtime, plan.id) == "dispatched"
    subjects = [json.loads(row.body)["subject"] for row in _ready_rows(runtime)]
    assert len(subjects) == len(set(subjects)) == 20


def _ready_rows(runtime):
    from tests.support.outbox import outbox_rows
    return outbox_rows(runtime, prefix="inspection.ready")


@pytest.fixture
def embedded_env(embedded_env):
    """The embedded system with one visit per chunk (for the clerk's page)."""
    return {**embedded_env, "DISPATCH_CHUNK": "1"}


def test_the_clerks_plan_page_shows_dispatch_progress(system, reference):
    from werkzeug.test import Client

    from tests.flow import WsgiHttp, login, ok
    from tests.support.intake import make_plan, task
    from tests.support.login import page_login
    http = WsgiHttp(system.wsgi)
    plan = make_plan(http, login(http, "clerk01"), system.runtime("intake").clock.today_local())
    token = {d["code"]: d["token"] for d in reference["departments"]}
    for index, company in enumerate(reference["companies"][:2]):
        body = task(plan, company, external_id=f"P-{index}")
        ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], body))
    status, body = http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", login(http, "clerk01"))
    assert status == 202 and body["progress"] == {"dispatched": 1, "total": 2}
    browser = Client(system.wsgi)
    page_login(browser, "clerk01", next_path=f"/intake/clerk/plans/{plan['id']}")
    page = browser.get(f"/intake/clerk/plans/{plan['id']}").get_data(as_text=True)
    assert "派发中" in page and "已派发 1 / 2 个检查" in page
