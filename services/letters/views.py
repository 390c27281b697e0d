"""letters' serialisers: pure functions object → dict for the API and the pages (never for events)."""
from __future__ import annotations

from shared.clock import iso
from shared.masking import mask_text

from .domain.documents import LABELS, visit_time_text

AWAITING_TIME = "待定检查时间"


def visit_time_label(content: dict) -> str:
    """The fixed visit time as printed (2026年12月3日 9:30); a set issued before times were fixed shows its window."""
    if content.get("visit_time"):
        return visit_time_text(content["visit_time"])
    window = content["window"]
    return f"{window['start']} 至 {window['end']}"


def document_item(document) -> dict:
    return {"id": document.id, "kind": document.kind, "number": document.number, "version": document.version,
            "status": document.status, "verification_code": document.verification_code,
            "issuer": document.content["issuer"], "issuer_code": document.issuer_code,
            "scheduled_at": document.content.get("scheduled_at"), "visit_time": visit_time_label(document.content),
            "revoked_reason": document.revoked_reason,
            "created_at": iso(document.created_at), "pdf_url": pdf_url(document.id)}


def visit_view(visit) -> dict:
    """Where a visit stands for its letters: 待定检查时间 until the time is fixed, then the fixed time."""
    if visit is None:
        return {"status": "awaiting_team", "label": "待确定检查人员", "scheduled_at": None, "local_time": None,
                "version": None}
    schedule = visit.schedule
    if schedule is None:
        return {"status": "awaiting_time", "label": AWAITING_TIME, "scheduled_at": None, "local_time": None,
                "version": None}
    status = "scheduled" if visit.inspectors is not None else "awaiting_team"
    return {"status": status, "label": visit_time_text(schedule["local_time"]),
            "scheduled_at": schedule["scheduled_at"], "local_time": schedule["local_time"],
            "version": schedule["version"]}


def awaiting_row(visit) -> dict:
    """A portal line for a visit whose team is known and whose time is not fixed yet: nothing to print yet."""
    inspection = visit.inspection
    return {"id": None, "kind": None, "number": "", "company": inspection["company"]["name"],
            "time": AWAITING_TIME, "inspectors": "、".join(i["name"] for i in visit.inspectors),
            "label": "", "pdf_url": None}


def pdf_url(document_id: str) -> str:
    return f"/letters/api/v1/documents/{document_id}/pdf"


def portal_row(document) -> dict:
    """One line of the inspector's portal."""
    content = document.content
    return {"id": document.id, "kind": document.kind, "number": document.number,
            "company": content["company"]["name"], "time": visit_time_label(content),
            "inspectors": "、".join(p["name"] + ("（组长）" if p.get("leader") else "") for p in content["inspectors"]),
            "label": content.get("label") or LABELS["joint_letter"], "pdf_url": pdf_url(document.id)}


def portal_pager(found) -> dict:
    """The portal's pager: where we are, how many visits in all, and the neighbouring pages' addresses (keeping
    the chosen page size)."""
    def url(number: int) -> str:
        return f"/letters/portal?page={number}&per_page={found.per_page}"
    return {"page": found.page, "pages": found.pages, "total": found.total, "per_page": found.per_page,
            "previous": url(min(found.page - 1, found.pages)) if found.page > 1 else None,
            "next": url(found.page + 1) if found.page < found.pages else None}


def verification_view(document) -> dict:
    """⚑ What anyone may learn from a verification code: genuine or not, current or revoked, and the facts
    a company needs to recognise real inspectors at its door."""
    content = document.content
    return {"genuine": True, "current": document.status == "current", "status": document.status,
            "number": document.number, "kind": document.kind, "issuer": content["issuer"],
            "issued_on": content["issued_on"], "company": {"name": mask_text(content["company"]["name"]),
                                                           "uscc": content["company"]["uscc"]},
            "window": content["window"], "visit_time": visit_time_label(content),
            "scheduled_at": content.get("scheduled_at"), "revoked_reason": mask_text(document.revoked_reason),
            "inspectors": content["inspectors"]}


def failure_item(failure) -> dict:
    return {"inspection_id": failure.inspection_id, "reason": failure.reason, "since": iso(failure.created_at)}


def seal_view(seal) -> dict:
    return {"sha256": seal.sha256, "issuer_code": seal.issuer_code, "width": seal.width, "height": seal.height,
            "uploaded_by": seal.uploaded_by, "uploaded_at": iso(seal.uploaded_at),
            "image_url": "/letters/api/v1/seal.png"}


def visit_company(visit, documents: list) -> str:
    """The company a visit's page names: from the visit's team event, else from its letters."""
    if visit is not None and visit.inspection:
        return visit.inspection["company"]["name"]
    return documents[0].content["company"]["name"] if documents else ""


def department_document_row(document) -> dict:
    """One document on a department's page of a visit: what it is, its number, time and download link."""
    content = document.content
    return {"id": document.id, "label": content.get("label") or LABELS.get(document.kind, document.kind),
            "number": document.number, "version": document.version, "time": visit_time_label(content),
            "issued_on": content.get("issued_on", ""), "revoked_reason": document.revoked_reason or "",
            "pdf_url": pdf_url(document.id)}
