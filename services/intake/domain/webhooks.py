"""Rules for webhook delivery (issue #12), no I/O: which targets are allowed, how long and how often to retry,
and how a delivery is signed. The figures come from the settings (`WEBHOOK_*`), read in one place here."""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from shared.clock import utc

SIGNATURE_HEADER = "X-Jointinspect-Signature"


@dataclass(frozen=True)
class WebhookPolicy:
    allow_private_targets: bool = False  # WEBHOOK_ALLOW_PRIVATE_TARGETS: off, so a partner cannot aim us inwards
    send_seconds: int = 5                # how often the sender looks for due deliveries
    timeout_seconds: int = 10            # one attempt's HTTP timeout
    retry_base_seconds: int = 30         # first retry after 30 s, then doubling …
    retry_max_seconds: int = 3600        # … capped at one hour
    retry_hours: int = 24                # retried for at least this long, then marked failed
    batch: int = 50                      # deliveries claimed per round
    lease_seconds: int = 120             # a claimed delivery is retried after this if its sender died

    @classmethod
    def from_settings(cls, settings) -> "WebhookPolicy":
        """From the WEBHOOK_* settings (shared/config.py)."""
        return cls(allow_private_targets=settings.webhook_allow_private_targets.strip().lower() in
                   ("1", "true", "yes", "on"),
                   send_seconds=settings.webhook_send_seconds, timeout_seconds=settings.webhook_timeout_seconds,
                   retry_base_seconds=settings.webhook_retry_base_seconds,
                   retry_max_seconds=settings.webhook_retry_max_seconds, retry_hours=settings.webhook_retry_hours,
                   batch=settings.webhook_batch, lease_seconds=settings.webhook_lease_seconds)

    def retry_delay(self, failed_attempts: int) -> timedelta:
        """After the n-th failed attempt: base · 2^(n-1), capped (30 s, 60 s, 120 s, … 1 h)."""
        exponent = max(failed_attempts - 1, 0)
        seconds = self.retry_base_seconds * (2 ** min(exponent, 32))
        return timedelta(seconds=min(seconds, self.retry_max_seconds))

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    def gives_up(self, window_started_at: datetime, now: datetime) -> bool:
        """Retried for at least the whole window: only an attempt that fails after it ends makes it failed."""
        return utc(now) >= utc(window_started_at) + timedelta(hours=self.retry_hours)


def sign(secret: str, body: bytes) -> str:
    """The header value: `sha256=<hex HMAC-SHA256 of the exact body with the secret>`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def url_refusal(url: str) -> tuple[str | None, str | None]:
    """(reason, host): a Chinese reason when the URL itself cannot be a webhook target, else the host to check."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "回调地址格式不正确", None
    if parts.scheme not in ("http", "https"):
        return "回调地址只能使用 http 或 https", None
    if not parts.hostname:
        return "回调地址缺少主机名", None
    if parts.username or parts.password:
        return "回调地址不能包含用户名或密码，请使用签名密钥验证", None
    if port == 0:
        return "回调地址端口不正确", None
    return None, parts.hostname


def address_refusal(addresses: list[str]) -> str | None:
    """A host is refused when any of its addresses is not a public one (loopback, private, link-local, reserved,
    multicast, shared, unspecified): the check is made on what the name resolves to, not on the name."""
    if not addresses:
        return "回调地址的主机名无法解析"
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if not address.is_global or address.is_multicast:
            return f"回调地址指向内网、本机或保留地址（{text}），不允许作为推送目标"
    return None
