"""draw's library API: inspectors and their status periods, conflicts and recusal, public numbers (clerks),
recusal decisions (approvers)."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.auth import current_principal, require
from shared.clock import iso
from shared.errors import Forbidden, Invalid
from shared.legacy import current_uow
from shared.web import current_runtime

from . import filings, inspector_excel, library, recusal
from .adapters.db import Inspector, PublicNumbers, RecusalApplication, db
from .domain.filing import changes_due_on
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


@api.get("/inspectors.xlsx")
@require(*CLERKS)
def export_inspectors():
    return Response(inspector_excel.export(db.session),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=inspectors.xlsx"})


@api.post("/inspectors/import")
@require(*CLERKS)
def import_inspectors():
    """Excel import: `?dry_run=1` previews each row (create / change / unchanged / error with Chinese reasons);
    without it, the valid rows are written only when no row fails."""
    upload, reason = request.files.get("file"), (request.form.get("reason") or "").strip()
    if upload is None or len(reason) < 2:
        raise Invalid("缺少文件或变更理由", fields={"file": ["请上传 xlsx 文件"], "reason": ["请填写变更理由"]})
    entries = inspector_excel.parse(upload.read())
    dry_run = bool(request.args.get("dry_run")) or any("problems" in e for e in entries)
    uow = current_uow()
    department = (_policy().department, current_principal().name or _policy().department)
    preview = inspector_excel.apply(uow, entries, department, current_principal().actor, reason, dry_run)
    if dry_run:
        uow.rollback()
    else:
        uow.commit()
    failed = [p for p in preview if p["action"] == "error"]
    return {"dry_run": dry_run, "rows": preview, "errors": len(failed)}, 422 if failed else 200


@api.get("/filings/inspector-changes/<period>")
@require(*CLERKS, "approver")
def quarter_changes(period):
    """The quarter's change report (S5) before filing: every library change from the audit log."""
    try:
        due = changes_due_on(period)
    except ValueError:
        raise Invalid("期间格式应为 2026Q4", fields={"period": ["格式不正确"]}) from None
    rows = filings.inspector_changes(db.session, current_runtime().models["AuditEntry"], period)
    return {"period": period, "due_on": str(due), "changes": rows}


@api.post("/filings/<kind>/<period>")
@require(*CLERKS)
def file_report(kind, period):
    """File the quarter's change report (`inspector_changes/2026Q4`) or the 15 January headcount
    (`headcount/2027`); a late filing is accepted and marked late."""
    if kind not in ("inspector_changes", "headcount"):
        raise Invalid("报表类型不正确", fields={"kind": ["应为 inspector_changes 或 headcount"]})
    uow = current_uow()
    try:
        filing = filings.file(uow, kind, period, current_principal().actor)
    except ValueError:
        raise Invalid("期间格式不正确", fields={"period": ["季度如 2026Q4，年度如 2027"]}) from None
    uow.commit()
    return {"kind": filing.kind, "period": filing.period, "due_on": str(filing.due_on),
            "late": filing.content["late"], "filed_at": iso(filing.filed_at),
            "count": filing.content.get("count")}, 201
