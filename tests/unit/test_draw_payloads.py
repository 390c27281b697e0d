"""Every event draw emits, built by its one builder (services/draw/payloads.py) from plain objects and validated
against docs/asyncapi.yaml: the partners' messages depend on the builders, never on an HTTP serialiser."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from services.draw import payloads
from shared import events
from tests.support.contract import contract_errors
from tests.support.draw import an_inspection

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)


def person(n: int):
    return SimpleNamespace(id=f"INS-00{n}", name=f"人员{n}", certificate_no=f"3702110{n}", department_code="STHJ",
                           department_name="青岛市生态环境局西海岸新区分局", unit="第一中队", phone="13800000000")


def cloud_event(name: str, data: dict) -> dict:
    _, body = events.build("draw", name, data, "subject", NOW, None)
    return json.loads(body)


def test_an_inspector_in_an_event_never_carries_private_details():
    assert payloads.inspector(person(1)) == {"id": "INS-001", "name": "人员1", "certificate_no": "37021101",
                                             "department": "STHJ", "department_name": "青岛市生态环境局西海岸新区分局",
                                             "unit": "第一中队"}


@pytest.mark.parametrize("matched", [False, True])
def test_a_drawn_and_a_matched_team_are_announced_by_one_builder_in_the_contracts_shape(matched):
    team = [payloads.inspector(person(1)), payloads.inspector(person(2))]
    draw_id = "matching:insp-1" if matched else "d-1"
    data = payloads.inspectors_assigned(an_inspection("insp-1"), draw_id, team, matched=matched)
    assert contract_errors("InspectorsAssigned", cloud_event("inspectors.assigned", data)) == []
    assert ("matched" in data) is matched and data["inspection_id"] == "insp-1"


def test_a_replacement_is_announced_in_the_contracts_shape():
    record = SimpleNamespace(id="d-1", inspection_id="insp-1", inspection=an_inspection("insp-1"))
    replacement = SimpleNamespace(id="r-1", reason="健康状况", text="住院治疗")
    old, new, other = (payloads.inspector(person(n)) for n in (1, 3, 2))
    data = payloads.inspectors_replaced(record, replacement, old, new, "approver:approver01", [other, new])
    assert contract_errors("InspectorsReplaced", cloud_event("inspectors.replaced", data)) == []


def test_drawn_targets_are_announced_in_the_contracts_shape():
    target_draw = SimpleNamespace(id="t-1", plan_id="p-1", items=["STHJ-01"], targets=[
        {"uscc": "914403001922038216", "name": "青岛持证排污一厂", "address": "", "stratum": "重点/全部",
         "draw_id": "d-2"}])
    data = payloads.targets_drawn(target_draw, "STHJ")
    assert contract_errors("TargetsDrawn", cloud_event("targets.drawn", data)) == []
