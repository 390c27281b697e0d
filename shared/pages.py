"""Server-rendered Chinese pages: who may see them, and where to log in when not yet logged in."""
from __future__ import annotations

import functools
from urllib.parse import quote, unquote, urlsplit

from flask import redirect, render_template, request

from .auth import current_principal

LOGIN_PATH = "/draw/login"


def require_page(*roles: str):
    """Like `auth.require`, but a person without a session is sent to the login page and comes back after."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                return redirect(f"{LOGIN_PATH}?next={quote(request.full_path.rstrip('?'))}")
            if roles and principal.role not in roles:
                return render_template("error.html", status=403, message="当前账号无权查看此页面"), 403
            return view(*args, **kwargs)
        return wrapper
    return decorator


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: a login link must not become an open redirect. Browsers drop tabs and line breaks
    from URLs and read `\\` as `/`, so `/%09/evil.example`, `/\\evil.example` and `//evil.example` all leave the
    site; the target is judged after percent-decoding (repeatedly) and refused if anything could make it one."""
    if not target or len(target) > 2000:
        return default
    decoded, previous = target, None
    while decoded != previous:  # %252F… decodes twice in some chains: judge the innermost form
        previous, decoded = decoded, unquote(decoded)
    if not decoded.startswith("/") or decoded.startswith(("//", "/\\")) or "\\" in decoded:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F or (c.isspace() and c != " ") for c in decoded):
        return default
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return default
    return target
