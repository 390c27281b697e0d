"""Target libraries and target draws through draw's bus, no Flask (S4, S6, S7, N6): strata and quotas, one
verifiable draw per stratum, once per plan and period; the province's libraries read-only from their files;
comprehensive enforcement matched directly, never drawn."""
from __future__ import annotations

import io
import json
import random

import pytest
from openpyxl import Workbook

from services.draw.commands import (
    ChangeInspector,
    ChangeLocalTargets,
    DrawInspectors,
    DrawTargets,
    FileReport,
    ImportProvinceLibrary,
    MatchComprehensive,
)
from services.draw.queries import (
    CheckProvinceLibrary,
    GetDraw,
    GetTargetDraw,
    ListBlocked,
    ListDraws,
    ListMatchings,
    ListTargets,
    VerifyDraw,
)
from shared.errors import Conflict, Forbidden, Invalid
from shared.uscc import random_uscc
from tests.support.contract import contract_errors
from tests.support.draw import an_inspection, audit_count, draw_targets, staff
from tests.support.outbox import emitted, outbox_rows

pytestmark = pytest.mark.unit
CLERK = "clerk:clerk01"
S6_RULES = ({"unit_class": "重点", "kind": "percent", "value": 25},
            {"unit_class": "一般", "kind": "per_officer", "value": 5})


def local_library(draw, key_units=8, general_units=30) -> list[dict]:
    rng = random.Random(11)
    rows = [{"uscc": random_uscc(rng), "name": f"重点排污单位{n}", "unit_class": "重点", "credit_class": "B"}
            for n in range(key_units)]
    rows += [{"uscc": random_uscc(rng), "name": f"一般排污单位{n}", "unit_class": "一般", "credit_class": "A"}
             for n in range(general_units)]
    assert draw.bus.handle(ChangeLocalTargets(tuple(rows), "第四季度对象库更新", CLERK)) == len(rows)
    return rows


def a_target_draw(plan_id="plan-21", period="2026Q4", rules=S6_RULES) -> DrawTargets:
    return DrawTargets(plan_id, period, "随机抽查库", rules, ("STHJ-01",), CLERK)


def test_a_target_draw_meets_the_s6_quotas_and_each_stratum_verifies(draw):
    local_library(draw)
    target_draw = draw_targets(draw, a_target_draw())
    assert target_draw.on_duty_officers == 19  # 20 in the demo library, one off duty
    assert [(s["size"], s["quota"]) for s in target_draw.strata] == [(8, 2), (30, min(30, -(-5 * 19 // 4)))]
    for stratum in target_draw.strata:
        assert draw.bus.handle(VerifyDraw(stratum["draw_id"])).verified is True
    detachment = staff("detachment", "zhidui01")
    assert draw.bus.handle(GetTargetDraw(target_draw.id, detachment)).row.targets == target_draw.targets


def test_a_stratum_draw_names_its_target_draw_not_an_inspection(draw):
    local_library(draw)
    target_draw = draw_targets(draw, a_target_draw())
    record = draw.bus.handle(GetDraw(target_draw.strata[0]["draw_id"], staff()))
    assert (record["subject_kind"], record["subject_id"]) == ("target_draw", target_draw.id)
    assert record["inspection_id"] is None and record["purpose"] == "targets:重点/全部"


def test_a_plan_is_drawn_once_per_period_and_the_refusal_is_on_file(draw):
    local_library(draw)
    draw_targets(draw, a_target_draw())
    records = draw.bus.handle(ListDraws(1, 200))[1]
    with pytest.raises(Conflict) as refused:
        draw.bus.handle(a_target_draw())
    assert refused.value.code == "already_drawn"
    assert audit_count(draw, "target_draw.refused") == 1 and draw.bus.handle(ListDraws(1, 200))[1] == records
    assert len(emitted(draw, prefix="targets.drawn")) == 1


def test_the_drawn_targets_are_announced_as_the_contract_says(draw):
    local_library(draw)
    target_draw = draw_targets(draw, a_target_draw())
    (row,) = outbox_rows(draw, prefix="targets.drawn")
    event = json.loads(row.body)
    assert contract_errors("TargetsDrawn", event) == []
    assert event["data"]["targets"] == target_draw.targets and event["data"]["department"] == "STHJ"


def test_an_empty_stratum_everywhere_draws_nothing(draw):
    with pytest.raises(Invalid):
        draw.bus.handle(a_target_draw())
    assert draw.bus.handle(ListDraws(1, 200))[1] == 0


def test_the_filed_headcount_is_the_base_of_the_general_quota(draw):
    local_library(draw)
    assert draw.bus.handle(FileReport("headcount", "2026", CLERK)).content["count"] == 19
    draw.bus.handle(ChangeInspector("INS-001", {"on_duty": False}, CLERK, "借调"))
    assert draw.bus.handle(a_target_draw()).on_duty_officers == 19  # the filed figure, not today's 18


def test_the_local_library_changes_row_by_row_and_units_can_leave(draw):
    rows = local_library(draw, key_units=2, general_units=3)
    draw.bus.handle(ChangeLocalTargets(({**rows[0], "active": False},), "企业关停", CLERK))
    listed = draw.bus.handle(ListTargets("随机抽查库", by_class=True))
    assert len(listed) == 5 and [t.unit_class for t in listed] == ["一般"] * 3 + ["重点"] * 2
    assert not next(t for t in listed if t.uscc == rows[0]["uscc"]).active
    assert audit_count(draw, "target.changed") == 6


def province_file(*rows) -> bytes:
    book = Workbook()
    book.active.append(["统一社会信用代码", "单位名称", "地址", "监管类别", "信用等级"])
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_province_library_is_imported_read_only_from_its_file_with_row_errors_in_chinese(draw):
    good = ("914403001922038216", "青岛持证排污一厂", "前湾港路1号", "重点", "A")
    bad = ("914403001922038217", "校验位错误的厂", "", "一般", "B")
    rows, problems = draw.bus.handle(CheckProvinceLibrary(province_file(good, bad)))
    assert len(rows) == 1 and "第 3 行" in problems[0]
    assert draw.bus.handle(ImportProvinceLibrary("排污许可库", province_file(good, bad), "p.xlsx", CLERK))[2] == 0
    assert draw.bus.handle(ListTargets("排污许可库")) == []
    assert draw.bus.handle(ImportProvinceLibrary("排污许可库", province_file(good), "p.xlsx", CLERK))[2] == 1
    assert [t.name for t in draw.bus.handle(ListTargets("排污许可库"))] == ["青岛持证排污一厂"]
    with pytest.raises(Forbidden):
        draw.bus.handle(ImportProvinceLibrary("随机抽查库", province_file(good), "p.xlsx", CLERK))


def test_comprehensive_enforcement_matches_inspectors_directly_and_records_it(draw):
    inspection = an_inspection("insp-zh", module="综合执法")
    assert draw.bus.handle(DrawInspectors(inspection)) is None
    assert draw.bus.handle(ListDraws(1, 200))[1] == 0, "no lottery for comprehensive enforcement (S7)"
    assert "直接匹配" in draw.bus.handle(ListBlocked())[0].reason
    with pytest.raises(Invalid) as refused:
        draw.bus.handle(MatchComprehensive("insp-zh", ("INS-020", "INS-001"), "专项执法", CLERK))
    assert "执法证" in refused.value.fields["inspector_ids"][0]
    with pytest.raises(Invalid):
        draw.bus.handle(MatchComprehensive("insp-zh", ("INS-001",), "专项执法", CLERK))  # N2: at least two
    draw.bus.handle(MatchComprehensive("insp-zh", ("INS-001", "INS-002"), "支队专项执法方案指定", CLERK))
    matching = draw.bus.handle(ListMatchings(viewer=staff()))[0].row
    assert (matching.matched_by, matching.inspector_ids) == (CLERK, ["INS-001", "INS-002"])
    with pytest.raises(Conflict):
        draw.bus.handle(MatchComprehensive("insp-zh", ("INS-001", "INS-002"), "再匹配", CLERK))
    (row,) = outbox_rows(draw, prefix="inspectors.assigned")
    event = json.loads(row.body)
    assert contract_errors("InspectorsAssigned", event) == []
    assert event["data"]["parts"][0]["via"] == "match" and event["data"]["draw_id"] == "matching:insp-zh"
    assert draw.bus.handle(ListBlocked()) == []
