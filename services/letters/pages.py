"""The inspector's portal (works on a phone): my inspections, their letters, and a batch printed as one PDF.
Before the visit only the assigned inspectors, clerks, approvers and the departments taking part see who
inspects whom (N4)."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from shared.auth import current_principal
from shared.pages import require_page
from shared.schemas import page_number
from shared.web import current_runtime, handle

from . import views
from .batch_printing import batch_pdf_apart
from .queries import AwaitingTime, BatchPdf, PortalDocuments

pages = Blueprint("letters_pages", __name__, url_prefix="/letters")
PEOPLE = ("inspector", "clerk", "approver", "admin", "department")
PAGE_SIZES = (20, 50, 100)  # visits per page of the portal


@pages.get("/portal")
@require_page(*PEOPLE)
def portal():
    """A page of sets, newest first; visits still waiting for their time head the first page."""
    per_page = request.args.get("per_page", type=int)
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    number = page_number(request.args.get("page")) or 1
    found = handle(PortalDocuments(current_principal(), number, per_page))
    awaiting = handle(AwaitingTime(current_principal())) if number == 1 else []
    return render_template("letters/portal.html", documents=[views.portal_row(d) for d in found.documents],
                           awaiting=[views.awaiting_row(v) for v in awaiting], pager=views.portal_pager(found),
                           sizes=PAGE_SIZES)


@pages.post("/portal/batch")
@require_page(*PEOPLE)
def print_batch():
    """Several inspections' letters as one PDF, each letter starting on its own page — laid out in a child process,
    so this worker does not keep a layout's memory (batch_printing.py, P7)."""
    pdf = batch_pdf_apart(current_runtime(), BatchPdf(tuple(request.form.getlist("document")), current_principal()),
                          request.headers.get("X-Correlation-Id"))
    if pdf is None:
        return render_template("error.html", status=422, message="请至少选择一份本人可查看的文书"), 422
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": "attachment; filename=\"letters-batch.pdf\""})
