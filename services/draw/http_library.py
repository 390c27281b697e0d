"""draw's library API: inspectors and their status periods, conflicts and recusal, public numbers (clerks),
recusal decisions (approvers)."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Forbidden
from shared.web import current_runtime, current_uow

from . import library, recusal
from .adapters.db import Inspector, PublicNumbers, RecusalApplication, db
from .schemas import (
    ConflictSchema,
    DecisionSchema,
    InspectorChangeSchema,
    InspectorSchema,
    PeriodSchema,
    PublicNumbersSchema,
    RecusalSchema,
)

api = Blueprint("draw_library", __name__, url_prefix="/draw/api/v1", description="执法人员库与回避")
CLERKS = ("clerk", "admin")


def _policy():
    return current_runtime().deps["policy"]


@api.get("/inspectors")
@require(*CLERKS, "approver")
def list_inspectors():
    rows = db.session.execute(select(Inspector).order_by(Inspector.id)).scalars()
    return {"items": [library.view(i, private=True) for i in rows]}


@api.post("/inspectors")
@require(*CLERKS)
@api.arguments(InspectorSchema)
def create_inspector(body):
    reason = body.pop("reason")
    uow = current_uow()
    department = (_policy().department, current_principal().name or _policy().department)
    inspector = library.create(uow, body, department, current_principal().actor, reason)
    uow.commit()
    return library.view(inspector, private=True), 201


@api.patch("/inspectors/<inspector_id>")
@require(*CLERKS)
@api.arguments(InspectorChangeSchema)
def change_inspector(body, inspector_id):
    reason = body.pop("reason")
    uow = current_uow()
    inspector = library.change(uow, inspector_id, body, current_principal().actor, reason)
    uow.commit()
    return library.view(inspector, private=True)


@api.post("/inspectors/<inspector_id>/periods")
@require(*CLERKS)
@api.arguments(PeriodSchema)
def add_period(body, inspector_id):
    uow = current_uow()
    period = library.add_period(uow, inspector_id, body, current_principal().actor)
    uow.commit()
    return {"id": period.id, "inspector_id": inspector_id, "kind": period.kind, "start": str(period.start),
            "end": str(period.end)}, 201


@api.post("/inspectors/<inspector_id>/conflicts")
@require(*CLERKS, "inspector")
@api.arguments(ConflictSchema)
def declare_conflict(body, inspector_id):
    """N3: an inspector declares an interest in a company (or a clerk records it)."""
    principal = current_principal()
    if principal.role == "inspector" and principal.subject != inspector_id:
        raise Forbidden("检查人员只能申报本人的回避事项")
    uow = current_uow()
    conflict = recusal.declare(uow, inspector_id, body["company_uscc"], body["reason"], principal.actor)
    uow.commit()
    return {"id": conflict.id, "inspector_id": inspector_id, "company_uscc": conflict.company_uscc}, 201


@api.post("/recusals")
@require(*CLERKS)
@api.arguments(RecusalSchema)
def apply_recusal(body):
    """A company's recusal application, recorded by the brigade office; decided by the head within 3 days."""
    uow = current_uow()
    application = recusal.apply(uow, body, current_principal().actor, _policy().recusal_decision_days)
    uow.commit()
    return recusal_view(application), 201


@api.get("/recusals")
@require(*CLERKS, "approver")
def list_recusals():
    rows = db.session.execute(select(RecusalApplication).order_by(RecusalApplication.submitted_at.desc())).scalars()
    return {"items": [recusal_view(r) for r in rows]}


@api.post("/recusals/<application_id>/decision")
@require("approver")
@api.arguments(DecisionSchema)
def decide_recusal(body, application_id):
    uow = current_uow()
    application = recusal.decide(uow, application_id, body["approve"], body["reason"], current_principal().actor)
    uow.commit()
    return recusal_view(application)


def recusal_view(application: RecusalApplication) -> dict:
    return {"id": application.id, "company_uscc": application.company_uscc,
            "company_name": application.company_name, "inspector_id": application.inspector_id,
            "inspection_id": application.inspection_id, "reason": application.reason,
            "status": application.status, "due_on": str(application.due_on),
            "decided_by": application.decided_by, "decision_reason": application.decision_reason}


@api.post("/public-numbers")
@require(*CLERKS)
@api.arguments(PublicNumbersSchema)
def enter_public_numbers(body):
    """Published numbers (e.g. a lottery result) that later draws add to their sources; their origin is named so
    anyone can check them."""
    uow = current_uow()
    row = PublicNumbers(numbers=body["numbers"], source=body["source"], entered_by=current_principal().actor,
                        entered_at=uow.now)
    db.session.add(row)
    uow.audit(current_principal().actor, "public_numbers.entered", "public_numbers", after=body)
    uow.commit()
    return {"id": row.id, "numbers": row.numbers, "source": row.source, "entered_at": iso(row.entered_at)}, 201
