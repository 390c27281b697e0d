"""One visit time through the running system (issue #11): the drawn team reaches draw's schedule through its own
`inspectors.assigned`; the leader fixes the time over the API and on the phone page, a clerk changes it with a
reason; refusals come back in the one Chinese error format. The rules themselves are proven on draw's bus in
tests/unit/test_visit_schedule.py."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from werkzeug.test import Client

from tests.flow import login, ok
from tests.support.contract import contract_errors
from tests.support.draw import ready
from tests.support.login import page_login
from tests.support.outbox import outbox_rows

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
VISIT = "insp-r"


def username(inspector_id: str) -> str:
    return f"insp{inspector_id[-2:]}"  # INS-007 → insp07 (the demo's accounts)


def a_visit(system, http) -> tuple[dict, str]:
    """A drawn visit waiting for its time: (its schedule as the clerk sees it, the day it may begin)."""
    inspection = ready(system, VISIT)
    clerk = login(http, "clerk01")
    (visit,) = [v for v in ok(http.call("GET", "/draw/api/v1/schedules/unscheduled", clerk))["items"]
                if v["inspection_id"] == VISIT]
    return visit, inspection["window"]["start"]


def path(inspection_id: str = VISIT) -> str:
    return f"/draw/api/v1/inspections/{inspection_id}/schedule"


def test_the_leader_fixes_the_time_and_a_clerk_changes_it_with_a_reason(system, http):
    visit, first_day = a_visit(system, http)
    leader = login(http, username(visit["leader_id"]))
    assert [v["inspection_id"] for v in ok(http.call("GET", "/draw/api/v1/schedules/mine", leader))["items"]] \
        == [VISIT]
    fixed = ok(http.call("PUT", path(), leader, {"time": f"{first_day} 09:30"}))
    assert (fixed["local_time"], fixed["version"], fixed["status"]) == (f"{first_day} 09:30", 1, "已确定")
    clerk = login(http, "clerk01")
    status, refused = http.call("PUT", path(), clerk, {"time": f"{first_day} 14:00"})
    assert status == 422 and refused["error"]["fields"] == {"reason": ["请填写更改理由"]}
    changed = ok(http.call("PUT", path(), clerk, {"time": f"{first_day} 14:00", "reason": "企业负责人上午外出"}))
    assert changed["version"] == 2 and changed["history"][-1]["reason"] == "企业负责人上午外出"
    assert ok(http.call("GET", path(), leader)) == changed
    assert ok(http.call("GET", "/draw/api/v1/schedules/unscheduled", clerk))["items"] == []
    system.bus.drain()
    sent = [json.loads(row.body) for row in outbox_rows(system, "draw", prefix="visit.scheduled")]
    assert {e["data"]["version"] for e in sent} == {1, 2}
    assert all(contract_errors("VisitScheduled", e) == [] for e in sent)
    assert {r.routing_key for r in outbox_rows(system, "draw", prefix="visit.scheduled")} >= \
        {"visit.scheduled", "visit.scheduled.STHJ"}


def test_refusals_come_back_in_chinese(system, http):
    visit, first_day = a_visit(system, http)
    member = next(p["id"] for p in visit["inspectors"] if p["id"] != visit["leader_id"])
    status, refused = http.call("PUT", path(), login(http, username(member)), {"time": f"{first_day} 09:30"})
    assert status == 403 and "组长" in refused["error"]["message"]
    leader = login(http, username(visit["leader_id"]))
    status, refused = http.call("PUT", path(), leader, {"time": f"{visit['window']['end']} 21:00"})
    assert status == 422 and refused["error"]["message"] == "检查时间不在工作时间内"
    status, refused = http.call("PUT", path(), leader, {"time": "下周一上午"})
    assert status == 422 and "年-月-日" in refused["error"]["fields"]["time"][0]
    assert http.call("PUT", path("nope"), leader, {"time": f"{first_day} 09:30"})[0] == 404
    assert http.call("PUT", path(), None, {"time": f"{first_day} 09:30"})[0] == 401
    outsider = next(f"INS-{n:03d}" for n in range(1, 19) if f"INS-{n:03d}" not in
                    {p["id"] for p in visit["inspectors"]})
    assert http.call("GET", path(), login(http, username(outsider)))[0] == 403


def test_the_leader_fixes_the_time_on_the_phone_page_and_a_refused_form_keeps_what_was_entered(system, http):
    visit, first_day = a_visit(system, http)
    client = Client(system.wsgi)
    page_login(client, username(visit["leader_id"]))
    listing = client.get("/draw/visits/schedule").get_data(as_text=True)
    assert "我带队的检查" in listing and f"/draw/visits/{VISIT}/schedule" in listing and "待确定" in listing
    page_path = f"/draw/visits/{VISIT}/schedule"
    late = (date.fromisoformat(visit["window"]["end"]) + timedelta(days=1)).isoformat()
    refused = client.post(page_path, data={"date": late, "time": "09:30"}, headers={"Origin": "http://localhost"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "检查时间不在检查时段内" in page
    assert f'value="{late}"' in page and 'value="09:30"' in page
    saved = client.post(page_path, data={"date": first_day, "time": "10:00"}, headers={"Origin": "http://localhost"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("?saved=1")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert f"{first_day} 10:00" in page and "检查时间已保存" in page and "更改理由" in page
    assert ok(http.call("GET", path(), login(http, "clerk01")))["local_time"] == f"{first_day} 10:00"


def test_the_clerk_sees_the_visits_without_a_time(system, http):
    a_visit(system, http)
    client = Client(system.wsgi)
    page_login(client, "clerk01")
    page = client.get("/draw/visits/schedule").get_data(as_text=True)
    assert "待确定时间的检查" in page and "青岛测试化工有限公司" in page


def test_the_schedule_works_on_postgresql(pg_base_url, tmp_path):
    """The team from draw's own event, a time fixed and changed, the N4 day — on PostgreSQL's aware timestamps."""
    from services.draw.adapters.schedules import fixed_visit_day
    from services.draw.commands import ScheduleVisit
    from services.draw.queries import GetVisitSchedule
    from shared import events
    from shared.auth import Principal
    from tests.conftest import pg_url
    from tests.support.draw import draw_runtime
    from tests.support.events import assigned_payload
    draw = draw_runtime(tmp_path, DRAW_DATABASE_URL=pg_url(pg_base_url("draw_schedule")))
    try:
        _id, body = events.build("draw", "inspectors.assigned", assigned_payload("insp-pg"), "insp-pg",
                                 draw.clock.now())
        draw.deliver("draw.inspectors.assigned", events.parse(body))
        clerk = Principal("clerk", "clerk01", "STHJ")
        draw.bus.handle(ScheduleVisit("insp-pg", "2026-12-01 07:15", clerk))
        changed = draw.bus.handle(ScheduleVisit("insp-pg", "2026-12-02 09:00", clerk, "改期"))
        assert changed.version == 2 and draw.bus.handle(GetVisitSchedule("insp-pg", clerk)).version == 2
        with draw.unit_of_work(read_only=True) as uow:
            assert fixed_visit_day(uow.session, "insp-pg", draw.clock.tz) == date(2026, 12, 2)
    finally:
        draw.dispose()
