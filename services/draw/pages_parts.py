"""draw's pages for the departments' parts of a team: the clerk's list of visits whose team is not complete (with
重新抽取), and a department's page to name its own officers (匹配) by its deadline."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.web import handle

from . import views
from .commands import NameOfficers, RetryDraw
from .queries import ListBlocked, ListNamingTasks

pages = Blueprint("draw_parts_pages", __name__, url_prefix="/draw")
OFFICER_ROWS = 4


@pages.route("/clerk/blocked", methods=["GET", "POST"])
@require_page("clerk", "admin", "approver", "detachment")
def blocked():
    """Visits whose team is not complete, per department, with the reason and what would unblock it; the
    clerk's 重新抽取 for a department that has no draw yet."""
    error = message = None
    if request.method == "POST":
        try:
            handle(RetryDraw(request.form.get("inspection_id", ""), current_principal().actor))
            message = "已重新抽取；仍无法抽取的部门见下表"
        except DomainError as failure:
            error = failure.message
    rows = [views.blocked_view(p) for p in handle(ListBlocked())]
    may_retry = current_principal().role in ("clerk", "admin")
    return render_template("draw/blocked.html", rows=rows, error=error, message=message,
                           may_retry=may_retry), 409 if error else 200


@pages.route("/department/officers", methods=["GET", "POST"])
@require_page("department")
def naming():
    """A department names at least two of its officers, with their certificates, for each visit it takes part in."""
    principal = current_principal()
    error = None
    if request.method == "POST":
        error = _name(request.form, principal)
        if error is None:
            return redirect("/draw/department/officers")
    rows = [views.blocked_view(p) for p in handle(ListNamingTasks(principal.department or ""))]
    return render_template("draw/naming.html", rows=rows, error=error, slots=range(OFFICER_ROWS)), \
        422 if error else 200


def _name(form, principal) -> str | None:
    officers = []
    for n in range(OFFICER_ROWS):
        name, number = form.get(f"name_{n}", "").strip(), form.get(f"certificate_no_{n}", "").strip()
        if not (name or number):
            continue
        try:
            expiry = date.fromisoformat(form.get(f"certificate_expiry_{n}", ""))
        except ValueError:
            expiry = None
        officers.append({"name": name, "certificate_no": number, "certificate_expiry": expiry,
                         "unit": form.get(f"unit_{n}", "").strip()})
    try:
        handle(NameOfficers(form.get("inspection_id", ""), principal.department or "", tuple(officers),
                            principal.actor, principal.role, principal.department))
    except DomainError as failure:
        return "；".join([failure.message, *[m for ms in (failure.fields or {}).values() for m in ms]])
    return None
