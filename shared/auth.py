"""Authentication and role checks (design §6), one place for every service.

Bearer tokens are either signed principals (clerks, approvers, inspectors, admins — issued at login with
the shared SECRET_KEY, so every service can check them without a shared table) or a service's own opaque
tokens (intake's department API tokens, stored hashed), resolved by the resolvers a service registers.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import asdict, dataclass

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

    @property
    def actor(self) -> str:
        """How the audit log names whoever acted."""
        return f"{self.role}:{self.subject}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(secret: str, principal: Principal) -> str:
    return SIGNED_PREFIX + URLSafeTimedSerializer(secret, salt=_SALT).dumps(asdict(principal))


def read_signed_token(secret: str, token: str) -> Principal | None:
    if not token.startswith(SIGNED_PREFIX):
        return None
    try:
        claims = URLSafeTimedSerializer(secret, salt=_SALT).loads(token[len(SIGNED_PREFIX):], max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return Principal(**claims) if claims.get("role") in ROLES else None


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
    if token and request.method not in SAFE_METHODS and not _same_origin():
        return None
    return token


def _same_origin() -> bool:
    from urllib.parse import urlsplit
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(origin) and urlsplit(origin).netloc == request.host


def current_principal() -> Principal | None:
    if "principal" not in g:
        token = _bearer()
        principal = None
        if token:
            principal = read_signed_token(current_app.config["SECRET_KEY"], token)
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
        return wrapper
    return decorator
