"""本部门的联合检查 (issue 12), for a department's account (phone-friendly Chinese): each visit its department takes
part in — the fixed time, the whole team with the department's own members marked, each department's state, the
letters (on letters' page of the visit), and the department's own results and rectifications; paged."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from shared.auth import current_principal
from shared.pages import require_page
from shared.schemas import page_number
from shared.web import handle

from . import views
from .queries import DepartmentVisits

department_pages = Blueprint("results_department_pages", __name__, url_prefix="/results/department")
PER_PAGE = 10


@department_pages.get("/visits")
@require_page("department")
def visits():
    principal = current_principal()
    number = page_number(request.args.get("page")) or 1
    page = handle(DepartmentVisits(principal.department or principal.subject, number, PER_PAGE))
    return render_template("results/department_visits.html", page=views.department_visits_view(page),
                           department=principal.name or principal.department or principal.subject)
