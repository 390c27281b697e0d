"""What a draw record shows to whom, and when (N4, N8, design §4 ⚑). Pure: no database, no clock.

Why a visit-time rule: "double random" is worth only as much as nobody is warned. Before the visit's fixed time
the public learns that a draw was committed and made (commitment, plan, time, counts, algorithm, department) but
not for which company, nor who — not even an officer id, because ids are stable across draws and a disclosed
record of last month maps them to names. The seed and key stay sealed too: with them and a department's pool
(which older disclosed records reveal) anyone could recompute the team. From the visit's time on the whole
record is public and verifiable by `scripts/verify_draw.py` from public data alone. Staff, the team itself and
the department whose officers were drawn see the full record at any time.

Three levels: SEALED (the public before the visit), PUBLIC (everyone after it: exclusion reasons as categories
only) and STAFF (full detail, exclusion reasons as recorded)."""
from __future__ import annotations

from datetime import date, datetime

from shared.clock import iso, utc

from .verifiable import commitment_record

SEALED, PUBLIC, STAFF = "sealed", "public", "staff"
STAFF_ROLES = ("clerk", "approver", "admin", "detachment")

# the four public exclusion categories (issue 13); the recorded reason's words decide which one applies
NOT_ON_DUTY, CERTIFICATE, RECUSAL, WORKLOAD = "不在岗", "执法证有效期", "回避", "工作量"
_CATEGORY_WORDS = ((RECUSAL, ("回避", "利害关系")), (CERTIFICATE, ("执法证",)), (WORKLOAD, ("上限", "承担")),
                   (NOT_ON_DUTY, ("不在岗", "辖区", "休假", "病假", "借调", "培训", "重叠")))
LABEL_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# columns that are never copied as they are into a public record: internal, or rebuilt below
_REBUILT = frozenset({"inspection", "inspectors", "commitment_id", "excluded"})


def level_for(viewer, *, department: str | None, team: set[str], visit_over: bool) -> str:
    """Who sees how much: staff, the officers on the team and the department whose officers were drawn see it
    all; everybody else sees the public record once the visit is over, the sealed one before."""
    if viewer is not None:
        if viewer.role in STAFF_ROLES:
            return STAFF
        if viewer.role == "inspector" and viewer.subject in team:
            return STAFF
        if viewer.role == "department" and department is not None and viewer.department == department:
            return STAFF
    return PUBLIC if visit_over else SEALED


def visit_over(visit_at: datetime | None, now: datetime) -> bool:
    """The visit has begun once its fixed time has come; a visit without a fixed time has not happened."""
    return visit_at is not None and utc(now) >= utc(visit_at)


def exclusion_category(reason: str) -> str:
    """The public category of a recorded exclusion reason; an unknown wording is published as 不在岗 rather than
    verbatim, so no private detail can leak through a reason nobody mapped."""
    for category, words in _CATEGORY_WORDS:
        if any(word in reason for word in words):
            return category
    return NOT_ON_DUTY


def officer_labels(count: int) -> list[str]:
    """Per-draw labels in pick order (人员A, 人员B…): stable within one draw and meaningless across draws, since
    the pick order depends only on that draw's key."""
    return [f"人员{_letters(n)}" for n in range(count)]


def _letters(n: int) -> str:
    base = len(LABEL_LETTERS)
    return LABEL_LETTERS[n] if n < base else _letters(n // base - 1) + LABEL_LETTERS[n % base]


def public_record(record, commitment, level: str, visit_at: datetime | None = None) -> dict:
    """The draw record as `level` may see it (design §4 ⚑). The full forms carry every column of the record, so
    fields the draw construction adds appear without a change here, and the commitment as it was published
    (`verifiable.commitment_record`, with the seed); the sealed form is an explicit short list."""
    if level == SEALED:
        return sealed_record(record, commitment, visit_at)
    body = {name: _plain(getattr(record, name)) for name in _columns(record) if name not in _REBUILT}
    inspection = record.inspection or {}
    body.update(
        commitment=commitment_record(commitment),
        excluded=[_excluded(entry, level) for entry in record.excluded],
        inspectors=list(record.inspectors or []), company=_company(inspection), plan=_plan(inspection),
        visit=_visit(inspection, visit_at), pool_size=len(record.pool), excluded_count=len(record.excluded),
        disclosed=True)
    return body


def sealed_record(record, commitment, visit_at: datetime | None) -> dict:
    """Before the visit, for the public: that a draw was committed and made, and what for in general terms."""
    inspection = record.inspection or {}
    body = {"id": record.id, "subject_kind": record.subject_kind, "purpose": record.purpose,
            "department": record.department, "algorithm": record.algorithm, "count": record.count,
            "pool_size": len(record.pool), "excluded_count": len(record.excluded),
            "selected_labels": officer_labels(record.count) if record.subject_kind == "inspection" else [],
            "created_at": iso(record.created_at), "plan": _plan(inspection), "visit": _visit(inspection, visit_at),
            "commitment": {"id": commitment.id, "seed_hash": commitment.seed_hash,
                           "committed_at": iso(commitment.committed_at)},
            # the public lottery that completed the key: public anyway, and useless without the sealed seed
            "randomness": getattr(record, "randomness", None) or None, "disclosed": False}
    if record.subject_kind != "inspection":  # a target draw's own id names no company
        body["subject_id"] = record.subject_id
    return body


def _excluded(entry: dict, level: str) -> dict:
    """Staff read the reason as recorded; everyone else only its category, never the details behind it."""
    if level == STAFF:
        return dict(entry)
    category = entry.get("category") or exclusion_category(entry.get("reason", ""))
    return {"id": entry["id"], "reason": category, "category": category}


def _plan(inspection: dict) -> dict | None:
    plan = inspection.get("plan")
    if isinstance(plan, dict):
        return {key: plan[key] for key in ("id", "number", "name") if key in plan}
    return {"id": inspection["plan_id"]} if inspection.get("plan_id") else None


def _company(inspection: dict) -> dict | None:
    company = inspection.get("company")
    return {"uscc": company.get("uscc"), "name": company.get("name")} if isinstance(company, dict) else None


def _visit(inspection: dict, visit_at: datetime | None) -> dict:
    window = inspection.get("window") or {}
    return {"scheduled_at": iso(visit_at) if visit_at else None,
            "window": {"start": window["start"], "end": window["end"]} if window.get("start") else None}


def _columns(row) -> list[str]:
    return [column.key for column in row.__table__.columns]


def _plain(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def last_visit_at(times: dict, usccs) -> datetime | None:
    """A target draw names its companies once every one of them has been visited: the latest of their fixed visit
    times, or None while any drawn company has no visit with a fixed time (`times`: credit code → time or None).
    Until then the public sees the strata and counts only — a company that learnt it was drawn, or that a
    competitor was, could prepare for the visit."""
    usccs = list(usccs)
    if not usccs or any(times.get(uscc) is None for uscc in usccs):
        return None
    return max(utc(times[uscc]) for uscc in usccs)
