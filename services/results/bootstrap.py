"""results wired without Flask: settings, clock, database, bus, event entrypoints (design §3, cosmicpython ch. 13)."""
from __future__ import annotations

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters.db import messaging
from .consumers import CONSUMERS
from .domain.deadlines import ResultRules
from .handlers import HANDLERS


def bootstrap(settings: Settings, clock: Clock | None = None) -> ServiceRuntime:
    return build_runtime("results", settings, clock, models=messaging, handlers=HANDLERS,
                         deps={"result_rules": ResultRules.from_settings(settings)}, consumers=CONSUMERS)
