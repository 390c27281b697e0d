"""The inspector draw through draw's bus, no Flask (N2–N4, design §4): one draw per inspection, names per N4,
public randomness entered after the committed seed, exclusions with public reasons, a blocked visit instead of a partial
team, and the one `inspectors.assigned` message."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from services.draw.commands import (
    AddStatusPeriod,
    ChangeInspector,
    DeclareInterest,
    DrawInspectors,
)
from services.draw.queries import GetDraw, ListBlocked, ListDraws, VerifyDraw
from shared.auth import Principal
from shared.errors import NotFound
from tests.support.contract import contract_errors
from tests.support.draw import (
    an_inspection,
    audit_count,
    draw_runtime,
    draw_team,
    enter_randomness,
    register_library,
    staff,
)
from tests.support.outbox import emitted, outbox_rows

pytestmark = pytest.mark.unit


def drawn(runtime, viewer=None) -> list[dict]:
    return runtime.bus.handle(ListDraws(1, 200, viewer))[0]


def test_two_ready_events_for_one_inspection_make_one_draw_and_the_second_is_audited(draw):
    draw_team(draw, an_inspection())
    assert draw.bus.handle(DrawInspectors(an_inspection())) is None  # a redraw attempt
    assert len(drawn(draw)) == 1 and audit_count(draw, "draw.refused") == 1


def test_a_draw_record_says_what_it_was_for(draw):
    record = draw_team(draw, an_inspection("insp-1"))
    shown = draw.bus.handle(GetDraw(record.id, staff()))
    assert (shown["subject_kind"], shown["subject_id"], shown["inspection_id"]) == ("inspection", "insp-1", "insp-1")


def test_the_public_sees_no_ids_before_the_visit_and_clerks_and_the_team_see_names(draw):
    """Issue 13: not even ids before the visit (the whole rule: tests/unit/test_draw_disclosure.py)."""
    record = draw_team(draw, an_inspection())
    public = draw.bus.handle(GetDraw(record.id))
    assert "inspectors" not in public and "selected" not in public and public["count"] == 2
    clerk = draw.bus.handle(GetDraw(record.id, staff()))
    assert [p["id"] for p in clerk["inspectors"]] == clerk["selected"]
    member = Principal("inspector", record.selected[0], "STHJ", "")
    assert "inspectors" in draw.bus.handle(GetDraw(record.id, member))
    outsider = Principal("inspector", "INS-999", "STHJ", "")
    assert "inspectors" not in draw.bus.handle(GetDraw(record.id, outsider))


def test_a_window_that_has_begun_without_a_fixed_time_does_not_disclose_the_team(draw):
    today = draw.clock.today_local()
    record = draw_team(draw, an_inspection(start=today, end=today + timedelta(days=2)))
    assert "inspectors" not in draw.bus.handle(GetDraw(record.id))


def test_the_public_randomness_is_the_second_source_and_the_record_verifies(draw):
    draw.bus.handle(DrawInspectors(an_inspection()))
    enter_randomness(draw, numbers=(3, 17, 22, 31), source="中国福利彩票双色球")
    (shown,) = drawn(draw, staff())
    assert shown["sources"][1] == [3, 17, 22, 31] and shown["key"].endswith("3.17.22.31./")
    assert shown["randomness"]["source"] == "中国福利彩票双色球" and shown["randomness"]["issue"]
    assert draw.bus.handle(VerifyDraw(shown["id"])).verified is True


def test_verifying_a_draw_that_does_not_exist_is_not_found(draw):
    with pytest.raises(NotFound):
        draw.bus.handle(VerifyDraw("nope"))


def test_a_declared_interest_excludes_the_inspector_from_that_companys_draw(draw):
    uscc = "91440300708461136T"
    draw.bus.handle(DeclareInterest("INS-003", uscc, "配偶在该企业任职", "clerk:clerk01"))
    record = draw_team(draw, an_inspection(uscc=uscc))
    shown = draw.bus.handle(GetDraw(record.id, staff()))
    assert "INS-003" not in shown["pool"]
    assert {"id": "INS-003", "reason": "与被检查单位存在利害关系，依法回避"} in shown["excluded"]
    assert "配偶" not in json.dumps(shown, ensure_ascii=False), "the private reason is not published"


def test_a_leave_period_excludes_the_inspector(draw):
    today = draw.clock.today_local()
    draw.bus.handle(AddStatusPeriod("INS-004", "休假", today, today + timedelta(days=30), "", "clerk:clerk01"))
    record = draw_team(draw, an_inspection())
    assert any(e["id"] == "INS-004" and "休假" in e["reason"] for e in record.excluded)


def test_too_few_eligible_inspectors_block_the_visit_with_a_reason_and_no_partial_team(draw):
    for n in range(1, 19):
        draw.bus.handle(ChangeInspector(f"INS-{n:03d}", {"on_duty": False}, "clerk:clerk01", "测试：离岗"))
    assert draw_team(draw, an_inspection()) is None
    assert drawn(draw) == [] and emitted(draw, prefix="inspectors.assigned") == []
    blocked = draw.bus.handle(ListBlocked())
    assert "仅 0 名，至少需要 2 名：请在人员库中增加" in blocked[0].reason


def test_a_blocked_visit_is_drawn_when_it_becomes_ready_again_with_enough_inspectors(draw):
    for n in range(1, 19):
        draw.bus.handle(ChangeInspector(f"INS-{n:03d}", {"on_duty": False}, "clerk:clerk01", "测试：离岗"))
    draw.bus.handle(DrawInspectors(an_inspection()))
    for back in ("INS-001", "INS-002"):
        draw.bus.handle(ChangeInspector(back, {"on_duty": True}, "clerk:clerk01", "返岗"))
    draw_team(draw, an_inspection())
    assert len(drawn(draw)) == 1 and draw.bus.handle(ListBlocked()) == []


def test_the_team_is_announced_once_as_the_contract_says(draw):
    record = draw_team(draw, an_inspection())
    (row,) = outbox_rows(draw, prefix="inspectors.assigned")
    event = json.loads(row.body)
    assert contract_errors("InspectorsAssigned", event) == []
    assert event["data"]["draw_id"] == record.id and "matched" not in event["data"]
    assert [p["id"] for p in event["data"]["inspectors"]] == record.selected
    assert "phone" not in json.dumps(event["data"]["inspectors"])


def test_the_team_size_comes_from_the_settings(tmp_path):
    runtime = draw_runtime(tmp_path, DRAW_TEAM_SIZE="3", DRAW_ALGORITHM="md5")
    register_library(runtime)
    record = draw_team(runtime, an_inspection())
    assert (record.count, len(record.selected), record.algorithm) == (3, 3, "md5")
    runtime.dispose()


def test_each_draw_has_its_own_commitment_made_before_its_pool_was_frozen_and_its_randomness_drawn(tmp_path):
    runtime = draw_runtime(tmp_path)
    register_library(runtime)
    record = draw_team(runtime, an_inspection())
    shown = runtime.bus.handle(GetDraw(record.id, staff()))
    commitment, randomness = shown["commitment"], shown["randomness"]
    assert commitment["committed_at"] < commitment["pool_frozen_at"] < randomness["drawn_at"] < shown["created_at"]
    assert commitment["pool_hash"] == shown["pool_hash"] and commitment["pool_size"] == len(shown["pool"])
    runtime.dispose()
