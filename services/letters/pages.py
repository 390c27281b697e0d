"""The inspector's portal (works on a phone): my inspections, their letters, and a batch printed as one PDF.
Before the visit only the assigned inspectors, clerks and approvers see who inspects whom (N4)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import select

from shared.auth import current_principal
from shared.pages import require_page
from shared.web import runtime_of

from . import seals
from .adapters.db import Document, db
from .handlers import sort_set

pages = Blueprint("letters_pages", __name__, url_prefix="/letters")
PEOPLE = ("inspector", "clerk", "approver", "admin")


def visible_documents(principal, ids: list[str] | None = None) -> list[Document]:
    """Current letters this person may see: an inspector their own team's, staff all."""
    query = select(Document).where(Document.status == "current").order_by(Document.created_at.desc())
    if ids is not None:
        query = query.where(Document.id.in_(ids))
    rows = sort_set(db.session.execute(query).scalars().all())
    if principal.role == "inspector":
        rows = [d for d in rows if principal.subject in d.inspector_ids]
    return rows


@pages.get("/portal")
@require_page(*PEOPLE)
def portal():
    documents = visible_documents(current_principal())
    return render_template("letters/portal.html", documents=documents)


@pages.post("/portal/batch")
@require_page(*PEOPLE)
def print_batch():
    """Several inspections' letters as one PDF, each letter starting on its own page."""
    ids = request.form.getlist("document")
    documents = visible_documents(current_principal(), ids)
    if not documents:
        return render_template("error.html", status=422, message="请至少选择一份本人可查看的文书"), 422
    pdf = seals.render(db.session, runtime_of(current_app).deps, [d.content for d in documents])
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": "attachment; filename=\"letters-batch.pdf\""})
