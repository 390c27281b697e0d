"""Target libraries, target draws, comprehensive enforcement and the inspector library over HTTP in the running
system (S4–S7, N6): uploads, status codes, and what intake and letters make of draw's events. The rules are
proven handler by handler in tests/unit/test_target_draws.py and tests/unit/test_draw_library.py."""
from __future__ import annotations

import io
import json
import random
from datetime import timedelta

import pytest
from werkzeug.test import Client

from shared.uscc import random_uscc
from tests.flow import login, ok
from tests.support.contract import contract_validator
from tests.support.draw import draws, enter_randomness, fix_time, ready
from tests.support.outbox import outbox_rows

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]


def local_library(http, clerk, key_units=8, general_units=30):
    rng = random.Random(11)
    rows = [{"uscc": random_uscc(rng), "name": f"重点排污单位{n}", "unit_class": "重点", "credit_class": "B"}
            for n in range(key_units)]
    rows += [{"uscc": random_uscc(rng), "name": f"一般排污单位{n}", "unit_class": "一般", "credit_class": "A"}
             for n in range(general_units)]
    ok(http.call("POST", "/draw/api/v1/targets/local", clerk, {"rows": rows, "reason": "第四季度对象库更新"}))
    return rows


def test_a_target_draw_meets_the_s6_quotas_and_its_targets_become_visits(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("intake").clock.today_local()
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕21号", "name": "随机抽查（污染源日常监管）", "module": "随机抽查",
        "lead_department": "STHJ", "partners": [], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=60)).isoformat(), "intake_deadline": today.isoformat()}))
    local_library(http, clerk)
    body = {"plan_id": plan["id"], "period": f"{today.year}Q4", "items": ["STHJ-01"],
            "rules": [{"unit_class": "重点", "kind": "percent", "value": 25},
                      {"unit_class": "一般", "kind": "per_officer", "value": 5}]}
    committed = ok(http.call("POST", "/draw/api/v1/target-draws", clerk, body))
    assert committed["targets"] == [] and all(s["draw_id"] is None for s in committed["strata"])  # issue 13
    enter_randomness(http, clerk)
    drawn = ok(http.call("GET", f"/draw/api/v1/target-draws/{committed['id']}", clerk))
    officers = drawn["on_duty_officers"]
    assert officers == 19  # 20 in the demo library, one off duty
    assert [(s["size"], s["quota"]) for s in drawn["strata"]] == [(8, 2), (30, min(30, -(-5 * officers // 4)))]
    for stratum in drawn["strata"]:
        assert ok(http.call("GET", f"/draw/api/v1/draws/{stratum['draw_id']}/verify"))["verified"] is True
    assert http.call("POST", "/draw/api/v1/target-draws", clerk, body)[0] == 409  # once per plan and period
    system.bus.drain()
    for row in outbox_rows(system, "draw", "targets.drawn"):
        assert not list(contract_validator("TargetsDrawn").iter_errors(json.loads(row.body)))
    visits = ok(http.call("GET", f"/intake/api/v1/plans/{plan['id']}/inspections", clerk))["items"]
    assert sorted(v["company"]["uscc"] for v in visits) == sorted(t["uscc"] for t in drawn["targets"])
    assert visits[0]["departments"][0]["upstream_draw_refs"][0] in {s["draw_id"] for s in drawn["strata"]}


def test_comprehensive_enforcement_matches_inspectors_directly_and_records_it(system, http):
    clerk = login(http, "clerk01")
    inspection = ready(system, "insp-zh", module="综合执法")
    assert draws(http) == [], "no lottery for comprehensive enforcement (S7)"
    waiting = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert "直接匹配" in waiting[0]["reason"]
    refused = http.call("POST", "/draw/api/v1/inspections/insp-zh/match", clerk,
                        {"inspector_ids": ["INS-020", "INS-001"], "reason": "专项执法"})
    assert refused[0] == 422 and "执法证" in refused[1]["error"]["fields"]["inspector_ids"][0]
    ok(http.call("POST", "/draw/api/v1/inspections/insp-zh/match", clerk,
                 {"inspector_ids": ["INS-001", "INS-002"], "reason": "支队专项执法方案指定"}))
    system.bus.drain()
    matchings = ok(http.call("GET", "/draw/api/v1/matchings", clerk))["items"]
    assert matchings[0]["method"] == "直接匹配（非摇号）" and matchings[0]["matched_by"] == "clerk:clerk01"
    fix_time(system, http, clerk, inspection)
    from services.letters.adapters.db import Document
    with system.runtime("letters").unit_of_work(read_only=True) as uow:
        assert uow.session.query(Document).filter_by(inspection_id="insp-zh", kind="joint_letter").count() == 1


def test_a_province_library_is_imported_read_only_from_its_file_with_row_errors_in_chinese(system, http, tmp_path):
    from openpyxl import Workbook
    clerk = login(http, "clerk01")
    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "单位名称", "地址", "监管类别", "信用等级"])
    sheet.append(["914403001922038216", "青岛持证排污一厂", "前湾港路1号", "重点", "A"])
    sheet.append(["914403001922038217", "校验位错误的厂", "", "一般", "B"])
    path = tmp_path / "permits.xlsx"
    book.save(path)
    client = Client(system.wsgi)

    def upload(query=""):
        with open(path, "rb") as handle:
            return client.post(f"/draw/api/v1/targets/import{query}", headers={"Authorization": f"Bearer {clerk}"},
                               data={"library": "排污许可库", "file": (handle, "permits.xlsx")})
    response = upload("?dry_run=1")
    assert response.status_code == 422 and "第 3 行" in response.json["problems"][0]
    assert upload().status_code == 422 and upload().json["imported"] == 0
    sheet.delete_rows(3)
    book.save(path)
    assert upload("?dry_run=1").json == {"library": "排污许可库", "valid_rows": 1, "problems": [], "imported": 0}
    assert upload().json["imported"] == 1
    listed = ok(http.call("GET", "/draw/api/v1/targets?library=排污许可库", clerk))["items"]
    assert [t["name"] for t in listed] == ["青岛持证排污一厂"]


def _upload(system, token, data: bytes, query=""):
    return Client(system.wsgi).post(f"/draw/api/v1/inspectors/import{query}",
                                    headers={"Authorization": f"Bearer {token}"},
                                    data={"reason": "第四季度人员调整", "file": (io.BytesIO(data), "inspectors.xlsx")})


def test_the_library_round_trips_through_excel_with_a_dry_run_preview(system, http):
    from openpyxl import load_workbook
    clerk = login(http, "clerk01")
    exported = Client(system.wsgi).get("/draw/api/v1/inspectors.xlsx", headers={"Authorization": f"Bearer {clerk}"})
    book = load_workbook(io.BytesIO(exported.data))
    sheet = book.active
    library = ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"]
    assert sheet["A2"].value == library[0]["id"] and sheet.max_row == 1 + len(library)
    sheet["C2"] = "第九中队"                                    # a change
    sheet.append(["INS-021", "新同志", "第一中队", "37021199999", "青岛市人民政府", "2029-06-30", "是", "是",
                  "370211", "大气", ""])                        # a new officer
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _upload(system, clerk, buffer.getvalue(), "?dry_run=1").json
    actions = {row["id"]: row["action"] for row in preview["rows"]}
    assert actions["INS-001"] == "change" and actions["INS-021"] == "create" and actions["INS-002"] == "unchanged"
    assert all(i["id"] != "INS-021" for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"])
    written = _upload(system, clerk, buffer.getvalue()).json
    assert written["dry_run"] is False and written["errors"] == 0
    names = {i["id"]: i for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"]}
    assert names["INS-021"]["name"] == "新同志" and names["INS-001"]["unit"] == "第九中队"


def test_failing_rows_are_reported_in_chinese_and_nothing_is_written(system, http):
    from openpyxl import Workbook
    clerk = login(http, "clerk01")
    book = Workbook()
    sheet = book.active
    sheet.append(["人员编号", "姓名", "中队", "执法证号", "发证机关", "证件有效期至", "在编", "在岗"])
    sheet.append(["INS-050", "", "第一中队", "3702110050", "", "明年", "是", "也许"])
    sheet.append(["INS-051", "好同志", "第一中队", "3702110051", "", "2029-01-01", "是", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(system, clerk, buffer.getvalue())
    assert response.status_code == 422 and response.json["dry_run"] is True
    problems = response.json["rows"][0]["problems"]
    assert "姓名不能为空" in problems and any("日期" in p for p in problems) and any("在岗" in p for p in problems)
    assert all(i["id"] != "INS-051" for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"])


def test_the_quarter_report_lists_library_changes_and_the_headcount_feeds_the_quota(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("draw").clock.today_local()
    period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-002", clerk, {"unit": "第三中队", "reason": "岗位调整"}))
    report = ok(http.call("GET", f"/draw/api/v1/filings/inspector-changes/{period}", clerk))
    assert any(c["object"] == "inspector:INS-002" and c["reason"] == "岗位调整" for c in report["changes"])
    filed = ok(http.call("POST", f"/draw/api/v1/filings/inspector_changes/{period}", clerk))
    assert filed["late"] is False
    assert http.call("POST", f"/draw/api/v1/filings/inspector_changes/{period}", clerk)[0] == 409
    headcount = ok(http.call("POST", f"/draw/api/v1/filings/headcount/{today.year}", clerk))
    assert headcount["count"] == 19
    assert http.call("GET", "/draw/api/v1/filings/inspector-changes/2026-4", clerk)[0] == 422
