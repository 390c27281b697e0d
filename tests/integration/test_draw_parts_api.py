"""Issue #11 through HTTP: a department names its own officers (匹配) through the API by its deadline, the clerk sees
what is missing and why and retries a draw (never a second one, N4), the detachment runs target draws, matchings
and reads the filings."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from werkzeug.test import Client

from services.draw.commands import CreateAccount
from tests.flow import login, ok
from tests.support.contract import contract_errors
from tests.support.draw import PARTNERS, draws, enter_randomness, password_hash, ready, ready_joint
from tests.support.login import page_login
from tests.support.outbox import outbox_rows

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]


def department(system, http, code: str) -> str:
    system.handle("draw", CreateAccount(code.lower() + "dept", "department", PARTNERS[code],
                                        password_hash=password_hash(), department_code=code))
    return login(http, code.lower() + "dept")


def officers(today, count=2, expiry_days=365):
    return [{"name": f"应急执法{n}", "certificate_no": f"YJ3702{n:06d}",
             "certificate_expiry": (today + timedelta(days=expiry_days)).isoformat(), "unit": "应急管理执法大队"}
            for n in range(1, count + 1)]


def test_a_department_names_its_officers_through_the_api_and_the_team_is_announced_once(system, http):
    clerk, yjgl, scjg = login(http, "clerk01"), department(system, http, "YJGL"), department(system, http, "SCJG")
    today = system.runtime("draw").clock.today_local()
    ready_joint(system, staffing={"YJGL": "named"})
    assert outbox_rows(system, "draw", "inspectors.assigned") == []
    (waiting,) = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert (waiting["department"], waiting["staffing"], waiting["overdue"]) == ("YJGL", "named", False)
    assert waiting["naming_due"] and "前指派" in waiting["reason"]
    assert [t["inspection_id"] for t in ok(http.call("GET", "/draw/api/v1/parts/naming", yjgl))["items"]] == ["insp-j"]
    path = "/draw/api/v1/inspections/insp-j/parts/YJGL/officers"
    assert http.call("POST", path, scjg, {"officers": officers(today)})[0] == 403
    refused = http.call("POST", path, yjgl, {"officers": officers(today, expiry_days=0)})
    assert refused[0] == 422 and "早于检查开始日期" in refused[1]["error"]["fields"]["officers"][0]
    part = ok(http.call("POST", path, yjgl, {"officers": officers(today)}))
    assert (part["via"], part["status"], len(part["inspector_ids"])) == ("named", "complete", 2)
    assert http.call("POST", path, yjgl, {"officers": officers(today)})[0] == 409
    system.bus.drain()
    (row,) = outbox_rows(system, "draw", "inspectors.assigned")
    event = json.loads(row.body)
    assert contract_errors("InspectorsAssigned", event) == []
    assert [p["via"] for p in event["data"]["parts"]] == ["draw", "draw", "named"]
    assert ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"] == []
    parts = ok(http.call("GET", "/draw/api/v1/inspections/insp-j/parts", clerk))["parts"]
    assert [p["status_label"] for p in parts] == ["已完成"] * 3


def test_the_clerks_retry_refuses_a_visit_that_already_has_its_draw(system, http):
    clerk = login(http, "clerk01")
    ready_joint(system)
    assert len(draws(http)) == 3
    refused = http.call("POST", "/draw/api/v1/inspections/insp-j/retry", clerk)
    assert refused[0] == 409 and "不得重复抽取" in refused[1]["error"]["message"]
    assert len(draws(http)) == 3
    assert http.call("POST", "/draw/api/v1/inspections/nope/retry", clerk)[0] == 404


def test_a_blocked_department_is_shown_with_a_retry_button_and_drawn_when_an_officer_is_added(system, http):
    clerk = login(http, "clerk01")
    for n in range(1, 5):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/SCJG-{n:03d}", clerk, {"on_duty": False, "reason": "借调"}))
    ready_joint(system)
    (blocked,) = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert blocked["department"] == "SCJG" and "请在人员库中增加" in blocked["reason"] and blocked["retry"] is True
    page = Client(system.wsgi)
    page_login(page, "clerk01")
    shown = page.get("/draw/clerk/blocked").get_data(as_text=True)
    assert "重新抽取" in shown and "仅 0 名，至少需要 2 名" in shown
    retried = page.post("/draw/clerk/blocked", data={"inspection_id": "insp-j"}, headers={"Origin": "http://localhost"})
    assert retried.status_code == 200 and "已重新抽取" in retried.get_data(as_text=True)  # still too few
    today = system.runtime("draw").clock.today_local()
    for n in (5, 6):
        ok(http.call("POST", "/draw/api/v1/inspectors", clerk, {
            "id": f"SCJG-{n:03d}", "name": f"新调入{n}", "unit": "执法科", "certificate_no": f"SCJG37021{n:04d}",
            "certificate_expiry": (today + timedelta(days=700)).isoformat(), "reason": "新调入",
            "department_code": "SCJG"}))
    system.bus.drain()
    (waiting,) = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]  # issue 13: committed, not drawn
    assert (waiting["status"], waiting["retry"]) == ("randomness", False)
    assert "等待公开随机数" in page.get("/draw/clerk/blocked").get_data(as_text=True)
    enter_randomness(system)
    assert ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"] == []
    assert len(outbox_rows(system, "draw", "inspectors.assigned")) == 1
    shown = page.get("/draw/clerk/blocked").get_data(as_text=True)
    assert "所有检查的检查组均已组建完成" in shown


def test_the_detachment_runs_matchings_and_target_draws_and_reads_the_filings(system, http):
    detachment = login(http, "zhidui01")
    ready(system, "insp-zh", module="综合执法")
    ok(http.call("POST", "/draw/api/v1/inspections/insp-zh/match", detachment,
                 {"inspector_ids": ["INS-001", "INS-002"], "reason": "支队专项执法方案指定"}))
    assert ok(http.call("GET", "/draw/api/v1/filings", detachment))["items"] == []
    assert http.call("GET", "/draw/api/v1/filings/inspector-changes/2026Q4", detachment)[0] == 200
    assert http.call("POST", "/draw/api/v1/target-draws", detachment, {})[0] == 422  # allowed, but incomplete
    assert http.call("GET", "/draw/api/v1/parts/missing", detachment)[0] == 200
    assert http.call("POST", "/draw/api/v1/inspections/insp-zh/retry", detachment)[0] == 403


def test_the_standalone_verifier_confirms_each_departments_draw_record(system, http, tmp_path):
    import subprocess
    import sys

    from shared.config import PROJECT_ROOT
    ready_joint(system)
    clerk = login(http, "clerk01")  # the whole record before the visit (after it, anyone: test_draw_disclosure.py)
    records = [r for r in draws(http, clerk) if r["inspection_id"] == "insp-j"]
    assert sorted(r["department"] for r in records) == ["SCJG", "STHJ", "YJGL"]
    script = [sys.executable, "-I", "-S", str(PROJECT_ROOT / "scripts" / "verify_draw.py")]
    for record in records:
        path = tmp_path / f"{record['department']}.json"
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        assert subprocess.run([*script, str(path)], capture_output=True).returncode == 0
    page = http.call("GET", f"/draw/draws/{records[0]['id']}", clerk, raw=True)[1].decode()
    assert f"青岛测试化工有限公司（{records[0]['department']}）" in page and "验证通过" in page
