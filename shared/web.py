"""The Flask side every service shares: the app factory skeleton, error handlers, health probes.

Every service serves its routes under its own prefix (`/intake/…`), in both modes, so paths are identical
whether the four run in one process or four.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Flask, jsonify
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_swagger_ui import get_swaggerui_blueprint
from werkzeug.exceptions import HTTPException

from . import health, metrics, web_input, web_outage, web_security
from .audit_web import audit_blueprints
from .auth import current_principal
from .clock import local_display
from .config import PROJECT_ROOT, require_secret_key
from .errors import HTTP_MESSAGES, DomainError, error_response, flatten_fields
from .masking import mask_text
from .openapi import API_DESCRIPTION, ApiContractPlugin, ErrorEnvelope
from .runtime import ServiceRuntime

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 4 * 1024 * 1024


class ServiceApi(Api):
    """flask-smorest, but answering every HTTP error in the project's one Chinese error format, and documenting
    that format as every operation's error answer."""

    ERROR_SCHEMA = ErrorEnvelope

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        fields = flatten_fields(data.get("messages") or data.get("errors") or {})
        status = error.code or 500
        message = data.get("message") or HTTP_MESSAGES.get(status, "请求失败")
        if fields.get("_schema") == ["Invalid JSON body."]:  # webargs' words for an undecodable body
            message, fields = "请求体不是有效的 JSON", {}
        response = error_response(status, _code_for(status), message, fields)
        for name, value in error.get_headers():  # e.g. `Allow` on 405 (RFC 9110), `Retry-After` on 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response


def _code_for(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid"}.get(status, "error")


def create_service_app(runtime: ServiceRuntime, blueprints, token_resolvers=(),
                       max_body_bytes: int = MAX_BODY_BYTES) -> Flask:
    """The web side of one service around its runtime: views reach use cases only through `handle()`."""
    name, settings = runtime.name, require_secret_key(runtime.settings)  # no app checks tokens with a known key
    app = Flask(f"jointinspect.{name}", template_folder=str(PROJECT_ROOT / "templates"), static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=max_body_bytes,
        API_TITLE=f"jointinspect {name}", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=f"/{name}/docs", OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": API_DESCRIPTION}},
    )
    app.json.ensure_ascii = False
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    api = ServiceApi(app, spec_kwargs={"extra_plugins": [ApiContractPlugin(app)]})
    for blueprint in (*blueprints, *audit_blueprints(name)):  # API blueprints in OpenAPI; page blueprints not
        (api if isinstance(blueprint, SmorestBlueprint) else app).register_blueprint(blueprint)
    app.extensions["jointinspect"] = runtime
    app.extensions["jointinspect.token_resolvers"] = list(token_resolvers)
    app.register_blueprint(health_blueprint(name))
    install_request_metrics(app, name)
    app.register_blueprint(get_swaggerui_blueprint(f"/{name}/docs", f"/{name}/docs/openapi.json",
                                                   config={"app_name": f"jointinspect {name} API"},
                                                   blueprint_name=f"{name}_swagger_ui"))
    app.context_processor(lambda: {"principal": current_principal(), "figures": settings.public()})
    # stored UTC, shown in the local zone (Asia/Shanghai unless JOINTINSPECT_TZ says otherwise)
    app.jinja_env.filters["localtime"] = lambda dt, seconds=False: local_display(dt, seconds, runtime.clock.tz)
    app.jinja_env.filters["masked"] = mask_text  # ID-card and mobile numbers in free text on public pages (N8)
    app.register_error_handler(DomainError, _domain_error)
    web_outage.install(app, settings.outage_retry_after)  # database away: 503 + Retry-After, not 500
    app.extensions["jointinspect.session_revoked"] = session_revoked_check(runtime)
    web_security.install(app, settings.trusted_proxies, docs_prefix=f"/{name}/docs")
    web_input.install(app, settings.json_max_bytes, settings.upload_max_pixels)  # malformed input: 4xx, not 500
    return app


def _domain_error(error: DomainError):
    response = error_response(error.status, error.code, error.message, error.fields)
    if getattr(error, "retry_after", None):  # 429 (login lock): when to try again, in seconds
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def session_revoked_check(runtime: ServiceRuntime):
    """Logout and password change in draw revoke login tokens; each service knows it from its own read model of
    `account.sessions_revoked` (shared/sessions.py) and asks it for every signed token it is shown."""
    from .sessions import SessionRevoked
    return lambda principal: runtime.bus.handle(SessionRevoked(principal.subject, principal.session_id or "",
                                                               principal.issued_at or 0.0))


def runtime_of(app: Flask) -> ServiceRuntime:
    return app.extensions["jointinspect"]


def current_runtime() -> ServiceRuntime:
    from flask import current_app
    return runtime_of(current_app)


def handle(message):
    """The one way a view reaches a use case: this service's bus, with the request's `X-Correlation-Id` so the
    task can be followed across services (design §2)."""
    from flask import request
    return current_runtime().bus.handle(message, correlation_id=request.headers.get("X-Correlation-Id"))


def current_settings():
    return current_runtime().settings


def today():
    """Today in Beijing time, from the service's one clock (injectable in tests)."""
    return current_runtime().clock.today_local()


def health_blueprint(name: str) -> Blueprint:
    """/healthz (the process answers), /readyz (the service's pipeline: shared/health.py) and /metrics."""
    blueprint = Blueprint(f"{name}_health", __name__, url_prefix=f"/{name}")
    broker_checked: dict[str, float] = {}

    @blueprint.get("/healthz")
    def healthz():
        """Liveness: the process answers."""
        return jsonify(status="ok", service=name)

    @blueprint.get("/readyz")
    def readyz():
        """Readiness: database, broker (distributed) and an outbox its worker keeps publishing."""
        from flask import current_app
        runtime = runtime_of(current_app)
        body, status = health.readiness(name, *health.pipeline_checks(runtime, broker_checked))
        return jsonify(body), status

    @blueprint.get("/metrics")
    def metrics_endpoint():
        """Prometheus exposition: counts and route patterns only, nothing personal; METRICS_TOKEN if set."""
        from flask import Response, current_app, request
        runtime = runtime_of(current_app)
        if not metrics.token_accepted(runtime.settings.metrics_token, request.headers.get("Authorization")):
            return error_response(401, "unauthorized", "需要指标令牌", {})
        body, content_type = metrics.exposition([runtime], runtime.settings.prometheus_multiproc_dir)
        return Response(body, content_type=content_type)

    return blueprint


def install_request_metrics(app: Flask, name: str) -> None:
    """HTTP latency by route pattern (`url_rule`, never the raw path: ids would make a series per task)."""
    from flask import g, request

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
            metrics.observe_http(name, request.method, route, response.status_code, time.perf_counter() - started)
        return response
