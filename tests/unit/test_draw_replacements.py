"""S13 replacements and N3 recusal through draw's bus, no Flask: a drawn inspector is replaced only on a reasoned
request, approved by an approver who *chooses* from the eligible officers; an approved recusal of a team member
opens such a request. The draw record never changes."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from services.draw.commands import (
    ApplyForRecusal,
    DecideRecusal,
    DecideReplacement,
    RequestReplacement,
)
from services.draw.queries import GetDraw, ListReplacements, ReplacementCandidates, ReplacementQueue
from shared.errors import Conflict, Forbidden, Invalid
from tests.support.contract import contract_errors
from tests.support.draw import an_inspection, draw_team, staff
from tests.support.outbox import emitted, outbox_rows

pytestmark = pytest.mark.unit
APPROVER = "approver:approver01"


@pytest.fixture
def record(draw):
    return draw_team(draw, an_inspection())


def request(draw, record, who=0, reason="健康状况", actor=None):
    leaving = record.selected[who]
    return draw.bus.handle(RequestReplacement(record.id, leaving, reason, "住院治疗",
                                              actor or f"inspector:{leaving}"))


def test_a_replacement_needs_an_approver_who_chooses_from_the_eligible_list(draw, record):
    leaving, staying = record.selected
    asked = request(draw, record)
    assert asked.status == "requested"
    with pytest.raises(Forbidden):  # not the requester
        draw.bus.handle(DecideReplacement(asked.id, True, "同意", f"inspector:{leaving}", "approver", "INS-010"))
    with pytest.raises(Forbidden):  # not a clerk
        draw.bus.handle(DecideReplacement(asked.id, True, "同意", "clerk:clerk01", "clerk", "INS-010"))
    offered = [i.id for i in draw.bus.handle(ReplacementCandidates(asked.id))["candidates"]]
    assert leaving not in offered and staying not in offered and "INS-019" not in offered
    with pytest.raises(Invalid):  # off duty: not on the list
        draw.bus.handle(DecideReplacement(asked.id, True, "同意", APPROVER, "approver", "INS-019"))
    chosen = offered[0]
    decided = draw.bus.handle(DecideReplacement(asked.id, True, "同意，由其补位", APPROVER, "approver", chosen))
    assert (decided.status, decided.replacement_id) == ("approved", chosen)
    (row,) = outbox_rows(draw, prefix="inspectors.replaced")
    event = json.loads(row.body)
    assert contract_errors("InspectorsReplaced", event) == []
    data = event["data"]
    assert (data["old"]["id"], data["new"]["id"], data["approver"]) == (leaving, chosen, APPROVER)
    assert {p["id"] for p in data["inspectors"]} == {staying, chosen}
    assert draw.bus.handle(GetDraw(record.id, staff()))["selected"] == record.selected, "the record stays"


def test_a_decided_request_cannot_be_decided_again(draw, record):
    asked = request(draw, record)
    draw.bus.handle(DecideReplacement(asked.id, False, "不同意", APPROVER, "approver"))
    with pytest.raises(Conflict):
        draw.bus.handle(DecideReplacement(asked.id, False, "不同意", APPROVER, "approver"))


def test_without_approval_the_team_does_not_change(draw, record):
    request(draw, record, reason="工作冲突", actor="clerk:clerk01")
    assert emitted(draw, prefix="inspectors.replaced") == []
    queue = draw.bus.handle(ReplacementQueue())
    (pending, person, candidates), = queue["queue"]
    assert person.id == record.selected[0] and candidates and queue["done"] == []


def test_only_a_team_member_can_be_replaced_and_only_for_a_listed_reason(draw, record):
    outsider = next(i for i in ("INS-001", "INS-002", "INS-003") if i not in record.selected)
    with pytest.raises(Conflict):
        draw.bus.handle(RequestReplacement(record.id, outsider, "健康状况", "住院", "clerk:clerk01"))
    with pytest.raises(Invalid):
        draw.bus.handle(RequestReplacement(record.id, record.selected[0], "不想去", "不想去", "clerk:clerk01"))
    request(draw, record)
    with pytest.raises(Conflict):  # one pending request per member
        request(draw, record)


def test_an_approved_recusal_excludes_the_inspector_and_opens_a_replacement(draw, record):
    inspection = an_inspection()
    target = record.selected[1]
    application = draw.bus.handle(ApplyForRecusal(inspection["company"]["uscc"], inspection["company"]["name"],
                                                  target, inspection["inspection_id"], "该人员曾参与本企业项目审批",
                                                  "clerk:clerk01"))
    assert application.status == "pending"
    assert application.due_on == draw.clock.today_local() + timedelta(days=3)
    draw.bus.handle(DecideRecusal(application.id, True, "经核实属实，准予回避", APPROVER))
    pending = draw.bus.handle(ListReplacements())
    assert pending[0].inspector_id == target and pending[0].reason == "执法回避"
    candidates = draw.bus.handle(ReplacementCandidates(pending[0].id))
    assert {"id": target, "reason": "与被检查单位存在利害关系，依法回避"} in candidates["excluded"]
    with pytest.raises(Conflict):
        draw.bus.handle(DecideRecusal(application.id, False, "改变主意", APPROVER))


def test_a_rejected_recusal_opens_nothing(draw, record):
    application = draw.bus.handle(ApplyForRecusal("914403001922038216", "青岛测试化工有限公司", record.selected[0],
                                                  "insp-r", "理由", "clerk:clerk01"))
    draw.bus.handle(DecideRecusal(application.id, False, "理由不成立", APPROVER))
    assert draw.bus.handle(ListReplacements()) == []
