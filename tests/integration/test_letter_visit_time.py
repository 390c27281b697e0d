"""Issue #11 through the running system: a drawn visit shows 待定检查时间 in letters' API and portal until its time
is fixed; then the set prints that time; a changed time revokes it (the verification page says why) and a new one
is issued. Handler-level rules are in tests/unit/test_letter_visit_time.py."""
from __future__ import annotations

import pytest

from tests.flow import WsgiHttp, login, ok
from tests.support.letters import assigned_visit, eco_logins, schedule_visit
from tests.support.login import page_login

pytestmark = pytest.mark.integration


def _portal(system, username: str) -> str:
    from werkzeug.test import Client
    client = Client(system.wsgi)
    page_login(client, username)
    return client.get("/letters/portal").get_data(as_text=True)


def test_a_visit_awaits_its_time_then_prints_it_and_a_change_revokes_and_reissues(system, reference):
    inspection = assigned_visit(system, "insp-time")
    http = WsgiHttp(system.wsgi)
    clerk = login(http, "clerk01")
    listed = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-time", clerk))
    assert listed["items"] == [] and listed["visit"]["status"] == "awaiting_time"
    assert listed["visit"]["label"] == "待定检查时间"
    member, outsider = eco_logins(system, "insp-time")
    page = _portal(system, member)
    assert inspection["company"]["name"] in page and "待定检查时间" in page and "download" not in page
    assert inspection["company"]["name"] not in _portal(system, outsider)

    start = inspection["window"]["start"]
    schedule_visit(system, inspection, f"{start}T01:30:00Z")
    listed = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-time", clerk))
    day = f"{int(start[:4])}年{int(start[5:7])}月{int(start[8:])}日"
    assert listed["visit"] == {"status": "scheduled", "label": f"{day} 9:30", "scheduled_at": f"{start}T01:30:00Z",
                               "local_time": f"{start} 09:30", "version": 1}
    assert [d["kind"] for d in listed["items"]] == ["joint_letter", "notice", "checklist", "field_record"]
    assert {d["visit_time"] for d in listed["items"]} == {f"{day} 9:30"}
    first = listed["items"][0]
    assert f"{day} 9:30" in _portal(system, member)

    schedule_visit(system, inspection, f"{start}T06:00:00Z", version=2, reason="企业申请调整")
    schedule_visit(system, inspection, f"{start}T08:00:00Z", version=1)  # stale: changes nothing
    items = ok(http.call("GET", "/letters/api/v1/documents?inspection=insp-time", clerk))["items"]
    assert [(d["version"], d["status"]) for d in items if d["kind"] == "joint_letter"] == [(1, "revoked"),
                                                                                           (2, "current")]
    assert items[4]["visit_time"] == f"{day} 14:00" and items[4]["number"] != first["number"]
    verified = ok(http.call("GET", f"/letters/verify/{first['verification_code']}?format=json"))
    assert verified["status"] == "revoked"
    assert verified["revoked_reason"] == f"检查时间变更：{day} 9:30 → {day} 14:00（企业申请调整）"
    status, page = http.call("GET", f"/letters/verify/{first['verification_code']}", raw=True)
    assert status == 200 and "撤销原因：检查时间变更" in page.decode()
