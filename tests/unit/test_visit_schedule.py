"""One visit time (issue #11) on draw's own bus, no Flask: draw keeps the team from its own `inspectors.assigned` /
`inspectors.replaced`; the team leader or a clerk fixes the time inside the window and working hours; a change needs
a reason, is audited and announced again with the next version, to letters/results and to every department with its
own members; N4 names stay confidential until the fixed day."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.draw.adapters.schedules import fixed_visit_day
from services.draw.commands import ScheduleVisit
from services.draw.domain.disclosure import visit_over
from services.draw.queries import GetVisitSchedule, MyVisitsToSchedule, UnscheduledVisits
from shared import events
from shared.auth import Principal
from shared.errors import Forbidden, Invalid, NotFound
from tests.support.contract import contract_errors
from tests.support.draw import START, an_inspection, audit_count, draw_runtime
from tests.support.events import assigned_payload
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.unit
VISIT = "insp-s"
LEADER = Principal("inspector", "INS-001", "STHJ", "王建国")
MEMBER = Principal("inspector", "INS-002", "STHJ", "李海燕")
CLERK = Principal("clerk", "clerk01", "STHJ", "综合科 刘敏")
DEPARTMENTS = (("STHJ", "青岛市生态环境局西海岸新区分局"), ("SCJG", "青岛市西海岸新区市场监督管理局"),
               ("YJGL", "青岛市西海岸新区应急管理局"))


@pytest.fixture
def draw(tmp_path):
    runtime = draw_runtime(tmp_path)
    yield runtime
    runtime.dispose()


def a_member(inspector_id: str, name: str, department: str) -> dict:
    names = dict(DEPARTMENTS)
    return {"id": inspector_id, "name": name, "certificate_no": f"C-{inspector_id}", "department": department,
            "department_name": names[department], "unit": "第一中队"}


TEAM = [a_member("INS-001", "王建国", "STHJ"), a_member("INS-002", "李海燕", "STHJ"),
        a_member("SC-01", "赵敏", "SCJG"), a_member("SC-02", "钱进", "SCJG"),
        a_member("YJ-01", "孙立", "YJGL"), a_member("YJ-02", "周平", "YJGL")]


def a_joint_inspection() -> dict:
    """A three-department visit, window 2026-12-01 … 2026-12-04 (eco-environment leads)."""
    inspection = an_inspection(VISIT)
    item = inspection["departments"][0]["items"][0]
    inspection["departments"] = [{"code": code, "name": name, "lead": code == "STHJ", "task_ids": [],
                                  "items": [{**item, "code": f"{code}-01", "department": code}]}
                                 for code, name in DEPARTMENTS]
    return inspection


def announce(draw, name: str, data: dict, at: datetime | None = None) -> None:
    """Deliver one of draw's own events to draw's queue, as the bus would."""
    _id, body = events.build("draw", name, data, data["inspection_id"], at or draw.clock.now())
    draw.deliver(f"draw.{name}", events.parse(body))


def assigned(draw, team=TEAM, leader_id="INS-001", at=None) -> None:
    inspection = a_joint_inspection()
    body = {"inspection_id": VISIT, "draw_id": "draw-1", "leader_id": leader_id,
            "inspectors": [{**p, "leader": p["id"] == leader_id} for p in team],
            "parts": [{"department": code, "via": "draw", "draw_id": f"draw-{code}",
                       "inspector_ids": [p["id"] for p in team if p["department"] == code]}
                      for code, _ in DEPARTMENTS],
            "inspection": inspection}
    announce(draw, "inspectors.assigned", body, at)


def replaced(draw, old: str, new: dict, at=None) -> None:
    team = [p for p in TEAM if p["id"] != old] + [new]
    body = {"inspection_id": VISIT, "draw_id": "draw-1", "replacement_id": "rep-1", "old": a_member(old, "某", "STHJ"),
            "new": new, "reason": "健康状况", "text": "住院治疗", "approver": "approver:approver01",
            "inspectors": team, "inspection": a_joint_inspection()}
    announce(draw, "inspectors.replaced", body, at)


def schedule(draw, time="2026-12-02 09:30", by=LEADER, reason=""):
    return draw.bus.handle(ScheduleVisit(VISIT, time, by, reason))


def announcements(draw) -> dict[str, list[dict]]:
    """routing key → the CloudEvents draw queued under it."""
    sent: dict[str, list[dict]] = {}
    for row in outbox_rows(draw, prefix="visit.scheduled"):
        sent.setdefault(row.routing_key, []).append(json.loads(row.body))
    return sent


def test_the_leader_fixes_the_time_and_every_department_hears_it_with_its_own_members(draw):
    assigned(draw)
    fixed = schedule(draw)
    assert (fixed.version, fixed.scheduled_by) == (1, "inspector:INS-001")
    sent = announcements(draw)
    assert sorted(sent) == ["visit.scheduled", "visit.scheduled.SCJG", "visit.scheduled.STHJ", "visit.scheduled.YJGL"]
    for key, (event,) in sent.items():
        assert contract_errors("VisitScheduled", event) == [], key
        data = event["data"]
        assert (data["scheduled_at"], data["local_time"], data["version"]) == ("2026-12-02T01:30:00Z",
                                                                                "2026-12-02 09:30", 1)
        assert data["previous_at"] is None and data["window"] == {"start": "2026-12-01", "end": "2026-12-04"}
    whole = sent["visit.scheduled"][0]["data"]
    assert "department" not in whole and [p["id"] for p in whole["inspectors"]] == [p["id"] for p in TEAM]
    assert whole["inspectors"][0]["leader"] is True
    market = sent["visit.scheduled.SCJG"][0]["data"]
    assert market["department"] == "SCJG" and [p["id"] for p in market["inspectors"]] == ["SC-01", "SC-02"]


def test_a_team_announced_in_the_earlier_shape_is_led_by_its_first_inspector(draw):
    """Before issue #11's team parts, `inspectors.assigned` had no `leader_id`."""
    body = assigned_payload(VISIT)
    announce(draw, "inspectors.assigned", body)
    assert draw.bus.handle(GetVisitSchedule(VISIT, CLERK)).leader_id == "INS-001"
    schedule(draw, "2026-12-01 08:00")
    assert sorted(announcements(draw)) == ["visit.scheduled", "visit.scheduled.STHJ"]


@pytest.mark.parametrize("time", ["2026-11-30 09:30", "2026-12-05 09:30"])
def test_a_time_outside_the_window_is_refused_in_chinese(draw, time):
    assigned(draw)
    with pytest.raises(Invalid) as refused:
        schedule(draw, time)
    assert refused.value.message == "检查时间不在检查时段内"
    assert refused.value.fields["time"] == ["应在 2026-12-01 至 2026-12-04 之间（含首尾两日）"]
    assert announcements(draw) == {}


def test_both_ends_of_the_window_are_inside_it(draw):
    assigned(draw)
    assert schedule(draw, "2026-12-01 07:00").version == 1
    assert schedule(draw, "2026-12-04 20:00", reason="企业负责人首日出差").version == 2


@pytest.mark.parametrize("time", ["2026-12-02 06:59", "2026-12-02 20:01", "2026-12-02 23:00"])
def test_a_time_outside_working_hours_is_refused(draw, time):
    assigned(draw)
    with pytest.raises(Invalid, match="工作时间"):
        schedule(draw, time)


def test_the_working_hours_are_a_setting(tmp_path):
    from shared.config import Settings
    if "draw_visit_earliest_hour" not in Settings.__dataclass_fields__:
        pytest.skip("DRAW_VISIT_EARLIEST_HOUR / DRAW_VISIT_LATEST_HOUR are not settings yet")
    draw = draw_runtime(tmp_path, DRAW_VISIT_EARLIEST_HOUR="9", DRAW_VISIT_LATEST_HOUR="17")
    try:
        assigned(draw)
        with pytest.raises(Invalid, match="工作时间"):
            schedule(draw, "2026-12-02 08:30")
        assert schedule(draw, "2026-12-02 17:00").version == 1
    finally:
        draw.dispose()


@pytest.mark.parametrize("time", ["", "2026/12/02 09:30", "2026-12-02", "明天上午"])
def test_a_time_that_is_not_a_date_and_time_is_refused(draw, time):
    assigned(draw)
    with pytest.raises(Invalid) as refused:
        schedule(draw, time)
    assert refused.value.fields["time"] == ["应为“年-月-日 时:分”，例如 2026-12-03 09:30"]


def test_a_member_who_does_not_lead_is_refused(draw):
    assigned(draw)
    with pytest.raises(Forbidden) as refused:
        schedule(draw, by=MEMBER)
    assert refused.value.status == 403 and "组长" in refused.value.message
    with pytest.raises(Forbidden):
        schedule(draw, by=Principal("approver", "approver01", "STHJ"))
    assert announcements(draw) == {}


def test_a_clerk_may_fix_the_time(draw):
    assigned(draw)
    assert schedule(draw, by=CLERK).scheduled_by == "clerk:clerk01"
    assert len(announcements(draw)["visit.scheduled"]) == 1


def test_a_visit_without_a_team_cannot_be_scheduled(draw):
    with pytest.raises(NotFound, match="尚未确定检查组"):
        schedule(draw)


def test_a_change_needs_a_reason(draw):
    assigned(draw)
    schedule(draw)
    with pytest.raises(Invalid) as refused:
        schedule(draw, "2026-12-03 14:00", reason="  ")
    assert refused.value.fields == {"reason": ["请填写更改理由"]}
    assert draw.bus.handle(GetVisitSchedule(VISIT, CLERK)).version == 1


def test_a_change_is_audited_and_announced_as_the_next_version(draw):
    assigned(draw)
    schedule(draw)
    changed = schedule(draw, "2026-12-03 14:00", by=CLERK, reason="企业负责人当日外出")
    assert changed.version == 2 and [h["version"] for h in changed.history] == [1, 2]
    first, second = announcements(draw)["visit.scheduled"]
    data = second["data"]
    assert contract_errors("VisitScheduled", second) == []
    assert (data["version"], data["previous_at"], data["reason"]) == (2, "2026-12-02T01:30:00Z", "企业负责人当日外出")
    assert data["scheduled_at"] == "2026-12-03T06:00:00Z" and first["data"]["version"] == 1
    assert len(announcements(draw)["visit.scheduled.YJGL"]) == 2
    audit = draw.models["AuditEntry"]
    with draw.unit_of_work(read_only=True) as uow:
        entry = uow.session.execute(select(audit).where(audit.action == "visit.rescheduled")).scalar_one()
    assert entry.before == {"scheduled_at": "2026-12-02T01:30:00Z", "version": 1}
    assert entry.after == {"scheduled_at": "2026-12-03T06:00:00Z", "version": 2}
    assert (entry.actor, entry.reason) == ("clerk:clerk01", "企业负责人当日外出")
    assert audit_count(draw, "visit.scheduled") == 1


def test_the_same_time_again_changes_nothing(draw):
    assigned(draw)
    schedule(draw)
    assert schedule(draw).version == 1
    assert len(announcements(draw)["visit.scheduled"]) == 1


def test_replacing_the_leader_passes_the_lead_to_the_next_member_of_the_lead_department(draw):
    assigned(draw)
    schedule(draw)
    replaced(draw, "INS-001", a_member("INS-003", "张志强", "STHJ"))
    visit = draw.bus.handle(GetVisitSchedule(VISIT, CLERK))
    assert visit.leader_id == "INS-002" and visit.team[0]["id"] == "INS-002"
    assert "INS-003" in [p["id"] for p in visit.team] and visit.version == 1, "the time stays"
    assert audit_count(draw, "visit.leader_changed") == 1
    with pytest.raises(Forbidden):
        schedule(draw, "2026-12-03 09:00", by=LEADER, reason="改期")
    assert schedule(draw, "2026-12-03 09:00", by=MEMBER, reason="改期").version == 2
    whole = announcements(draw)["visit.scheduled"][-1]["data"]
    assert [p["id"] for p in whole["inspectors"] if p["leader"]] == ["INS-002"]


def test_replacing_another_member_keeps_the_leader(draw):
    assigned(draw)
    replaced(draw, "SC-02", a_member("SC-03", "吴刚", "SCJG"))
    visit = draw.bus.handle(GetVisitSchedule(VISIT, CLERK))
    assert visit.leader_id == "INS-001" and "SC-03" in [p["id"] for p in visit.team]
    assert audit_count(draw, "visit.leader_changed") == 0


def test_an_older_announcement_does_not_overwrite_a_newer_team(draw):
    """Two queues, no order between them: `inspectors.replaced` may be handled before `inspectors.assigned`."""
    replaced(draw, "SC-02", a_member("SC-03", "吴刚", "SCJG"), at=START + timedelta(hours=2))
    assigned(draw, at=START + timedelta(hours=1))
    assert "SC-03" in [p["id"] for p in draw.bus.handle(GetVisitSchedule(VISIT, CLERK)).team]


def test_the_leader_lists_the_visits_to_schedule_and_the_clerk_those_without_a_time(draw):
    assigned(draw)
    assert [v.inspection_id for v in draw.bus.handle(MyVisitsToSchedule("INS-001"))] == [VISIT]
    assert draw.bus.handle(MyVisitsToSchedule("INS-002")) == []
    assert [v.inspection_id for v in draw.bus.handle(UnscheduledVisits())] == [VISIT]
    schedule(draw)
    assert draw.bus.handle(UnscheduledVisits()) == []
    assert [v.scheduled_at is not None for v in draw.bus.handle(MyVisitsToSchedule("INS-001"))] == [True]


def test_the_team_its_departments_and_staff_read_the_schedule_others_do_not(draw):
    assigned(draw)
    for viewer in (MEMBER, Principal("inspector", "SC-01", "SCJG"), Principal("department", "SCJG", "SCJG"),
                   Principal("approver", "approver01", "STHJ")):
        assert draw.bus.handle(GetVisitSchedule(VISIT, viewer)).inspection_id == VISIT
    for viewer in (Principal("inspector", "INS-009", "STHJ"), Principal("department", "SWJ", "SWJ"), None):
        with pytest.raises(Forbidden):
            draw.bus.handle(GetVisitSchedule(VISIT, viewer))


def test_names_stay_confidential_until_the_fixed_time(draw):
    """N4 (issue 13) keys off the fixed visit time; without one the visit has not happened (the whole rule:
    tests/unit/test_draw_disclosure.py)."""
    assigned(draw)
    fixed = schedule(draw, "2026-12-03 09:30")
    with draw.unit_of_work(read_only=True) as uow:
        day = fixed_visit_day(uow.session, VISIT, draw.clock.tz)
        assert fixed_visit_day(uow.session, "no-such-visit", draw.clock.tz) is None
    assert day == date(2026, 12, 3)
    at = fixed.scheduled_at
    assert not visit_over(at, at - timedelta(minutes=1)), "the day has begun, the visit has not"
    assert visit_over(at, at)
    assert not visit_over(None, at + timedelta(days=30)), "no fixed time: not yet"


def test_an_early_morning_time_keeps_its_beijing_day(draw):
    """07:15 in Beijing is the evening before in UTC; the visit day is the Beijing one."""
    assigned(draw)
    fixed = schedule(draw, "2026-12-02 07:15")
    assert fixed.scheduled_at.replace(tzinfo=timezone.utc) == datetime(2026, 12, 1, 23, 15, tzinfo=timezone.utc)
    with draw.unit_of_work(read_only=True) as uow:
        assert fixed_visit_day(uow.session, VISIT, draw.clock.tz) == date(2026, 12, 2)
