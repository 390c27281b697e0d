"""What every response of every service carries so a browser cannot be turned against our users (issue 13):
a Content-Security-Policy, no framing, no MIME sniffing, no full URLs leaking in Referer, and login cookies that
are HttpOnly, SameSite=Lax and Secure whenever the request came over https (also behind a trusted proxy).

Our pages use no inline event handlers or style attributes: their `<style>`/`<script>` blocks carry the request's
nonce (`{{ csp_nonce }}`). The Swagger UI (`/<service>/docs`) is a third-party page with one inline script; its
policy allows exactly the inline blocks of the answer it serves, by hash, never 'unsafe-inline' for scripts.
"""
from __future__ import annotations

import base64
import hashlib
import re
import secrets

from flask import Flask, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import Principal, issue_token, same_origin_request
from .errors import Forbidden

PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
               "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
# swagger-ui sets style attributes from its scripts and shows its logo as a data: image
DOCS_POLICY = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
HEADERS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
           "Cross-Origin-Opener-Policy": "same-origin"}
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def install(app: Flask, trusted_proxies: int = 0, docs_prefix: str | None = None) -> None:
    """Headers on every answer of `app`; with `trusted_proxies` > 0 the client address and scheme are taken from
    that many X-Forwarded-For/-Proto hops (werkzeug ProxyFix), so `request.is_secure` is true behind an https
    proxy and the login throttle counts the real client, not the proxy."""
    if trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted_proxies, x_proto=trusted_proxies,
                                x_host=trusted_proxies, x_port=trusted_proxies)
    app.context_processor(lambda: {"csp_nonce": csp_nonce()})
    app.after_request(lambda response: secure_response(response, docs_prefix))


def csp_nonce() -> str:
    """One random nonce per request for our own inline `<style>`/`<script>` blocks."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def secure_response(response, docs_prefix: str | None = None):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # over https (directly or via a trusted proxy): browsers keep to https from then on
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if docs_prefix and request.path.startswith(docs_prefix) and response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = DOCS_POLICY.format(hashes=_script_hashes(response))
    else:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY.format(nonce=csp_nonce()))
    return response


def _script_hashes(response) -> str:
    bodies = _INLINE_SCRIPT.findall(response.get_data())
    return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(b).digest()).decode() + "'" for b in bodies)


def login_cookie_options() -> dict:
    """HttpOnly (scripts never see the token), SameSite=Lax (other sites' forms do not carry it), Secure when the
    request came over https, directly or through a trusted proxy."""
    return {"httponly": True, "samesite": "Lax", "secure": request.is_secure, "path": "/"}


def login_token(principal: Principal, after: float | None = None) -> str:
    """A new login session's token, stamped by the service's clock (the one revocations are dated by); `after` (a
    password change's time) makes it later than that, so the change does not end the session it starts."""
    now = current_app.extensions["jointinspect"].clock.now().timestamp()
    if after is not None:
        now = max(now, after + 0.001)
    return issue_token(current_app.config["SECRET_KEY"], principal, now=now)


def refuse_cross_origin_login() -> None:
    """A login another site's page sends (login CSRF: the victim ends up in the attacker's account) is refused when
    the browser says where it comes from; programs that send no Origin/Referer log in through the API as before."""
    if (request.headers.get("Origin") or request.headers.get("Referer")) and not same_origin_request():
        raise Forbidden("不接受来自其他网站的登录请求，请在本系统的登录页登录")
