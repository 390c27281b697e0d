"""draw's request shapes."""
from marshmallow import validate

from shared.schemas import BaseSchema, Boolean, Date, Integer, List, String, length, one_of

from .replacements import REASONS

PERIOD_KINDS = ("休假", "病假", "借调", "培训", "其他")


class LoginSchema(BaseSchema):
    username = String(required=True, validate=length(min=1, max=60))
    password = String(required=True, validate=length(min=1, max=200))


class InspectorSchema(BaseSchema):
    id = String(required=True, validate=length(min=1, max=36))
    name = String(required=True, validate=length(min=1, max=100))
    unit = String(required=True, validate=length(min=1, max=100))
    certificate_no = String(required=True, validate=length(min=4, max=40))
    certificate_issuer = String(load_default="", validate=length(max=200))
    certificate_expiry = Date(required=True)
    on_duty = Boolean(load_default=True)
    established = Boolean(load_default=True)
    jurisdiction = String(load_default="370211", validate=length(min=6, max=12))
    expertise = List(String(validate=length(max=40)), load_default=list)
    phone = String(load_default="", validate=length(max=40))
    reason = String(required=True, validate=length(min=2, max=1000))


class InspectorChangeSchema(BaseSchema):
    name = String(validate=length(min=1, max=100))
    unit = String(validate=length(min=1, max=100))
    certificate_no = String(validate=length(min=4, max=40))
    certificate_issuer = String(validate=length(max=200))
    certificate_expiry = Date()
    on_duty = Boolean()
    established = Boolean()
    jurisdiction = String(validate=length(min=6, max=12))
    expertise = List(String(validate=length(max=40)))
    phone = String(validate=length(max=40))
    reason = String(required=True, validate=length(min=2, max=1000))


class PeriodSchema(BaseSchema):
    kind = String(required=True, validate=one_of(PERIOD_KINDS))
    start = Date(required=True)
    end = Date(required=True)
    note = String(load_default="", validate=length(max=1000))


class ConflictSchema(BaseSchema):
    company_uscc = String(required=True, validate=length(min=18, max=18))
    reason = String(required=True, validate=length(min=2, max=1000))


class RecusalSchema(BaseSchema):
    company_uscc = String(required=True, validate=length(min=18, max=18))
    company_name = String(required=True, validate=length(min=1, max=300))
    inspector_id = String(required=True)
    inspection_id = String(load_default=None, allow_none=True)
    reason = String(required=True, validate=length(min=2, max=2000))


class DecisionSchema(BaseSchema):
    approve = Boolean(required=True)
    reason = String(required=True, validate=length(min=2, max=2000))


class PublicNumbersSchema(BaseSchema):
    numbers = List(Integer(validate=validate.Range(min=0, error="应为非负整数")), required=True,
                   validate=validate.Length(min=1, max=64, error="应有 1 到 64 个数"))
    source = String(required=True, validate=length(min=4, max=500))


class ReplacementRequestSchema(BaseSchema):
    inspector_id = String(required=True)
    reason = String(required=True, validate=one_of(REASONS))
    text = String(required=True, validate=length(min=2, max=2000))


class ApprovalSchema(BaseSchema):
    replacement_inspector_id = String(required=True)
    text = String(required=True, validate=length(min=2, max=2000))


class RejectionSchema(BaseSchema):
    text = String(required=True, validate=length(min=2, max=2000))
