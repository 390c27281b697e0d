"""The events draw emits, one builder per event type (docs/asyncapi.yaml is the contract). Independent of the
HTTP serialisers in views.py on purpose: an API change must not change what partner agencies parse."""
from __future__ import annotations

from shared.clock import iso


def inspector(person) -> dict:
    """asyncapi `Inspector`: never the phone or other private details."""
    return {"id": person.id, "name": person.name, "certificate_no": person.certificate_no,
            "department": person.department_code, "department_name": person.department_name,
            "unit": person.unit}


def team(parts, people: dict) -> list[dict]:
    """A visit's team as every event shows it: the lead department's members first (its first member leads,
    S12), then each partner department's in the order of `inspection.departments`. `parts` are the department
    parts (department, lead, position, inspector_ids); `people` maps an inspector id to its library row."""
    ordered = sorted(parts, key=lambda p: (not p.lead, p.position))
    members = [i for p in ordered for i in p.inspector_ids]
    return [{**inspector(people[i]), "leader": n == 0} for n, i in enumerate(members)]


def inspectors_assigned(inspection: dict, parts, people: dict) -> dict:
    """`inspectors.assigned`, once every department's part is complete: `draw_id` is the lead department's draw
    record (`matching:<inspection>` when matched for comprehensive enforcement, S7; `named:<inspection>` when the
    lead department named its officers), `parts` say how each department's members came (draw / match / named)."""
    inspection_id = inspection["inspection_id"]
    lead = next((p for p in parts if p.lead), parts[0])
    members = team(parts, people)
    return {"inspection_id": inspection_id,
            "draw_id": lead.draw_id or f"{'matching' if lead.via == 'match' else 'named'}:{inspection_id}",
            "leader_id": members[0]["id"], "inspectors": members,
            "parts": [{"department": p.department, "via": p.via, "draw_id": p.draw_id,
                       "inspector_ids": list(p.inspector_ids)} for p in sorted(parts, key=lambda p: p.position)],
            "inspection": inspection}


def inspectors_replaced(record, replacement, old: dict, new: dict, approver: str, team: list[dict]) -> dict:
    """`inspectors.replaced` (S13): who replaced whom, why, approved by whom, and the team as it now stands."""
    return {"inspection_id": record.inspection_id, "draw_id": record.id, "replacement_id": replacement.id,
            "old": old, "new": new, "reason": replacement.reason, "text": replacement.text, "approver": approver,
            "inspectors": team, "inspection": record.inspection}


def draw_committed(commitment) -> dict:
    """`draw.committed` (issue 13): phase one of a draw made public before any randomness can draw it — the seed's
    hash, then the pool frozen right after (its size and canonical hash, never its members: who is in a visit's
    pool is confidential until the visit). A department keeps it to check the draw record later."""
    return {"commitment_id": commitment.id, "seed_hash": commitment.seed_hash,
            "committed_at": iso(commitment.committed_at), "subject_kind": commitment.subject_kind,
            "subject_id": commitment.subject_id, "purpose": commitment.purpose, "department": commitment.department,
            "algorithm": commitment.algorithm, "count": commitment.count, "pool_size": len(commitment.pool),
            "pool_hash": commitment.pool_hash, "pool_frozen_at": iso(commitment.pool_frozen_at)}


def targets_drawn(target_draw, department: str) -> dict:
    """`targets.drawn` (S6): the companies drawn for a plan; intake turns each into a visit."""
    return {"target_draw_id": target_draw.id, "plan_id": target_draw.plan_id, "department": department,
            "items": target_draw.items, "targets": target_draw.targets}


def visit_scheduled(schedule, local_time: str, previous_at: str | None, reason: str | None,
                    department: str | None = None) -> dict:
    """`visit.scheduled` (the whole team, to letters and results) or `visit.scheduled.<dept>` (that department's own
    members, and `department`): the one visit time, its version, and why it changed."""
    members = [p for p in schedule.team if department is None or p["department"] == department]
    body = {"inspection_id": schedule.inspection_id, "scheduled_at": iso(schedule.scheduled_at),
            "local_time": local_time, "version": schedule.version, "previous_at": previous_at, "reason": reason,
            "scheduled_by": schedule.scheduled_by, "plan": schedule.plan, "company": schedule.company,
            "window": {"start": schedule.window_start.isoformat(), "end": schedule.window_end.isoformat()},
            "inspectors": members}
    if department is not None:
        body["department"] = department
    return body


def sessions_revoked(revocation) -> dict:
    """`account.sessions_revoked` (internal, draw → intake, letters, results): logout ended one login session
    (`session_id`), or a password change every session of `subject` issued at or before `before` (`session_id` "").
    Each service refuses those tokens from then on; nothing about the account but its subject travels."""
    return {"revocation_id": revocation.revocation_id, "subject": revocation.subject,
            "session_id": revocation.session_id, "before": revocation.before}
