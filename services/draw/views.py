"""draw's serialisers: pure functions object → dict for the API and the pages (never used for events: those
are payloads.py). The public draw record itself is the protocol's own form (domain.disclosure.public_record)."""
from __future__ import annotations

from shared.clock import iso, local_display

from .domain.library import snapshot

PURPOSE_LABELS = {"inspectors": "执法人员"}


def inspector_view(inspector, private: bool) -> dict:
    body = {"id": inspector.id, "name": inspector.name, "unit": inspector.unit,
            "department": inspector.department_code, **snapshot(inspector)}
    if not private:
        body.pop("phone")
    return body


def period_view(period) -> dict:
    return {"id": period.id, "inspector_id": period.inspector_id, "kind": period.kind, "start": str(period.start),
            "end": str(period.end)}


def interest_view(interest) -> dict:
    return {"id": interest.id, "inspector_id": interest.inspector_id, "company_uscc": interest.company_uscc}


def recusal_view(application) -> dict:
    return {"id": application.id, "company_uscc": application.company_uscc,
            "company_name": application.company_name, "inspector_id": application.inspector_id,
            "inspection_id": application.inspection_id, "reason": application.reason,
            "status": application.status, "due_on": str(application.due_on),
            "decided_by": application.decided_by, "decision_reason": application.decision_reason}


def randomness_entry_view(entry, draws: int) -> dict:
    """A public randomness entry as the public list shows it (issue 13)."""
    return {"id": entry.id, "numbers": entry.numbers, "source": entry.source, "issue": entry.issue,
            "drawn_at": iso(entry.drawn_at) if entry.drawn_at else None, "entered_at": iso(entry.entered_at),
            "draws": draws}


def randomness_view(entered) -> dict:
    """A public randomness entry and the draws it made (handlers/seeds.RandomnessEntered)."""
    row = entered.entry
    return {"id": row.id, "numbers": row.numbers, "source": row.source, "issue": row.issue,
            "drawn_at": iso(row.drawn_at), "entered_at": iso(row.entered_at),
            "draws": [{"id": d.id, "subject_kind": d.subject_kind, "purpose": d.purpose, "department": d.department}
                      for d in entered.draws]}


def filing_view(filing) -> dict:
    return {"kind": filing.kind, "period": filing.period, "due_on": str(filing.due_on),
            "late": filing.content["late"], "filed_at": iso(filing.filed_at), "count": filing.content.get("count")}


def replacement_view(replacement) -> dict:
    return {"id": replacement.id, "inspection_id": replacement.inspection_id, "draw_id": replacement.draw_id,
            "inspector_id": replacement.inspector_id, "reason": replacement.reason, "text": replacement.text,
            "status": replacement.status, "requested_by": replacement.requested_by,
            "requested_at": iso(replacement.requested_at), "decided_by": replacement.decided_by,
            "replacement_inspector_id": replacement.replacement_id, "decision_text": replacement.decision_text}


def decided_row(replacement) -> dict:
    """The approver page's 'done' table: the outcome worded here, not in the template."""
    return {"inspector_id": replacement.inspector_id, "reason": replacement.reason,
            "outcome": "同意" if replacement.status == "approved" else "不同意",
            "replacement_id": replacement.replacement_id or "", "decided_by": replacement.decided_by,
            "decided_at": replacement.decided_at}


STAFFING_LABELS = {"library": "人员库抽取", "named": "部门指派（匹配）", "match": "支队直接匹配"}
PART_STATUS_LABELS = {"blocked": "无法抽取", "waiting": "等待中", "randomness": "等待公开随机数", "complete": "已完成"}


def blocked_view(pending) -> dict:
    """A department part whose officers are missing (handlers/naming.PendingPart), with what would unblock it
    and, for a department naming its own officers, its deadline."""
    part = pending.part
    return {"inspection_id": part.inspection_id, "department": part.department,
            "department_name": part.department_name, "staffing": part.staffing,
            "staffing_label": STAFFING_LABELS[part.staffing], "status": part.status, "reason": part.reason or "",
            "since": iso(part.created_at), "naming_due": iso(part.naming_due) if part.naming_due else None,
            "overdue": pending.overdue, "company": pending.inspection.get("company", {}),
            "window": pending.inspection.get("window", {}),
            "retry": part.staffing == "library" and part.draw_id is None and part.status == "blocked"}


def part_view(part) -> dict:
    return {"department": part.department, "department_name": part.department_name, "lead": part.lead,
            "staffing": part.staffing, "status": part.status, "status_label": PART_STATUS_LABELS[part.status],
            "reason": part.reason, "via": part.via, "draw_id": part.draw_id, "inspector_ids": list(part.inspector_ids),
            "naming_due": iso(part.naming_due) if part.naming_due else None}


def target_view(target) -> dict:
    return {"uscc": target.uscc, "name": target.name, "address": target.address, "unit_class": target.unit_class,
            "credit_class": target.credit_class, "active": target.active, "library": target.library}


def target_row(target) -> dict:
    """A row of the library page, its state in words."""
    return {**target_view(target), "status": "在库" if target.active else "已移出"}


def target_draw_view(target_draw, sealed: bool = False) -> dict:
    """Sealed (the public before every drawn company was visited, N4): the rules, strata sizes, quotas and their
    draw ids, and how many companies — never which."""
    body = {"id": target_draw.id, "plan_id": target_draw.plan_id, "period": target_draw.period,
            "library": target_draw.library, "rules": target_draw.rules,
            "on_duty_officers": target_draw.on_duty_officers, "strata": target_draw.strata,
            "target_count": len(target_draw.targets), "created_at": iso(target_draw.created_at),
            "disclosed": not sealed,
            "status": "waiting_for_randomness" if any(s.get("commitment_id") and not s.get("draw_id")
                                                      for s in target_draw.strata) else "drawn"}
    if not sealed:
        body.update(targets=target_draw.targets, operator=target_draw.operator)
    return body


def matching_view(result, sealed: bool = False) -> dict:
    """Sealed (the public before the visit's time, N4): that a team was matched, when and how many — no visit, no
    officer, no reason (it may name the company)."""
    body = {"matched_at": iso(result.matched_at), "method": "直接匹配（非摇号）",
            "inspector_count": len(result.inspector_ids), "disclosed": not sealed}
    if not sealed:
        body.update(inspection_id=result.inspection_id, inspector_ids=result.inspector_ids, reason=result.reason,
                    matched_by=result.matched_by)
    return body


def draw_row(record: dict) -> dict:
    """A row of the public draw list: what it was for, in words — before the visit never the company (N4)."""
    return {"id": record["id"], "created_at": record["created_at"], "subject": subject_of(record)["id"],
            "purpose": PURPOSE_LABELS.get(record["purpose"], record["purpose"]), "pool_size": record["pool_size"],
            "count": record["count"], "disclosed": record["disclosed"]}


def subject_of(record: dict) -> dict:
    """What the draw was for, as the list and the verification page name it: a sealed inspector draw by its plan
    and department only, a disclosed one by the company it was for."""
    if record.get("subject_kind") == "target_draw":
        return {"label": "对象抽取编号", "id": record["subject_id"]}
    department = f"（{record['department']}）" if record.get("department") else ""
    if not record.get("disclosed"):
        plan = record.get("plan") or {}
        return {"label": "检查计划（部门）", "id": (plan.get("name") or plan.get("number") or "—") + department}
    company = (record.get("company") or {}).get("name")
    if company:
        return {"label": "被检查单位（部门）", "id": company + department}
    return {"label": "检查编号（部门）", "id": f"{record['inspection_id']}{department}"}


def visit_label(record: dict) -> str:
    """The visit as the sealed page says it: the fixed time, else the window, else that it is not fixed yet."""
    visit = record.get("visit") or {}
    if visit.get("scheduled_at"):
        return local_display(visit["scheduled_at"])
    window = visit.get("window")
    return f"{window['start']} 至 {window['end']}（具体时间待确定）" if window else "待确定"


def operator_label(record: dict) -> str:
    return "系统自动抽取" if record["operator"].startswith("system:") else record["operator"]


def inspector_row(inspector, expired: bool) -> dict:
    """A row of the clerk's library page: flags in words, expiry decided by the handler."""
    return {"id": inspector.id, "name": inspector.name, "unit": inspector.unit,
            "certificate_no": inspector.certificate_no, "certificate_expiry": inspector.certificate_expiry,
            "expired": expired, "established": "是" if inspector.established else "否",
            "on_duty": "是" if inspector.on_duty else "否", "jurisdiction": inspector.jurisdiction}


def schedule_view(schedule, tz) -> dict:
    """A visit's schedule for the API and the pages: the fixed time in UTC and in local time, its changes."""
    local = local_display(schedule.scheduled_at, tz=tz) if schedule.scheduled_at else None
    return {"inspection_id": schedule.inspection_id, "plan": schedule.plan, "company": schedule.company,
            "window": {"start": str(schedule.window_start), "end": str(schedule.window_end)},
            "departments": schedule.departments, "leader_id": schedule.leader_id, "inspectors": schedule.team,
            "scheduled_at": iso(schedule.scheduled_at) if schedule.scheduled_at else None, "local_time": local,
            "version": schedule.version, "scheduled_by": schedule.scheduled_by, "history": schedule.history,
            "status": "已确定" if schedule.scheduled_at else "待确定"}
