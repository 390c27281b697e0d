"""The inspector library through draw's bus, no Flask (S5): registering and changing officers (audited with
reasons), the Excel round trip with a dry run that writes nothing, the quarter's change report and the headcount
filing, accounts and login."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook

from services.draw.commands import (
    AddStatusPeriod,
    ChangeInspector,
    CreateAccount,
    FileReport,
    ImportInspectors,
    RegisterInspector,
)
from services.draw.queries import (
    ExportInspectors,
    InspectorLibraryOverview,
    ListInspectors,
    Login,
    PreviewInspectorImport,
    QuarterChanges,
)
from shared.errors import Conflict, Invalid, NotFound
from tests.support.draw import audit_count

pytestmark = pytest.mark.unit
CLERK = "clerk:clerk01"


def inspectors(draw) -> dict:
    return {i.id: i for i in draw.bus.handle(ListInspectors())}


def workbook_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_library_round_trips_through_excel_with_a_dry_run_preview(draw):
    book = load_workbook(io.BytesIO(draw.bus.handle(ExportInspectors())))
    sheet = book.active
    assert sheet["A2"].value == "INS-001" and sheet.max_row == 21
    sheet["C2"] = "第九中队"                                    # a change
    sheet.append(["INS-021", "新同志", "第一中队", "37021199999", "青岛市人民政府", "2029-06-30", "是", "是",
                  "370211", "大气", ""])                        # a new officer
    data = workbook_bytes(book)
    preview = draw.bus.handle(PreviewInspectorImport(data))
    actions = {row["id"]: row["action"] for row in preview["rows"]}
    assert actions["INS-001"] == "change" and actions["INS-021"] == "create" and actions["INS-002"] == "unchanged"
    assert preview["dry_run"] is True and "INS-021" not in inspectors(draw)
    written = draw.bus.handle(ImportInspectors(data, "第四季度人员调整", CLERK, "综合科 刘敏"))
    assert written["dry_run"] is False and written["errors"] == 0
    after = inspectors(draw)
    assert after["INS-021"].name == "新同志" and after["INS-001"].unit == "第九中队"
    assert after["INS-021"].department_code == "STHJ"


def test_failing_rows_are_reported_in_chinese_and_nothing_is_written(draw):
    book = Workbook()
    sheet = book.active
    sheet.append(["人员编号", "姓名", "中队", "执法证号", "发证机关", "证件有效期至", "在编", "在岗"])
    sheet.append(["INS-050", "", "第一中队", "3702110050", "", "明年", "是", "也许"])
    sheet.append(["INS-051", "好同志", "第一中队", "3702110051", "", "2029-01-01", "是", "是"])
    answer = draw.bus.handle(ImportInspectors(workbook_bytes(book), "第四季度人员调整", CLERK))
    assert answer["dry_run"] is True and answer["errors"] == 1
    problems = answer["rows"][0]["problems"]
    assert "姓名不能为空" in problems and any("日期" in p for p in problems) and any("在岗" in p for p in problems)
    assert "INS-051" not in inspectors(draw)


def test_a_file_without_the_required_columns_is_refused_row_one(draw):
    book = Workbook()
    book.active.append(["姓名"])
    assert "缺少列" in draw.bus.handle(PreviewInspectorImport(workbook_bytes(book)))["rows"][0]["problems"][0]


def test_ids_and_certificate_numbers_are_unique_and_every_change_is_audited(draw):
    with pytest.raises(Conflict):
        draw.bus.handle(RegisterInspector("INS-001", "重名", "第一中队", "3702119999", None, CLERK, "新增"))
    with pytest.raises(Conflict):
        draw.bus.handle(RegisterInspector("INS-099", "新人", "第一中队", "37021100001", None, CLERK, "新增"))
    with pytest.raises(NotFound):
        draw.bus.handle(ChangeInspector("INS-099", {"unit": "第二中队"}, CLERK, "调整"))
    draw.bus.handle(ChangeInspector("INS-002", {"unit": "第三中队"}, CLERK, "岗位调整"))
    assert audit_count(draw, "inspector.created") == 20 and audit_count(draw, "inspector.changed") == 1


def test_a_status_period_must_not_end_before_it_starts(draw):
    today = draw.clock.today_local()
    with pytest.raises(Invalid):
        draw.bus.handle(AddStatusPeriod("INS-001", "病假", today, today - timedelta(days=1), "", CLERK))


def test_the_quarter_report_lists_library_changes_and_the_headcount_feeds_the_quota(draw):
    today = draw.clock.today_local()
    period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    draw.bus.handle(ChangeInspector("INS-002", {"unit": "第三中队"}, CLERK, "岗位调整"))
    report = draw.bus.handle(QuarterChanges(period))
    assert any(c["object"] == "inspector:INS-002" and c["reason"] == "岗位调整" for c in report["changes"])
    filed = draw.bus.handle(FileReport("inspector_changes", period, CLERK))
    assert filed.content["late"] is False
    with pytest.raises(Conflict):
        draw.bus.handle(FileReport("inspector_changes", period, CLERK))
    assert draw.bus.handle(FileReport("headcount", str(today.year), CLERK)).content["count"] == 19


@pytest.mark.parametrize("kind, period", [("inspector_changes", "2026-4"), ("headcount", "next"), ("other", "2026")])
def test_a_filing_with_a_wrong_kind_or_period_is_invalid(draw, kind, period):
    with pytest.raises(Invalid):
        draw.bus.handle(FileReport(kind, period, CLERK))


def test_a_late_filing_is_accepted_and_marked_late(draw):
    assert draw.bus.handle(FileReport("inspector_changes", "2025Q4", CLERK)).content["late"] is True


def test_login_answers_the_principal_for_the_right_password_only(draw):
    principal = draw.bus.handle(Login("insp03", "jointinspect"))
    assert (principal.role, principal.subject, principal.department) == ("inspector", "INS-003", "STHJ")
    assert draw.bus.handle(Login("clerk01", "jointinspect")).subject == "clerk01"
    assert draw.bus.handle(Login("insp03", "wrong")) is None and draw.bus.handle(Login("nobody", "x")) is None


def test_an_account_is_created_once_with_a_known_role(draw):
    draw.bus.handle(CreateAccount("clerk02", "clerk", "综合科 王芳", password="secret-2"))
    assert draw.bus.handle(Login("clerk02", "secret-2")).name == "综合科 王芳"
    with pytest.raises(Conflict):
        draw.bus.handle(CreateAccount("clerk02", "clerk", "重复", password="x"))
    with pytest.raises(Invalid):
        draw.bus.handle(CreateAccount("boss", "emperor", "皇帝", password="x"))


def test_the_library_page_flags_expired_certificates(draw):
    overview = draw.bus.handle(InspectorLibraryOverview())
    assert overview["expired"] == {"INS-020"} and len(overview["inspectors"]) == 20
