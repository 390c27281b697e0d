"""Issue 13: login throttling per account and per client address (a lock refuses even the right password until it
ends), the same work for unknown and known names, and the password change — on draw's bus with an injected clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.draw.commands import ChangePassword, CreateAccount, Login
from services.draw.handlers import logins
from shared.clock import FixedClock
from shared.errors import Invalid

pytestmark = pytest.mark.unit
START = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
MAX, LOCK = 3, 10


@pytest.fixture
def clock():
    return FixedClock(START)


@pytest.fixture
def draw(tmp_path, clock):
    from tests.support.draw import draw_runtime, password_hash
    runtime = draw_runtime(tmp_path, clock, LOGIN_MAX_FAILURES=str(MAX), LOGIN_LOCK_MINUTES=str(LOCK))
    for username in ("clerk01", "clerk02"):
        runtime.bus.handle(CreateAccount(username, "clerk", f"综合科 {username}", password_hash=password_hash()))
    yield runtime
    runtime.dispose()


def attempt(draw, password: str, username: str = "clerk01", address: str = "10.0.0.7"):
    return draw.bus.handle(Login(username, password, address))


def test_too_many_wrong_passwords_lock_the_account_and_even_the_right_one_is_refused_until_the_lock_ends(draw, clock):
    for _ in range(MAX):
        assert attempt(draw, "wrong") is None
    with pytest.raises(logins.LoginLocked) as locked:
        attempt(draw, "jointinspect")
    assert locked.value.status == 429 and locked.value.retry_after == LOCK * 60
    assert locked.value.message == f"登录失败次数过多，请 {LOCK} 分钟后再试"
    clock.at = START + timedelta(minutes=LOCK - 1)
    with pytest.raises(logins.LoginLocked) as still:
        attempt(draw, "jointinspect", address="10.0.0.8")  # another address: the account itself is locked
    assert still.value.retry_after == 60
    clock.at = START + timedelta(minutes=LOCK, seconds=1)
    assert attempt(draw, "jointinspect").subject == "clerk01"


def test_one_address_guessing_many_accounts_is_locked_too(draw, clock):
    for n in range(MAX * logins.ADDRESS_FACTOR):
        assert attempt(draw, "wrong", username=f"guess{n}") is None
    with pytest.raises(logins.LoginLocked):
        attempt(draw, "jointinspect", username="clerk02")
    assert attempt(draw, "jointinspect", username="clerk02", address="10.0.0.9").subject == "clerk02"


def test_the_right_password_clears_the_accounts_count(draw):
    for _ in range(MAX - 1):
        attempt(draw, "wrong")
    assert attempt(draw, "jointinspect") is not None
    for _ in range(MAX - 1):
        assert attempt(draw, "wrong") is None
    assert attempt(draw, "jointinspect") is not None


def test_failures_and_the_lock_are_audited(draw):
    for _ in range(MAX):
        attempt(draw, "wrong")
    actions = [a for a, _ in audit_rows(draw)]
    assert actions.count("login.failed") == MAX and ("login.locked", "account:clerk01") in audit_rows(draw)


def test_an_unknown_name_costs_the_same_password_check_as_a_known_one(draw, monkeypatch):
    checked = []
    real = logins.check_password_hash
    monkeypatch.setattr(logins, "check_password_hash", lambda h, p: checked.append(h.split("$")[0]) or real(h, p))
    assert attempt(draw, "wrong", username="nobody") is None
    assert attempt(draw, "wrong", username="clerk01") is None
    assert len(checked) == 2 and checked[0] == checked[1]  # one hash each, of the same method and cost


def test_an_unknown_name_is_throttled_like_a_known_one(draw):
    for _ in range(MAX):
        assert attempt(draw, "wrong", username="nobody") is None
    with pytest.raises(logins.LoginLocked):
        attempt(draw, "whatever", username="nobody")


def test_a_password_change_needs_the_current_password_and_a_real_new_one(draw):
    with pytest.raises(Invalid) as wrong:
        draw.bus.handle(ChangePassword("clerk01", "wrong", "a-new-password", "clerk:clerk01"))
    assert wrong.value.message == "当前密码不正确"
    with pytest.raises(Invalid) as short:
        draw.bus.handle(ChangePassword("clerk01", "jointinspect", "short", "clerk:clerk01"))
    assert "至少 8 位" in short.value.message
    draw.bus.handle(ChangePassword("clerk01", "jointinspect", "a-new-password", "clerk:clerk01"))
    assert attempt(draw, "jointinspect") is None and attempt(draw, "a-new-password").subject == "clerk01"


def test_wrong_current_passwords_count_towards_the_lock(draw):
    for _ in range(MAX):
        with pytest.raises(Invalid):
            draw.bus.handle(ChangePassword("clerk01", "wrong", "a-new-password", "clerk:clerk01", "10.0.0.7"))
    with pytest.raises(logins.LoginLocked):
        attempt(draw, "jointinspect")


def audit_rows(draw) -> list[tuple[str, str]]:
    from sqlalchemy import select
    model = draw.models["AuditEntry"]
    with draw.unit_of_work(read_only=True) as uow:
        return [(row.action, row.object) for row in uow.session.execute(select(model)).scalars()]
