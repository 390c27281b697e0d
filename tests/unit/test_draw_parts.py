"""Issue #11 on draw's bus, no Flask: each participating department's part of the team (drawn from ITS OWN
library with a verifiable draw per department, or named by the department by a deadline, N2/N5/S12), one
`inspectors.assigned` when every part is complete, no stranded visits (automatic retry when the pool changes, the
clerk's 重新抽取 never redrawing, N4), replacements from the same department (S13)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.draw.adapters.db import DrawRecord, Inspector
from services.draw.commands import (
    AddStatusPeriod,
    ChangeInspector,
    CreateAccount,
    DecideReplacement,
    DrawInspectors,
    NameOfficers,
    RegisterInspector,
    RequestReplacement,
    RetryDraw,
)
from services.draw.queries import (
    GetTeamParts,
    ListBlocked,
    ListDraws,
    ListMissingParts,
    ListNamingTasks,
    Login,
    ReplacementCandidates,
    VerifyDraw,
)
from shared.errors import Conflict, Forbidden, Invalid
from tests.support.contract import contract_errors
from tests.support.draw import (
    a_joint_inspection,
    audit_count,
    draw_team,
    enter_randomness,
    named_officers,
    password_hash,
    register_partner,
)
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.unit
CLERK = "clerk:clerk01"


def assigned(runtime) -> list[dict]:
    return [json.loads(row.body) for row in outbox_rows(runtime, prefix="inspectors.assigned")]


def name(runtime, inspection_id="insp-j", department="YJGL", officers=None, role="department", actor_department=None):
    officers = officers if officers is not None else named_officers(runtime.clock.today_local())
    return runtime.bus.handle(NameOfficers(inspection_id, department, officers, f"{role}:{department.lower()}", role,
                                           actor_department or department))


def test_each_library_department_is_drawn_from_its_own_library_with_its_own_verifiable_record(draw):
    register_partner(draw, "SCJG")
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    records = draw.bus.handle(ListDraws(1, 200))[0]
    assert len(records) == 3
    with draw.unit_of_work(read_only=True) as uow:
        by_department = {r.department: r for r in uow.session.execute(select(DrawRecord)).scalars()}
    assert sorted(by_department) == ["SCJG", "STHJ", "YJGL"]
    assert all(i.startswith("SCJG-") for i in by_department["SCJG"].pool)
    assert all(i.startswith("INS-") for i in by_department["STHJ"].pool)
    assert all(draw.bus.handle(VerifyDraw(r.id)).verified for r in by_department.values())


def test_the_team_is_announced_once_with_every_departments_part_and_the_lead_departments_first_member_leads(draw):
    register_partner(draw, "SCJG")
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection(lead="SCJG"))
    (event,) = assigned(draw)
    data = event["data"]
    assert contract_errors("InspectorsAssigned", event) == []
    assert [p["department"] for p in data["parts"]] == ["STHJ", "SCJG", "YJGL"]
    assert all(p["via"] == "draw" and len(p["inspector_ids"]) == 2 for p in data["parts"])
    assert data["leader_id"] == data["inspectors"][0]["id"] and data["inspectors"][0]["department"] == "SCJG"
    assert [p["leader"] for p in data["inspectors"]] == [True] + [False] * 5
    scjg = next(p for p in data["parts"] if p["department"] == "SCJG")
    assert data["draw_id"] == scjg["draw_id"]


def test_the_district_rule_binds_only_the_sub_bureaus_own_officers(draw):
    """S6: the sub-bureau draws within its district; a partner's officers are its own, wherever they sit."""
    register_partner(draw, "SCJG", jurisdiction="370200")
    register_partner(draw, "YJGL", jurisdiction="370211")
    draw_team(draw, a_joint_inspection())
    assert len(assigned(draw)) == 1


def test_a_named_department_holds_the_team_back_until_it_names_its_officers(draw):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    assert assigned(draw) == [], "never a one-sided team"
    (waiting,) = draw.bus.handle(ListBlocked())
    assert waiting.part.department == "YJGL" and "前指派本部门持有效执法证的执法人员" in waiting.reason
    assert [p.part.inspection_id for p in draw.bus.handle(ListNamingTasks("YJGL"))] == ["insp-j"]
    assert draw.bus.handle(ListNamingTasks("SCJG")) == []
    part = name(draw)
    assert (part.via, part.status, len(part.inspector_ids)) == ("named", "complete", 2)
    (event,) = assigned(draw)
    yjgl = next(p for p in event["data"]["parts"] if p["department"] == "YJGL")
    assert yjgl["via"] == "named" and yjgl["draw_id"] is None
    named = [p for p in event["data"]["inspectors"] if p["department"] == "YJGL"]
    assert [p["certificate_no"] for p in named] == ["YJ3702000001", "YJ3702000002"]
    assert audit_count(draw, "inspectors.named") == 1 and draw.bus.handle(ListBlocked()) == []


def test_named_officers_are_not_in_the_library_and_never_drawn(draw):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    name(draw)
    with draw.unit_of_work(read_only=True) as uow:
        named = uow.session.execute(select(Inspector).where(Inspector.department_code == "YJGL")).scalars().all()
    assert {i.source for i in named} == {"named"}


@pytest.mark.parametrize("officers, problem", [
    (lambda today: named_officers(today, count=1), "至少应指派 2 名"),
    (lambda today: ({**named_officers(today)[0], "certificate_no": "x"}, named_officers(today)[1]),
     "执法证号格式不正确"),
    (lambda today: ({**named_officers(today)[0], "certificate_expiry": today}, named_officers(today)[1]),
     "早于检查开始日期"),
])
def test_named_officers_are_checked(draw, officers, problem):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    with pytest.raises(Invalid) as refused:
        name(draw, officers=officers(draw.clock.today_local()))
    assert any(problem in m for m in refused.value.fields["officers"])
    assert assigned(draw) == []


def test_a_department_names_only_its_own_officers_and_only_once(draw):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    with pytest.raises(Forbidden):
        name(draw, actor_department="SCJG")
    with pytest.raises(Conflict):
        name(draw, department="SCJG", actor_department="SCJG")  # SCJG is drawn from the library
    name(draw)
    with pytest.raises(Conflict):
        name(draw)
    assert audit_count(draw, "inspectors.naming_refused") == 1 and len(assigned(draw)) == 1


def test_a_department_past_its_naming_deadline_is_listed_as_missing(draw):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    assert draw.bus.handle(ListMissingParts()) == []
    draw.clock.at += timedelta(days=3, minutes=1)
    (missing,) = draw.bus.handle(ListMissingParts())
    assert (missing.part.department, missing.overdue) == ("YJGL", True) and missing.part.naming_due is not None
    name(draw)  # accepted late, and audited as late
    assert draw.bus.handle(ListMissingParts()) == [] and len(assigned(draw)) == 1


def test_a_part_with_too_few_officers_is_blocked_with_what_would_unblock_it(draw):
    register_partner(draw, "SCJG", count=1)
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    (blocked,) = draw.bus.handle(ListBlocked())
    assert blocked.part.department == "SCJG"
    assert blocked.reason.startswith("符合条件的执法人员仅 1 名，至少需要 2 名："
                                     "请在人员库中增加该部门持有效执法证的在岗人员")
    assert assigned(draw) == [] and len(draw.bus.handle(ListDraws(1, 200))[0]) == 2


def test_a_visit_blocked_for_lack_of_officers_is_drawn_automatically_after_an_eligible_officer_is_added(draw):
    register_partner(draw, "SCJG", count=1)
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    register_partner(draw, "SCJG", count=1, start=2)
    (waiting,) = draw.bus.handle(ListBlocked())  # committed, waiting for the public randomness (clerk pages)
    assert (waiting.part.status, waiting.reason[:7]) == ("randomness", "等待公开随机数")
    enter_randomness(draw)
    assert draw.bus.handle(ListBlocked()) == []
    (event,) = assigned(draw)
    assert contract_errors("InspectorsAssigned", event) == []
    assert len(draw.bus.handle(ListDraws(1, 200))[0]) == 3


def test_a_blocked_part_is_drawn_again_when_an_officer_returns_to_duty(draw):
    register_partner(draw, "SCJG")
    register_partner(draw, "YJGL")
    draw.bus.handle(ChangeInspector("SCJG-001", {"on_duty": False}, CLERK, "离岗"))
    draw.bus.handle(ChangeInspector("SCJG-002", {"on_duty": False}, CLERK, "离岗"))
    draw_team(draw, a_joint_inspection())
    assert assigned(draw) == []
    draw.bus.handle(ChangeInspector("SCJG-002", {"on_duty": True}, CLERK, "返岗"))
    assert assigned(draw) == []  # committed, waiting for the public randomness
    enter_randomness(draw)
    assert len(assigned(draw)) == 1


def test_a_pool_change_in_another_department_leaves_a_blocked_part_alone(draw):
    register_partner(draw, "SCJG", count=1)
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    draw.bus.handle(AddStatusPeriod("YJGL-001", "休假", draw.clock.today_local(), draw.clock.today_local(), "",
                                    CLERK))
    assert len(draw.bus.handle(ListBlocked())) == 1 and audit_count(draw, "draw.blocked") == 1


def test_the_clerks_retry_draws_only_the_parts_without_a_draw(draw):
    register_partner(draw, "SCJG", count=2)
    register_partner(draw, "YJGL")
    draw.bus.handle(ChangeInspector("SCJG-001", {"on_duty": False}, CLERK, "离岗"))
    draw_team(draw, a_joint_inspection())
    with draw.unit_of_work() as uow:  # changed outside the library's commands: only a retry notices
        uow.session.get(Inspector, "SCJG-001").on_duty = True
        uow.commit()
    parts = draw.bus.handle(RetryDraw("insp-j", CLERK))
    assert [p.status for p in parts] == ["complete", "randomness", "complete"]
    enter_randomness(draw)
    assert all(p.status == "complete" for p in draw.bus.handle(GetTeamParts("insp-j")))
    assert len(draw.bus.handle(ListDraws(1, 200))[0]) == 3 and len(assigned(draw)) == 1


def test_the_clerks_retry_refuses_a_visit_that_already_has_its_draw_and_it_is_audited(draw):
    register_partner(draw, "SCJG")
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    with pytest.raises(Conflict) as refused:
        draw.bus.handle(RetryDraw("insp-j", CLERK))
    assert "不得重复抽取" in refused.value.message
    assert audit_count(draw, "draw.refused") == 1 and len(draw.bus.handle(ListDraws(1, 200))[0]) == 3


def test_a_second_ready_for_a_visit_waiting_for_a_department_does_not_redraw_the_drawn_parts(draw):
    register_partner(draw, "SCJG")
    draw_team(draw, a_joint_inspection(staffing={"YJGL": "named"}))
    draw.bus.handle(DrawInspectors(a_joint_inspection(staffing={"YJGL": "named"})))
    assert len(draw.bus.handle(ListDraws(1, 200))[0]) == 2


def test_a_replacement_is_chosen_from_the_same_departments_officers(draw):
    register_partner(draw, "SCJG", count=4)
    register_partner(draw, "YJGL")
    draw_team(draw, a_joint_inspection())
    scjg = next(p for p in draw.bus.handle(GetTeamParts("insp-j")) if p.department == "SCJG")
    leaving = scjg.inspector_ids[0]
    request = draw.bus.handle(RequestReplacement(scjg.draw_id, leaving, "健康状况", "住院", CLERK))
    candidates = draw.bus.handle(ReplacementCandidates(request.id))["candidates"]
    assert candidates and all(c.department_code == "SCJG" for c in candidates)
    draw.bus.handle(DecideReplacement(request.id, True, "同意", "approver:approver01", "approver", candidates[0].id))
    (event,) = [json.loads(r.body) for r in outbox_rows(draw, prefix="inspectors.replaced")]
    assert contract_errors("InspectorsReplaced", event) == []
    assert candidates[0].id in [p["id"] for p in event["data"]["inspectors"]]
    assert leaving not in [p["id"] for p in event["data"]["inspectors"]]
    scjg = next(p for p in draw.bus.handle(GetTeamParts("insp-j")) if p.department == "SCJG")
    assert candidates[0].id in scjg.inspector_ids and leaving not in scjg.inspector_ids


def test_a_department_account_logs_in_as_its_department(draw):
    draw.bus.handle(CreateAccount("yjgl", "department", "应急管理局", password_hash=password_hash(),
                                  department_code="YJGL"))
    principal = draw.bus.handle(Login("yjgl", "jointinspect"))
    assert (principal.role, principal.department) == ("department", "YJGL")
    with pytest.raises(Invalid):
        draw.bus.handle(CreateAccount("nodept", "department", "无部门", password="x" * 8))


def test_an_eco_only_visit_still_draws_from_the_eco_library(draw):
    """The visits of before (one department) keep working: one part, one draw."""
    draw.bus.handle(RegisterInspector(id="INS-100", name="新人", unit="第一中队", certificate_no="37021100100",
                                      certificate_expiry=draw.clock.today_local() + timedelta(days=900),
                                      actor=CLERK, reason="新进"))
    inspection = a_joint_inspection()
    inspection["departments"] = inspection["departments"][:1]
    draw_team(draw, inspection)
    (event,) = assigned(draw)
    assert [p["department"] for p in event["data"]["parts"]] == ["STHJ"]
