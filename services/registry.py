"""The four services, in one place: name → app factory and start-up duty."""
from __future__ import annotations

import importlib

from flask import Flask

from shared.config import SERVICES, Settings, load_settings
from shared.migrations import upgrade


def create(name: str, settings: Settings | None = None, **kwargs) -> Flask:
    module = importlib.import_module(f"services.{name}.app")
    return module.create_app(settings or load_settings(name), **kwargs)


def migrate(name: str, settings: Settings | None = None) -> None:
    upgrade(name, (settings or load_settings(name)).database_url)


def prepare(name: str, app: Flask) -> None:
    """Work a service must do after migrations and before serving (e.g. draw's seed commitments)."""
    module = importlib.import_module(f"services.{name}.app")
    if hasattr(module, "prepare"):
        module.prepare(app)


def build(name: str, settings: Settings | None = None, **kwargs) -> Flask:
    settings = settings or load_settings(name)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    migrate(name, settings)
    app = create(name, settings, **kwargs)
    prepare(name, app)
    return app


__all__ = ["SERVICES", "build", "create", "migrate", "prepare"]
