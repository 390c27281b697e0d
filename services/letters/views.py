"""letters' serialisers: pure functions object → dict for the API and the pages (never for events)."""
from __future__ import annotations

from shared.clock import iso

from .domain.documents import LABELS


def document_item(document) -> dict:
    return {"id": document.id, "kind": document.kind, "number": document.number, "version": document.version,
            "status": document.status, "verification_code": document.verification_code,
            "created_at": iso(document.created_at), "pdf_url": pdf_url(document.id)}


def pdf_url(document_id: str) -> str:
    return f"/letters/api/v1/documents/{document_id}/pdf"


def portal_row(document) -> dict:
    """One line of the inspector's portal."""
    content = document.content
    return {"id": document.id, "kind": document.kind, "number": document.number,
            "company": content["company"]["name"], "window": content["window"],
            "inspectors": "、".join(p["name"] for p in content["inspectors"]),
            "label": content.get("label") or LABELS["joint_letter"], "pdf_url": pdf_url(document.id)}


def verification_view(document) -> dict:
    """⚑ What anyone may learn from a verification code: genuine or not, current or revoked, and the facts
    a company needs to recognise real inspectors at its door."""
    content = document.content
    return {"genuine": True, "current": document.status == "current", "status": document.status,
            "number": document.number, "kind": document.kind, "issuer": content["issuer"],
            "issued_on": content["issued_on"], "company": {"name": content["company"]["name"],
                                                           "uscc": content["company"]["uscc"]},
            "window": content["window"], "inspectors": content["inspectors"]}


def failure_item(failure) -> dict:
    return {"inspection_id": failure.inspection_id, "reason": failure.reason, "since": iso(failure.created_at)}


def seal_view(seal) -> dict:
    return {"sha256": seal.sha256, "issuer_code": seal.issuer_code, "width": seal.width, "height": seal.height,
            "uploaded_by": seal.uploaded_by, "uploaded_at": iso(seal.uploaded_at),
            "image_url": "/letters/api/v1/seal.png"}
