"""intake's request shapes (marshmallow 4), with Chinese field messages."""
from __future__ import annotations

from marshmallow import validate

from shared.schemas import BaseSchema, Boolean, Date, Dict, Integer, List, Nested, String, Text, length, one_of

MODULES = ("随机抽查", "综合执法", "部门联合")
METHODS = ("现场", "书面", "现场+书面", "网络监测", "检验检测")
CLASSES = ("重点", "一般", "特殊")
BATCH_LIMIT = 1000


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


class BatchSchema(BaseSchema):
    """Each task is validated on its own, so one bad task never sinks the other 999."""
    tasks = List(Dict(text_rules=False), required=True, validate=validate.Length(
        min=1, max=BATCH_LIMIT, error=f"一次应提交 1 到 {BATCH_LIMIT} 项任务"))


class ReasonSchema(BaseSchema):
    reason = Text(required=True, validate=length(min=2, max=1000))


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
    publish = Boolean(load_default=True)


class ItemSchema(BaseSchema):
    code = String(required=True, validate=validate.Regexp(r"^[A-Z0-9]{2,20}-[0-9A-Z]{1,10}$",
                                                          error="事项编码格式应为「部门代码-序号」，如 STHJ-13"))
    department = String(required=True)
    name = String(required=True, validate=length(min=1, max=300))
    target = String(load_default="", validate=length(max=200))
    key_points = Text(load_default="", validate=length(max=4000))
    method = String(required=True, validate=one_of(METHODS))
    item_class = String(required=True, data_key="class", validate=one_of(CLASSES))
    basis = Text(required=True, validate=length(min=2, max=2000))
    reason = Text(required=True, validate=length(min=2, max=1000))


class ItemChangeSchema(BaseSchema):
    name = String(validate=length(min=1, max=300))
    target = String(validate=length(max=200))
    key_points = Text(validate=length(max=4000))
    method = String(validate=one_of(METHODS))
    item_class = String(data_key="class", validate=one_of(CLASSES))
    basis = Text(validate=length(min=2, max=2000))
    active = Boolean()
    reason = Text(required=True, validate=length(min=2, max=1000))


class WebhookSchema(BaseSchema):
    """A department's webhook: where to POST, and the secret that signs each delivery (never shown again)."""
    url = String(required=True, validate=length(min=1, max=2000))
    secret = String(required=True, validate=length(min=8, max=200))


class FeedQuerySchema(BaseSchema):
    after = Integer(load_default=0, validate=validate.Range(min=0, error="游标应为不小于 0 的整数"))
    limit = Integer(load_default=100, validate=validate.Range(min=1, max=1000, error="每次条数应在 1 到 1000 之间"))
