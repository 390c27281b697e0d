"""Issue 15 (P1, P2): intake's statement budget, counted with a `before_cursor_execute` listener so the test fails
when it grows. A single new task is ≤ 6 statements on PostgreSQL (no savepoints, the audit chain appended once at
the commit); a batch costs a fixed number of statements, not a number per task."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from shared.config import load_settings
from shared.uscc import random_uscc
from tests.support.intake import count, intake_runtime, load_reference

pytestmark = pytest.mark.integration

SINGLE_BUDGET = 6


@pytest.fixture(params=["sqlite", "postgresql"])
def intake(request, tmp_path):
    if request.param == "sqlite":
        runtime = intake_runtime(tmp_path / "var")
    else:
        from services import registry
        env = {**request.getfixturevalue("pg_env"), "JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "pg-secret"}
        runtime = registry.start("intake", load_settings("intake", env))
    load_reference(runtime)
    yield runtime
    runtime.dispose()


@pytest.fixture
def plan(intake):
    from services.intake.commands import CreatePlan
    today = intake.clock.today_local()
    return intake.bus.handle(CreatePlan(
        number=f"〔{today.year}〕7号", name="语句计数", module="部门联合", lead_department="SCJG",
        partners=("STHJ",), period_start=today, period_end=today + timedelta(days=30), intake_deadline=today,
        publish=True, actor="clerk:clerk01"))


@contextmanager
def statements(runtime):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)


def a_task(plan, department="SCJG", item="SCJG-01", external_id="T-1", uscc=None):
    from services.intake.parsing import command_from
    body = {"plan_id": plan.id, "external_id": external_id, "items": [item],
            "company": {"uscc": uscc or random_uscc(), "name": "计数企业", "address": ""}}
    return command_from(body, department, f"department:{department}", "http")


def test_a_new_task_opening_its_visit_takes_at_most_six_statements(intake, plan):
    with statements(intake) as seen:
        answer = intake.bus.handle(a_task(plan))
    assert answer.status == 201
    assert len(seen) <= SINGLE_BUDGET, seen
    assert not any("SAVEPOINT" in s.upper() for s in seen), seen


def test_a_second_department_joining_the_visit_takes_at_most_six_statements(intake, plan):
    uscc = random_uscc()
    first = intake.bus.handle(a_task(plan, uscc=uscc))
    with statements(intake) as seen:
        second = intake.bus.handle(a_task(plan, "STHJ", "STHJ-01", "S-1", uscc=uscc))
    assert second.task.inspection_id == first.task.inspection_id
    assert len(seen) <= SINGLE_BUDGET, seen


def test_the_audit_chain_is_appended_once_per_transaction(intake, plan):
    """One read of the chain's tail and one INSERT into it for a whole batch, however many entries."""
    from services.intake.commands import SubmitBatch
    rows = tuple(a_task(plan, external_id=f"B-{n}") for n in range(30))
    with statements(intake) as seen:
        answers = intake.bus.handle(SubmitBatch(rows))
    assert [a.status for a in answers] == [201] * 30
    assert sum(1 for s in seen if "INSERT INTO audit_log" in s) == 1
    assert sum(1 for s in seen if "FROM audit_log" in s) == 1


def test_a_batch_costs_the_same_statements_whatever_its_size(intake, plan):
    from services.intake.commands import SubmitBatch
    costs = []
    for size, prefix in ((5, "S"), (200, "L")):
        rows = tuple(a_task(plan, external_id=f"{prefix}-{n}") for n in range(size))
        with statements(intake) as seen:
            intake.bus.handle(SubmitBatch(rows))
        costs.append(len(seen))
    assert costs[0] == costs[1], costs


def test_a_refused_task_in_a_batch_fails_alone_without_a_savepoint(intake, plan):
    from services.intake.adapters.db import JointTask, Rejection
    from services.intake.commands import SubmitBatch
    rows = (a_task(plan, external_id="OK-1"), a_task(plan, item="STHJ-01", external_id="BAD-1"),
            a_task(plan, external_id="OK-2"))
    with statements(intake) as seen:
        answers = intake.bus.handle(SubmitBatch(rows))
    assert [a.status for a in answers] == [201, 422, 201]
    assert not any("SAVEPOINT" in s.upper() for s in seen), seen
    assert count(intake, JointTask) == 2 and count(intake, Rejection, external_id="BAD-1") == 1


def test_audit_entries_keep_the_order_of_the_rows(intake, plan):
    from services.intake.commands import SubmitBatch
    audit = intake.models["AuditEntry"]
    rows = (a_task(plan, external_id="A-1"), a_task(plan, item="STHJ-01", external_id="A-2"),
            a_task(plan, external_id="A-3"))
    intake.bus.handle(SubmitBatch(rows))
    with intake.unit_of_work(read_only=True) as uow:
        actions = [e.action for e in uow.session.query(audit).order_by(audit.seq.desc()).limit(5)][::-1]
    assert actions == ["inspection.opened", "task.accepted", "task.rejected", "inspection.opened", "task.accepted"]
