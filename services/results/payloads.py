"""The partner-facing messages results emits, one builder per event type (docs/asyncapi.yaml is the contract).

Built here and only here, never from an HTTP serialiser, so an API change cannot change what partners parse."""
from __future__ import annotations

from shared.clock import iso

from .adapters.db import Result
from .adapters.records import RectificationRecord

ANSWER_FIELDS = ("outcome", "method", "findings", "measures", "follow_up")


def result_published(inspection: dict, department: dict, result: Result, rectification_deadline: str | None,
                     supersedes: str | None) -> dict:
    """`result.published.<dept>`: exactly this department's items and its own category, plus the visit summary
    every partner may rely on (N5) — its `category` and `problems_found` are the department's own, never another
    department's; `supersedes` names the voided result a re-inspection replaces (S8)."""
    answers = {item["item_code"]: item for item in result.items}
    own = [{**item, **{key: answers.get(item["code"], {}).get(key) for key in ANSWER_FIELDS}}
           for item in department["items"]]
    return {
        "inspection_id": result.inspection_id, "result_id": result.id, "department": department["code"],
        "plan": inspection["plan"], "company": inspection["company"], "visit_date": result.visit_date.isoformat(),
        "category": result.category, "items": own,
        "summary": {"departments": [d["code"] for d in inspection["departments"]],
                    "lead_department": inspection["lead_department"], "category": result.category,
                    "problems_found": sum(1 for item in own if item["outcome"] == "发现问题")},
        "round": result.round, "publication_due": result.publication_due.isoformat(),
        "published_late": result.published_late, "rectification_deadline": rectification_deadline,
        "supersedes": supersedes,
    }


def result_voided(result: Result, correction, voided_at) -> dict:
    """`result.voided.<dept>` (S8): the department's result is void after the detachment's decision; discard it
    — the re-inspection's `result.published.<dept>` names it in `supersedes`."""
    return {"inspection_id": result.inspection_id, "result_id": result.id, "department": result.department,
            "round": result.round, "reason": correction.reason, "voided_at": iso(voided_at),
            "correction_id": correction.id}


def rectification_updated(record: RectificationRecord) -> dict:
    """`rectification.updated.<dept>` (S10): the rectification, its deadline, whether overdue, every entry."""
    r = record.rectification
    return {
        "squadron": record.squadron,
        "id": r.id, "inspection_id": r.inspection_id, "result_id": r.result_id, "department": r.department,
        "item_code": r.item_code, "item_name": r.item_name, "company": r.company, "problem": r.problem,
        "deadline": r.deadline.isoformat(), "status": r.status, "overdue": record.overdue,
        "completed_at": iso(r.completed_at) if r.completed_at else None,
        "progress": [{"note": e.note, "delay_reason": e.delay_reason, "completed": e.completed,
                      "evidence": e.evidence, "recorded_by": e.recorded_by, "recorded_at": iso(e.recorded_at)}
                     for e in record.progress],
    }
