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
from .commands import DispatchDuePlans, DispatchNextChunk
from .consumers import CONSUMERS
from .domain.webhooks import WebhookPolicy
from .handlers import HANDLERS
from .webhook_job import send_due_webhooks

# how often a worker looks for plans being dispatched in the background (issue 15): the second chunk of a plan
# dispatched over the API should follow within seconds, not after the deadline job's minute; the look is one
# indexed SELECT … FOR UPDATE SKIP LOCKED on the small plan table
DISPATCH_POLL_SECONDS = 2


def dispatch_due(runtime: ServiceRuntime) -> None:
    """Periodic job: plans whose intake deadline has passed are dispatched automatically (S6), in chunks."""
    runtime.bus.handle(DispatchDuePlans())
    send_dispatch_chunks(runtime)


def send_dispatch_chunks(runtime: ServiceRuntime) -> None:
    """Periodic job: plans marked `dispatching` get their remaining chunks, each chunk its own transaction, so a
    crash loses at most the chunk in flight (rolled back, sent again next time) and the plan lock is held per chunk.
    Ends when no plan is left dispatching (or the ones left are being sent by another worker right now)."""
    while runtime.bus.handle(DispatchNextChunk()) is not None:
        pass


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
                                   (DISPATCH_POLL_SECONDS, send_dispatch_chunks),
                                   (policy.send_seconds, send_due_webhooks)])
