"""One error format for every service (style §2): {"error": {"code", "message" (中文), "fields"}}."""
from __future__ import annotations

from flask import jsonify

HTTP_MESSAGES = {
    400: "请求格式有误",
    401: "未登录或凭据无效，请提供有效的访问令牌",
    403: "无权执行此操作",
    404: "请求的资源不存在",
    405: "不支持该请求方法",
    409: "与现有数据冲突",
    413: "请求体过大",
    415: "请求体应为 JSON（Content-Type: application/json）",
    422: "请求参数校验未通过",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试或联系系统管理员",
    503: "服务暂不可用，请稍后再试",
}


class NotYet(Exception):
    """An event arrived before one it depends on (issue 14): e.g. `inspectors.replaced` of an inspection whose
    `inspectors.assigned` this service has not handled yet — they travel on different queues, and competing
    consumers or a handler thread pool may take them in either order. The consumer hands it back to a delay queue
    without counting a failed attempt (shared/consumer.py), so it is handled once its predecessor has been; its
    handler changed nothing (the transaction rolls back)."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields or {}


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Invalid(DomainError):
    status, code = 422, "invalid"


def found(value, message: str):
    """The value, or a 404 with `message`: one way for every endpoint to say "not found" in Chinese."""
    if value is None:
        raise NotFound(message)
    return value


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(status: int, code: str, message: str | None = None, fields: dict | None = None):
    response = jsonify(error_body(code, message or HTTP_MESSAGES.get(status, "请求失败"), fields))
    response.status_code = status
    return response


def flatten_fields(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {"company": {"uscc": [...]}}}); callers want dotted
    field paths ("company.uscc") with Chinese messages."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat.setdefault(prefix or "_schema", []).extend(value if isinstance(value, list) else [str(value)])

    for location, inner in (messages or {}).items():
        walk("" if location in ("json", "query", "form", "view_args") else location, inner)
    return flat
