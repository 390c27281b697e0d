"""The approver's page of public summaries (N8, issue 13): the department's results with their findings (seen here
only), a summary form per result — save a version, or save and release it — and what the public will read (masked).
Builds the same commands as the API."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from shared.auth import current_principal
from shared.errors import DomainError
from shared.pages import require_page
from shared.web import handle

from .commands import ReleaseSummary, WriteSummary
from .queries import ResultSummaries
from .views_public import summary_row

summary_pages = Blueprint("results_summary_pages", __name__, url_prefix="/results/approver")


@summary_pages.route("/summaries", methods=["GET", "POST"])
@require_page("approver")
def summaries():
    principal, error, failed_id = current_principal(), None, None
    if request.method == "POST":
        result_id, action = request.form.get("result_id", ""), request.form.get("action", "save")
        try:
            if action == "release":
                handle(ReleaseSummary(result_id, principal.actor, principal.department))
            else:
                handle(WriteSummary(result_id, request.form.get("text", ""), principal.actor, principal.department,
                                    release=action == "save_release"))
            return redirect(f"/results/approver/summaries#result-{result_id}", code=303)
        except DomainError as failure:
            error, failed_id = failure.message, result_id
    rows = [summary_row(state) for state in handle(ResultSummaries(principal.department))]
    return render_template("results/summaries.html", rows=rows, error=error, failed_id=failed_id,
                           text=request.form.get("text", ""))
