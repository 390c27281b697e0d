"""One configuration (design §7, style §7): every figure the system uses, read once from the environment at start
and passed to handlers and templates. Nothing else reads `os.environ`.

Figures with legal weight (team size, deadlines) live here with their legal defaults, so a district that differs
changes a variable, not the code. `load_settings` refuses a value it cannot use, in words an operator understands.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .topology import delays_valid

SERVICES = ("intake", "draw", "letters", "results")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# the fixed fallback earlier versions signed tokens with when SECRET_KEY was unset: public, so never accepted again
RETIRED_SECRETS = ("dev-only-secret-change-me", "change-me-in-production")


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    service: str
    database_url: str
    amqp_url: str | None = None
    secret_key: str = ""  # no fallback: serve/worker refuse to start without one, the demo generates one in var/
    tz: str = "Asia/Shanghai"
    public_base_url: str = "http://127.0.0.1:8000"
    var_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")
    log_level: str = "INFO"
    web_concurrency: int = 2
    port: int = 8000
    # login and the web shell (issue 13)
    login_max_failures: int = 5  # wrong passwords in a row (per account, and per client address ×4) before a lock
    login_lock_minutes: int = 15
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are believed (0: none)
    # input limits (issue 13): an image is refused by its dimensions before decoding; JSON bodies are bounded
    upload_max_pixels: int = 40_000_000  # width × height of an evidence photo or seal (40 MP decode in ~160 MB)
    json_max_bytes: int = 1024 * 1024  # a JSON request body; multipart uploads keep their own, larger limits
    # messaging
    rabbitmq_management_url: str | None = None  # `jointinspect partners`: create partner users on a remote broker
    delivery_limit: int = 5
    prefetch: int = 20
    relay_batch: int = 1000  # rows per relay transaction (1000: 1.5–1.7× the rate of 200, bench/relay_throughput.py)
    relay_window: int = 100  # publisher confirms outstanding at once (issue 15: pipelined, not one at a time)
    render_processes: int = 0  # letters: PDF render processes (0: one per core); renders run outside any lock
    dispatch_chunk: int = 500  # intake: visits dispatched per transaction; larger plans dispatch in the background
    retry_delays: str = "1,5,30,120"  # seconds before the 1st, 2nd, … retry of a failed delivery (last repeats)
    outage_retry_after: int = 5  # Retry-After (s) of a 503 answered while the database is unreachable
    # health and metrics (issue 14): the worker's HTTP probe, readiness thresholds, /metrics access, log format
    worker_health_port: int = 0  # the worker's /healthz /readyz /metrics port (0: no probe server)
    worker_health_bind: str = "127.0.0.1"  # its address ("0.0.0.0" for a scraper in another container)
    outbox_backlog_max: int = 5000  # unsent outbox rows at which the service reports not ready
    outbox_max_age_seconds: int = 300  # … or the age of the oldest unsent row
    metrics_token: str = ""  # if set, /metrics wants `Authorization: Bearer <token>`
    prometheus_multiproc_dir: str = ""  # gunicorn with several workers: prometheus_client's multiprocess directory
    log_format: str = "text"  # "json": one JSON object per line
    # intake
    intake_deadline_check_seconds: int = 60
    # partner webhooks (intake): targets, sending and retry schedule
    webhook_allow_private_targets: str = "0"  # "1": loopback/private targets allowed (tests, single machine)
    webhook_send_seconds: int = 5
    webhook_timeout_seconds: int = 10
    webhook_retry_base_seconds: int = 30
    webhook_retry_max_seconds: int = 3600
    webhook_retry_hours: int = 24
    webhook_batch: int = 50
    webhook_lease_seconds: int = 120
    # draw (S6, N2, N3, design §4)
    draw_department: str = "STHJ"
    draw_team_size: int = 2
    draw_algorithm: str = "sha256"
    draw_jurisdiction: str = "370211"
    draw_max_load: int = 0  # 0: no cap (windows of weeks overlap; a small cap strands a real quarter)
    draw_naming_days: int = 3  # N2: a department that names its own officers does so within N days
    draw_visit_earliest_hour: int = 7  # a visit may start at this hour (local time) at the earliest
    draw_visit_latest_hour: int = 20  # … and at this hour:00 at the latest
    draw_recusal_decision_days: int = 3
    # letters (S12): the department the LETTERS_ISSUER_* / LETTERS_CONTACT_* settings describe (the eco sub-bureau)
    letters_department: str = "STHJ"
    letters_issuer_code: str = "青环西联函"
    letters_issuer_name: str = "青岛市生态环境局西海岸新区分局"
    letters_contact_name: str = "综合科"
    letters_contact_phone: str = "0532-86988000"
    letter_font_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var" / "fonts")
    # results (S10, S11, S15, N7)
    results_publication_working_days: int = 20
    results_rectification_months: int = 3
    reports_monthly_due_day: int = 5   # S11: the month's dispatch table by the 5th of the next month
    reports_quarterly_due_day: int = 10  # S15: the quarter's report by the 10th of the next quarter
    # audit (S1, issue 13): signed checkpoints of every chain head; the key is a secret like SECRET_KEY
    audit_signing_key: str = ""  # Ed25519 private key (PEM or base64 seed); the embedded demo generates one in var/
    audit_checkpoint_minutes: int = 60
    audit_previous_public_keys: str = ""  # after a key change: the old public keys (base64, comma-separated)

    @property
    def distributed(self) -> bool:
        """Distributed mode is chosen by the presence of a broker, nothing else (same code, two transports)."""
        return bool(self.amqp_url)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def public(self) -> dict:
        """The figures templates may show (deadlines, team size): never URLs or secrets."""
        return {"publication_working_days": self.results_publication_working_days,
                "rectification_months": self.results_rectification_months,
                "team_size": self.draw_team_size,
                "monthly_due_day": self.reports_monthly_due_day,
                "quarterly_due_day": self.reports_quarterly_due_day}


# environment variable → Settings field, for every figure that has a variable (the README's table lists them all)
VARIABLES = {
    "AMQP_URL": "amqp_url", "SECRET_KEY": "secret_key", "JOINTINSPECT_TZ": "tz",
    "PUBLIC_BASE_URL": "public_base_url", "LOG_LEVEL": "log_level", "WEB_CONCURRENCY": "web_concurrency",
    "PORT": "port", "LOGIN_MAX_FAILURES": "login_max_failures", "LOGIN_LOCK_MINUTES": "login_lock_minutes",
    "TRUSTED_PROXIES": "trusted_proxies", "UPLOAD_MAX_PIXELS": "upload_max_pixels", "JSON_MAX_BYTES": "json_max_bytes",
    "RABBITMQ_MANAGEMENT_URL": "rabbitmq_management_url",
    "DELIVERY_LIMIT": "delivery_limit", "PREFETCH": "prefetch", "RELAY_BATCH": "relay_batch",
    "RELAY_WINDOW": "relay_window", "RENDER_PROCESSES": "render_processes", "DISPATCH_CHUNK": "dispatch_chunk",
    "RETRY_DELAYS": "retry_delays", "OUTAGE_RETRY_AFTER": "outage_retry_after",
    "WORKER_HEALTH_PORT": "worker_health_port", "WORKER_HEALTH_BIND": "worker_health_bind",
    "OUTBOX_BACKLOG_MAX": "outbox_backlog_max", "OUTBOX_MAX_AGE_SECONDS": "outbox_max_age_seconds",
    "METRICS_TOKEN": "metrics_token", "PROMETHEUS_MULTIPROC_DIR": "prometheus_multiproc_dir",
    "LOG_FORMAT": "log_format", "INTAKE_DEADLINE_CHECK_SECONDS": "intake_deadline_check_seconds",
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "webhook_allow_private_targets", "WEBHOOK_SEND_SECONDS": "webhook_send_seconds",
    "WEBHOOK_TIMEOUT_SECONDS": "webhook_timeout_seconds", "WEBHOOK_RETRY_BASE_SECONDS": "webhook_retry_base_seconds",
    "WEBHOOK_RETRY_MAX_SECONDS": "webhook_retry_max_seconds", "WEBHOOK_RETRY_HOURS": "webhook_retry_hours",
    "WEBHOOK_BATCH": "webhook_batch", "WEBHOOK_LEASE_SECONDS": "webhook_lease_seconds",
    "DRAW_DEPARTMENT": "draw_department", "DRAW_TEAM_SIZE": "draw_team_size", "DRAW_ALGORITHM": "draw_algorithm",
    "DRAW_JURISDICTION": "draw_jurisdiction", "DRAW_MAX_LOAD": "draw_max_load",
    "DRAW_NAMING_DAYS": "draw_naming_days", "DRAW_VISIT_EARLIEST_HOUR": "draw_visit_earliest_hour",
    "DRAW_VISIT_LATEST_HOUR": "draw_visit_latest_hour",
    "DRAW_RECUSAL_DECISION_DAYS": "draw_recusal_decision_days",
    "LETTERS_DEPARTMENT": "letters_department",
    "LETTERS_ISSUER_CODE": "letters_issuer_code", "LETTERS_ISSUER_NAME": "letters_issuer_name",
    "LETTERS_CONTACT_NAME": "letters_contact_name", "LETTERS_CONTACT_PHONE": "letters_contact_phone",
    "LETTER_FONT_DIR": "letter_font_dir",
    "RESULTS_PUBLICATION_WORKING_DAYS": "results_publication_working_days",
    "RESULTS_RECTIFICATION_MONTHS": "results_rectification_months",
    "REPORTS_MONTHLY_DUE_DAY": "reports_monthly_due_day",
    "REPORTS_QUARTERLY_DUE_DAY": "reports_quarterly_due_day",
    "AUDIT_SIGNING_KEY": "audit_signing_key", "AUDIT_CHECKPOINT_MINUTES": "audit_checkpoint_minutes",
    "AUDIT_PREVIOUS_PUBLIC_KEYS": "audit_previous_public_keys",
}
_MINIMUM = {"draw_team_size": 2, "delivery_limit": 1, "prefetch": 1, "relay_batch": 1, "web_concurrency": 1,
            "relay_window": 1, "render_processes": 0, "dispatch_chunk": 1,
            "outage_retry_after": 1,
            "port": 1, "login_max_failures": 1, "login_lock_minutes": 1, "trusted_proxies": 0,
            "upload_max_pixels": 1_000_000, "json_max_bytes": 65536,
            "intake_deadline_check_seconds": 1, "draw_max_load": 0, "draw_naming_days": 1,
            "draw_visit_earliest_hour": 0, "draw_visit_latest_hour": 1,
            "draw_recusal_decision_days": 1, "results_publication_working_days": 1,
            "results_rectification_months": 1, "reports_monthly_due_day": 1, "reports_quarterly_due_day": 1,
            "webhook_send_seconds": 1, "webhook_timeout_seconds": 1, "webhook_retry_base_seconds": 1,
            "webhook_retry_max_seconds": 1, "webhook_retry_hours": 1, "webhook_batch": 1, "webhook_lease_seconds": 1,
            "audit_checkpoint_minutes": 1, "worker_health_port": 0, "outbox_backlog_max": 1,
            "outbox_max_age_seconds": 1}
_ALGORITHMS = ("md5", "sha256", "sm3")


def database_url_for(service: str, env: dict | None = None, var_dir: Path | None = None) -> str:
    """`<SERVICE>_DATABASE_URL`, else `DATABASE_URL` with `_<service>` appended to the database name
    (each service keeps its own database), else a SQLite file under `var/`."""
    env = os.environ if env is None else env
    own = env.get(f"{service.upper()}_DATABASE_URL")
    if own:
        return own
    common = env.get("DATABASE_URL")
    if common:
        parts = urlsplit(common)
        name = parts.path.lstrip("/") or "jointinspect"
        return urlunsplit(parts._replace(path=f"/{name}_{service}"))
    var_dir = var_dir or Path(env.get("JOINTINSPECT_VAR", PROJECT_ROOT / "var"))
    return f"sqlite:///{var_dir / f'{service}.db'}"


def _convert(name: str, variable: str, raw: str, kind) -> object:
    if kind is int or kind == "int":
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{variable}={raw!r}: must be a whole number") from None
        if value < _MINIMUM.get(name, 0):
            raise SettingsError(f"{variable}={value}: must be at least {_MINIMUM[name]}")
        return value
    if kind in (Path, "Path"):
        return Path(raw)
    return raw


def load_settings(service: str, env: dict | None = None, defaults: dict | None = None) -> Settings:
    """Read every variable once; a value that cannot work stops the start with the variable's name.
    `defaults` are variables that apply only when the environment does not set them (e.g. `up --port`)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    env = {**(defaults or {}), **(os.environ if env is None else env)}
    var_dir = Path(env.get("JOINTINSPECT_VAR", PROJECT_ROOT / "var"))
    kinds = {f.name: f.type for f in fields(Settings)}
    values: dict = {"service": service, "database_url": database_url_for(service, env, var_dir), "var_dir": var_dir}
    for variable, name in VARIABLES.items():
        raw = env.get(variable)
        if raw is None or raw == "":
            continue
        values[name] = _convert(name, variable, raw, _kind(kinds[name]))
    settings = Settings(**values)
    try:
        ZoneInfo(settings.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"JOINTINSPECT_TZ={settings.tz!r}: not a known time zone (e.g. Asia/Shanghai)") from None
    if not settings.draw_visit_earliest_hour < settings.draw_visit_latest_hour <= 23:
        raise SettingsError(f"DRAW_VISIT_EARLIEST_HOUR={settings.draw_visit_earliest_hour}, DRAW_VISIT_LATEST_HOUR="
                            f"{settings.draw_visit_latest_hour}: the earliest hour must come before the latest (≤ 23)")
    if settings.webhook_allow_private_targets.lower() not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
        raise SettingsError(f"WEBHOOK_ALLOW_PRIVATE_TARGETS={settings.webhook_allow_private_targets!r}: use 1 or 0")
    if settings.log_format not in ("text", "json"):
        raise SettingsError(f"LOG_FORMAT={settings.log_format!r}: use text or json")
    if settings.draw_algorithm not in _ALGORITHMS:
        raise SettingsError(f"DRAW_ALGORITHM={settings.draw_algorithm!r}: must be one of {', '.join(_ALGORITHMS)}")
    if not delays_valid(settings.retry_delays):
        raise SettingsError(f"RETRY_DELAYS={settings.retry_delays!r}: positive seconds, comma-separated (1,5,30,120)")
    return settings.with_(public_base_url=settings.public_base_url.rstrip("/"))


def require_secret_key(settings: Settings) -> Settings:
    """Login tokens are signed with SECRET_KEY and checked by every service with it: a missing or publicly known key
    lets anyone forge an admin token, so nothing that signs or checks tokens starts without a real one."""
    if not settings.secret_key:
        raise SettingsError("未设置 SECRET_KEY：登录令牌须用各服务相同的密钥签发和校验。请设置环境变量 "
                            "SECRET_KEY（例如 `python -c 'import secrets; print(secrets.token_urlsafe(32))'` "
                            "生成），四个服务取同一值")
    if settings.secret_key in RETIRED_SECRETS:
        raise SettingsError("SECRET_KEY 使用了公开的示例值，任何人都能伪造登录令牌：请换成随机生成的密钥")
    return settings


def _kind(annotation) -> object:
    text = str(annotation)
    if "int" in text and "str" not in text:
        return int
    if "Path" in text:
        return Path
    return str
