"""Settings from the environment (12-factor, design §7), read once in each app factory.

Legal deadlines and ratios are not here: they are domain configuration with their own defaults.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SERVICES = ("intake", "draw", "letters", "results")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    service: str
    database_url: str
    amqp_url: str | None = None
    secret_key: str = "dev-only-secret-change-me"
    tz: str = "Asia/Shanghai"
    public_base_url: str = "http://127.0.0.1:8000"
    var_dir: Path = field(default_factory=lambda: PROJECT_ROOT / "var")
    delivery_limit: int = 5
    prefetch: int = 20
    relay_batch: int = 200

    @property
    def distributed(self) -> bool:
        """Distributed mode is chosen by the presence of a broker, nothing else (same code, two transports)."""
        return bool(self.amqp_url)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


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


def load_settings(service: str, env: dict | None = None) -> Settings:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    env = os.environ if env is None else env
    var_dir = Path(env.get("JOINTINSPECT_VAR", PROJECT_ROOT / "var"))
    return Settings(
        service=service,
        database_url=database_url_for(service, env, var_dir),
        amqp_url=env.get("AMQP_URL") or None,
        secret_key=env.get("SECRET_KEY", Settings.secret_key),
        tz=env.get("JOINTINSPECT_TZ", Settings.tz),
        public_base_url=env.get("PUBLIC_BASE_URL", Settings.public_base_url).rstrip("/"),
        var_dir=var_dir,
        delivery_limit=int(env.get("DELIVERY_LIMIT", Settings.delivery_limit)),
        prefetch=int(env.get("PREFETCH", Settings.prefetch)),
    )
