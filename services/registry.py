"""The four services, in one place: name → bootstrap (runtime and bus), app factory and start-up duty."""
from __future__ import annotations

import importlib

from flask import Flask

from shared.clock import Clock
from shared.config import SERVICES, Settings, load_settings
from shared.migrations import upgrade
from shared.runtime import ServiceRuntime


def bootstrap(name: str, settings: Settings | None = None, clock: Clock | None = None) -> ServiceRuntime:
    """The service without Flask: settings, clock, database, bus and event entrypoints (CLI, workers, tests)."""
    module = importlib.import_module(f"services.{name}.bootstrap")
    return module.bootstrap(settings or load_settings(name), clock)


def create(name: str, runtime: ServiceRuntime) -> Flask:
    module = importlib.import_module(f"services.{name}.app")
    return module.create_app(runtime)


def migrate(name: str, settings: Settings | None = None) -> None:
    upgrade(name, (settings or load_settings(name)).database_url)


def prepare(name: str, runtime: ServiceRuntime) -> None:
    """Work a service must do after migrations and before serving (e.g. draw's seed commitments)."""
    module = importlib.import_module(f"services.{name}.bootstrap")
    if hasattr(module, "prepare"):
        module.prepare(runtime)


def start(name: str, settings: Settings | None = None, clock: Clock | None = None) -> ServiceRuntime:
    """Migrate, wire and prepare one service: what every entry point (serve, worker, CLI, embedded) does first."""
    settings = settings or load_settings(name)
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    migrate(name, settings)
    runtime = bootstrap(name, settings, clock)
    prepare(name, runtime)
    return runtime


def build(name: str, settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    return create(name, start(name, settings, clock))


__all__ = ["SERVICES", "bootstrap", "build", "create", "migrate", "prepare", "start"]
