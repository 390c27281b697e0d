"""intake wired without Flask: its database, its bus with every handler, its event entrypoints and the periodic
jobs (the intake deadline, the webhook sender). The web app (app.py), the workers, the CLI and tests all start
from here."""
from __future__ import annotations

from functools import partial

from shared.clock import Clock
from shared.config import Settings
from shared.runtime import ServiceRuntime, build_runtime

from .adapters import webhook_sender
from .adapters.db import messaging
from .commands import DispatchDuePlans
from .consumers import CONSUMERS
from .domain.webhooks import WebhookPolicy
from .handlers import HANDLERS
from .webhook_job import send_due_webhooks


def dispatch_due(runtime: ServiceRuntime) -> None:
    """Periodic job: plans whose intake deadline has passed are dispatched automatically (S6)."""
    runtime.bus.handle(DispatchDuePlans())


def webhook_deps(policy: WebhookPolicy, resolver=webhook_sender.resolve) -> dict:
    """The target check (at registration) and the sender (which checks again: DNS may change)."""
    return {"webhook_policy": policy,
            "webhook_target_refusal": partial(webhook_sender.target_refusal, allow_private=policy.allow_private_targets,
                                              resolver=resolver),
            "send_webhook": partial(webhook_sender.send, timeout=policy.timeout_seconds,
                                    allow_private=policy.allow_private_targets, resolver=resolver)}


def bootstrap(settings: Settings, clock: Clock | None = None, **overrides) -> ServiceRuntime:
    """`overrides` replace named dependencies (tests: a resolver, a sender)."""
    policy = WebhookPolicy.from_settings(settings)
    return build_runtime("intake", settings, clock, models=messaging, handlers=HANDLERS,
                         deps={**webhook_deps(policy), **overrides}, consumers=CONSUMERS,
                         periodic=[(settings.intake_deadline_check_seconds, dispatch_due),
                                   (policy.send_seconds, send_due_webhooks)])
