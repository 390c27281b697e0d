"""Logging in through the login page as a browser does (issue 13: the form carries a double-submit token)."""
from __future__ import annotations

import re
from urllib.parse import quote

PASSWORD = "jointinspect"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def login_form_token(client, next_path: str | None = None) -> str:
    """Open the login page (which sets the token's cookie in `client`) and read the token from its form."""
    page = client.get("/draw/login" + (f"?next={quote(next_path)}" if next_path else ""))
    return _TOKEN.search(page.get_data(as_text=True)).group(1)


def page_login(client, username: str, password: str = PASSWORD, next_path: str | None = None, headers=None):
    """`client` is a cookie-keeping werkzeug Client: fetch the form, then post it with its token."""
    data = {"username": username, "password": password, "csrf_token": login_form_token(client, next_path)}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/draw/login", data=data, headers=headers or {})
