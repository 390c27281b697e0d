"""marshmallow fields and schema base that speak Chinese: every validation failure reaches a clerk or a
partner system as a field-level Chinese message (style §2), without per-field boilerplate."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class _Chinese:
    default_error_messages = {
        "required": "必填字段，不能缺少",
        "null": "不能为空（null）",
        "validator_failed": "取值不合法",
    }


class String(_Chinese, fields.String):
    default_error_messages = {"invalid": "应为字符串", "invalid_utf8": "不是有效的 UTF-8 字符串"}


class Integer(_Chinese, fields.Integer):
    default_error_messages = {"invalid": "应为整数", "too_large": "数值过大"}


class Float(_Chinese, fields.Float):
    default_error_messages = {"invalid": "应为数字", "special": "不能为 NaN 或无穷大"}


class Boolean(_Chinese, fields.Boolean):
    default_error_messages = {"invalid": "应为布尔值（true/false）"}


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
    default_error_messages = {"invalid": "应为 JSON 对象"}


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
    page = Integer(load_default=1, validate=validate.Range(min=1, error="页码应不小于 1"))
    per_page = Integer(load_default=20, validate=validate.Range(min=1, max=200, error="每页条数应在 1 到 200 之间"))


def page_of(query, page: int, per_page: int, session) -> tuple[list, int]:
    """(rows, total) for a select(); one paging convention for every list endpoint."""
    from sqlalchemy import func, select
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return rows, total
