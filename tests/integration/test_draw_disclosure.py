"""N4 by the visit time through the running system (issue 13, Deliver 1): an anonymous visitor of every public draw
view — API, verification, commitments, target draws, matchings and the pages — learns neither the company nor any
officer (id, name, certificate number) before the visit's fixed time; from that time on the record downloaded
anonymously verifies with scripts/verify_draw.py alone. Staff and the team see it all before. The rules themselves:
tests/unit/test_draw_disclosure.py."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from shared.clock import FixedClock
from shared.config import PROJECT_ROOT
from tests.flow import login, ok
from tests.support.draw import draws, enter_randomness, fix_time, ready

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
VISIT = "insp-n4"
USCC = "91440300708461136T"
COMPANY = "青岛测试化工有限公司"  # tests/support/draw.an_inspection's company
VERIFIER = [sys.executable, "-I", "-S", str(PROJECT_ROOT / "scripts" / "verify_draw.py")]


def secrets_of(http, clerk) -> list[str]:
    """Everything that would tell who or whom: the company, every officer's id, name and certificate number."""
    officers = ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"]
    return [USCC, COMPANY, VISIT, *(o["id"] for o in officers), *(o["name"] for o in officers),
            *(o["certificate_no"] for o in officers if o.get("certificate_no"))]


def public_views(http, draw_id: str) -> dict[str, str]:
    """Every public view of draws, anonymously, as text."""
    views = {}
    for path in ("/draw/api/v1/draws?per_page=200", f"/draw/api/v1/draws/{draw_id}",
                 f"/draw/api/v1/draws/{draw_id}/verify", "/draw/api/v1/seed-commitments", "/draw/api/v1/matchings",
                 "/draw/public/draws", f"/draw/draws/{draw_id}"):
        status, body = http.call("GET", path, raw=True)
        assert status == 200, (path, status)
        views[path] = body.decode("utf-8")
    return views


def found_in(views: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(path, secret) for path, text in views.items() for secret in secrets
            if secret in text or json.dumps(secret)[1:-1] in text]


def a_drawn_visit(system, http) -> tuple[dict, str, str]:
    """A visit drawn for USCC with INS-003 recused by a private reason: (its inspection, the draw id, a clerk)."""
    clerk = login(http, "clerk01")
    ok(http.call("POST", "/draw/api/v1/inspectors/INS-003/conflicts", clerk,
                 {"company_uscc": USCC, "reason": "配偶在该企业任职"}))
    inspection = ready(system, VISIT, uscc=USCC)
    (record,) = [d for d in draws(http, clerk) if d["inspection_id"] == VISIT]
    return inspection, record["id"], clerk


def test_before_the_visit_no_public_view_names_the_company_or_an_officer(system, http):
    inspection, draw_id, clerk = a_drawn_visit(system, http)
    secrets = secrets_of(http, clerk)
    full = json.dumps(ok(http.call("GET", f"/draw/api/v1/draws/{draw_id}", clerk)), ensure_ascii=False)
    assert len(found_in({"clerk": full}, secrets)) > 20, "the search finds them where they are"
    assert found_in(public_views(http, draw_id), secrets) == []
    fix_time(system, http, clerk, inspection)
    views = public_views(http, draw_id)
    assert found_in(views, secrets) == [], "a fixed time in the future changes nothing"
    sealed = json.loads(views[f"/draw/api/v1/draws/{draw_id}"])
    assert sealed["disclosed"] is False and sealed["count"] == 2 and sealed["visit"]["scheduled_at"]
    assert "seed" not in sealed["commitment"] and sealed["selected_labels"] == ["人员A", "人员B"]
    assert json.loads(views[f"/draw/api/v1/draws/{draw_id}/verify"])["verified"] is True
    assert "检查开始后公开身份" in views[f"/draw/draws/{draw_id}"]


def test_staff_and_the_team_see_the_whole_record_before_the_visit(system, http):
    _inspection, draw_id, clerk = a_drawn_visit(system, http)
    full = ok(http.call("GET", f"/draw/api/v1/draws/{draw_id}", clerk))
    assert full["selected"] and [p["id"] for p in full["inspectors"]] == full["selected"]
    assert full["company"]["uscc"] == USCC and "配偶" not in json.dumps(full, ensure_ascii=False)
    member = login(http, f"insp{full['selected'][0][-2:]}")  # INS-007 → insp07 (the demo's accounts)
    assert ok(http.call("GET", f"/draw/api/v1/draws/{draw_id}", member))["selected"] == full["selected"]
    outsider = next(i for i in full["pool"] if i not in full["selected"])
    shown = ok(http.call("GET", f"/draw/api/v1/draws/{draw_id}", login(http, f"insp{outsider[-2:]}")))
    assert shown["disclosed"] is False and "selected" not in shown


def test_from_the_visit_time_the_anonymous_record_is_complete_and_verifies_with_the_script(system, http, tmp_path):
    inspection, draw_id, clerk = a_drawn_visit(system, http)
    fix_time(system, http, clerk, inspection)
    at = ok(http.call("GET", f"/draw/api/v1/inspections/{VISIT}/schedule", clerk))["scheduled_at"]
    system.runtime("draw").clock = FixedClock(datetime.fromisoformat(at) + timedelta(minutes=1))
    public = ok(http.call("GET", f"/draw/api/v1/draws/{draw_id}"))
    assert public["disclosed"] is True and public["company"] == {"uscc": USCC, "name": COMPANY}
    assert [p["id"] for p in public["inspectors"]] == public["selected"]
    assert all(p["name"] and p["certificate_no"] for p in public["inspectors"])
    assert {"id": "INS-003", "reason": "回避", "category": "回避"} in public["excluded"]
    assert "配偶" not in json.dumps(public, ensure_ascii=False) and "利害关系" not in json.dumps(public,
                                                                                          ensure_ascii=False)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(public, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([*VERIFIER, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    page = http.call("GET", f"/draw/draws/{draw_id}", raw=True)[1].decode()
    assert COMPANY in page and public["inspectors"][0]["name"] in page and "验证通过" in page
    seeds = ok(http.call("GET", "/draw/api/v1/seed-commitments"))["items"]
    assert next(c for c in seeds if c["used_by"] == draw_id)["seed"] == public["sources"][0][0]


def test_a_target_draw_names_no_company_in_public_before_its_visits(system, http):
    from tests.integration.test_draw_libraries_api import local_library
    clerk = login(http, "clerk01")
    rows = local_library(http, clerk)
    today = system.runtime("intake").clock.today_local()
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕31号", "name": "随机抽查（保密测试）", "module": "随机抽查",
        "lead_department": "STHJ", "partners": [], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=60)).isoformat(), "intake_deadline": today.isoformat()}))
    body = {"plan_id": plan["id"], "period": f"{today.year}Q4", "items": ["STHJ-01"],
            "rules": [{"unit_class": "重点", "kind": "percent", "value": 25}]}
    drawn = ok(http.call("POST", "/draw/api/v1/target-draws", clerk, body))
    enter_randomness(system)  # issue 13: the strata are drawn once public randomness is entered
    usccs = [row["uscc"] for row in rows] + [row["name"] for row in rows]
    public = http.call("GET", f"/draw/api/v1/target-draws/{drawn['id']}", raw=True)[1].decode()
    assert [u for u in usccs if u in public] == []
    sealed = json.loads(public)
    assert sealed["disclosed"] is False and [s["size"] for s in sealed["strata"]] == [8]
    listing = http.call("GET", "/draw/api/v1/draws?per_page=200", raw=True)[1].decode()
    assert [u for u in usccs if u in listing] == []
    assert ok(http.call("GET", f"/draw/api/v1/target-draws/{drawn['id']}", clerk))["disclosed"] is True


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_plans_visit_times_are_read_from_the_stored_plan_on_both_databases(database, request, tmp_path):
    """The target-draw rule reads the plan id inside the schedule's JSON: SQLite's json_extract, PostgreSQL's ->>."""
    from services.draw.adapters.schedules import plan_visit_times
    from services.draw.commands import ScheduleVisit
    from shared import events
    from shared.auth import Principal
    from tests.support.draw import draw_runtime
    from tests.support.events import assigned_payload
    env = {}
    if database == "postgresql":
        from tests.conftest import pg_url
        env["DRAW_DATABASE_URL"] = pg_url(request.getfixturevalue("pg_base_url")("draw_disclosure"))
    draw = draw_runtime(tmp_path, **env)
    try:
        for visit in ("insp-a", "insp-b"):
            payload = assigned_payload(visit)
            if visit == "insp-b":
                payload["inspection"]["company"] = {"uscc": USCC, "name": COMPANY, "address": ""}
            _id, body = events.build("draw", "inspectors.assigned", payload, visit, draw.clock.now())
            draw.deliver("draw.inspectors.assigned", events.parse(body))
        draw.bus.handle(ScheduleVisit("insp-a", "2026-12-02 09:00", Principal("clerk", "clerk01", "STHJ")))
        with draw.unit_of_work(read_only=True) as uow:
            times = plan_visit_times(uow.session, "p")
            assert plan_visit_times(uow.session, "another-plan") == {}
        assert times[USCC] is None and times["914403001922038216"].isoformat() == "2026-12-02T01:00:00+00:00"
    finally:
        draw.dispose()
