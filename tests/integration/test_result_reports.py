"""S11, S15: the monthly dispatch table and the quarterly report from a fixed fixture — the numbers, the tasks
not completed, the xlsx (read back with openpyxl), the PDF (pdftotext) and the public quarterly page's chart."""
from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, timezone

import pytest

from services.results.adapters import db as results_db
from tests.flow import WsgiHttp, login, ok
from tests.support.result_visit import set_today

pytestmark = pytest.mark.integration

AS_OF = date(2026, 12, 20)
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def _visit(session, key, start, end, unit, departments, result=None, voided_first=False, rectification=None):
    """One assignment (and optionally its result, a voided earlier round, a rectification) straight into the
    results database, as the consumers and handlers would have left them."""
    inspection = {"inspection_id": key, "plan": {"id": "p", "number": "〔2026〕9号", "name": "报表测试计划"},
                  "company": {"name": f"企业{key}", "uscc": "914403001922038216"},
                  "window": {"start": start, "end": end}, "lead_department": departments[0],
                  "departments": [{"code": d, "name": {"STHJ": "生态环境分局", "SCJG": "市场监管局"}[d],
                                   "lead": n == 0, "items": [{"code": f"{d}-01", "name": f"{d}事项"}]}
                                  for n, d in enumerate(departments)]}
    session.add(results_db.Assignment(inspection_id=key, draw_id="d", inspector_ids=["INS-001"], leader_id="INS-001",
                                      inspectors=[{"id": "INS-001", "unit": unit}], inspection=inspection,
                                      parts=[{"department": d, "via": "draw", "draw_id": "d",
                                              "inspector_ids": ["INS-001"]} for d in departments],
                                      created_at=T0))
    if result is None:
        return
    outcomes, late = result
    round_ = 1
    if voided_first:
        session.add(_result(f"{key}-r1", key, "STHJ", 1, start, {"STHJ-01": "发现问题"}, False))
        session.add(results_db.ResultVoid(result_id=f"{key}-r1", correction_id="c", voided_by="approver:x",
                                          voided_at=T0))
        round_ = 2
    for department in departments:  # each department's own result
        own = {code: outcome for code, outcome in outcomes.items() if code.startswith(department)}
        session.add(_result(f"{key}-{department}-r{round_}", key, department, round_, start, own, late))
    session.flush()  # no ORM relationship orders the inserts: the result row first, for the foreign keys
    if rectification:
        deadline, status = rectification
        session.add(results_db.Rectification(
            id=f"{key}-rect", result_id=f"{key}-STHJ-r{round_}", inspection_id=key, department="STHJ",
            item_code="STHJ-01", item_name="STHJ事项", company=inspection["company"], problem="问题",
            deadline=date.fromisoformat(deadline), status=status, created_at=T0))


def _result(result_id, key, department, round_, visit, outcomes, late):
    return results_db.Result(id=result_id, inspection_id=key, department=department, round=round_,
                             status="submitted", category="x", visit_date=date.fromisoformat(visit),
                             submitted_by="inspector:INS-001",
                             items=[{"item_code": code, "outcome": outcome} for code, outcome in outcomes.items()],
                             company_confirmation={}, submitted_at=T0, publication_due=None, published_late=late)


@pytest.fixture
def fixture(system, reference):
    set_today(system, AS_OF)
    runtime = system.runtime("results")
    with runtime.unit_of_work() as uow:
        s = uow.session
        _visit(s, "A", "2026-11-02", "2026-11-04", "第一中队", ["STHJ", "SCJG"],
               ({"STHJ-01": "发现问题", "SCJG-01": "未发现问题"}, False), rectification=("2027-02-04", "completed"))
        _visit(s, "B", "2026-11-10", "2026-11-12", "第一中队", ["STHJ"], ({"STHJ-01": "未发现问题"}, False),
               voided_first=True)
        _visit(s, "C", "2026-11-16", "2026-11-18", "第二中队", ["STHJ"])  # due 16 Dec, nothing entered
        _visit(s, "D", "2026-11-20", "2026-11-20", "第二中队", ["STHJ"], ({"STHJ-01": "发现问题"}, True),
               rectification=("2027-02-20", "open"))
        _visit(s, "E", "2026-10-05", "2026-10-09", "第一中队", ["STHJ"], ({"STHJ-01": "发现问题"}, False),
               rectification=("2026-12-01", "open"))  # overdue on 20 December
        _visit(s, "F", "2026-12-01", "2026-12-01", "第二中队", ["STHJ"])  # due 29 December: not late yet
        uow.commit()
    http = WsgiHttp(system.wsgi)
    return {"http": http, "clerk": login(http, "clerk01")}


def _rows(report):
    return {(r["squadron"], r["department"]): [r[k] for k in ("dispatched", "inspected", "on_time", "pending",
                                                               "problems", "rectified", "overdue",
                                                               "completion_rate")]
            for r in report["rows"]}


def test_the_monthly_dispatch_table_counts_the_month_and_lists_what_was_not_done(fixture):
    report = ok(fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-11", fixture["clerk"]))
    assert report["due_on"] == "2026-12-05" and report["label"] == "2026年11月"
    assert _rows(report) == {("第一中队", "SCJG"): [1, 1, 1, 0, 0, 0, 0, 1.0],
                             ("第一中队", "STHJ"): [2, 2, 2, 0, 1, 1, 0, 1.0],  # B counts once, its voided round not
                             ("第二中队", "STHJ"): [2, 1, 0, 0, 1, 0, 0, 0.0]}
    assert report["totals"] == {"dispatched": 5, "inspected": 4, "on_time": 3, "pending": 0, "problems": 2,
                                "rectified": 1, "overdue": 0, "completion_rate": 0.6}
    assert sorted((n["inspection_id"], n["reason"]) for n in report["not_completed"]) == [
        ("C", "检查结果未按时录入"), ("D", "检查结果逾期录入")]


def test_the_quarterly_report_adds_the_other_months_and_overdue_rectification(fixture):
    report = ok(fixture["http"].call("GET", "/results/api/v1/reports/quarterly/2026Q4", fixture["clerk"]))
    assert report["due_on"] == "2027-01-10" and report["label"] == "2026年第四季度"
    assert _rows(report)[("第一中队", "STHJ")] == [3, 3, 3, 0, 2, 1, 1, 1.0]
    # F (1 December) is still within its 20 working days on 20 December: pending, not a failure, not in the rate
    assert _rows(report)[("第二中队", "STHJ")] == [3, 1, 0, 1, 1, 0, 0, 0.0]
    assert report["totals"]["dispatched"] == 7 and report["totals"]["pending"] == 1
    assert report["totals"]["completion_rate"] == 0.6667  # 4 on time of the 6 already due
    assert ("E", "整改逾期未完成（STHJ事项）") in [(n["inspection_id"], n["reason"]) for n in report["not_completed"]]


def test_the_xlsx_opens_with_openpyxl_and_carries_the_same_numbers(fixture):
    from openpyxl import load_workbook
    status, data = fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-11.xlsx", fixture["clerk"],
                                        raw=True)
    assert status == 200
    book = load_workbook(io.BytesIO(data))
    summary = [row for row in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == "2026年11月双随机抽查任务调度表"
    assert summary[2][:3] == ("中队", "部门", "派发任务数")
    assert summary[-1][0] == "合计" and summary[-1][2:] == (5, 4, 3, 0, 2, 1, 0, 0.6)
    missed = [row for row in book["未完成任务"].iter_rows(values_only=True)]
    assert [row[0] for row in missed[1:]] == ["C", "D"]


def test_the_pdf_renders_with_the_chinese_numbers(fixture, tmp_path):
    status, data = fixture["http"].call("GET", "/results/api/v1/reports/quarterly/2026Q4.pdf", fixture["clerk"],
                                        raw=True)
    assert status == 200 and data.startswith(b"%PDF-")
    (tmp_path / "r.pdf").write_bytes(data)
    text = "".join(subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "2026年第四季度双随机抽查季度报表" in text and "第一中队" in text and "66.7%" in text
    assert "整改逾期未完成" in text


def test_the_public_quarterly_page_has_a_chart_and_no_names_of_unfinished_tasks(fixture):
    status, page = fixture["http"].call("GET", "/results/public/reports/2026Q4", raw=True)
    html = page.decode()
    assert status == 200 and "<svg" in html and html.count('class="bar"') == 3 and "66.7%" in html
    assert "企业C" not in html
    assert fixture["http"].call("GET", "/results/public/reports/2026Q9", raw=True)[0] == 404


def test_reports_are_for_staff_and_periods_are_checked(fixture):
    assert fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-11")[0] == 401
    status, error = fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-13", fixture["clerk"])
    assert status == 422 and "2026-11" in error["error"]["fields"]["period"][0]


def test_a_period_with_nothing_due_yet_has_no_rate_rather_than_zero(fixture):
    """S15 counts a result *not entered in time*: F (1 December) is not late on 20 December, so December shows
    one pending visit and "—", not a 0 % squadron."""
    report = ok(fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-12", fixture["clerk"]))
    assert _rows(report) == {("第二中队", "STHJ"): [1, 0, 0, 1, 0, 0, 0, None]}
    assert report["totals"]["completion_rate"] is None and report["not_completed"] == []
    status, data = fixture["http"].call("GET", "/results/api/v1/reports/monthly/2026-12.pdf", fixture["clerk"],
                                        raw=True)
    assert status == 200 and data.startswith(b"%PDF-")


def test_squadrons_are_ordered_as_a_reader_counts():
    from shared.numerals import chinese_number, ordinal_rank
    names = ["机动中队", "第十二中队", "第二中队", "第十中队", "第一中队", "第二十三中队"]
    assert sorted(names, key=ordinal_rank) == ["第一中队", "第二中队", "第十中队", "第十二中队", "第二十三中队",
                                               "机动中队"]
    assert [chinese_number(n) for n in (1, 10, 12, 20, 99)] == ["一", "十", "十二", "二十", "九十九"]
