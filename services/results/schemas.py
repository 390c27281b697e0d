"""results' request shapes."""
from marshmallow import ValidationError, validate, validates_schema

from shared.schemas import BaseSchema, Boolean, Date, Dict, List, Nested, PageQuery, String, Text, length, one_of

from .domain.categories import CHECK_METHODS, FOLLOW_UPS, ITEM_OUTCOMES, VISIT_CATEGORIES

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="应为上传证据时返回的 SHA-256")


class ItemResultSchema(BaseSchema):
    item_code = String(required=True, validate=length(min=1, max=40))
    outcome = String(required=True, validate=one_of(ITEM_OUTCOMES))
    method = String(load_default="实地检查", validate=one_of(CHECK_METHODS))
    findings = Text(load_default="", validate=length(max=4000))
    measures = Text(load_default="", validate=length(max=2000))
    follow_up = String(load_default="无需后续处置", validate=one_of(FOLLOW_UPS))
    evidence = List(String(validate=SHA256), load_default=list)

    @validates_schema
    def _a_problem_says_what_was_found(self, data, **kwargs):
        if data["outcome"] == "发现问题" and not data["findings"].strip():
            raise ValidationError("发现问题时须填写发现的问题", "findings")


class ConfirmationSchema(BaseSchema):
    """S9: the company signs the record — a scan of the signed record, or the signer's name and time entered on
    site; or, when it refuses, the reason (recorded, never left blank)."""
    name = String(validate=length(min=1, max=100))
    confirmed_at = String(validate=length(min=1, max=40))
    scan = String(validate=SHA256)
    refused = Text(validate=length(min=2, max=500))

    @validates_schema
    def _one_way_of_confirming(self, data, **kwargs):
        if not (data.get("scan") or data.get("refused") or (data.get("name") and data.get("confirmed_at"))):
            raise ValidationError("请上传签字确认的扫描件，或填写签字人姓名和时间，或填写拒绝签字的理由",
                                  "name")


class ResultSchema(BaseSchema):
    """A department's result: `department` names it (else the departments of the items given); `category` is the
    department's own (else derived from its items); the company's confirmation is given once for the visit — with
    the first department's result or on its own (`POST …/confirmation`)."""
    department = String(load_default=None, allow_none=True, validate=length(min=1, max=20))
    visit_date = Date(required=True)
    category = String(load_default=None, allow_none=True, validate=one_of(VISIT_CATEGORIES))
    items = List(Nested(ItemResultSchema), required=True,
                 validate=validate.Length(min=1, error="至少应填写一项检查结果"))
    company_confirmation = Nested(ConfirmationSchema, load_default=None, allow_none=True)


class VisitConfirmationSchema(ConfirmationSchema):
    """`POST …/confirmation`: the company's confirmation on its own; `department` only for a re-inspection."""
    department = String(load_default=None, allow_none=True, validate=length(min=1, max=20))


class DraftSchema(BaseSchema):
    """Anything of a result, incomplete: checked only for shape; submitting checks the rest."""
    department = String(load_default=None, allow_none=True, validate=length(min=1, max=20))
    visit_date = Date(load_default=None, allow_none=True)
    category = String(load_default=None, allow_none=True, validate=length(max=60))
    items = List(Dict(), load_default=list, validate=validate.Length(max=200))
    company_confirmation = Dict(load_default=None, allow_none=True)


class CorrectionSchema(BaseSchema):
    reason = Text(required=True, validate=length(min=5, max=2000))
    application_scan = String(required=True, validate=SHA256)


class DecisionSchema(BaseSchema):
    decision = String(required=True, validate=one_of(("approve", "reject")))
    note = Text(load_default="", validate=length(max=1000))


class ProgressSchema(BaseSchema):
    note = Text(required=True, validate=length(min=2, max=2000))
    delay_reason = Text(load_default=None, allow_none=True, validate=length(max=2000))
    completed = Boolean(load_default=False)
    evidence = List(String(validate=SHA256), load_default=list)


class PublicResultQuery(PageQuery):
    company = String(load_default=None, validate=length(max=200))
    department = String(load_default=None, validate=length(max=20))
    plan = String(load_default=None, validate=length(max=36))


class SummarySchema(BaseSchema):
    """N8 (issue 13): the public summary of a result, written by the department's approver; `release` publishes it
    at once (masked)."""
    text = Text(required=True, validate=length(min=1, max=2000))
    release = Boolean(load_default=False)
