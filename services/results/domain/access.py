"""Who reads what of a visit (issue 12): an inspector their team's visits, staff every visit, a department the
visits it takes part in — and of those only its own department's results, rectifications and report rows."""
from __future__ import annotations

NOT_TAKING_PART = "本部门未参与该检查，无权查看"
NOT_OWN_RESULT = "只能查看本部门事项的检查结果"
NOT_OWN_RECTIFICATION = "只能查看本部门的整改情况"
NOT_OWN_VISITS = "只能查看本部门参与的联合检查"


def reader(principal) -> dict:
    """The query fields that scope a read to `principal`: `inspector_id` for an inspector, `reader_department`
    for a department (its account or API token); nothing for staff."""
    if principal.role == "inspector":
        return {"inspector_id": principal.subject}
    if principal.role == "department":
        return {"reader_department": principal.department or principal.subject}
    return {}


def takes_part(inspection: dict, department: str) -> bool:
    return any(d["code"] == department for d in inspection.get("departments") or [])
