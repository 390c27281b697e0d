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


def person_of(department: str, n: int):
    return SimpleNamespace(id=f"{department}-{n}", name=f"{department}人员{n}", certificate_no=f"{department}0{n}",
                           department_code=department, department_name=department, unit="", phone="")


def part(department, position, lead, via, ids, draw_id=None):
    return SimpleNamespace(department=department, position=position, lead=lead, via=via, draw_id=draw_id,
                           inspector_ids=ids)


@pytest.mark.parametrize("via", ["draw", "match", "named"])
def test_a_team_is_announced_by_one_builder_in_the_contracts_shape(via):
    parts = [part("STHJ", 0, True, via, ["STHJ-1", "STHJ-2"], "d-1" if via == "draw" else None)]
    people = {i: person_of("STHJ", i[-1]) for i in ("STHJ-1", "STHJ-2")}
    data = payloads.inspectors_assigned(an_inspection("insp-1"), parts, people)
    assert contract_errors("InspectorsAssigned", cloud_event("inspectors.assigned", data)) == []
    assert data["draw_id"] == {"draw": "d-1", "match": "matching:insp-1", "named": "named:insp-1"}[via]
    assert data["parts"][0]["via"] == via and data["leader_id"] == "STHJ-1"


def test_the_team_is_every_departments_members_led_by_the_lead_departments_first():
    """S12/N5: the lead department (here market regulation, listed second) leads; every part keeps its order."""
    parts = [part("STHJ", 0, False, "draw", ["STHJ-1", "STHJ-2"], "d-1"),
             part("SCJG", 1, True, "named", ["SCJG-1", "SCJG-2"]),
             part("YJGL", 2, False, "draw", ["YJGL-1", "YJGL-2"], "d-2")]
    people = {i: person_of(i[:4], i[-1]) for p in parts for i in p.inspector_ids}
    data = payloads.inspectors_assigned(an_inspection("insp-1"), parts, people)
    assert [p["id"] for p in data["inspectors"]] == ["SCJG-1", "SCJG-2", "STHJ-1", "STHJ-2", "YJGL-1", "YJGL-2"]
    assert [p["leader"] for p in data["inspectors"]] == [True] + [False] * 5 and data["leader_id"] == "SCJG-1"
    assert [p["department"] for p in data["parts"]] == ["STHJ", "SCJG", "YJGL"]
    assert data["draw_id"] == "named:insp-1"
    assert contract_errors("InspectorsAssigned", cloud_event("inspectors.assigned", data)) == []


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
