"""A visit's team as results needs it: per department, who may record that department's items (谁检查、谁录入),
and the day the visit counts from."""
from __future__ import annotations

from datetime import date


def parts_of(inspection: dict, inspectors: list[dict], parts: list[dict] | None) -> list[dict]:
    """The team's parts, one per department in the inspection's order. An `inspectors.assigned` without parts
    (sent before each department brought its own officers) makes every member a member of every department."""
    if parts:
        given = {part["department"]: part for part in parts}
        return [{"department": d["code"], "via": given.get(d["code"], {}).get("via", "draw"),
                 "draw_id": given.get(d["code"], {}).get("draw_id"),
                 "inspector_ids": list(given.get(d["code"], {}).get("inspector_ids", []))}
                for d in inspection["departments"]]
    everyone = [i["id"] for i in inspectors]
    return [{"department": d["code"], "via": "draw", "draw_id": None, "inspector_ids": list(everyone)}
            for d in inspection["departments"]]


def replace_member(parts: list[dict], old: str, new: str) -> list[dict]:
    return [{**part, "inspector_ids": [new if member == old else member for member in part["inspector_ids"]]}
            for part in parts]


def departments_of(parts: list[dict], inspector_id: str) -> list[str]:
    """The departments whose items `inspector_id` records, in the inspection's order."""
    return [part["department"] for part in parts if inspector_id in part["inspector_ids"]]


def confirmation_scope(department: str, round_: int) -> str:
    """The company signs once for the joint visit; a department's re-inspection after a correction is its own
    sitting."""
    return "visit" if round_ == 1 else f"{department}#{round_}"


def counting_day(recorded: list[date], scheduled: date | None, window_end: str) -> date:
    """The day a department's publication deadline counts from while it has not recorded: the day the visit took
    place (another department's result says it), else the fixed visit day, else the window's last day."""
    if recorded:
        return min(recorded)
    if scheduled is not None:
        return scheduled
    return date.fromisoformat(window_end)
