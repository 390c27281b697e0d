"""intake's first slice over HTTP on the embedded system: merging (N5), validation with Chinese field messages,
idempotency, authorisation. The rules handler by handler: tests/unit/test_intake_handlers.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.flow import login, ok
from tests.support.intake import count, outbox

pytestmark = pytest.mark.integration


@pytest.fixture
def plan(http, system, reference):
    today = system.runtime("intake").clock.today_local()
    return ok(http.call("POST", "/intake/api/v1/plans", login(http, "clerk01"), {
        "number": f"〔{today.year}〕5号", "name": "单元测试计划", "lead_department": "SCJG", "partners": ["STHJ"],
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=30)).isoformat(),
        "intake_deadline": today.isoformat()}))


def _token(reference, code):
    return next(d["token"] for d in reference["departments"] if d["code"] == code)


def _task(plan, reference, **changes):
    body = {"plan_id": plan["id"], "external_id": "T-1", "company": reference["companies"][0], "items": ["SCJG-01"]}
    body.update(changes)
    return body


def test_two_departments_for_one_company_share_one_visit(http, plan, reference):
    first = ok(http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"), _task(plan, reference)))
    second = ok(http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "STHJ"),
                          _task(plan, reference, items=["STHJ-01"])))
    assert first["inspection_id"] == second["inspection_id"]


def test_replaying_the_same_task_returns_the_original(http, plan, reference):
    token = _token(reference, "SCJG")
    status1, first = http.call("POST", "/intake/api/v1/joint-tasks", token, _task(plan, reference))
    status2, again = http.call("POST", "/intake/api/v1/joint-tasks", token, _task(plan, reference))
    assert (status1, status2) == (201, 200) and first["task_id"] == again["task_id"]


def test_the_same_task_id_with_a_different_body_is_a_conflict(http, plan, reference):
    token = _token(reference, "SCJG")
    ok(http.call("POST", "/intake/api/v1/joint-tasks", token, _task(plan, reference)))
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token, _task(plan, reference, items=["SCJG-02"]))
    assert status == 409 and body["error"]["code"] == "idempotency_conflict"


@pytest.mark.parametrize("change, field, words", [
    ({"company": {"uscc": "914403001922038217", "name": "某公司"}}, "company.uscc", "校验位"),
    ({"items": ["NOPE-01"]}, "items", "不存在"),
    ({"items": ["STHJ-01"]}, "items", "不属于本部门"),
    ({"items": []}, "items", "1 到 200"),
    ({"plan_id": "no-such-plan"}, "plan_id", "找不到"),
    ({"company": {"name": "缺少代码的公司"}}, "company.uscc", "必填"),
    ({"unexpected": 1}, "unexpected", "不允许"),
])
def test_invalid_fields_get_a_chinese_message_naming_the_field(http, plan, reference, change, field, words):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"),
                             _task(plan, reference, **change))
    assert status == 422, body
    assert any(words in message for message in body["error"]["fields"][field]), body


def test_malformed_json_is_refused_in_chinese(system, plan, reference):
    from werkzeug.test import Client
    response = Client(system.wsgi).post("/intake/api/v1/joint-tasks", data=b"{not json",
                                        headers={"Authorization": f"Bearer {_token(reference, 'SCJG')}",
                                                 "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json["error"]["message"]


def test_nothing_is_stored_when_validation_fails(http, plan, reference, system):
    from services.intake.adapters.db import Inspection, JointTask
    http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"), _task(plan, reference, items=["X"]))
    runtime = system.runtime("intake")
    assert count(runtime, JointTask) == 0 and count(runtime, Inspection) == 0


def test_without_a_token_the_answer_is_401_in_chinese(http, plan, reference):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", None, _task(plan, reference))
    assert status == 401 and "令牌" in body["error"]["message"]


def test_a_department_cannot_read_another_departments_task(http, plan, reference):
    task = ok(http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"), _task(plan, reference)))
    status, _ = http.call("GET", f"/intake/api/v1/joint-tasks/{task['task_id']}", _token(reference, "STHJ"))
    assert status == 404
    status, _ = http.call("GET", f"/intake/api/v1/joint-tasks/{task['task_id']}", _token(reference, "SCJG"))
    assert status == 200


def test_a_non_participant_department_cannot_submit(http, plan, reference):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "YJGL"),
                             _task(plan, reference, items=["YJGL-01"]))
    assert status == 403


def test_only_the_lead_department_or_a_clerk_may_dispatch(http, plan, reference):
    status, _ = http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", _token(reference, "STHJ"))
    assert status == 403
    status, _ = http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", _token(reference, "SCJG"))
    assert status == 200


def test_after_dispatch_a_late_task_is_refused_with_a_reason(http, plan, reference):
    ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", _token(reference, "SCJG")))
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"), _task(plan, reference))
    assert status == 409 and "已派发" in body["error"]["message"]


def test_dispatch_emits_each_visit_once(http, plan, reference, system):
    ok(http.call("POST", "/intake/api/v1/joint-tasks", _token(reference, "SCJG"), _task(plan, reference)))
    for _ in range(2):
        ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", _token(reference, "SCJG")))
    assert len(outbox(system.runtime("intake"), "inspection.ready")) == 1


def test_health_and_readiness_answer_under_each_prefix(http):
    for service in ("intake", "draw", "letters", "results"):
        assert http.call("GET", f"/{service}/healthz")[0] == 200
        status, body = http.call("GET", f"/{service}/readyz")
        assert status == 200 and body["checks"] == {"database": "ok", "outbox": "ok"}  # embedded: no broker


def test_openapi_is_served_for_intake(http):
    status, spec = http.call("GET", "/intake/docs/openapi.json")
    assert status == 200 and "/intake/api/v1/joint-tasks" in spec["paths"]


def test_unknown_paths_answer_in_the_one_error_format(http):
    for path in ("/nowhere", "/intake/api/v1/nowhere", "/letters/api/v1/documents/nope/pdf"):
        status, body = http.call("GET", path)
        assert status in (401, 404) and body["error"]["message"], path
