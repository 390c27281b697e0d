"""The inspector's portal (works on a phone): my inspections, their letters, and a batch printed as one PDF.
Before the visit only the assigned inspectors, clerks, approvers and the departments taking part see who
inspects whom (N4)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from shared.auth import current_principal
from shared.pages import require_page
from shared.web import handle

from . import views
from .queries import AwaitingTime, BatchPdf, PortalDocuments

pages = Blueprint("letters_pages", __name__, url_prefix="/letters")
PEOPLE = ("inspector", "clerk", "approver", "admin", "department")


@pages.get("/portal")
@require_page(*PEOPLE)
def portal():
    documents = handle(PortalDocuments(current_principal()))
    awaiting = handle(AwaitingTime(current_principal()))
    return render_template("letters/portal.html", documents=[views.portal_row(d) for d in documents],
                           awaiting=[views.awaiting_row(v) for v in awaiting])


@pages.post("/portal/batch")
@require_page(*PEOPLE)
def print_batch():
    """Several inspections' letters as one PDF, each letter starting on its own page."""
    pdf = handle(BatchPdf(tuple(request.form.getlist("document")), current_principal()))
    if pdf is None:
        return render_template("error.html", status=422, message="请至少选择一份本人可查看的文书"), 422
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": "attachment; filename=\"letters-batch.pdf\""})
