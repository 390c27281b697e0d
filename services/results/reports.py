"""The monthly dispatch table and the quarterly report (S11, S15), per squadron (中队) and department.

* monthly: the previous month's visits, due by the 5th of the month after;
* quarterly: the quarter's visits, due within 10 days of the next quarter's start; posted publicly with a chart.

A visit belongs to the period its window starts in, to the squadron of its team's first member (the team leader
the draw lists first) and to every department with items in it. For each row: dispatched, inspected (a current,
non-voided result), entered on time (by the 20-working-day publication deadline, N7), problems found (items),
rectified, rectification overdue, pending (nothing entered yet, deadline not passed), completion rate = entered on
time / (dispatched − pending). S15: a result not entered in time and a rectification overdue without completion
count as tasks not completed, listed by name. Pending visits are left out of the rate because a report is due
within days of the period's end, while a visit on its last days still has 20 working days to be entered: counting
them as failures would make every squadron look behind; the rate is None (shown "—") when nothing is due yet.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from shared.errors import Invalid
from shared.numerals import ordinal_rank

from .adapters.db import Assignment, Rectification, Result, ResultVoid
from .domain.deadlines import publication_deadline
from .rectifications import squadron_of

QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class Period:
    kind: str  # monthly / quarterly
    key: str  # 2026-11 / 2026Q4
    start: date
    end: date
    label: str
    due_on: date


def period(kind: str, key: str) -> Period:
    """`monthly` + `2026-11`, or `quarterly` + `2026Q4`; Invalid with a Chinese message otherwise."""
    if kind == "monthly" and (match := re.fullmatch(r"(\d{4})-(\d{2})", key)) and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        start, after = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
        return Period(kind, key, start, after - timedelta(days=1), f"{year}年{month}月", after + timedelta(days=4))
    if kind == "quarterly" and (match := re.fullmatch(r"(\d{4})Q([1-4])", key)):
        year, q = int(match[1]), int(match[2])
        start = date(year, 3 * q - 2, 1)
        after = date(year + q // 4, (3 * q) % 12 + 1, 1)
        return Period(kind, key, start, after - timedelta(days=1), f"{year}年第{QUARTER_NAMES[q - 1]}季度",
                      after + timedelta(days=9))
    raise Invalid("报表期间格式不正确", fields={"period": ["月报格式如 2026-11，季报格式如 2026Q4"]})


def build(session, p: Period, today: date, working_days: int) -> dict:
    assignments = [a for a in session.execute(select(Assignment)).scalars()
                   if p.start.isoformat() <= a.inspection["window"]["start"] <= p.end.isoformat()]
    ids = [a.inspection_id for a in assignments]
    voided = set(session.execute(select(ResultVoid.result_id)).scalars())
    current: dict[str, Result] = {}
    for result in session.execute(select(Result).where(Result.inspection_id.in_(ids)).order_by(Result.round)
                                  ).scalars():
        if result.id not in voided:
            current[result.inspection_id] = result
    rectifications = session.execute(select(Rectification).where(Rectification.inspection_id.in_(ids))).scalars()
    by_visit: dict[tuple[str, str], list[Rectification]] = {}
    for r in rectifications:
        by_visit.setdefault((r.inspection_id, r.department), []).append(r)

    rows: dict[tuple[str, str], dict] = {}
    not_completed = []
    for a in sorted(assignments, key=lambda a: (a.inspection["window"]["start"], a.inspection_id)):
        squadron = squadron_of(a)
        result = current.get(a.inspection_id)
        due = publication_deadline(date.fromisoformat(a.inspection["window"]["end"]), working_days).due
        late_entry = (result is None and today > due) or (result is not None and result.published_late)
        company = a.inspection["company"]
        if late_entry:
            not_completed.append({"inspection_id": a.inspection_id, "company": company, "squadron": squadron,
                                  "reason": "检查结果逾期录入" if result else "检查结果未按时录入",
                                  "due": due.isoformat()})
        for department in a.inspection["departments"]:
            row = rows.setdefault((squadron, department["code"]), {
                "squadron": squadron, "department": department["code"], "department_name": department["name"],
                "dispatched": 0, "inspected": 0, "on_time": 0, "pending": 0, "problems": 0, "rectified": 0,
                "overdue": 0})
            row["dispatched"] += 1
            row["pending"] += result is None and not late_entry
            if result is not None:
                row["inspected"] += 1
                row["on_time"] += not result.published_late
                codes = {item["code"] for item in department["items"]}
                row["problems"] += sum(1 for i in result.items
                                       if i["item_code"] in codes and i["outcome"] == "发现问题")
            for r in by_visit.get((a.inspection_id, department["code"]), []) if result else []:
                if r.result_id != result.id:
                    continue
                row["rectified"] += r.status == "completed"
                if r.status == "open" and today > r.deadline:
                    row["overdue"] += 1
                    not_completed.append({"inspection_id": a.inspection_id, "company": company,
                                          "squadron": squadron, "reason": f"整改逾期未完成（{r.item_name}）",
                                          "due": r.deadline.isoformat()})
    ordered = [rows[key] for key in sorted(rows, key=lambda k: (ordinal_rank(k[0]), k))]
    for row in ordered:
        row["completion_rate"] = _rate(row["on_time"], row["dispatched"] - row["pending"])
    totals = {key: sum(row[key] for row in ordered) for key in
              ("dispatched", "inspected", "on_time", "pending", "problems", "rectified", "overdue")}
    totals["completion_rate"] = _rate(totals["on_time"], totals["dispatched"] - totals["pending"])
    return {"kind": p.kind, "period": p.key, "label": p.label, "start": p.start.isoformat(),
            "end": p.end.isoformat(), "due_on": p.due_on.isoformat(), "as_of": today.isoformat(),
            "rows": ordered, "totals": totals, "not_completed": not_completed}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


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
    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"统计期间：{report['start']} 至 {report['end']}；报送期限：{report['due_on']}；"
                  f"统计日：{report['as_of']}"])
    sheet.append([label for _, label in COLUMNS])
    for row in [*report["rows"], {"squadron": "合计", "department_name": "", **report["totals"]}]:
        sheet.append([row[key] if row[key] is not None else "—" for key, _ in COLUMNS])
        sheet.cell(sheet.max_row, len(COLUMNS)).number_format = "0.0%"
    for column, width in zip("ABCDEFGHIJ", (14, 30, 12, 10, 10, 14, 10, 10, 10, 10)):
        sheet.column_dimensions[column].width = width
    missed = book.create_sheet("未完成任务")
    missed.append(["检查编号", "企业名称", "统一社会信用代码", "中队", "原因", "期限"])
    for item in report["not_completed"]:
        missed.append([item["inspection_id"], item["company"]["name"], item["company"]["uscc"], item["squadron"],
                       item["reason"], item["due"]])
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
