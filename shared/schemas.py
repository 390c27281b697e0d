"""marshmallow fields and schema base that speak Chinese: every validation failure reaches a clerk or a
partner system as a field-level Chinese message (style §2), without per-field boilerplate."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from . import text

INT_BOUND = 2**63 - 1  # what a database BIGINT holds: a larger number is refused here, not by the database (500)
MAX_PAGE = 100_000  # far beyond any list this system keeps; keeps OFFSET a small number


class _Chinese:
    default_error_messages = {
        "required": "必填字段，不能缺少",
        "null": "不能为空（null）",
        "validator_failed": "取值不合法",
    }


class String(_Chinese, fields.String):
    """Single-line text (names, codes, titles): control characters, line breaks, tabs, direction controls and lone
    surrogates are refused, and the value is NFC-normalised (shared/text.py says why)."""

    default_error_messages = {"invalid": "应为字符串", "invalid_utf8": "不是有效的 UTF-8 字符串"}
    multiline = False

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return text.clean(super()._deserialize(value, attr, data, **kwargs), multiline=self.multiline)
        except text.TextRefused as refused:
            raise ValidationError(str(refused)) from None


class Text(String):
    """Multi-line text (reasons, findings, notes): the same rules, but line breaks and tabs are allowed."""

    multiline = True


class Integer(_Chinese, fields.Integer):
    default_error_messages = {"invalid": "应为整数", "too_large": "数值过大", "out_of_range": "数值超出范围"}

    def _validated(self, value):
        number = super()._validated(value)
        if number is not None and not -INT_BOUND <= number <= INT_BOUND:
            raise self.make_error("out_of_range")
        return number


class Float(_Chinese, fields.Float):
    default_error_messages = {"invalid": "应为数字", "special": "不能为 NaN 或无穷大"}


class Boolean(_Chinese, fields.Boolean):
    """JSON `true` or `false` only, as the OpenAPI documents say: marshmallow would also take "yes", "on", 1."""

    default_error_messages = {"invalid": "应为布尔值（true/false）"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Date(_Chinese, fields.Date):
    default_error_messages = {"invalid": "应为日期，格式 YYYY-MM-DD", "format": "日期无法格式化"}


class DateTime(_Chinese, fields.DateTime):
    default_error_messages = {"invalid": "应为时间，格式 ISO 8601", "invalid_awareness": "时间应带时区",
                              "format": "时间无法格式化"}


class List(_Chinese, fields.List):
    default_error_messages = {"invalid": "应为数组"}


class Nested(_Chinese, fields.Nested):
    default_error_messages = {"type": "应为 JSON 对象"}


class Dict(_Chinese, fields.Dict):
    """A free-form object (a draft): every string inside obeys the multi-line text rules, since no field type
    checks it. `text_rules=False` where each inner object is checked on its own later (a batch of tasks)."""

    default_error_messages = {"invalid": "应为 JSON 对象"}

    def __init__(self, *args, text_rules: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.text_rules = text_rules

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        reason = self.text_rules and next(filter(None, map(_multiline_problem, _strings(result))), None)
        if reason:
            raise ValidationError(reason)
        return result


def _multiline_problem(value: str) -> str | None:
    return text.problem(value, multiline=True)


def _strings(value):
    """Every string (keys too) inside a decoded JSON value; depth is bounded by the JSON parser (web_input)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _strings(key)
            yield from _strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _strings(inner)


class BaseSchema(Schema):
    """Unknown fields are refused, not silently dropped: a partner misspelling a field must hear about it."""

    error_messages = {"unknown": "不允许的字段", "type": "请求体应为 JSON 对象"}

    class Meta:
        unknown = RAISE


def length(min: int | None = None, max: int | None = None):
    if min is not None and max is not None:
        return validate.Length(min=min, max=max, error=f"长度应在 {min} 到 {max} 之间")
    if max is not None:
        return validate.Length(max=max, error=f"长度不能超过 {max}")
    return validate.Length(min=min, error=f"长度不能少于 {min}")


def one_of(choices):
    return validate.OneOf(choices, error="取值应为：" + "、".join(map(str, choices)))


class PageQuery(BaseSchema):
    page = Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE, error=f"页码应在 1 到 {MAX_PAGE} 之间"))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=200, error="每页条数应在 1 到 200 之间"))


def page_number(raw: str | None, default: int = 1) -> int | None:
    """A `?page=` read by hand (pages without a schema): the number, or None when it is not one in 1…MAX_PAGE.
    `str.isdigit` is not enough: "²" is a digit `int` refuses, and 5000 digits make `int` raise."""
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_PAGE)):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_PAGE else None


def page_count(total: int, per_page: int) -> int:
    """Pages a pager shows for `total` rows: at least one, so an empty list still reads "第 1 / 1 页"."""
    return max(1, -(-total // per_page))


def page_of(query, page: int, per_page: int, session, counted=None) -> tuple[list, int]:
    """(rows, total) for a select(); one paging convention for every list endpoint. The total is counted with the
    query's own FROM and WHERE and nothing else (issue 15), or with `counted`: the same rows in a shape cheaper to
    count (all of them) than to page (the first few)."""
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return rows, session.execute(count_of(query if counted is None else counted)).scalar_one()


def count_of(query):
    """SELECT count(*) with the query's FROM, joins and WHERE, no columns and no ORDER BY; a query whose rows are
    not one per FROM row (DISTINCT, GROUP BY, LIMIT) is counted over its subquery, which is then the only right
    way."""
    from sqlalchemy import func, select
    if query._distinct or query._group_by_clauses or query._limit_clause is not None \
            or query._offset_clause is not None:
        return select(func.count()).select_from(query.order_by(None).subquery())
    return query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
