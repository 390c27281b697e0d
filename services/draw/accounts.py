"""People log in against the accounts kept beside the personnel library; the result is a principal every
service accepts (a signed token, shared SECRET_KEY)."""
from __future__ import annotations

from werkzeug.security import check_password_hash

from shared.auth import Principal

from .adapters.db import Account, db


def authenticate(username: str, password: str) -> Principal | None:
    account = db.session.get(Account, username)
    if account is None or not check_password_hash(account.password_hash, password):
        return None
    return Principal(role=account.role, subject=account.inspector_id or account.username,
                     department=account.department_code, name=account.display_name)
