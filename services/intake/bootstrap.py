"""intake wired without Flask: its database, its bus with every handler, its event entrypoints and the deadline
job. The web app (app.py), the workers, the CLI and tests all start from here."""
from __future__ import annotations

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters.db import messaging
from .commands import DispatchDuePlans
from .consumers import CONSUMERS
from .handlers import HANDLERS


def dispatch_due(runtime: ServiceRuntime) -> None:
    """Periodic job: plans whose intake deadline has passed are dispatched automatically (S6)."""
    runtime.bus.handle(DispatchDuePlans())


def bootstrap(settings: Settings, clock: Clock | None = None) -> ServiceRuntime:
    return build_runtime("intake", settings, clock, models=messaging, handlers=HANDLERS, deps={},
                         consumers=CONSUMERS, periodic=[(settings.intake_deadline_check_seconds, dispatch_due)])
