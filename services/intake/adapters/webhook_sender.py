"""Webhook I/O (issue #12): resolve a target's host, and POST one event to it — CloudEvents HTTP binding,
structured mode, signed, short timeout, no redirects followed, no proxy. Never inside a database transaction."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from shared.events import CONTENT_TYPE

from ..domain.webhooks import SIGNATURE_HEADER, address_refusal, sign, url_refusal

USER_AGENT = "jointinspect-webhook/1"


def resolve(host: str) -> list[str]:
    """Every address the name resolves to now (empty when it does not resolve)."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def target_refusal(url: str, allow_private: bool, resolver=resolve) -> str | None:
    """A Chinese reason when `url` may not receive webhooks; checked at registration and before every attempt
    (what a name resolves to may change)."""
    reason, host = url_refusal(url)
    if reason or allow_private:
        return reason
    return address_refusal(resolver(host))


@dataclass(frozen=True)
class AttemptOutcome:
    status_code: int | None
    error: str | None
    latency_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is answered as it is: not delivered


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def send(url: str, secret: str, body: bytes, timeout: float, allow_private: bool, resolver=resolve) -> AttemptOutcome:
    """One attempt: 2xx is delivered; anything else (status, refusal, network error) is an outcome to log."""
    started = time.monotonic()

    def outcome(status: int | None, error: str | None) -> AttemptOutcome:
        return AttemptOutcome(status, error[:1000] if error else None, int((time.monotonic() - started) * 1000))

    refusal = target_refusal(url, allow_private, resolver)
    if refusal:
        return outcome(None, refusal)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": CONTENT_TYPE, SIGNATURE_HEADER: sign(secret, body), "User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return outcome(response.status, None)
    except urllib.error.HTTPError as error:
        error.close()
        return outcome(error.code, f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return outcome(None, f"{type(reason).__name__}: {reason}")
