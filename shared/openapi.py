"""What each service's OpenAPI document says beyond its request schemas (issue 13): the one error envelope, who may
call an operation (security schemes, from `shared.auth.require`), which error statuses it can answer, and the
success bodies, upload bodies and query parameters that views read by hand.

Success bodies are documented, not serialised: views build their own dicts (views.py), and the schemathesis test
(tests/integration/test_openapi_schemathesis.py) checks that the real answers match these documents.
"""
from __future__ import annotations

import functools
import re

from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema, fields

from .auth import COOKIE
from .errors import Invalid
from .text import allowed_pattern

BEARER, COOKIE_AUTH = "bearerAuth", "cookieAuth"
SIGNED_IN = [{BEARER: []}, {COOKIE_AUTH: []}]
SECURITY_SCHEMES = {
    BEARER: {"type": "http", "scheme": "bearer",
             "description": "登录（POST /draw/api/v1/auth/login）所得的令牌，或部门 API 令牌"},
    COOKIE_AUTH: {"type": "apiKey", "in": "cookie", "name": COOKIE,
                  "description": "页面登录后的 Cookie；修改数据的请求只在同源（Origin/Referer）时有效"},
}
BODY_METHODS = ("post", "put", "patch")
API_DESCRIPTION = (
    "错误一律答复 `{\"error\": {\"code\", \"message\"（中文）, \"fields\"}}`（ErrorEnvelope）。"
    "需登录的操作：`Authorization: Bearer <令牌>`（POST /draw/api/v1/auth/login 所得，或部门 API 令牌），"
    "或页面登录后的 Cookie；`x-roles` 列出可调用的身份（空列表：任何已登录身份），`security: []` 为公开操作。"
    "文本字段不接受控制字符和文字方向控制符（单行字段也不接受换行），整数须在 ±(2^63-1) 之内。")


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True, metadata={"description": "中文说明", "example": "请求参数校验未通过"})
    field_errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                               data_key="fields", metadata={"description": "字段路径 → 中文错误信息"})


class ErrorEnvelope(Schema):
    """The one error format of every service (style §2, shared/errors.error_response)."""
    error = fields.Nested(ErrorDetail, required=True)


class ApiContractPlugin(BasePlugin):
    """An apispec plugin that completes every operation from what the view already declares: `@require(...)` gives
    its security and 401/403; a path parameter gives 404; a request body gives 400/413/415/422 and, for writes,
    409. Public operations say so (`security: []`), unless a view documents an optional login itself."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def init_spec(self, spec):
        super().init_spec(spec)
        for name, scheme in SECURITY_SCHEMES.items():
            spec.components.security_scheme(name, scheme)
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin):
                plugin.converter.add_attribute_function(input_rules)

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        roles = getattr(view, "roles", None)
        for method, operation in (operations or {}).items():
            for key in ("summary", "description"):
                if key in operation:
                    operation[key] = without_rule_ids(operation[key])
            responses = operation.setdefault("responses", {})
            if roles is not None:
                operation.setdefault("security", SIGNED_IN)
                operation["x-roles"] = list(roles)  # empty: any signed-in caller
                _add(responses, 401, "UNAUTHORIZED")
                _add(responses, 403, "FORBIDDEN")
            else:
                operation.setdefault("security", [])
            if "{" in (path or ""):
                _add(responses, 404, "NOT_FOUND")
            if "requestBody" in operation or method in BODY_METHODS:
                for status, name in ((400, "BAD_REQUEST"), (413, "REQUEST_ENTITY_TOO_LARGE"),
                                     (415, "UNSUPPORTED_MEDIA_TYPE"), (409, "CONFLICT"),
                                     (422, "UNPROCESSABLE_ENTITY")):
                    _add(responses, status, name)
            elif operation.get("parameters") or "{" in (path or ""):
                _add(responses, 422, "UNPROCESSABLE_ENTITY")


_RULES = r"[SN]\d{1,2}(?:\s*[,、/]\s*[SN]\d{1,2})*"
_RULE_IDS = (re.compile(rf"\s*\((?:issue \d+[,;]?\s*)?{_RULES}(?:[,;]\s*issue \d+)?\)"),
             re.compile(rf"\b{_RULES}(?::|,)?\s*"))


def without_rule_ids(text: str) -> str:
    """Docstrings cite the rules (S8, N4) for the code's readers; the documents shown to API users do not."""
    for pattern in _RULE_IDS:
        text = pattern.sub("", text)
    return text


def input_rules(self, field, ret, **kwargs) -> dict:
    """What the project's request fields enforce beyond their JSON type, stated in the documents: text refuses
    control, line-break (single-line fields) and direction characters (shared/text.py); integers stay within what
    the databases hold. An explicit pattern or range of the field itself is kept."""
    from .schemas import INT_BOUND, Integer, String
    if isinstance(field, String) and "pattern" not in ret and "enum" not in ret:
        return {"pattern": allowed_pattern(field.multiline)}
    if isinstance(field, Integer):
        return {"minimum": max(ret.get("minimum", -INT_BOUND), -INT_BOUND),
                "maximum": min(ret.get("maximum", INT_BOUND), INT_BOUND)}
    return {}


def _add(responses: dict, status: int, name: str) -> None:
    if status not in responses and str(status) not in responses:
        responses[str(status)] = name


def answers(status: int, schema=None, *, content_type: str | None = None, description: str | None = None):
    """Document a success answer (flask-smorest's `alt_response(success=True)`) without serialising the view's
    dict through the schema."""
    return SmorestBlueprint.alt_response(SmorestBlueprint, status, schema=schema, content_type=content_type,
                                         description=description, success=True)


def optional_login():
    """A public operation that shows more to a signed-in caller (e.g. staff see a draw's details before the
    visit)."""
    return SmorestBlueprint.doc(security=[{}, *SIGNED_IN])


def query(*parameters: tuple):
    """Query parameters a view reads from `request.args` by hand: (name, JSON schema, description). Text parameters
    carry the rule every query value is held to (shared/web_input.py)."""
    return SmorestBlueprint.doc(parameters=[{"in": "query", "name": name, "required": False,
                                             "schema": _with_text_rule(schema, multiline=True),
                                             "description": description}
                                            for name, schema, description in parameters])


def multipart(required: tuple[str, ...], **parts: str):
    """An upload body (`multipart/form-data`): each part `name="binary"` for a file or `"string"` for text. It
    documents the body and refuses parts it does not name (422), as JSON bodies refuse unknown fields; put it
    under `@require`, so a caller without credentials hears 401 first."""
    properties = {name: {"type": "string", "format": "binary"} if kind == "binary"
                  else _with_text_rule({"type": "string"}, multiline=True) for name, kind in parts.items()}
    schema = {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}
    document = SmorestBlueprint.doc(requestBody={"required": True,
                                                 "content": {"multipart/form-data": {"schema": schema}}})

    def decorator(view):
        @functools.wraps(view)
        def refuse_unknown_parts(*args, **kwargs):
            from flask import request
            unknown = {key or "" for key in (*request.form.keys(), *request.files.keys())} - set(parts)
            if unknown:
                raise Invalid("上传请求含有不允许的字段", fields={key: ["不允许的字段"] for key in sorted(unknown)})
            return view(*args, **kwargs)
        return document(refuse_unknown_parts)
    return decorator


def _with_text_rule(schema: dict, multiline: bool) -> dict:
    if schema.get("type") != "string" or "enum" in schema or "pattern" in schema or "format" in schema:
        return schema
    return {**schema, "pattern": allowed_pattern(multiline)}


def binary(*content_types: str, description: str):
    """A file answer (xlsx, pdf, png), in any of these types."""
    documents = [answers(200, {"type": "string", "format": "binary"}, content_type=kind, description=description)
                 for kind in content_types]

    def decorator(view):
        for document in documents:
            view = document(view)
        return view
    return decorator


# --- building blocks of response schemas -------------------------------------------------------------------
def text(**kwargs) -> fields.String:
    return fields.String(required=True, **kwargs)


def maybe_text(**kwargs) -> fields.String:
    return fields.String(required=True, allow_none=True, **kwargs)


@functools.cache
def items_of(schema) -> type[Schema]:
    """`{"items": [...]}`, the list answer of most endpoints."""
    return Schema.from_dict({"items": fields.List(fields.Nested(schema), required=True)},
                            name=f"{_name(schema)}List")


@functools.cache
def page_of(schema, *extra: str) -> type[Schema]:
    """`{"items": [...], "total", "page"[, "per_page"]}`."""
    body = {"items": fields.List(fields.Nested(schema), required=True), "total": fields.Integer(required=True),
            "page": fields.Integer(required=True)}
    body.update({name: fields.Integer(required=True) for name in extra})
    return Schema.from_dict(body, name=f"{_name(schema)}Page")


def _name(schema) -> str:
    return schema.__name__ if isinstance(schema, type) else type(schema).__name__


def either(*components: str) -> dict:
    """A body that is one of these component schemas (by name), e.g. an import's row report or the error envelope."""
    return {"anyOf": [{"$ref": f"#/components/schemas/{name}"} for name in components]}
