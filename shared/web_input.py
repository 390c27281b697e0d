"""What a request may carry, checked once for every service before any view runs (issue 13): malformed input is
answered 4xx in the project's error format, never 500.

Measured before: JSON nested thousands deep, a 5000-digit integer (Python refuses to parse beyond 4300 digits) and
a lone surrogate ("\\ud800", which cannot be stored or answered as UTF-8) each gave 500; every results endpoint took
a 10 MB JSON body. Now a JSON body is at most JSON_MAX_BYTES (413), parsed here with bounded depth and integers
(400), and a body of another type sent to an endpoint that reads JSON is 415. Multipart uploads keep the larger
limit of their app (MAX_CONTENT_LENGTH). Query and form values obey the multi-line text rules of shared/text.py
(no NUL, control or direction characters; whether a line break is allowed is the field's schema's call) and arrive
NFC-normalised; pages and letters print text through `text.printable`, so a direction control stored before these
rules cannot reverse what is shown or printed.
"""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request
from flask_smorest import Blueprint as SmorestBlueprint
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from . import text, uploads
from .errors import error_response
from .json_limits import MalformedJSON, loads

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class GuardedJSONProvider(DefaultJSONProvider):
    """`request.get_json()` anywhere parses with the same limits."""

    def loads(self, s, **kwargs):
        return loads(s)


class NormalisedMultiDict(ImmutableMultiDict):
    """Query and form values NFC-normalised as werkzeug parses them (one spelling of a name, as the schemas do)."""

    def __init__(self, mapping=None):
        if mapping is not None and not isinstance(mapping, (dict, MultiDict)):
            mapping = [(_nfc(key), _nfc(value)) for key, value in mapping]
        super().__init__(mapping)


def _nfc(value):
    return text.normalise(value) if isinstance(value, str) and not text.has_lone_surrogate(value) else value


class GuardedRequest(Request):
    parameter_storage_class = NormalisedMultiDict


def install(app: Flask, json_max_bytes: int, max_pixels: int) -> None:
    json_provider = GuardedJSONProvider(app)
    json_provider.ensure_ascii, json_provider.sort_keys = app.json.ensure_ascii, app.json.sort_keys
    app.json = json_provider
    app.request_class = GuardedRequest
    app.jinja_env.finalize = text.printable
    uploads.configure_decoder(max_pixels)
    app.before_request(lambda: check_request(json_max_bytes))


def check_request(json_max_bytes: int):
    """None when the request may go on; else the 4xx answer."""
    for key, value in request.args.items(multi=True):  # line breaks pass here: a schema or `safe_next` decides
        if reason := text.problem(key) or text.problem(value, multiline=True):
            return _refuse(400, "bad_request", "查询参数含有不允许的字符", {key: [reason]})
    if request.mimetype != "multipart/form-data":  # uploads keep the app's own, larger limit
        request.max_content_length = json_max_bytes
        if (request.content_length or 0) > json_max_bytes:
            return _refuse(413, "too_large", f"请求体过大（JSON 最大 {json_max_bytes // 1024} KB）")
    if request.is_json:
        return _check_json()
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        refused = _check_form()
        if refused is not None or not _takes_json():
            return refused
    if request.method in BODY_METHODS and _has_body() and _takes_json():
        return _refuse(415, "unsupported_media_type", "请求体应为 JSON（Content-Type: application/json）")
    return None


def _check_json():
    data = request.get_data(cache=True)  # bounded by max_content_length (413 when a streamed body exceeds it)
    if not data.strip():
        return None
    try:
        loads(data)
    except MalformedJSON as error:
        return _refuse(400, "bad_request", str(error))
    except ValueError:  # not JSON, or not UTF-8
        return _refuse(400, "bad_request", "请求体不是有效的 JSON")
    return None


def _check_form():
    for key, value in request.form.items(multi=True):  # a part without a name has the key None
        if reason := text.problem(key or "") or text.problem(value, multiline=True):
            return _refuse(400, "bad_request", "提交的内容含有不允许的字符", {key: [reason]})
    for key, storage in request.files.items(multi=True):
        if storage.filename and (reason := text.problem(storage.filename)):
            return _refuse(400, "bad_request", "上传的文件名含有不允许的字符", {key: [reason]})
    return None


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _takes_json() -> bool:
    """Whether the matched API operation declares a JSON body (flask-smorest's `@blp.arguments`, location json)."""
    view = current_app.view_functions.get(request.endpoint or "")
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "json" for parameter in parameters)


def _refuse(status: int, code: str, message: str, fields: dict | None = None):
    """The API's error envelope; a page gets the error page (a person reads it, not a program)."""
    if isinstance(current_app.blueprints.get(request.blueprint or ""), SmorestBlueprint) or "/api/" in request.path:
        return error_response(status, code, message, fields)
    details = "；".join(f"{reasons[0]}" for reasons in (fields or {}).values())
    return render_template("error.html", status=status, message=f"{message}：{details}" if details else message), \
        status
