"""Issue 13 (N4, N8): before the scheduled time of a fresh visit, nothing anonymous in intake, letters or results
names the company or an officer — every GET route of the three services is asked, as a page and as JSON, with the
visit's real ids where a route takes one. (draw's public records: test_draw_disclosure and H1's tests.)

The visit is real in intake (a department's task), and its team and time reach letters and results as the events
draw sends (`inspectors.assigned`, `visit.scheduled`), so letters issues the letter and results knows the visit;
the letter's verification page, reached with the code the company holds, is the one place that names them."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

import pytest

from shared.clock import SHANGHAI
from tests.flow import login, ok

pytestmark = pytest.mark.integration
SERVICES = ("intake", "letters", "results")
SKIPPED = ("/static", "/docs", "/health")


def _visit(system, http, reference) -> dict:
    """A plan, one department's task for one company, its team of two and a time tomorrow at 09:30 (Beijing)."""
    today = system.runtime("intake").clock.today_local()
    clerk = login(http, "clerk01")
    token = next(d["token"] for d in reference["departments"] if d["code"] == "STHJ")
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕31号", "name": "保密测试计划", "module": "部门联合", "lead_department": "STHJ",
        "partners": ["SCJG"], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=20)).isoformat(),
        "intake_deadline": (today + timedelta(days=5)).isoformat(), "publish": True}))
    company = reference["companies"][7]
    task = ok(http.call("POST", "/intake/api/v1/joint-tasks", token, {
        "plan_id": plan["id"], "external_id": "LEAK-1", "company": company, "items": ["STHJ-01"]}))
    inspection = ok(http.call("GET", f"/intake/api/v1/inspections/{task['inspection_id']}", clerk))
    inspection.pop("status", None)
    officers = reference["inspectors"][:2]
    team = [{"id": p["id"], "name": p["name"], "certificate_no": f"37021100{n}", "department": "STHJ",
             "department_name": "青岛市生态环境局西海岸新区分局", "unit": p["unit"], "leader": n == 0}
            for n, p in enumerate(officers)]
    local = datetime.combine(today + timedelta(days=1), time(9, 30), SHANGHAI)
    at_utc = local.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    inspection_id = inspection["inspection_id"]
    with system.runtime("draw").unit_of_work() as uow:  # as draw would tell letters and results
        uow.emit("inspectors.assigned", {
            "inspection_id": inspection_id, "draw_id": "draw-leak", "leader_id": team[0]["id"], "inspectors": team,
            "parts": [{"department": "STHJ", "via": "draw", "draw_id": "draw-leak",
                       "inspector_ids": [p["id"] for p in team]}], "inspection": inspection}, subject=inspection_id)
        uow.emit("visit.scheduled", {
            "inspection_id": inspection_id, "scheduled_at": at_utc, "local_time": local.strftime("%Y-%m-%d %H:%M"),
            "version": 1, "previous_at": None, "reason": None, "scheduled_by": "clerk:clerk01",
            "plan": inspection["plan"], "company": inspection["company"], "window": inspection["window"],
            "inspectors": team}, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    documents = ok(http.call("GET", f"/letters/api/v1/documents?inspection={inspection_id}", clerk))["items"]
    assert documents, "letters issues the letter once the team and the time are known"
    return {"plan": plan, "task": task, "inspection_id": inspection_id, "company": company, "team": team,
            "documents": documents, "today": today}


def _secrets(visit) -> list[str]:
    return [visit["company"]["name"], visit["company"]["uscc"], *(p["id"] for p in visit["team"]),
            *(p["name"] for p in visit["team"])]


def _arguments(visit) -> dict:
    """A route's placeholders filled with this visit's real ids (an unknown one with something harmless)."""
    today = visit["today"]
    return {"inspection_id": visit["inspection_id"], "plan_id": visit["plan"]["id"],
            "task_id": visit["task"]["task_id"], "document_id": visit["documents"][0]["id"], "department": "STHJ",
            "key": f"{today.year}Q{(today.month - 1) // 3 + 1}", "kind": "quarterly", "sha256": "0" * 64,
            "item_code": "STHJ-01"}


def _anonymous_urls(system, visit) -> list[str]:
    known = _arguments(visit)
    urls = []
    for name in SERVICES:
        for rule in system.apps[name].url_map.iter_rules():
            if "GET" not in rule.methods or any(part in rule.rule for part in SKIPPED):
                continue
            values = {arg: known.get(arg, "x") for arg in rule.arguments}
            if "code" in values:  # a letter's code (the company's, not the public's), a department's or an item's
                values["code"] = ("NOT-THE-CODE" if "/verify/" in rule.rule else
                                  "STHJ-01" if "/items/" in rule.rule else "STHJ")
            urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(urls))


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


def test_no_anonymous_route_names_the_company_or_an_officer_before_the_visit(system, reference, http):
    visit = _visit(system, http, reference)
    secrets = _secrets(visit)
    urls = _anonymous_urls(system, visit)
    assert len(urls) >= 12 and any("/public/" in url for url in urls)  # the walk must find the public surfaces
    answered = 0
    for url in urls:
        for headers in ({"Accept": "text/html"}, {"Accept": "application/json"}):
            response = http.client.open(url, method="GET", headers=headers)
            text = response.get_data(as_text=True)
            assert not _leaks(text, secrets), f"{url} ({headers['Accept']}) -> {response.status_code}: " \
                                              f"{_leaks(text, secrets)}"
            answered += response.status_code == 200
    assert answered >= 8  # the public pages and feeds did answer, not only refuse


def test_the_verification_page_names_them_to_whoever_holds_the_letters_code(system, reference, http):
    """The control that shows the check above can fail: the company's own code opens the letter's facts."""
    visit = _visit(system, http, reference)
    code = visit["documents"][0]["verification_code"]
    status, body = http.call("GET", f"/letters/verify/{code}?format=json")
    assert status == 200 and _leaks(json.dumps(body, ensure_ascii=False), _secrets(visit))


def test_free_text_on_intakes_public_plans_is_masked_for_the_public_only(system, reference, http):
    today = system.runtime("intake").clock.today_local()
    clerk = login(http, "clerk01")
    ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕32号", "name": "专项检查（联系人手机13800138000）", "module": "部门联合",
        "lead_department": "STHJ", "partners": ["SCJG"], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=20)).isoformat(),
        "intake_deadline": (today + timedelta(days=5)).isoformat(), "publish": True}))
    public = json.dumps(ok(http.call("GET", "/intake/api/v1/plans")), ensure_ascii=False)
    page = http.client.get("/intake/public/plans").get_data(as_text=True)
    for text in (public, page):
        assert "13800138000" not in text and "专项检查（联系人手机138****8000）" in text
    assert "13800138000" in json.dumps(ok(http.call("GET", "/intake/api/v1/plans", clerk)), ensure_ascii=False)
