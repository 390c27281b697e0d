"""intake's request and response shapes (marshmallow 4), with Chinese field messages."""
from __future__ import annotations

from marshmallow import validate

from shared.schemas import BaseSchema, Date, List, Nested, String, length, one_of

MODULES = ("随机抽查", "综合执法", "部门联合")


class CompanySchema(BaseSchema):
    uscc = String(required=True, validate=length(max=18))
    name = String(required=True, validate=length(min=1, max=300))
    address = String(load_default="", validate=length(max=300))


class WindowSchema(BaseSchema):
    start = Date(required=True)
    end = Date(required=True)


class JointTaskSchema(BaseSchema):
    plan_id = String(required=True, validate=length(min=1, max=36))
    external_id = String(required=True, validate=length(min=1, max=100))
    company = Nested(CompanySchema, required=True)
    items = List(String(validate=length(min=1, max=40)), required=True,
                 validate=validate.Length(min=1, max=200, error="检查事项应有 1 到 200 项"))
    window = Nested(WindowSchema, load_default=None, allow_none=True)
    upstream_draw_ref = String(load_default=None, allow_none=True, validate=length(max=200))


class TaskAcceptedSchema(BaseSchema):
    task_id = String()
    inspection_id = String()
    plan_id = String()
    department = String()
    status = String()
    created = String()


class PlanSchema(BaseSchema):
    number = String(required=True, validate=validate.Regexp(r"^.*〔\d{4}〕[1-9]\d*号$",
                                                              error="计划编号应为「〔YYYY〕N号」格式"))
    name = String(required=True, validate=length(min=1, max=300))
    module = String(load_default="部门联合", validate=one_of(MODULES))
    lead_department = String(required=True)
    partners = List(String(), load_default=list)
    period_start = Date(required=True)
    period_end = Date(required=True)
    intake_deadline = Date(required=True)
