"""Authentication and role checks (design §6), one place for every service.

Bearer tokens are either signed principals (clerks, approvers, inspectors, admins — issued at login with
the shared SECRET_KEY, so every service can check them without a shared table) or a service's own opaque
tokens (intake's department API tokens, stored hashed), resolved by the resolvers a service registers.
"""
from __future__ import annotations

import functools
import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .errors import Forbidden, Unauthorized

# detachment: the 支队, which runs target draws and comprehensive-enforcement matching, receives the S4/S5 filings
# and completes correction decisions (S6, S7, S8)
ROLES = ("admin", "clerk", "inspector", "approver", "department", "detachment")
SIGNED_PREFIX = "ji1."
TOKEN_MAX_AGE = 30 * 24 * 3600
_SALT = "jointinspect-principal"


@dataclass(frozen=True)
class Principal:
    role: str
    subject: str
    department: str | None = None
    name: str | None = None
    # a signed login token's session id and issue time (epoch seconds): what logout and password change revoke
    session_id: str | None = field(default=None, compare=False)
    issued_at: float | None = field(default=None, compare=False)

    @property
    def actor(self) -> str:
        """How the audit log names whoever acted."""
        return f"{self.role}:{self.subject}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(secret: str, principal: Principal, now: float | None = None) -> str:
    """A login token every service checks with SECRET_KEY alone. It names a fresh session and its issue time to the
    millisecond, so logout can revoke this session and a password change every session issued before it."""
    claims = {"role": principal.role, "subject": principal.subject, "department": principal.department,
              "name": principal.name, "sid": secrets.token_urlsafe(12),
              "iat": math.floor((time.time() if now is None else now) * 1000) / 1000}  # never later than issued
    return SIGNED_PREFIX + URLSafeTimedSerializer(secret, salt=_SALT).dumps(claims)


def read_signed_token(secret: str, token: str) -> Principal | None:
    """The principal a token signed with `secret` names, or None (bad signature, expired, unknown role). Whether
    its session was revoked is the service's read model's to say (`current_principal`)."""
    if not token.startswith(SIGNED_PREFIX):
        return None
    try:
        claims, signed_at = URLSafeTimedSerializer(secret, salt=_SALT).loads(
            token[len(SIGNED_PREFIX):], max_age=TOKEN_MAX_AGE, return_timestamp=True)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or claims.get("role") not in ROLES or not isinstance(claims.get("subject"), str):
        return None
    issued_at = claims.get("iat") if isinstance(claims.get("iat"), (int, float)) else signed_at.timestamp()
    return Principal(role=claims["role"], subject=claims["subject"], department=claims.get("department"),
                     name=claims.get("name"), session_id=claims.get("sid") or "", issued_at=float(issued_at))


def department_token_resolver(department_of_hash):
    """A token resolver for intake's department API tokens in a service that knows them only by hash (its read model
    of `department.token_rotated`): `department_of_hash(sha256 hex) -> department code | None`. A department acts
    only as itself."""
    def resolve(token: str) -> Principal | None:
        code = department_of_hash(hash_token(token))
        return Principal(role="department", subject=code, department=code) if code else None
    return resolve


COOKIE = "ji_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _bearer() -> str | None:
    """The Authorization header, else the login cookie. A cookie only counts for a state-changing request that
    comes from our own pages (same origin), so another site cannot act with a clerk's cookie (CSRF)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip() or None
    token = request.cookies.get(COOKIE) or None
    if token and request.method not in SAFE_METHODS and not same_origin_request():
        return None
    return token


def same_origin_request() -> bool:
    """The browser says the request comes from one of our pages: Origin (or, without it, Referer) names this host.
    A request that names neither is not taken as ours."""
    from urllib.parse import urlsplit
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc == request.host


def current_principal() -> Principal | None:
    if "principal" not in g:
        token = _bearer()
        principal = None
        if token:
            principal = read_signed_token(current_app.config["SECRET_KEY"], token)
            revoked = current_app.extensions.get("jointinspect.session_revoked")
            if principal is not None and revoked is not None and revoked(principal):
                principal = None  # logged out, or the password changed since: the token no longer counts
            for resolver in current_app.extensions.get("jointinspect.token_resolvers", []):
                if principal is not None:
                    break
                principal = resolver(token)
        g.principal = principal
    return g.principal


def require(*roles: str):
    """Decorator: 401 without valid credentials, 403 when the role may not call this endpoint."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                raise Unauthorized("未登录或访问令牌无效")
            if roles and principal.role not in roles:
                raise Forbidden(f"当前身份（{principal.role}）无权执行此操作")
            return view(*args, **kwargs)
        wrapper.roles = roles  # the operation's security in the OpenAPI document (shared/openapi.py)
        return wrapper
    return decorator
