"""results' serialisers for staff, inspectors and departments: records in, plain dicts out (HTTP bodies and page
rows). Status labels are decided here, not in templates. What the public sees is views_public.py (an allow-list,
masked); event payloads are built in payloads.py, never from these."""
from __future__ import annotations

from shared.clock import iso

from .adapters.db import Confirmation, Correction, Draft, Evidence, Result, ResultVoid, VisitSchedule
from .adapters.records import RectificationRecord

VISIT_STATUS = {"submitted": ("已提交", "ok"), "not_started": ("未到检查时间", "muted"), "to_enter": ("待录入", "bad")}
DEPARTMENT_STATUS = {"submitted": ("已提交", "ok"), "not_started": ("未到检查时间", "muted"),
                     "to_enter": ("待录入", "bad"), "late": ("逾期未录入", "bad")}
DECISIONS = {"pending": "待审批", "approved": "分局已同意，待支队决定", "confirmed": "支队同意，原结果已作废",
             "rejected": "不同意"}


def result_view(result: Result, void: ResultVoid | None) -> dict:
    return {"id": result.id, "inspection_id": result.inspection_id, "department": result.department,
            "round": result.round, "status": "voided" if void else result.status, "category": result.category,
            "visit_date": result.visit_date.isoformat(), "items": result.items,
            "company_confirmation": result.company_confirmation, "confirmation_id": result.confirmation_id,
            "submitted_by": result.submitted_by,
            "submitted_at": iso(result.submitted_at),
            "publication_due": result.publication_due.isoformat() if result.publication_due else None,
            "published_late": result.published_late,
            "void": {"correction_id": void.correction_id, "voided_by": void.voided_by,
                     "voided_at": iso(void.voided_at)} if void else None}


def submitted_view(results: list[Result]) -> dict:
    """The answer to a submission: the (first) department's result, and every result the submission wrote."""
    views = [result_view(result, None) for result in results]
    return {**views[0], "results": views}


def confirmation_view(confirmation: Confirmation | None) -> dict | None:
    if confirmation is None:
        return None
    return {"id": confirmation.id, "inspection_id": confirmation.inspection_id, "scope": confirmation.scope,
            **confirmation.body, "recorded_by": confirmation.recorded_by,
            "recorded_at": iso(confirmation.recorded_at)}


def schedule_view(schedule: VisitSchedule | None) -> dict | None:
    if schedule is None:
        return None
    return {"scheduled_at": iso(schedule.scheduled_at), "local_time": schedule.local_time,
            "version": schedule.version}


def department_state_view(state) -> dict:
    label, css = DEPARTMENT_STATUS[state.status]
    return {"department": state.code, "name": state.name, "lead": state.lead, "round": state.round,
            "status": state.status, "status_label": label, "status_class": css, "due": state.due.isoformat(),
            "result_id": state.result.id if state.result else None,
            "category": state.result.category if state.result else None}


def progress_view(progress) -> dict:
    """A visit's state per department: complete when every department has submitted."""
    a = progress.assignment
    return {"inspection_id": a.inspection_id, "company": a.inspection["company"], "leader_id": a.leader_id,
            "complete": progress.complete, "schedule": schedule_view(progress.schedule),
            "confirmation": confirmation_view(progress.confirmation),
            "departments": [department_state_view(s) for s in progress.departments],
            "parts": a.parts}


def draft_view(draft: Draft) -> dict:
    return {"inspection_id": draft.inspection_id, "department": draft.department, "body": draft.body,
            "saved_at": iso(draft.saved_at)}


def evidence_view(evidence: Evidence) -> dict:
    return {"sha256": evidence.sha256, "content_type": evidence.content_type, "size": evidence.size,
            "filename": evidence.filename, "url": f"/results/api/v1/evidence/{evidence.sha256}"}


def correction_view(correction: Correction) -> dict:
    return {"id": correction.id, "result_id": correction.result_id, "inspection_id": correction.inspection_id,
            "department": correction.department, "reason": correction.reason,
            "application_scan": correction.application_sha256,
            "requested_by": correction.requested_by, "requested_at": iso(correction.requested_at),
            "status": correction.status, "decided_by": correction.decided_by,
            "decided_at": iso(correction.decided_at) if correction.decided_at else None,
            "decision_note": correction.decision_note, "detachment_by": correction.detachment_by,
            "detachment_at": iso(correction.detachment_at) if correction.detachment_at else None,
            "detachment_note": correction.detachment_note}


def rectification_view(record: RectificationRecord) -> dict:
    r = record.rectification
    return {
        "squadron": record.squadron,
        "id": r.id, "inspection_id": r.inspection_id, "result_id": r.result_id, "department": r.department,
        "item_code": r.item_code, "item_name": r.item_name, "company": r.company, "problem": r.problem,
        "deadline": r.deadline.isoformat(), "status": r.status, "overdue": record.overdue,
        "completed_at": iso(r.completed_at) if r.completed_at else None,
        "progress": [{"note": e.note, "delay_reason": e.delay_reason, "completed": e.completed,
                      "evidence": e.evidence, "recorded_by": e.recorded_by, "recorded_at": iso(e.recorded_at)}
                     for e in record.progress],
    }


def my_visit_row(state) -> dict:
    """A row of the inspector's list: the fixed time, each department's state, the inspector's own departments'
    forms (opened once the visit has begun) and whether the visit is complete."""
    a = state.assignment
    label, css = VISIT_STATUS[state.status]
    rounds = [s.round for s in state.departments if s.code in state.mine]
    return {"inspection_id": a.inspection_id, "company": a.inspection["company"]["name"],
            "window": f"{a.inspection['window']['start']} 至 {a.inspection['window']['end']}",
            "scheduled": state.schedule.local_time if state.schedule else "",
            "round": f"第{max(rounds)}轮（重新检查）" if rounds and max(rounds) > 1 else "首次",
            "status": label, "status_class": css, "complete": state.complete,
            "visit_status": "已完成（各部门均已提交）" if state.complete else "未完成",
            "departments": [department_state_view(s) for s in state.departments],
            "forms": [{"department": s.code, "name": s.name,
                       "link_text": "查看" if s.status == "submitted" else "录入结果",
                       "can_open": s.status != "not_started"} for s in state.departments if s.code in state.mine]}


def round_note(round_: int) -> str:
    """What the form says of a re-inspection round (S8), nothing for the first."""
    return f"第{round_}轮（更正后重新检查）" if round_ > 1 else ""


def waiting_row(waiting) -> dict:
    a = waiting.assignment
    return {"company": a.inspection["company"]["name"], "department": waiting.department.name,
            "window": f"{a.inspection['window']['start']} 至 {a.inspection['window']['end']}",
            "round": waiting.round, "due": waiting.due.isoformat(),
            "status": "已逾期" if waiting.late else "待录入", "late": waiting.late}


def visit_progress_row(progress) -> dict:
    """The clerk's view of a visit: each department's state; complete when every department has submitted."""
    a = progress.assignment
    return {"company": a.inspection["company"]["name"],
            "scheduled": progress.schedule.local_time if progress.schedule else "",
            "window": f"{a.inspection['window']['start']} 至 {a.inspection['window']['end']}",
            "complete": progress.complete, "status": "已完成" if progress.complete else "未完成",
            "departments": [department_state_view(s) for s in progress.departments]}


def dashboard_rectification_row(record: RectificationRecord) -> dict:
    row = rectification_view(record)
    latest = row["progress"][-1] if row["progress"] else None
    return {**row, "latest": latest, "status_label": "已逾期" if record.overdue else "整改中"}


def correction_row(correction: Correction, result: Result, department_name: str) -> dict:
    return {"correction": correction, "result": result, "decision": DECISIONS.get(correction.status, "待审批"),
            "department": department_name}


def department_visit_view(visit) -> dict:
    """One visit on 本部门的联合检查: its time, whole team (the department's own members marked), every department's
    state, and the department's own results, rectifications and the page listing its letters."""
    a, own = visit.assignment, visit.department
    mine = next(s for s in visit.departments if s.code == own["code"])
    label, css = DEPARTMENT_STATUS[mine.status]
    return {"inspection_id": a.inspection_id, "company": a.inspection["company"], "plan": a.inspection["plan"],
            "window": a.inspection["window"], "schedule": schedule_view(visit.schedule),
            "time": visit.schedule.local_time if visit.schedule else "待定检查时间",
            "department": {"code": own["code"], "name": own["name"], "lead": bool(own.get("lead")),
                           "items": [{"code": i["code"], "name": i["name"]} for i in own["items"]]},
            "status": mine.status, "status_label": label, "status_class": css,
            "team": [{"name": m["name"], "certificate_no": m["certificate_no"],
                      "department": m.get("department_name") or m.get("department"), "own": m["own"],
                      "leader": m["leader"]} for m in visit.team],
            "departments": [department_state_view(s) for s in visit.departments],
            "complete": all(s.status == "submitted" for s in visit.departments),
            "results": [result_view(result, void) for result, void in visit.results],
            "rectifications": [rectification_view(record) for record in visit.rectifications],
            "letters_url": f"/letters/department/visits/{a.inspection_id}"}


def department_visits_view(page) -> dict:
    return {"items": [department_visit_view(v) for v in page.visits], "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages}
