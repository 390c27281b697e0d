"""A department's page of one visit's letters (issue 12): every document of the set, current and revoked, to
download one by one or print together — for the departments taking part in the visit (and staff)."""
from __future__ import annotations

from flask import Blueprint, render_template

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.web import handle

from . import views
from .queries import DocumentsOfInspection, VisitTime

department_pages = Blueprint("letters_department_pages", __name__, url_prefix="/letters/department")


@department_pages.get("/visits/<inspection_id>")
@require_page("department", "clerk", "approver", "admin")
def visit_documents(inspection_id):
    principal = current_principal()
    try:
        rows = handle(DocumentsOfInspection(inspection_id, principal))
        visit = handle(VisitTime(inspection_id, principal))
    except DomainError as error:
        return render_template("error.html", status=error.status, message=error.message), error.status
    return render_template("letters/department_visit.html", inspection_id=inspection_id,
                           visit=views.visit_view(visit), company=views.visit_company(visit, rows),
                           current=[views.department_document_row(d) for d in rows if d.status == "current"],
                           revoked=[views.department_document_row(d) for d in rows if d.status != "current"])
