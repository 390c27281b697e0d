"""Intake on PostgreSQL: departments submitting for the same company at the same moment still make one visit
(N5), and a batch lands in one transaction."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from shared.auth import Principal, issue_token
from shared.config import load_settings
from tests.support.intake import count, load_reference, read

pytestmark = pytest.mark.integration


@pytest.fixture
def intake_pg(pg_env, tmp_path):
    from services import registry
    env = {**pg_env, "JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "pg-secret"}
    runtime = registry.start("intake", load_settings("intake", env))
    app = registry.create("intake", runtime)
    tokens = load_reference(runtime)
    yield app, runtime, tokens
    runtime.dispose()


def _plan(app, runtime) -> str:
    today = runtime.clock.today_local()
    clerk = issue_token("pg-secret", Principal("clerk", "clerk01", "STHJ"))
    response = app.test_client().post("/intake/api/v1/plans", headers={"Authorization": f"Bearer {clerk}"}, json={
        "number": f"〔{today.year}〕3号", "name": "并发测试", "lead_department": "SCJG", "partners": ["STHJ", "YJGL"],
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=9)).isoformat(),
        "intake_deadline": today.isoformat()})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_concurrent_submissions_for_one_company_merge_into_one_visit(intake_pg):
    from shared.uscc import random_uscc
    app, runtime, tokens = intake_pg
    plan_id = _plan(app, runtime)
    items = {"SCJG": "SCJG-01", "STHJ": "STHJ-01", "YJGL": "YJGL-01"}
    companies = [random_uscc() for _ in range(8)]
    jobs = [(dept, uscc) for uscc in companies for dept in items]
    barrier = threading.Barrier(len(jobs))
    answers: list[tuple[int, dict]] = []

    def submit(dept: str, uscc: str):
        client = app.test_client()
        barrier.wait()
        response = client.post("/intake/api/v1/joint-tasks", headers={"Authorization": f"Bearer {tokens[dept]}"},
                               json={"plan_id": plan_id, "external_id": f"{dept}-{uscc}", "items": [items[dept]],
                                     "company": {"uscc": uscc, "name": f"并发企业{uscc[-4:]}"}})
        answers.append((response.status_code, response.json))

    threads = [threading.Thread(target=submit, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in answers] == [201] * len(jobs), answers
    from services.intake.adapters.db import Inspection, JointTask
    assert count(runtime, Inspection) == len(companies)
    for uscc in companies:
        visit = read(runtime, lambda s, uscc=uscc: s.query(Inspection).filter_by(company_uscc=uscc).one())
        assert count(runtime, JointTask, inspection_id=visit.id) == 3


def test_a_batch_of_1000_is_accepted_on_postgresql(intake_pg):
    from shared.uscc import random_uscc
    app, runtime, tokens = intake_pg
    plan_id = _plan(app, runtime)
    tasks = [{"plan_id": plan_id, "external_id": f"PG-{n}", "items": ["SCJG-02"],
              "company": {"uscc": random_uscc(), "name": f"批量{n}"}} for n in range(1000)]
    response = app.test_client().post("/intake/api/v1/joint-tasks/batch", json={"tasks": tasks},
                                      headers={"Authorization": f"Bearer {tokens['SCJG']}"})
    assert response.status_code == 200 and response.json["accepted"] == 1000
