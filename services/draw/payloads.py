"""The events draw emits, one builder per event type (docs/asyncapi.yaml is the contract). Independent of the
HTTP serialisers in views.py on purpose: an API change must not change what partner agencies parse."""
from __future__ import annotations


def inspector(person) -> dict:
    """asyncapi `Inspector`: never the phone or other private details."""
    return {"id": person.id, "name": person.name, "certificate_no": person.certificate_no,
            "department": person.department_code, "department_name": person.department_name,
            "unit": person.unit}


def inspectors_assigned(inspection: dict, draw_id: str, team: list[dict], matched: bool = False) -> dict:
    """`inspectors.assigned`: the team of a visit, drawn (`draw_id` is the draw record) or matched directly for
    comprehensive enforcement (S7: `draw_id` is `matching:<inspection>` and `matched` is true)."""
    body = {"inspection_id": inspection["inspection_id"], "draw_id": draw_id}
    if matched:
        body["matched"] = True
    body.update({"inspectors": team, "inspection": inspection})
    return body


def inspectors_replaced(record, replacement, old: dict, new: dict, approver: str, team: list[dict]) -> dict:
    """`inspectors.replaced` (S13): who replaced whom, why, approved by whom, and the team as it now stands."""
    return {"inspection_id": record.inspection_id, "draw_id": record.id, "replacement_id": replacement.id,
            "old": old, "new": new, "reason": replacement.reason, "text": replacement.text, "approver": approver,
            "inspectors": team, "inspection": record.inspection}


def targets_drawn(target_draw, department: str) -> dict:
    """`targets.drawn` (S6): the companies drawn for a plan; intake turns each into a visit."""
    return {"target_draw_id": target_draw.id, "plan_id": target_draw.plan_id, "department": department,
            "items": target_draw.items, "targets": target_draw.targets}
