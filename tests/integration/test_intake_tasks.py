"""Intake (issue 3): merging into one visit (N5), every invalid field refused in Chinese with nothing
half-stored, departments kept apart, idempotency, batches, withdrawal, deadline dispatch, USCC override."""
from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from shared.uscc import random_uscc
from tests.flow import login, ok
from tests.support import intake as support
from tests.support.intake import make_plan, task

pytestmark = pytest.mark.integration


@pytest.fixture
def today(system):
    return system.runtime("intake").clock.today_local()


@pytest.fixture
def clerk(http, reference):
    return login(http, "clerk01")


@pytest.fixture
def plan(http, clerk, today):
    return make_plan(http, clerk, today)


@pytest.fixture
def token(reference):
    return {d["code"]: d["token"] for d in reference["departments"]}


def outbox(system, service, prefix=""):
    return support.outbox(system.runtime(service), prefix)


def count(system, model_name):
    from services.intake.adapters import db as intake_db
    return support.count(system.runtime("intake"), getattr(intake_db, model_name))


def test_three_departments_make_one_visit_one_event_items_grouped_by_department(http, plan, token, reference,
                                                                                 system):
    """Acceptance: three departments → one inspection, one `inspection.ready`, items grouped, lead marked (N5)."""
    company = reference["companies"][0]
    mine = {"SCJG": ["SCJG-01", "SCJG-03"], "STHJ": ["STHJ-01"], "YJGL": ["YJGL-01", "YJGL-02"]}
    visits = {ok(http.call("POST", "/intake/api/v1/joint-tasks", token[d], task(plan, company, items, f"X-{d}")))[
        "inspection_id"] for d, items in mine.items()}
    assert len(visits) == 1
    ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", token["SCJG"]))
    events = outbox(system, "intake", "inspection.ready")
    assert len(events) == 1
    data = json.loads(events[0].body)["data"]
    assert [(d["code"], d["lead"], [i["code"] for i in d["items"]]) for d in data["departments"]] == [
        ("SCJG", True, mine["SCJG"]), ("STHJ", False, mine["STHJ"]), ("YJGL", False, mine["YJGL"])]


@pytest.mark.parametrize("change, field, words", [
    ({"window": {"start": "2000-01-01", "end": "2000-01-02"}}, "window.start", "计划期间"),
    ({"items": ["SCJG-01", "SCJG-01"]}, "items", "重复"),
    ({"company": {"uscc": "91440300708461136t", "name": "小写公司"}}, "company.uscc", "大写"),
    ({"window": {"start": "2026-13-01", "end": "x"}}, "window.start", "日期"),
    ({"external_id": ""}, "external_id", "长度"),
])
def test_more_invalid_fields_get_chinese_messages(http, plan, token, reference, change, field, words):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"],
                             {**task(plan, reference["companies"][0]), **change})
    assert status == 422, body
    assert any(words in m for m in body["error"]["fields"][field]), body


def test_window_end_before_start_is_named(http, plan, token, reference, today):
    start, end = (today + timedelta(days=5)).isoformat(), (today + timedelta(days=2)).isoformat()
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"],
                             task(plan, reference["companies"][0], window={"start": start, "end": end}))
    assert status == 422 and "早于开始日期" in body["error"]["fields"]["window.end"][0]


def test_an_oversize_body_is_refused_with_413_in_chinese(http, plan, token, reference, system):
    huge = task(plan, reference["companies"][0], upstream_draw_ref="x" * 200)
    huge["company"] = dict(huge["company"], address="长" * (3 * 1024 * 1024))
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], huge)
    assert status == 413 and "过大" in body["error"]["message"]
    assert count(system, "JointTask") == 0


def test_a_plan_past_its_deadline_refuses_tasks(http, clerk, token, reference, today):
    plan = make_plan(http, clerk, today, number=6, period_start=(today - timedelta(days=5)).isoformat(),
                     intake_deadline=(today - timedelta(days=1)).isoformat())
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0]))
    assert status == 409 and "截止" in body["error"]["message"]


def test_every_refusal_is_kept_with_its_reasons_and_nothing_else_is_stored(http, plan, token, reference, system):
    http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0],
                                                                          items=["STHJ-01"]))
    assert count(system, "JointTask") == 0 and count(system, "Inspection") == 0
    rejections = ok(http.call("GET", "/intake/api/v1/rejections", token["SCJG"]))["items"]
    assert len(rejections) == 1 and "不属于本部门" in rejections[0]["fields"]["items"][0]


# --- departments kept apart ------------------------------------------------------------------------------

def test_a_department_cannot_name_another_department_in_the_body(http, plan, token, reference):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token["STHJ"],
                             task(plan, reference["companies"][0], department="SCJG"))
    assert status == 422 and "department" in body["error"]["fields"]


def test_a_department_cannot_withdraw_another_departments_task(http, plan, token, reference):
    mine = ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0])))
    status, _ = http.call("POST", f"/intake/api/v1/joint-tasks/{mine['task_id']}/withdraw", token["STHJ"],
                          {"reason": "不是我的"})
    assert status == 404
    assert ok(http.call("GET", f"/intake/api/v1/joint-tasks/{mine['task_id']}", token["SCJG"]))["status"] == "accepted"


def test_a_department_sees_only_its_own_rejections(http, plan, token, reference):
    http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0], items=["X"]))
    assert ok(http.call("GET", "/intake/api/v1/rejections", token["STHJ"]))["items"] == []


def test_a_department_cannot_read_a_visit_it_is_not_part_of(http, plan, token, reference):
    mine = ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0])))
    assert http.call("GET", f"/intake/api/v1/inspections/{mine['inspection_id']}", token["STHJ"])[0] == 403
    assert http.call("GET", f"/intake/api/v1/inspections/{mine['inspection_id']}", token["SCJG"])[0] == 200


def test_clerk_only_endpoints_refuse_departments(http, plan, token):
    assert http.call("GET", f"/intake/api/v1/plans/{plan['id']}/inspections", token["SCJG"])[0] == 403
    assert http.call("POST", "/intake/api/v1/rejections/x/override", token["SCJG"], {"reason": "想放行"})[0] == 403
    assert http.call("POST", "/intake/api/v1/departments/STHJ/token", token["SCJG"])[0] == 403


def test_a_department_can_only_open_plans_it_leads(http, token, today):
    status, _ = http.call("POST", "/intake/api/v1/plans", token["STHJ"], {
        "number": f"〔{today.year}〕77号", "name": "越权", "lead_department": "SCJG", "partners": [],
        "period_start": today.isoformat(), "period_end": today.isoformat(), "intake_deadline": today.isoformat()})
    assert status == 403


def test_a_batch_acts_only_as_the_authenticated_department(http, plan, token, reference):
    answers = ok(http.call("POST", "/intake/api/v1/joint-tasks/batch", token["STHJ"], {"tasks": [
        task(plan, reference["companies"][0], items=["STHJ-01"], external_id="B-1"),
        task(plan, reference["companies"][1], items=["SCJG-01"], external_id="B-2")]}))
    assert [a["status"] for a in answers["results"]] == [201, 422]
    assert answers["results"][0]["task"]["department"] == "STHJ"


# --- idempotency -------------------------------------------------------------------------------------------

def test_the_idempotency_key_header_replays_the_original(http, plan, token, reference, system):
    from werkzeug.test import Client
    client = Client(system.wsgi)
    headers = {"Authorization": f"Bearer {token['SCJG']}", "Idempotency-Key": "KEY-42"}
    first = client.post("/intake/api/v1/joint-tasks", json=task(plan, reference["companies"][0]), headers=headers)
    again = client.post("/intake/api/v1/joint-tasks", json=task(plan, reference["companies"][0]), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["task_id"] == again.json["task_id"] and first.json["external_id"] == "KEY-42"
    other = client.post("/intake/api/v1/joint-tasks", json=task(plan, reference["companies"][1]), headers=headers)
    assert other.status_code == 409


# --- batches -------------------------------------------------------------------------------------------------

def test_a_batch_of_1000_tasks_is_accepted_in_one_request(http, plan, token, system):
    rng = random.Random(7)
    tasks = [task(plan, {"uscc": random_uscc(rng), "name": f"批量企业{n}"}, external_id=f"BATCH-{n}")
             for n in range(1000)]
    answer = ok(http.call("POST", "/intake/api/v1/joint-tasks/batch", token["SCJG"], {"tasks": tasks}))
    assert answer["accepted"] == 1000 and answer["rejected"] == 0
    assert [a["index"] for a in answer["results"]] == list(range(1000))
    assert count(system, "JointTask") == 1000 and count(system, "Inspection") == 1000


def test_a_batch_answers_each_task_and_keeps_the_good_ones(http, plan, token, reference, system):
    answer = ok(http.call("POST", "/intake/api/v1/joint-tasks/batch", token["SCJG"], {"tasks": [
        task(plan, reference["companies"][0], external_id="G-1"),
        task(plan, {"uscc": "123", "name": "坏代码"}, external_id="G-2"),
        {"plan_id": plan["id"]},
        task(plan, reference["companies"][1], external_id="G-3")]}))
    assert [a["status"] for a in answer["results"]] == [201, 422, 422, 201]
    assert "company.uscc" in answer["results"][1]["error"]["fields"]
    assert "external_id" in answer["results"][2]["error"]["fields"]
    assert count(system, "JointTask") == 2 and count(system, "Rejection") == 2


def test_a_batch_larger_than_the_limit_is_refused(http, plan, token, reference):
    status, body = http.call("POST", "/intake/api/v1/joint-tasks/batch", token["SCJG"],
                             {"tasks": [task(plan, reference["companies"][0])] * 1001})
    assert status == 422 and "1000" in body["error"]["fields"]["tasks"][0]


# --- withdrawal and dispatch -------------------------------------------------------------------------------

def test_withdrawing_the_last_task_withdraws_the_visit_and_dispatch_skips_it(http, plan, token, reference, system):
    gone = ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0])))
    kept = ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"],
                        task(plan, reference["companies"][1], external_id="T-2")))
    ok(http.call("POST", f"/intake/api/v1/joint-tasks/{gone['task_id']}/withdraw", token["SCJG"],
                 {"reason": "企业已注销"}))
    dispatched = ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", token["SCJG"]))["dispatched"]
    assert dispatched == [kept["inspection_id"]]
    status, body = http.call("POST", f"/intake/api/v1/joint-tasks/{kept['task_id']}/withdraw", token["SCJG"],
                             {"reason": "太晚了"})
    assert status == 409 and "已派发" in body["error"]["message"]


def test_the_deadline_job_dispatches_plans_whose_intake_has_closed(http, clerk, token, reference, system, today):
    from services.intake.bootstrap import dispatch_due
    from shared.clock import FixedClock
    plan = make_plan(http, clerk, today, number=8)
    ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0])))
    runtime = system.runtime("intake")
    dispatch_due(runtime)
    assert outbox(system, "intake", "inspection.ready") == [], "not before the deadline has passed"
    runtime.clock = FixedClock(runtime.clock.now() + timedelta(days=1))
    dispatch_due(runtime)
    dispatch_due(runtime)
    assert len(outbox(system, "intake", "inspection.ready")) == 1
    assert ok(http.call("GET", f"/intake/api/v1/plans/{plan['id']}"))["status"] == "dispatched"


# --- USCC override, tokens, catalog, plans --------------------------------------------------------------------

def test_a_clerk_may_accept_a_failing_uscc_with_an_audited_reason(http, plan, token, clerk, system):
    bad = {"uscc": "914403001922038217", "name": "老代码企业"}
    http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, bad))
    rejection = ok(http.call("GET", "/intake/api/v1/rejections", clerk))["items"][0]
    accepted = ok(http.call("POST", f"/intake/api/v1/rejections/{rejection['id']}/override", clerk,
                            {"reason": "经核实该代码为营业执照原样，系统校验规则不适用"}))
    assert accepted["status"] == "accepted"
    again = http.call("POST", f"/intake/api/v1/rejections/{rejection['id']}/override", clerk, {"reason": "再来一次"})
    assert again[0] == 409
    [entry] = support.audit_entries(system.runtime("intake"), "task.accepted")
    assert entry.actor == "clerk:clerk01" and "营业执照" in entry.reason


def test_other_refusals_cannot_be_overridden(http, plan, token, clerk, reference):
    http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, reference["companies"][0], items=["X"]))
    rejection = ok(http.call("GET", "/intake/api/v1/rejections", clerk))["items"][0]
    status, _ = http.call("POST", f"/intake/api/v1/rejections/{rejection['id']}/override", clerk, {"reason": "放行"})
    assert status == 409


def test_a_rotated_token_replaces_the_old_one(http, clerk, token):
    fresh = ok(http.call("POST", "/intake/api/v1/departments/STHJ/token", clerk))["token"]
    assert http.call("GET", "/intake/api/v1/rejections", token["STHJ"])[0] == 401
    assert http.call("GET", "/intake/api/v1/rejections", fresh)[0] == 200


def test_a_catalog_change_makes_a_new_version_with_its_reason(http, clerk, token, system):
    changed = ok(http.call("PATCH", "/intake/api/v1/items/SCJG-01", clerk,
                           {"basis": "《中华人民共和国市场主体登记管理条例》第三十五条", "reason": "补充条款"}))
    assert changed["version"] == 2
    versions = ok(http.call("GET", "/intake/api/v1/items/SCJG-01/versions"))["items"]
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["reason"] == "补充条款"
    assert http.call("PATCH", "/intake/api/v1/items/SCJG-01", clerk, {"basis": "无理由"})[0] == 422
    assert http.call("PATCH", "/intake/api/v1/items/SCJG-01", token["SCJG"], {"basis": "x", "reason": "越权"})[0] == 403


def test_a_draft_plan_is_not_public_until_published(http, clerk, today):
    draft = make_plan(http, clerk, today, number=9, publish=False)
    assert http.call("GET", f"/intake/api/v1/plans/{draft['id']}")[0] == 404
    assert draft["id"] not in [p["id"] for p in ok(http.call("GET", "/intake/api/v1/plans"))["items"]]
    ok(http.call("POST", f"/intake/api/v1/plans/{draft['id']}/publish", clerk))
    assert ok(http.call("GET", f"/intake/api/v1/plans/{draft['id']}"))["status"] == "open"


def test_a_plan_number_must_be_unique_and_well_formed(http, clerk, plan, today):
    status, body = http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": plan["number"], "name": "重复", "lead_department": "SCJG", "period_start": today.isoformat(),
        "period_end": today.isoformat(), "intake_deadline": today.isoformat()})
    assert status == 422 and "已存在" in body["error"]["fields"]["number"][0]
    status, body = http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": "2026-1", "name": "格式", "lead_department": "SCJG", "period_start": today.isoformat(),
        "period_end": today.isoformat(), "intake_deadline": today.isoformat()})
    assert status == 422 and "〔YYYY〕N号" in body["error"]["fields"]["number"][0]


def test_the_catalog_loader_is_idempotent_and_changes_make_versions(embedded_env, tmp_path):
    """`jointinspect catalog load` twice changes nothing the second time; an edited file makes new versions."""
    import os
    import subprocess
    import sys

    import yaml

    from services.intake.catalog import CATALOG_FILE
    from shared.config import PROJECT_ROOT
    env = {**os.environ, **embedded_env}
    run = [sys.executable, "-m", "services.cli", "catalog", "load"]
    first = subprocess.run(run, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    second = subprocess.run(run, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    assert "事项新增 21 项" in first and "事项新增 0 项、变更 0 项" in second
    data = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    data["items"][0]["basis"] += "第十条"
    edited = tmp_path / "catalog.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    third = subprocess.run([*run, "--file", str(edited), "--reason", "依据更新"], env=env, cwd=PROJECT_ROOT,
                           capture_output=True, text=True, check=True).stdout
    assert "变更 1 项" in third
