"""draw's request shapes."""
from marshmallow import validate

from shared.schemas import BaseSchema, Boolean, Date, Float, Integer, List, Nested, String, Text, length, one_of

from .domain.rules import REPLACEMENT_REASONS as REASONS
from .domain.verifiable import POOL_ID, POOL_ID_REFUSED

USCC_CHARACTERS = "统一社会信用代码应为 18 位数字或大写英文字母"

PERIOD_KINDS = ("休假", "病假", "借调", "培训", "其他")


class LoginSchema(BaseSchema):
    username = String(required=True, validate=length(min=1, max=60))
    password = String(required=True, validate=length(min=1, max=200))


class InspectorSchema(BaseSchema):
    id = String(required=True, validate=validate.Regexp(POOL_ID.pattern, error=POOL_ID_REFUSED))  # stands in pools
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
    reason = Text(required=True, validate=length(min=2, max=1000))
    # a partner department's officer (e.g. SCJG): drawn for that department's part of a joint visit
    department_code = String(load_default=None, validate=length(min=2, max=20))
    department_name = String(load_default=None, validate=length(min=1, max=200))


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
    reason = Text(required=True, validate=length(min=2, max=1000))


class PeriodSchema(BaseSchema):
    kind = String(required=True, validate=one_of(PERIOD_KINDS))
    start = Date(required=True)
    end = Date(required=True)
    note = Text(load_default="", validate=length(max=1000))


class ConflictSchema(BaseSchema):
    company_uscc = String(required=True, validate=length(min=18, max=18))
    reason = Text(required=True, validate=length(min=2, max=1000))


class RecusalSchema(BaseSchema):
    company_uscc = String(required=True, validate=length(min=18, max=18))
    company_name = String(required=True, validate=length(min=1, max=300))
    inspector_id = String(required=True)
    inspection_id = String(load_default=None, allow_none=True)
    reason = Text(required=True, validate=length(min=2, max=2000))


class DecisionSchema(BaseSchema):
    approve = Boolean(required=True)
    reason = Text(required=True, validate=length(min=2, max=2000))


class RandomnessSchema(BaseSchema):
    """External public randomness (issue 13): a named lottery's winning numbers, its issue and draw time."""
    numbers = List(Integer(validate=validate.Range(min=0, max=10**9 - 1, error="应为非负整数")), required=True,
                   validate=validate.Length(min=1, max=64, error="应有 1 到 64 个数"))
    source = String(required=True, validate=length(min=2, max=200))
    issue = String(required=True, validate=length(min=1, max=60))
    drawn_at = String(required=True, validate=length(min=10, max=40),
                      metadata={"description": "开奖时间：北京时间 YYYY-MM-DD HH:MM，或带时区的 ISO 8601"})


class ReplacementRequestSchema(BaseSchema):
    inspector_id = String(required=True)
    reason = String(required=True, validate=one_of(REASONS))
    text = Text(required=True, validate=length(min=2, max=2000))


class ApprovalSchema(BaseSchema):
    replacement_inspector_id = String(required=True)
    text = Text(required=True, validate=length(min=2, max=2000))


class RejectionSchema(BaseSchema):
    text = Text(required=True, validate=length(min=2, max=2000))


class TargetRowSchema(BaseSchema):
    uscc = String(required=True, validate=validate.Regexp(r"^[0-9A-Z]{18}$", error=USCC_CHARACTERS))  # in pools
    name = String(required=True, validate=length(min=1, max=300))
    address = String(load_default="", validate=length(max=300))
    unit_class = String(required=True, validate=one_of(("重点", "一般", "特殊")))
    credit_class = String(load_default="", validate=length(max=10))
    active = Boolean(load_default=True)


class LocalTargetsSchema(BaseSchema):
    rows = List(Nested(TargetRowSchema), required=True, validate=validate.Length(min=1, max=5000,
                                                                                 error="一次应提交 1 到 5000 行"))
    reason = Text(required=True, validate=length(min=2, max=1000))


class QuotaRuleSchema(BaseSchema):
    unit_class = String(required=True, validate=one_of(("重点", "一般", "特殊")))
    kind = String(required=True, validate=one_of(("percent", "per_officer", "once_a_year")))
    # a percentage, or targets per on-duty officer: bounded, so no quota overflows (found by the OpenAPI fuzzer)
    value = Float(load_default=0, validate=validate.Range(min=0, max=10000, error="应在 0 到 10000 之间"))
    credit_class = String(load_default=None, allow_none=True, validate=length(max=10))
    period = String(load_default="quarter", validate=one_of(("quarter", "year")))
    rounding = String(load_default="ceil", validate=one_of(("ceil", "floor", "round")))


class TargetDrawSchema(BaseSchema):
    plan_id = String(required=True, validate=length(min=1, max=36))
    period = String(required=True, validate=validate.Regexp(r"^\d{4}(Q[1-4])?$", error="期间格式应为 2026Q4 或 2026"))
    library = String(load_default="随机抽查库", validate=one_of(("随机抽查库", "排污许可库", "应急减排库")))
    rules = List(Nested(QuotaRuleSchema), required=True, validate=validate.Length(min=1, error="至少一条规则"))
    items = List(String(), required=True, validate=validate.Length(min=1, error="至少一个检查事项"))


class MatchSchema(BaseSchema):
    inspector_ids = List(String(), required=True)
    reason = Text(required=True, validate=length(min=2, max=1000))


class NamedOfficerSchema(BaseSchema):
    name = String(required=True, validate=length(min=1, max=100))
    certificate_no = String(required=True, validate=length(min=1, max=40))
    certificate_expiry = Date(required=True)
    unit = String(load_default="", validate=length(max=100))


class NamingSchema(BaseSchema):
    """A department names its part of a visit's team (匹配): at least the team size, checked by the handler."""
    officers = List(Nested(NamedOfficerSchema), required=True, validate=validate.Length(min=1, max=20))


BATCH_MAX = 1000  # items of one people-step submission (issue #15): a week's timetable of a district, with room
BATCH_SIZE = validate.Length(min=1, max=BATCH_MAX, error=f"每次应提交 1 到 {BATCH_MAX} 项")


class NamingItemSchema(NamingSchema):
    inspection_id = String(required=True, validate=length(min=1, max=36))


class NamingBatchSchema(BaseSchema):
    """A department names officers for many visits in one submission; each item is judged on its own."""
    items = List(Nested(NamingItemSchema), required=True, validate=BATCH_SIZE)
