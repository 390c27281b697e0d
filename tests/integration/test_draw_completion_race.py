"""S12/S13 team assembly on PostgreSQL: a visit's `inspectors.assigned` goes out exactly once, when its last
department part completes — also when two parts complete in two transactions at the same moment.

The bug (found by bench/pipeline.py): the lead's part drawn by the clerk's public randomness (`EnterRandomness`)
while a partner whose staffing is `named` names its officers (`NameOfficers`). Each transaction saw only its own
part complete, neither emitted, and the visit waited for ever. `complete_if_ready` now locks the TeamAssembly row
FOR UPDATE and re-reads the parts: the second transaction waits for the first to commit, then sees both.

Deterministic, not timing luck: transaction 1 completes its part through the real handler in a unit of work the
test holds open; transaction 2 (a thread, through the bus) completes the other part; transaction 1 commits only
once transaction 2 has either committed (the unlocked schedule that stranded the visit) or is waiting on the
assembly's row lock (as PostgreSQL's pg_stat_activity says). The control test runs the same schedule with the
pre-fix `complete_if_ready` and asserts the visit is stranded, so the schedule is known to be the race."""
from __future__ import annotations

import json
import threading
import uuid

import pytest
from sqlalchemy import text

from services.draw import payloads
from services.draw.adapters.parts import TeamAssembly
from services.draw.commands import DrawInspectors, EnterRandomness, NameOfficers
from services.draw.domain import staffing as s
from services.draw.handlers import inspector_draws, naming
from tests.conftest import wait_for
from tests.support.draw import (
    SCRIPTED_NUMBERS,
    SCRIPTED_SOURCE,
    a_joint_inspection,
    draw_runtime,
    named_officers,
    register_library,
)
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.integration
VISIT = "insp-race"


@pytest.fixture
def pg_draw(pg_base_url, tmp_path):
    from tests.conftest import pg_url
    runtime = draw_runtime(tmp_path, DRAW_DATABASE_URL=pg_url(pg_base_url(f"draw_race_{uuid.uuid4().hex[:6]}")))
    register_library(runtime)
    inspection = a_joint_inspection(VISIT, staffing={"YJGL": "named"})
    inspection["departments"] = [d for d in inspection["departments"] if d["code"] != "SCJG"]  # two parts
    runtime.bus.handle(DrawInspectors(inspection))  # STHJ committed (waits for randomness), YJGL waits for names
    yield runtime
    runtime.dispose()


def randomness(runtime) -> EnterRandomness:
    """The evening's numbers: they draw STHJ's committed part."""
    return EnterRandomness(SCRIPTED_NUMBERS, SCRIPTED_SOURCE, "RACE-1", runtime.clock.now().isoformat(),
                           "clerk:clerk01")


def names(runtime) -> NameOfficers:
    """YJGL names its two officers."""
    return NameOfficers(VISIT, "YJGL", named_officers(runtime.clock.today_local()), "department:yjgl", "department",
                        "YJGL")


def waiting_on_the_assembly(runtime) -> bool:
    with runtime.engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query ILIKE '%team_assembly%FOR UPDATE%'")).scalar() > 0


def complete_both_at_once(runtime, held, racing) -> None:
    """`held` runs in a unit of work kept open; `racing` runs and commits in a thread meanwhile; then `held`
    commits. Both go through the real handlers (draw's bus)."""
    first, second = held(runtime), racing(runtime)
    failures = []

    def race():
        try:
            runtime.bus.handle(second)
        except Exception as error:  # reported by the test, not lost in the thread
            failures.append(error)

    with runtime.unit_of_work() as uow:
        runtime.bus.handle(first, uow=uow)  # part A complete, not committed
        racer = threading.Thread(target=race, daemon=True)
        racer.start()
        wait_for(lambda: not racer.is_alive() or waiting_on_the_assembly(runtime), timeout=60,
                 message="the racing transaction to commit or to wait on the assembly's lock")
        uow.commit()
    racer.join(timeout=60)
    assert not racer.is_alive() and failures == []


def assigned(runtime) -> list[dict]:
    return [json.loads(row.body)["data"] for row in outbox_rows(runtime, prefix="inspectors.assigned")
            if json.loads(row.body)["subject"] == VISIT]


SCHEDULES = pytest.mark.parametrize("held, racing", [(randomness, names), (names, randomness)],
                                    ids=["randomness-held", "naming-held"])


@SCHEDULES
def test_two_parts_completing_at_once_assign_the_team_exactly_once(pg_draw, held, racing):
    complete_both_at_once(pg_draw, held, racing)
    events = assigned(pg_draw)
    assert len(events) == 1, f"{len(events)} inspectors.assigned for the visit (0: stranded, S12/S13)"
    assert [(p["department"], p["via"]) for p in events[0]["parts"]] == [("STHJ", "draw"), ("YJGL", "named")]
    with pg_draw.unit_of_work(read_only=True) as uow:
        assert uow.get(TeamAssembly, VISIT).assigned_at is not None


def unlocked_complete_if_ready(uow, assembly) -> bool:
    """`complete_if_ready` as it was before the fix: no lock, the parts as this transaction sees them."""
    parts = inspector_draws.parts_of(uow.session, assembly.inspection_id)
    if assembly.assigned_at is not None or any(p.status != s.COMPLETE for p in parts):
        return False
    assembly.assigned_at = uow.now
    uow.session.flush()
    uow.emit("inspectors.assigned", payloads.inspectors_assigned(
        assembly.inspection, parts, inspector_draws.people(uow, parts)), subject=assembly.inspection_id)
    return True


@SCHEDULES
def test_without_the_lock_the_same_schedule_strands_the_visit(pg_draw, monkeypatch, held, racing):
    """Control: the schedule above is the race — with the pre-fix code neither transaction emits."""
    monkeypatch.setattr(inspector_draws, "complete_if_ready", unlocked_complete_if_ready)
    monkeypatch.setattr(naming, "complete_if_ready", unlocked_complete_if_ready)
    complete_both_at_once(pg_draw, held, racing)
    assert assigned(pg_draw) == []
    with pg_draw.unit_of_work(read_only=True) as uow:
        assert uow.get(TeamAssembly, VISIT).assigned_at is None
