"""draw wired: its database, its bus with the draw policy, its event entrypoints (no Flask)."""
from __future__ import annotations

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters.db import messaging
from .consumers import CONSUMERS
from .domain.policy import DrawPolicy
from .handlers import HANDLERS


def bootstrap(settings: Settings, clock: Clock | None = None) -> ServiceRuntime:
    return build_runtime("draw", settings, clock, messaging, HANDLERS,
                         deps={"policy": DrawPolicy.from_settings(settings)}, consumers=CONSUMERS)
