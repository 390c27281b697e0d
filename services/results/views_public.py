"""What results shows the public (N8, issue 13) and the approver's summary serialisers. The public body is built
from an allow-list — company name, credit code, plan, department, items with their outcome, category, date,
rectification status, the released summary — and every text in it passes through shared/masking.py, so an
ID-card or mobile number written anywhere upstream never reaches the feed."""
from __future__ import annotations

from shared.clock import iso
from shared.masking import mask_text

PUBLIC_ITEM_FIELDS = ("code", "name", "outcome")
RECTIFICATION_LABELS = {"none": "无需整改", "open": "整改中", "overdue": "逾期未完成整改", "completed": "已完成整改"}


def public_view(record) -> dict:
    """One department's public record of a visit (handlers/publication.PublicRecord)."""
    row = record.publication
    return {"company": {"name": mask_text(row.company_name), "uscc": row.company_uscc},
            "plan": {"id": row.plan_id, "name": mask_text(row.plan_name)},
            "department": {"code": row.department, "name": row.department_name},
            "visit_date": row.visit_date.isoformat(), "category": row.category,
            "items": [{key: mask_text(item.get(key)) for key in PUBLIC_ITEM_FIELDS} for item in row.items],
            "rectification": {"status": record.rectification,
                              "label": RECTIFICATION_LABELS[record.rectification],
                              "due": record.rectification_due.isoformat() if record.rectification_due else None},
            "summary": mask_text(record.summary),
            "published_at": iso(row.published_at)}


def public_visit_view(visit) -> dict:
    """N8 "tasks (after the visit)" (handlers/publication.PublicVisit): the company, plan, date and each
    department with its items and whether its result is public yet; never the team or the time of day."""
    inspection = visit.assignment.inspection
    return {"company": {"name": mask_text(inspection["company"]["name"]), "uscc": inspection["company"]["uscc"]},
            "plan": {"id": inspection["plan"]["id"], "name": mask_text(inspection["plan"]["name"])},
            "visit_date": visit.schedule.local_time[:10],
            "departments": [{"code": d["code"], "name": d["name"], "lead": bool(d.get("lead")),
                             "items": [{"code": i["code"], "name": mask_text(i["name"])} for i in d["items"]],
                             "result_published": d["code"] in visit.published}
                            for d in inspection["departments"]]}


def summary_version_view(version) -> dict:
    return {"version": version.version, "text": version.text, "written_by": version.written_by,
            "written_at": iso(version.written_at), "released_by": version.released_by,
            "released_at": iso(version.released_at) if version.released_at else None}


def summary_view(state) -> dict:
    """A result's summary as its approver sees it: every version, which one is public, and the public wording
    (masked) of the latest, so the approver sees exactly what a release would show."""
    result, latest, released = state.result, state.latest, state.released
    return {"result_id": result.id, "inspection_id": result.inspection_id, "department": result.department,
            "versions": [summary_version_view(v) for v in state.versions],
            "latest_version": latest.version if latest else None,
            "released_version": released.version if released else None,
            "public_text": mask_text(released.text) if released else None,
            "preview": mask_text(latest.text) if latest else None}


def summary_row(state) -> dict:
    """A row of the approver's page: the result's findings (for the approver, never public) next to the form."""
    result, publication = state.result, state.publication
    view = summary_view(state)
    names = {item["code"]: item["name"] for item in publication.items} if publication else {}
    findings = [{"item": names.get(item.get("item_code"), item.get("item_code")), "outcome": item.get("outcome"),
                 "findings": item.get("findings"), "measures": item.get("measures")} for item in result.items]
    return {**view, "company": publication.company_name if publication else result.inspection_id,
            "visit_date": result.visit_date.isoformat(), "category": result.category, "round": result.round,
            "findings": [f for f in findings if f["findings"] or f["measures"]],
            "draft": state.latest.text if state.latest else "",
            "status": ("已公开（最新版本）" if state.latest and state.latest.released_at
                       else "有未公开的修改" if state.released else "已撰写，未公开" if state.latest else "未撰写")}
