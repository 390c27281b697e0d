"""draw's library API: inspectors and their status periods, declared interests and recusal, public randomness
(clerks), recusal decisions (approvers), the S5 filings."""
from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from shared.auth import current_principal, require
from shared.errors import Forbidden, Invalid
from shared.openapi import answers, binary, multipart, query
from shared.web import handle

from . import response_schemas as rs
from . import response_schemas_library as lib
from . import views
from .commands import (
    AddStatusPeriod,
    ApplyForRecusal,
    ChangeInspector,
    DecideRecusal,
    DeclareInterest,
    EnterRandomness,
    FileReport,
    ImportInspectors,
    RegisterInspector,
)
from .queries import (
    ExportInspectors,
    ListFilings,
    ListInspectors,
    ListRandomness,
    ListRecusals,
    PreviewInspectorImport,
    QuarterChanges,
)
from .schemas import (
    ConflictSchema,
    DecisionSchema,
    InspectorChangeSchema,
    InspectorSchema,
    PeriodSchema,
    RandomnessSchema,
    RecusalSchema,
)

api = Blueprint("draw_library", __name__, url_prefix="/draw/api/v1", description="执法人员库与回避")
CLERKS = ("clerk", "admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@api.get("/inspectors")
@answers(200, rs.INSPECTORS)
@require(*CLERKS, "approver", "detachment")
def list_inspectors():
    return {"items": [views.inspector_view(i, private=True) for i in handle(ListInspectors())]}


@api.post("/inspectors")
@answers(201, rs.InspectorView)
@require(*CLERKS)
@api.arguments(InspectorSchema)
def create_inspector(body):
    principal = current_principal()
    own = body["department_code"] in (None, principal.department)
    name = body.pop("department_name") or (principal.name if own else body["department_code"])
    inspector = handle(RegisterInspector(**{**body, "expertise": tuple(body["expertise"])}, actor=principal.actor,
                                         department_name=name))
    return views.inspector_view(inspector, private=True), 201


@api.patch("/inspectors/<inspector_id>")
@answers(200, rs.InspectorView)
@require(*CLERKS)
@api.arguments(InspectorChangeSchema)
def change_inspector(body, inspector_id):
    reason = body.pop("reason")
    inspector = handle(ChangeInspector(inspector_id, body, current_principal().actor, reason))
    return views.inspector_view(inspector, private=True)


@api.post("/inspectors/<inspector_id>/periods")
@answers(201, lib.PeriodView)
@require(*CLERKS)
@api.arguments(PeriodSchema)
def add_period(body, inspector_id):
    period = handle(AddStatusPeriod(inspector_id, body["kind"], body["start"], body["end"], body["note"],
                                    current_principal().actor))
    return views.period_view(period), 201


@api.post("/inspectors/<inspector_id>/conflicts")
@answers(201, lib.InterestView)
@require(*CLERKS, "inspector")
@api.arguments(ConflictSchema)
def declare_conflict(body, inspector_id):
    """N3: an inspector declares an interest in a company (or a clerk records it)."""
    principal = current_principal()
    if principal.role == "inspector" and principal.subject != inspector_id:
        raise Forbidden("检查人员只能申报本人的回避事项")
    interest = handle(DeclareInterest(inspector_id, body["company_uscc"], body["reason"], principal.actor))
    return views.interest_view(interest), 201


@api.post("/recusals")
@answers(201, lib.RecusalView)
@require(*CLERKS)
@api.arguments(RecusalSchema)
def apply_recusal(body):
    """A company's recusal application, recorded by the brigade office; decided by the head within 3 days."""
    application = handle(ApplyForRecusal(body["company_uscc"], body["company_name"], body["inspector_id"],
                                         body.get("inspection_id"), body["reason"], current_principal().actor))
    return views.recusal_view(application), 201


@api.get("/recusals")
@answers(200, lib.RECUSALS)
@require(*CLERKS, "approver")
def list_recusals():
    return {"items": [views.recusal_view(r) for r in handle(ListRecusals())]}


@api.post("/recusals/<application_id>/decision")
@answers(200, lib.RecusalView)
@require("approver")
@api.arguments(DecisionSchema)
def decide_recusal(body, application_id):
    application = handle(DecideRecusal(application_id, body["approve"], body["reason"], current_principal().actor))
    return views.recusal_view(application)


@api.get("/randomness")
@answers(200, rs.RANDOMNESS_ENTRIES)
def list_randomness():
    """Public: every randomness entry (source, issue, draw time, numbers) and how many draws it made."""
    return {"items": [views.randomness_entry_view(entry, n) for entry, n in handle(ListRandomness())]}


@api.post("/randomness")
@answers(201, rs.RandomnessEntered)
@require(*CLERKS, "detachment")
@api.arguments(RandomnessSchema)
def enter_randomness(body):
    """External public randomness (issue 13): one entry draws every commitment made before the lottery's draw time
    that is still waiting. Scripts (tests, the demo, benchmarks) name a source that says so."""
    entered = handle(EnterRandomness(tuple(body["numbers"]), body["source"], body["issue"], body["drawn_at"],
                                     current_principal().actor))
    return views.randomness_view(entered), 201


@api.get("/inspectors.xlsx")
@binary(XLSX, description="执法人员库（Excel）")
@require(*CLERKS)
def export_inspectors():
    return Response(handle(ExportInspectors()), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=inspectors.xlsx"})


@api.post("/inspectors/import")
@answers(200, lib.ImportReport)
@api.alt_response(422, schema=lib.IMPORT_REFUSED, description="有行未通过校验（逐行中文原因），或缺少文件/理由")
@query(("dry_run", {"type": "string"}, "非空（如 1）：只预览，不写入"))
@require(*CLERKS)
@multipart(("file", "reason"), file="binary", reason="string")
def import_inspectors():
    """Excel import: `?dry_run=1` previews each row (create / change / unchanged / error with Chinese reasons);
    without it, the valid rows are written only when no row fails."""
    upload, reason = request.files.get("file"), (request.form.get("reason") or "").strip()
    if upload is None or len(reason) < 2:
        raise Invalid("缺少文件或变更理由", fields={"file": ["请上传 xlsx 文件"], "reason": ["请填写变更理由"]})
    data = upload.read()
    if request.args.get("dry_run"):
        answer = handle(PreviewInspectorImport(data))
    else:
        principal = current_principal()
        answer = handle(ImportInspectors(data, reason, principal.actor, principal.name))
    return answer, 422 if answer["errors"] else 200


@api.get("/filings")
@answers(200, lib.FILINGS)
@require(*CLERKS, "approver", "detachment")
def list_filings():
    """The S5 filings as the detachment receives them."""
    return {"items": [views.filing_view(f) for f in handle(ListFilings())]}


@api.get("/filings/inspector-changes/<period>")
@answers(200, lib.QuarterChanges)
@require(*CLERKS, "approver", "detachment")
def quarter_changes(period):
    """The quarter's change report (S5) before filing: every library change from the audit log."""
    return handle(QuarterChanges(period))


@api.post("/filings/<any(inspector_changes, headcount):kind>/<period>")
@answers(201, lib.FilingView)
@require(*CLERKS)
def file_report(kind, period):
    """File the quarter's change report (`inspector_changes/2026Q4`) or the 15 January headcount
    (`headcount/2027`); a late filing is accepted and marked late."""
    return views.filing_view(handle(FileReport(kind, period, current_principal().actor))), 201
