"""Server-rendered Chinese pages: who may see them, and where to log in when not yet logged in."""
from __future__ import annotations

import functools
from urllib.parse import quote

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
    """Only paths on this site: a login link must not become an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
