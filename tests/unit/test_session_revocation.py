"""Issue 13: logout and password change in draw reach every service, which check login tokens by signature alone:
draw records the revocation and emits `account.sessions_revoked`; intake, letters and results keep it from their own
queue, and a repeated delivery changes nothing."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from shared.events import Event
from shared.runtime import Outcome
from shared.sessions import SessionRevoked

pytestmark = pytest.mark.unit
BEFORE = datetime(2026, 11, 29, 8, 0, 0, 500000, tzinfo=timezone.utc)


def revoked(revocation_id: str, subject: str, session_id: str) -> Event:
    data = {"revocation_id": revocation_id, "subject": subject, "session_id": session_id,
            "before": BEFORE.isoformat().replace("+00:00", "Z")}
    return Event(id=f"evt-{revocation_id}", name="account.sessions_revoked", source="/jointinspect/draw",
                 subject=None, time=BEFORE, data=data)


def service_runtime(service: str, tmp_path):
    from tests.support.intake import intake_runtime
    from tests.support.letters import letters_runtime
    from tests.support.results import results_runtime
    return {"intake": lambda: intake_runtime(tmp_path / "var"), "letters": lambda: letters_runtime(tmp_path),
            "results": lambda: results_runtime(tmp_path)}[service]()


def is_revoked(runtime, subject: str, session_id: str, issued_at: datetime) -> bool:
    return runtime.bus.handle(SessionRevoked(subject, session_id, issued_at.timestamp()))


@pytest.mark.parametrize("service", ["intake", "letters", "results"])
def test_each_service_learns_a_logout_and_a_password_change_from_its_own_queue(service, tmp_path):
    runtime = service_runtime(service, tmp_path)
    queue = f"{service}.account.sessions_revoked"
    assert runtime.queues()[queue] == "account.sessions_revoked"
    earlier, later = datetime(2026, 11, 29, 7, tzinfo=timezone.utc), datetime(2026, 11, 29, 9, tzinfo=timezone.utc)
    assert not is_revoked(runtime, "clerk01", "sid-a", earlier)
    assert runtime.deliver(queue, revoked("r1", "clerk01", "sid-a")) is Outcome.PROCESSED
    assert is_revoked(runtime, "clerk01", "sid-a", earlier) and is_revoked(runtime, "clerk01", "sid-a", later)
    assert not is_revoked(runtime, "clerk01", "sid-b", earlier)  # logout ends one session only
    assert runtime.deliver(queue, revoked("r1", "clerk01", "sid-a")) is Outcome.DUPLICATE
    runtime.deliver(queue, revoked("r2", "INS-003", ""))  # a password change: every session issued before
    assert is_revoked(runtime, "INS-003", "sid-c", earlier) and is_revoked(runtime, "INS-003", "sid-c", BEFORE)
    assert not is_revoked(runtime, "INS-003", "sid-d", later) and not is_revoked(runtime, "clerk02", "x", earlier)
    runtime.dispose()


def test_draw_records_a_logout_at_once_and_tells_the_others(tmp_path):
    from services.draw.commands import EndSession
    from tests.support.draw import draw_runtime
    from tests.support.outbox import outbox_rows
    draw = draw_runtime(tmp_path)
    draw.bus.handle(EndSession("clerk01", "sid-a", "clerk:clerk01"))
    assert is_revoked(draw, "clerk01", "sid-a", datetime.now(timezone.utc))
    (row,) = outbox_rows(draw, prefix="account.sessions_revoked")
    data = json.loads(row.body)["data"]
    assert (data["subject"], data["session_id"]) == ("clerk01", "sid-a") and data["before"].endswith("Z")
    assert "account.sessions_revoked" not in draw.queues().values()  # draw does not consume its own event
    draw.dispose()
