"""Test helpers for the partner feed and webhooks (issue #12): intake alone with a webhook policy and a resolver
of our choosing, partner-facing events as the other services emit them, and a real HTTP receiver on 127.0.0.1
that answers from a script and keeps what it received."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from shared import events
from shared.clock import FixedClock

QUEUE = {"letter.issued": "intake.letter.issued.*", "visit.scheduled": "intake.visit.scheduled.*",
         "result.published": "intake.result.published.*", "result.voided": "intake.result.voided.*",
         "rectification.updated": "intake.rectification.updated.*"}
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


class MovingClock(FixedClock):
    """A clock the test moves by hand, so backoff is tested without sleeping."""

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def public_resolver(host: str) -> list[str]:
    """Every name resolves to a public address (no DNS in unit tests); IP literals resolve to themselves."""
    import ipaddress
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return ["127.0.0.1"] if host == "localhost" else ["93.184.216.34"]


def partner_runtime(var_dir: Path, clock=None, allow_private: bool = False, resolver=public_resolver):
    """intake on a SQLite file with its catalog loaded; WEBHOOK_ALLOW_PRIVATE_TARGETS as `allow_private`."""
    from services import registry
    from services.intake.bootstrap import bootstrap, webhook_deps
    from services.intake.domain.webhooks import WebhookPolicy
    from shared.config import load_settings
    from tests.support.intake import load_reference
    settings = load_settings("intake", {"JOINTINSPECT_VAR": str(var_dir), "SECRET_KEY": "test-secret"})
    var_dir.mkdir(parents=True, exist_ok=True)
    registry.migrate("intake", settings)
    runtime = bootstrap(settings, clock, **webhook_deps(WebhookPolicy(allow_private_targets=allow_private),
                                                          resolver=resolver))
    load_reference(runtime)
    return runtime


def partner_event(name: str, department: str, now: datetime = T0, **data) -> events.Event:
    """A partner-facing event as letters/results/draw emit it (routing key `<name>.<department>`)."""
    _, body = events.build("results", name, {"department": department, **data}, "insp-1", now)
    return events.parse(body)


def deliver(runtime, event: events.Event):
    """As the embedded bus or the AMQP consumer hands it over: through intake's queue for that pattern."""
    return runtime.deliver(QUEUE[event.name], event)


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a partner does with `X-Jointinspect-Signature`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


class Receiver:
    """A webhook endpoint on 127.0.0.1: answers the statuses in `script` in turn (then the last one for ever);
    keeps (headers, body) of every request."""

    def __init__(self, script=(200,), location: str | None = None):
        self.script, self.location = list(script), location
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                index = min(len(receiver.received) - 1, len(receiver.script) - 1)
                self.send_response(receiver.script[index])
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        import json
        return [json.loads(body)["id"] for _, body in self.received]


def allow_private_targets(runtime) -> None:
    """WEBHOOK_ALLOW_PRIVATE_TARGETS=1 for a running intake (a receiver on 127.0.0.1), until shared/config.py has
    the setting; then the embedded system's env can say it instead."""
    from services.intake.bootstrap import webhook_deps
    from services.intake.domain.webhooks import WebhookPolicy
    policy = WebhookPolicy.from_settings(runtime.settings)
    runtime.bus.deps.update(webhook_deps(WebhookPolicy(**{**policy.__dict__, "allow_private_targets": True})))


def department_token(secret: str, code: str) -> str:
    """A signed principal of a department account, as draw's login issues it."""
    from shared.auth import Principal, issue_token
    return issue_token(secret, Principal(role="department", subject=f"{code.lower()}-user", department=code,
                                         name=f"{code} 部门用户"))


def read_feed(http, code: str, token: str, limit: int = 2) -> list[dict]:
    """Every event of the department's feed, following `next` page by page."""
    from tests.flow import ok
    items, after = [], 0
    while True:
        page = ok(http.call("GET", f"/intake/api/v1/departments/{code}/events?after={after}&limit={limit}", token))
        if not page["items"]:
            assert page["next"] == after
            return items
        items += page["items"]
        after = page["next"]


# issue #12 e2e: what each department of tests/flow.py's visit receives (SCJG finds the problem)
EXPECTED = {"SCJG": {"visit.scheduled", "letter.issued", "result.published", "rectification.updated"},
            "STHJ": {"visit.scheduled", "letter.issued", "result.published"},
            "YJGL": {"visit.scheduled", "letter.issued", "result.published"}}


def event_name(cloud_event: dict) -> str:
    return cloud_event["type"].removeprefix("cn.gov.jointinspect.").removesuffix(".v1")


def addressed(cloud_events: list[dict]) -> list[dict]:
    """The events addressed to one department: the ones every department receives (a service's signed audit
    checkpoint, sent when a worker starts and then every AUDIT_CHECKPOINT_MINUTES) left out."""
    from shared.partner_queues import BROADCAST_EVENTS
    return [e for e in cloud_events if event_name(e) not in BROADCAST_EVENTS]
