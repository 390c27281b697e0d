"""The monthly dispatch table and the quarterly report (S11, S15), per squadron (中队) and department.

* monthly: the month's visits, due by the Nth of the month after (REPORTS_MONTHLY_DUE_DAY, default 5);
* quarterly: the quarter's visits, due by the Nth of the next quarter (REPORTS_QUARTERLY_DUE_DAY, default 10).

A visit belongs to the period its window starts in and to every department with items in it — each department
answerable for its own result (谁检查、谁录入), under the unit (中队) of its own first member (the old-shape team: the
team's first member). For each row: dispatched, inspected (the department's current, non-voided result), entered on time
(by the department's own publication deadline, N7, counted from the visit day), problems found (items), rectified,
rectification overdue, pending (nothing entered yet, deadline not passed), completion rate = entered on time /
(dispatched − pending). S15: a department's result not entered in time and a rectification overdue without
completion count as tasks not completed for that department, listed by name with the department. Pending visits
are left out of the rate because a report is due within days of the period's end, while a visit on its last days
still has its working days to be entered: counting them as failures would make every squadron look behind; the
rate is None (shown "—") when nothing is due yet.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shared.numerals import ordinal_rank
from shared.uow import UnitOfWork

from ..adapters.db import Assignment, Rectification, Result, VisitSchedule
from ..adapters.records import scheduled_day, squadron_of, voided_ids
from ..domain.deadlines import ResultRules, publication_deadline
from ..domain.periods import Period, period
from ..domain.team import counting_day
from ..queries import Report

COUNTS = ("dispatched", "inspected", "on_time", "pending", "problems", "rectified", "overdue")


def report(query: Report, uow: UnitOfWork, result_rules: ResultRules) -> dict:
    settings = uow.settings
    p = period(query.kind, query.key, settings.reports_monthly_due_day, settings.reports_quarterly_due_day)
    built = build(uow.session, p, uow.today(), result_rules.publication_working_days)
    return own_rows(built, query.reader_department) if query.reader_department else built


def own_rows(report: dict, department: str) -> dict:
    """A department's view of a report (issue 12): only its own rows and unfinished tasks, and their totals."""
    rows = [row for row in report["rows"] if row["department"] == department]
    totals = {key: sum(row[key] for row in rows) for key in COUNTS}
    totals["completion_rate"] = _rate(totals["on_time"], totals["dispatched"] - totals["pending"])
    return {**report, "rows": rows, "totals": totals,
            "not_completed": [t for t in report["not_completed"] if t["department"] == department]}


def build(session, p: Period, today: date, working_days: int) -> dict:
    assignments = [a for a in session.execute(select(Assignment)).scalars()
                   if p.start.isoformat() <= a.inspection["window"]["start"] <= p.end.isoformat()]
    ids = [a.inspection_id for a in assignments]
    voided = voided_ids(session)
    current: dict[tuple[str, str], Result | None] = {}
    for result in session.execute(select(Result).where(Result.inspection_id.in_(ids)).order_by(Result.round)
                                  ).scalars():
        current[(result.inspection_id, result.department)] = result if result.id not in voided else None
    schedules = {s.inspection_id: scheduled_day(s) for s in session.execute(
        select(VisitSchedule).where(VisitSchedule.inspection_id.in_(ids))).scalars()}
    by_visit: dict[tuple[str, str], list[Rectification]] = {}
    for r in session.execute(select(Rectification).where(Rectification.inspection_id.in_(ids))).scalars():
        by_visit.setdefault((r.inspection_id, r.department), []).append(r)

    rows: dict[tuple[str, str], dict] = {}
    not_completed: list[dict] = []
    for a in sorted(assignments, key=lambda a: (a.inspection["window"]["start"], a.inspection_id)):
        _count_visit(a, current, schedules.get(a.inspection_id), by_visit, rows, not_completed, today, working_days)
    ordered = [rows[key] for key in sorted(rows, key=lambda k: (ordinal_rank(k[0]), k))]
    for row in ordered:
        row["completion_rate"] = _rate(row["on_time"], row["dispatched"] - row["pending"])
    totals = {key: sum(row[key] for row in ordered) for key in COUNTS}
    totals["completion_rate"] = _rate(totals["on_time"], totals["dispatched"] - totals["pending"])
    return {"kind": p.kind, "period": p.key, "label": p.label, "start": p.start.isoformat(),
            "end": p.end.isoformat(), "due_on": p.due_on.isoformat(), "as_of": today.isoformat(),
            "rows": ordered, "totals": totals, "not_completed": not_completed}


def _count_visit(a: Assignment, current: dict, scheduled: date | None, by_visit: dict, rows: dict,
                 not_completed: list, today: date, working_days: int) -> None:
    company = a.inspection["company"]
    results = {d["code"]: current.get((a.inspection_id, d["code"])) for d in a.inspection["departments"]}
    recorded = [r.visit_date for r in results.values() if r is not None]
    waiting_due = publication_deadline(counting_day(recorded, scheduled, a.inspection["window"]["end"]),
                                       working_days).due
    for department in a.inspection["departments"]:
        result, squadron = results[department["code"]], squadron_of(a, department["code"])
        due = result.publication_due if result is not None and result.publication_due else waiting_due
        late_entry = (result is None and today > due) or (result is not None and result.published_late)
        missed = {"inspection_id": a.inspection_id, "company": company, "squadron": squadron,
                  "department": department["code"], "department_name": department["name"]}
        if late_entry:
            not_completed.append({**missed, "reason": "检查结果逾期录入" if result else "检查结果未按时录入",
                                  "due": due.isoformat()})
        row = rows.setdefault((squadron, department["code"]), {
            "squadron": squadron, "department": department["code"], "department_name": department["name"],
            **{key: 0 for key in COUNTS}})
        row["dispatched"] += 1
        row["pending"] += result is None and not late_entry
        if result is None:
            continue
        row["inspected"] += 1
        row["on_time"] += not result.published_late
        codes = {item["code"] for item in department["items"]}
        row["problems"] += sum(1 for i in result.items if i["item_code"] in codes and i["outcome"] == "发现问题")
        for r in by_visit.get((a.inspection_id, department["code"]), []):
            if r.result_id != result.id:
                continue
            row["rectified"] += r.status == "completed"
            if r.status == "open" and today > r.deadline:
                row["overdue"] += 1
                not_completed.append({**missed, "reason": f"整改逾期未完成（{r.item_name}）",
                                      "due": r.deadline.isoformat()})


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
