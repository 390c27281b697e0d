"""results' reads for the departments taking part in a visit (issue 12), under `/results/api/v1`: one result by id
(a department only its own), and 本部门的联合检查 as JSON. Parse → query → handle → view."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Invalid
from shared.openapi import answers, query
from shared.schemas import MAX_PAGE, page_number
from shared.web import handle

from . import response_schemas as rs
from . import views
from .domain.access import reader
from .http import STAFF
from .queries import DepartmentVisits, ReadResult

api = Blueprint("results_department", __name__, url_prefix="/results/api/v1", description="部门查看本部门的检查结果")


@api.get("/results/<result_id>")
@answers(200, rs.ResultView)
@require("inspector", "department", *STAFF)
def get_result(result_id):
    """One result with its void mark; an inspector of the visit's team, a department only its own department's."""
    return views.result_view(*handle(ReadResult(result_id, **reader(current_principal()))))


@api.get("/departments/<code>/visits")
@answers(200, rs.DepartmentVisits)
@query(("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "页码"),
       ("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "每页条数（最多 50，超过按 50）"))
@require("department", *STAFF)
def department_visits(code):
    """The visits department `code` takes part in, newest first (`?page=`, `?per_page=` ≤ 50): fixed time, team,
    each department's state, its own results and rectifications. A department reads only its own list."""
    own = reader(current_principal()).get("reader_department")
    page = handle(DepartmentVisits(code, _number("page", 1), _number("per_page", 10), reader_department=own))
    return views.department_visits_view(page)


def _number(name: str, default: int) -> int:
    number = page_number(request.args.get(name), default)
    if number is None:
        raise Invalid("查询参数无效", fields={name: [f"应为 1 到 {MAX_PAGE} 之间的整数"]})
    return number
