"""Logging in, out, and changing one's password (issue 13).

- Throttling: failures count per account name and per client address; at `LOGIN_MAX_FAILURES` (an address, shared by
  an office behind one NAT, gets `ADDRESS_FACTOR` times as many) the key is locked for `LOGIN_LOCK_MINUTES`, and
  while locked even the right password is refused (429). Counted in draw's database, so every process sees it.
- The same work for every name: an unknown account still checks a password hash and counts a failure, so neither
  the answer nor its time tells which names exist.
- Logout ends one session, a password change every earlier session of the account, in every service
  (`account.sessions_revoked`; shared/sessions.py).
"""
from __future__ import annotations

import functools
import math
import uuid
from datetime import timedelta

from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from shared.auth import Principal
from shared.clock import iso, utc
from shared.errors import DomainError, Forbidden, Invalid
from shared.sessions import RecordSessionRevocation, record_revocation
from shared.uow import UnitOfWork

from .. import payloads
from ..adapters.db import Account
from ..adapters.logins import LoginThrottle, RevokedSession
from ..commands_accounts import ChangePassword, EndSession, Login

ADDRESS_FACTOR = 4
MIN_PASSWORD_LENGTH = 8


class LoginLocked(DomainError):
    status, code = 429, "too_many_attempts"

    def __init__(self, seconds: int):
        super().__init__(f"登录失败次数过多，请 {max(1, math.ceil(seconds / 60))} 分钟后再试")
        self.retry_after = max(1, seconds)


@functools.cache
def _dummy_hash() -> str:
    """A hash of the same kind and cost as real accounts', checked when the name is unknown (made once, on first
    use, not at import)."""
    return generate_password_hash(uuid.uuid4().hex)


def login(cmd: Login, uow: UnitOfWork) -> Principal | None:
    username = cmd.username.strip()[:60]
    keys = _keys(username, cmd.address)
    _refuse_if_locked(uow, keys)
    account = uow.get(Account, username) if username else None
    matches = check_password_hash(account.password_hash if account else _dummy_hash(), cmd.password)
    if account is None or not matches:
        _count_failure(uow, keys, username, cmd.address)
        return None
    _forget(uow, keys[0])
    return Principal(role=account.role, subject=account.inspector_id or account.username,
                     department=account.department_code, name=account.display_name)


def end_session(cmd: EndSession, uow: UnitOfWork) -> None:
    _revoke(uow, cmd.subject, cmd.session_id, cmd.actor)


def change_password(cmd: ChangePassword, uow: UnitOfWork) -> float:
    account = uow.session.execute(select(Account).where(or_(Account.username == cmd.subject,
                                                            Account.inspector_id == cmd.subject))).scalars().first()
    if account is None:  # e.g. a department's API token: it has no password
        raise Forbidden("当前身份没有可修改的登录密码")
    keys = _keys(account.username, cmd.address)
    _refuse_if_locked(uow, keys)
    if not check_password_hash(account.password_hash, cmd.current_password):
        uow.refuse(lambda again: _count_failure(again, keys, account.username, cmd.address))
        raise Invalid("当前密码不正确", fields={"current_password": ["当前密码不正确"]})
    problem = _weak(cmd.new_password, cmd.current_password, account.username)
    if problem:
        raise Invalid(problem, fields={"new_password": [problem]})
    account.password_hash = generate_password_hash(cmd.new_password)
    uow.audit(cmd.actor, "account.password_changed", f"account:{account.username}")
    _revoke(uow, cmd.subject, "", cmd.actor)
    return uow.now.timestamp()


def _weak(new: str, current: str, username: str) -> str | None:
    if len(new) < MIN_PASSWORD_LENGTH:
        return f"新密码至少 {MIN_PASSWORD_LENGTH} 位"
    if new == current:
        return "新密码不能与当前密码相同"
    if new.lower() == username.lower():
        return "新密码不能与用户名相同"
    return None


def _revoke(uow: UnitOfWork, subject: str, session_id: str, actor: str) -> None:
    """Here at once, in the other services through the event (they check tokens without asking draw)."""
    revocation = RecordSessionRevocation(str(uuid.uuid4()), subject, session_id, iso(uow.now))
    record_revocation(uow, RevokedSession, revocation)
    uow.audit(actor, "account.sessions_revoked", f"account:{subject}",
              after={"session": session_id or "全部", "before": revocation.before})
    uow.emit("account.sessions_revoked", payloads.sessions_revoked(revocation), subject=None)


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [("account", username.lower())]
    if address:
        keys.append(("address", address[:64]))
    return keys


def _refuse_if_locked(uow: UnitOfWork, keys) -> None:
    now = uow.now
    waits = [(utc(row.locked_until) - now).total_seconds() for key in keys
             if (row := uow.get(LoginThrottle, key)) is not None and row.locked_until and utc(row.locked_until) > now]
    if waits:
        raise LoginLocked(math.ceil(max(waits)))


def _count_failure(uow: UnitOfWork, keys, username: str, address: str) -> None:
    settings, now = uow.settings, uow.now
    window = timedelta(minutes=settings.login_lock_minutes)
    uow.audit(f"anonymous:{address or '-'}", "login.failed", f"account:{username}")
    for scope, key in keys:
        row = uow.session.get(LoginThrottle, (scope, key), with_for_update=True)
        if row is None:
            row = LoginThrottle(scope=scope, key=key, failures=0, window_started_at=now)
            uow.add(row)
        if now - utc(row.window_started_at) > window:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        limit = settings.login_max_failures * (ADDRESS_FACTOR if scope == "address" else 1)
        if row.failures >= limit:
            row.failures, row.window_started_at, row.locked_until = 0, now, now + window
            uow.audit("system:draw", "login.locked", f"{scope}:{key}",
                      after={"until": iso(row.locked_until), "failures": limit})


def _forget(uow: UnitOfWork, key) -> None:
    """The right password clears the account's count (never the address's: one's own account must not reset it)."""
    row = uow.get(LoginThrottle, key)
    if row is not None:
        row.failures, row.locked_until = 0, None
