"""The people steps in one submission (issue #15): a clerk's timetable (调度表, PUT /schedules) and a department's
naming for all its waiting visits (POST /parts/<department>/officers). Each item is judged by the single endpoint's
rules; a refused item fails alone and leaves nothing, the others are applied and announced once each."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import event

from tests.flow import login, ok
from tests.support.documented_http import DocumentedHttp
from tests.support.draw import audit_count, enter_randomness, ready, ready_joint
from tests.support.outbox import outbox_rows

from .test_draw_parts_api import department, officers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
TIMETABLE = "/draw/api/v1/schedules"


@pytest.fixture
def http(system):
    """Every answer, refusals per item included, held to draw's OpenAPI document."""
    documented = DocumentedHttp(system.wsgi)
    yield documented
    assert not documented.violations, "\n".join(documented.violations)


def visits(system, http, *inspection_ids: str) -> dict[str, dict]:
    """Drawn visits waiting for their time, as the clerk sees them, by inspection id."""
    for inspection_id in inspection_ids:
        ready(system, inspection_id, randomness=False)
    enter_randomness(system)
    shown = ok(http.call("GET", "/draw/api/v1/schedules/unscheduled", login(http, "clerk01")))["items"]
    return {v["inspection_id"]: v for v in shown if v["inspection_id"] in inspection_ids}


def at(visit: dict, time: str = "09:30") -> str:
    return f"{visit['window']['start']} {time}"


def scheduled_events(system) -> Counter:
    """`visit.scheduled` for letters and results (not the per-department copies), per visit."""
    return Counter(json.loads(row.body)["subject"] for row in outbox_rows(system, "draw", "visit.scheduled")
                   if row.routing_key == "visit.scheduled")


def username(inspector_id: str) -> str:
    return f"insp{inspector_id[-2:]}"  # INS-007 → insp07 (the demo's accounts)


def test_a_timetable_applies_every_item_but_the_refused_ones(system, http):
    shown = visits(system, http, "insp-a", "insp-b", "insp-c")
    clerk = login(http, "clerk01")
    answer = ok(http.call("PUT", TIMETABLE, clerk, {"items": [
        {"inspection_id": "insp-c", "time": at(shown["insp-c"])},
        {"inspection_id": "insp-b", "time": at(shown["insp-b"], "21:00")},
        {"inspection_id": "nope", "time": at(shown["insp-a"])},
        {"inspection_id": "insp-a", "time": at(shown["insp-a"], "10:00")}]}))
    assert [(i["inspection_id"], i["ok"]) for i in answer["items"]] == \
        [("insp-c", True), ("insp-b", False), ("nope", False), ("insp-a", True)]
    assert (answer["applied"], answer["refused"]) == (2, 2)
    assert answer["items"][0]["schedule"]["local_time"] == at(shown["insp-c"])
    assert answer["items"][1]["error"] == {"code": "invalid", "message": "检查时间不在工作时间内",
                                           "fields": {"time": ["应在 07:00 至 20:00 之间"]}}
    assert answer["items"][2]["error"]["code"] == "not_found"
    unchanged = ok(http.call("GET", "/draw/api/v1/inspections/insp-b/schedule", clerk))
    assert (unchanged["version"], unchanged["scheduled_at"]) == (0, None)
    system.bus.drain()
    assert scheduled_events(system) == Counter({"insp-a": 1, "insp-c": 1})


def test_a_change_in_a_timetable_needs_its_reason_as_the_single_put_does(system, http):
    shown = visits(system, http, "insp-a")
    clerk = login(http, "clerk01")
    ok(http.call("PUT", TIMETABLE, clerk, {"items": [{"inspection_id": "insp-a", "time": at(shown["insp-a"])}]}))
    change = {"inspection_id": "insp-a", "time": at(shown["insp-a"], "14:00")}
    (refused,) = ok(http.call("PUT", TIMETABLE, clerk, {"items": [change]}))["items"]
    assert refused["error"]["fields"] == {"reason": ["请填写更改理由"]}
    (changed,) = ok(http.call("PUT", TIMETABLE, clerk, {"items": [change | {"reason": "企业负责人上午外出"}]}))["items"]
    assert changed["schedule"]["version"] == 2


def test_an_officer_schedules_in_a_timetable_only_the_visits_they_lead(system, http):
    shown = visits(system, http, "insp-a")
    visit = shown["insp-a"]
    member = next(p["id"] for p in visit["inspectors"] if p["id"] != visit["leader_id"])
    item = {"inspection_id": "insp-a", "time": at(visit)}
    (refused,) = ok(http.call("PUT", TIMETABLE, login(http, username(member)), {"items": [item]}))["items"]
    assert refused["error"]["code"] == "forbidden" and "组长" in refused["error"]["message"]
    (fixed,) = ok(http.call("PUT", TIMETABLE, login(http, username(visit["leader_id"])), {"items": [item]}))["items"]
    assert fixed["ok"] and fixed["schedule"]["version"] == 1


def test_a_department_names_its_officers_for_many_visits_in_one_submission(system, http):
    yjgl, clerk = department(system, http, "YJGL"), login(http, "clerk01")
    today = system.runtime("draw").clock.today_local()
    for inspection_id in ("insp-j1", "insp-j2", "insp-j3"):
        ready_joint(system, inspection_id, staffing={"YJGL": "named"}, randomness=False)
    enter_randomness(system)
    answer = ok(http.call("POST", "/draw/api/v1/parts/YJGL/officers", yjgl, {"items": [
        {"inspection_id": "insp-j2", "officers": officers(today)},
        {"inspection_id": "insp-j3", "officers": officers(today, expiry_days=0)},
        {"inspection_id": "nope", "officers": officers(today)},
        {"inspection_id": "insp-j1", "officers": officers(today)}]}))
    assert [(i["inspection_id"], i["ok"]) for i in answer["items"]] == \
        [("insp-j2", True), ("insp-j3", False), ("nope", False), ("insp-j1", True)]
    assert answer["items"][0]["part"]["via"] == "named"
    assert "早于检查开始日期" in answer["items"][1]["error"]["fields"]["officers"][0]
    assert answer["items"][2]["error"]["message"] == "该检查没有此部门参与"
    system.bus.drain()
    assert Counter(json.loads(r.body)["subject"] for r in outbox_rows(system, "draw", "inspectors.assigned")) == \
        Counter({"insp-j1": 1, "insp-j2": 1})
    assert [t["inspection_id"] for t in ok(http.call("GET", "/draw/api/v1/parts/naming", yjgl))["items"]] == \
        ["insp-j3"]
    again = ok(http.call("POST", "/draw/api/v1/parts/YJGL/officers", clerk, {"items": [
        {"inspection_id": "insp-j1", "officers": officers(today)}]}))
    assert again["items"][0]["error"]["code"] == "already_named"
    assert audit_count(system.runtime("draw"), "inspectors.naming_refused") == 1  # on file, as the single refusal


def test_a_department_cannot_name_for_another(system, http):
    department(system, http, "YJGL")
    scjg = department(system, http, "SCJG")
    today = system.runtime("draw").clock.today_local()
    ready_joint(system, staffing={"YJGL": "named"})
    status, refused = http.call("POST", "/draw/api/v1/parts/YJGL/officers", scjg, {"items": [
        {"inspection_id": "insp-j", "officers": officers(today)}]})
    assert status == 403 and refused["error"]["message"] == "只能为本部门指派执法人员"
    system.bus.drain()
    assert outbox_rows(system, "draw", "inspectors.assigned") == []


def test_a_submission_holds_at_most_a_thousand_items(system, http):
    clerk = login(http, "clerk01")
    times = [{"inspection_id": f"v{n}", "time": "2026-12-03 09:30"} for n in range(1001)]
    status, refused = http.call("PUT", TIMETABLE, clerk, {"items": times})
    assert status == 422 and refused["error"]["fields"]["items"] == ["每次应提交 1 到 1000 项"]
    named = officers(system.runtime("draw").clock.today_local())
    names = [{"inspection_id": f"v{n}", "officers": named} for n in range(1001)]
    status, refused = http.call("POST", "/draw/api/v1/parts/YJGL/officers", clerk, {"items": names})
    assert status == 422 and refused["error"]["fields"]["items"] == ["每次应提交 1 到 1000 项"]


def test_a_timetable_costs_a_few_statements_per_visit(system, http):
    shown = visits(system, http, "insp-a", "insp-b", "insp-c", "insp-d")
    clerk, engine = login(http, "clerk01"), system.runtime("draw").engine
    statements: list[str] = []

    def count(*args):
        statements.append(args[2])
    event.listen(engine, "before_cursor_execute", count)
    try:
        ok(http.call("PUT", TIMETABLE, clerk, {"items": [{"inspection_id": "insp-a", "time": at(shown["insp-a"])}]}))
        one = len(statements)
        statements.clear()
        ok(http.call("PUT", TIMETABLE, clerk, {"items": [{"inspection_id": i, "time": at(shown[i])}
                                                         for i in ("insp-b", "insp-c", "insp-d")]}))
        three = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert three - one <= 2 * 3, statements  # each further visit: its events (the schedules are read at once)
