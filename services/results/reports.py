"""The monthly and quarterly reports as people read them (S11, S15): table columns, cells, title, the xlsx, the
PDF and the public page's chart. Presentation only: the report itself is the `Report` query's answer."""
from __future__ import annotations

import io

COLUMNS = (("squadron", "中队"), ("department_name", "部门"), ("dispatched", "派发任务数"), ("inspected", "已检查"),
           ("on_time", "按时录入"), ("pending", "未到录入期限"),
           ("problems", "发现问题"), ("rectified", "已整改"), ("overdue", "整改逾期"),
           ("completion_rate", "完成率"))


def cell(row: dict, key: str) -> str:
    """One table cell as the page and the PDF print it: the rate as a percentage, "—" when nothing was due."""
    value = row[key]
    if key != "completion_rate":
        return str(value)
    return "—" if value is None else f"{value * 100:.1f}%"


def title(report: dict) -> str:
    kind = "双随机抽查任务调度表" if report["kind"] == "monthly" else "双随机抽查季度报表"
    return f"{report['label']}{kind}"


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from shared.xlsx import append_row
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    append_row(sheet, [title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [f"统计期间：{report['start']} 至 {report['end']}；报送期限：{report['due_on']}；"
                       f"统计日：{report['as_of']}"])
    append_row(sheet, [label for _, label in COLUMNS])
    for row in [*report["rows"], {"squadron": "合计", "department_name": "", **report["totals"]}]:
        append_row(sheet, [row[key] if row[key] is not None else "—" for key, _ in COLUMNS])
        sheet.cell(sheet.max_row, len(COLUMNS)).number_format = "0.0%"
    for column, width in zip("ABCDEFGHIJ", (14, 30, 12, 10, 10, 14, 10, 10, 10, 10)):
        sheet.column_dimensions[column].width = width
    missed = book.create_sheet("未完成任务")
    append_row(missed, ["检查编号", "企业名称", "统一社会信用代码", "中队", "部门", "原因", "期限"])
    for item in report["not_completed"]:
        append_row(missed, [item["inspection_id"], item["company"]["name"], item["company"]["uscc"],
                            item["squadron"], item.get("department_name", ""), item["reason"], item["due"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report: dict) -> bytes:
    from flask import render_template

    from shared.pdf import write_pdf
    return write_pdf(render_template("results/report_pdf.html", report=report, title=title(report),
                                     columns=COLUMNS, cell=cell))


def chart(report: dict, label_width: int = 300, track: int = 380, bar_height: int = 26) -> dict:
    """Completion rate per squadron × department, as SVG geometry for the public page (no script). The label
    column is wide enough for "第四中队·青岛西海岸新区应急管理局" at 13 px; a row with nothing due shows an empty
    track and "—"."""
    bars = [{"label": f"{row['squadron']}·{row['department_name']}", "text": cell(row, "completion_rate"),
             "y": n * (bar_height + 8), "width": round(track * (row["completion_rate"] or 0), 1)}
            for n, row in enumerate(report["rows"])]
    return {"bars": bars, "x": label_width, "track": track, "width": label_width + track + 70,
            "height": len(bars) * (bar_height + 8)}
