"""Issue 11 through results' API and pages on the embedded system: a three-department visit whose team has each
department's own officers; each department records its own items; one found a problem, the others not; the
company confirms once; the public feed shows one record per department with its own category; the pages show each
visit's state per department; a department that does not record in time is not completed in the reports."""
from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest

from services.results.commands import RecordAssignment, RecordSchedule
from shared.auth import Principal, issue_token
from tests.flow import CONFIRMED, ok
from tests.support.result_visit import outbox, rows, set_today
from tests.support.results import inspection, joint_team, scheduled

pytestmark = pytest.mark.integration
VISIT = date(2026, 11, 30)
DEPARTMENTS = (("STHJ", ("STHJ-01",)), ("SCJG", ("SCJG-01", "SCJG-02")), ("YJGL", ("YJGL-01",)))


@pytest.fixture
def joint(system, reference, http):
    """The visit as draw announces it after issue 11: each department's part, the fixed time."""
    set_today(system, VISIT)
    runtime = system.runtime("results")
    team = joint_team(("STHJ", "SCJG", "YJGL"))
    runtime.bus.handle(RecordAssignment("insp-j", "draw-STHJ", team["inspectors"],
                                        inspection("insp-j", DEPARTMENTS), team["leader_id"], team["parts"]))
    runtime.bus.handle(RecordSchedule(**scheduled("insp-j", "2026-11-30 09:30")))
    secret = runtime.settings.secret_key
    tokens = {member["id"]: issue_token(secret, Principal("inspector", member["id"], member["department"]))
              for member in team["inspectors"]}
    return {"id": "insp-j", "tokens": tokens, "clerk": issue_token(secret, Principal("clerk", "clerk01", "STHJ"))}


def record(http, joint, member: str, department: str, problem: str | None = None, confirmation=None, **extra):
    items = [{"item_code": code, "outcome": "未发现问题"} for d, codes in DEPARTMENTS if d == department
             for code in codes]
    if problem:
        items[-1].update(outcome="发现问题", findings=problem, measures="责令限期改正", follow_up="责令改正")
    body = {"department": department, "visit_date": VISIT.isoformat(), "items": items, **extra}
    if confirmation:
        body["company_confirmation"] = confirmation
    return http.call("POST", f"/results/api/v1/inspections/{joint['id']}/results", joint["tokens"][member], body)


def test_each_department_records_its_own_items_and_is_published_with_its_own_category(system, http, joint):
    path = f"/results/api/v1/inspections/{joint['id']}"
    status, error = record(http, joint, "STHJ-P1", "SCJG")
    assert status == 403 and "只有青岛西海岸新区市场监督管理局的检查人员" in error["error"]["message"]
    status, error = record(http, joint, "SCJG-P1", "SCJG", category="发现问题待后续处理",
                           confirmation=CONFIRMED)
    assert status == 422 and "不能为“发现问题…”" in error["error"]["fields"]["category"][0]
    status, error = record(http, joint, "SCJG-P1", "SCJG")
    assert status == 422 and "签字" in error["error"]["fields"]["company_confirmation"][0]

    confirmation = ok(http.call("POST", f"{path}/confirmation", joint["tokens"]["STHJ-P1"], CONFIRMED))  # leader
    assert http.call("POST", f"{path}/confirmation", joint["tokens"]["SCJG-P1"], {"refused": "拒绝签字"})[0] == 409
    sthj = ok(record(http, joint, "STHJ-P2", "STHJ", problem="危废暂存间未设置标识"))
    assert (sthj["department"], sthj["category"], sthj["confirmation_id"]) == \
        ("STHJ", "发现问题待后续处理", confirmation["id"])
    progress = ok(http.call("GET", f"{path}/progress", joint["clerk"]))
    assert not progress["complete"] and progress["schedule"]["local_time"] == "2026-11-30 09:30"
    assert [(d["department"], d["status"]) for d in progress["departments"]] == [
        ("STHJ", "submitted"), ("SCJG", "to_enter"), ("YJGL", "to_enter")]
    scjg = ok(record(http, joint, "SCJG-P1", "SCJG"))
    yjgl = ok(record(http, joint, "YJGL-P2", "YJGL"))
    assert (scjg["category"], yjgl["category"]) == ("未发现问题", "未发现问题")
    assert scjg["confirmation_id"] == yjgl["confirmation_id"] == confirmation["id"]
    assert ok(http.call("GET", f"{path}/progress", joint["tokens"]["YJGL-P1"]))["complete"] is True

    for department, category in (("STHJ", "发现问题待后续处理"), ("SCJG", "未发现问题"), ("YJGL", "未发现问题")):
        [message] = outbox(system, f"result.published.{department}")
        assert (message["category"], message["summary"]["category"]) == (category, category), department
    feed = ok(http.call("GET", "/results/api/v1/public/results?company=测试化工"))["items"]
    assert sorted((r["department"]["code"], r["category"], len(r["items"])) for r in feed) == [
        ("SCJG", "未发现问题", 2), ("STHJ", "发现问题待后续处理", 1), ("YJGL", "未发现问题", 1)]
    assert [r.department for r in rows(system, "Rectification")] == ["STHJ"]


def _page(system, token: str):
    client = system.client()
    client.set_cookie("ji_token", token)
    return client


def test_a_member_sees_only_their_departments_form_with_the_fixed_time(system, http, joint):
    client = _page(system, joint["tokens"]["SCJG-P1"])
    page = client.get(f"/results/inspections/{joint['id']}/form").get_data(as_text=True)
    assert "录入检查结果 · 青岛西海岸新区市场监督管理局" in page and "2026-11-30 09:30" in page
    assert 'name="outcome-SCJG-02"' in page and 'name="outcome-STHJ-01"' not in page
    refused = client.get(f"/results/inspections/{joint['id']}/form?department=STHJ")
    assert refused.status_code == 403
    assert "只有青岛市生态环境局西海岸新区分局的检查人员" in refused.get_data(as_text=True)
    form = {"visit_date": "2026-11-30", "category": "", "outcome-SCJG-01": "未发现问题",
            "outcome-SCJG-02": "未发现问题", "confirm-name": "王经理", "confirm-confirmed_at": "2026-11-30 16:30",
            "action": "submit"}
    answer = client.post(f"/results/inspections/{joint['id']}/form", data=form,
                         headers={"Origin": "http://localhost"})
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "检查结果已提交" in page and "未发现问题" in page and "待录入" in page  # the others still to record
    other = _page(system, joint["tokens"]["STHJ-P1"])
    page = other.get(f"/results/inspections/{joint['id']}/form").get_data(as_text=True)
    assert "本次检查的确认已记录" in page and 'name="confirm-name"' not in page  # once for the visit
    mine = other.get("/results/my").get_data(as_text=True)
    assert "青岛西海岸新区市场监督管理局：" in mine and "已提交" in mine and "未完成" in mine
    dashboard = _page(system, joint["clerk"]).get("/results/clerk/dashboard").get_data(as_text=True)
    assert "检查完成情况" in dashboard and "青岛西海岸新区应急管理局" in dashboard and "未完成" in dashboard


def test_a_department_not_recorded_in_time_is_not_completed_in_the_reports(system, http, joint, tmp_path):
    ok(http.call("POST", f"/results/api/v1/inspections/{joint['id']}/confirmation", joint["tokens"]["STHJ-P1"],
                 CONFIRMED))
    ok(record(http, joint, "STHJ-P1", "STHJ"))
    ok(record(http, joint, "SCJG-P1", "SCJG"))
    set_today(system, date(2026, 12, 29))  # 20 working days after 30 November have passed; YJGL never recorded
    report = ok(http.call("GET", "/results/api/v1/reports/monthly/2026-11", joint["clerk"]))
    assert [(n["department"], n["reason"]) for n in report["not_completed"]] == [("YJGL", "检查结果未按时录入")]
    assert {r["department"]: r["completion_rate"] for r in report["rows"]} == {"STHJ": 1.0, "SCJG": 1.0, "YJGL": 0.0}
    from openpyxl import load_workbook
    status, data = http.call("GET", "/results/api/v1/reports/monthly/2026-11.xlsx", joint["clerk"], raw=True)
    missed = list(load_workbook(io.BytesIO(data))["未完成任务"].iter_rows(values_only=True))
    assert missed[0][4] == "部门" and missed[1][4] == "青岛西海岸新区应急管理局"
    status, pdf = http.call("GET", "/results/api/v1/reports/quarterly/2026Q4.pdf", joint["clerk"], raw=True)
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = "".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "青岛西海岸新区应急管理局" in text and "检查结果未按时录入" in text


def test_results_hears_visit_scheduled_on_the_bus(system, reference, joint):
    """Draw's `visit.scheduled` reaches results' own queue; a change (version 2) replaces the time shown."""
    with system.runtime("draw").unit_of_work() as uow:
        uow.emit("visit.scheduled", {**scheduled("insp-j", "2026-12-01 14:00", version=2), "reason": "企业要求改期"},
                 subject="insp-j")
        uow.commit()
    system.bus.drain()
    [schedule] = rows(system, "VisitSchedule")
    assert (schedule.local_time, schedule.version) == ("2026-12-01 14:00", 2)
