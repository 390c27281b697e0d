"""The inspector draw as the running system does it, over HTTP (issue 4): events delivered by the embedded bus,
roles checked at the API, letters reissued after a replacement. The rules themselves are proven handler by
handler in tests/unit/test_draw_inspectors.py and tests/unit/test_draw_replacements.py."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.flow import login, ok
from tests.support.contract import contract_validator
from tests.support.draw import audit_count, draws, fix_time, ready
from tests.support.outbox import outbox_rows

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]


def letters_documents(system, **filters) -> list:
    from services.letters.adapters.db import Document
    with system.runtime("letters").unit_of_work(read_only=True) as uow:
        return uow.session.query(Document).filter_by(kind="joint_letter", **filters).order_by(Document.version).all()


def test_two_ready_events_for_one_inspection_make_one_draw_and_the_second_is_audited(system, http):
    ready(system)
    ready(system)  # a second event id for the same inspection: a redraw attempt
    assert len(draws(http)) == 1
    assert audit_count(system.runtime("draw"), "draw.refused") == 1


def test_the_public_sees_no_ids_before_the_visit_and_clerks_see_names(system, http):
    """Issue 13 (the whole rule: tests/integration/test_draw_disclosure.py)."""
    ready(system)
    public = draws(http)[0]
    assert "inspectors" not in public and "selected" not in public and public["disclosed"] is False
    clerk = draws(http, login(http, "clerk01"))[0]
    assert [p["id"] for p in clerk["inspectors"]] == clerk["selected"]
    assert ok(http.call("GET", f"/draw/api/v1/draws/{public['id']}")) == public


def test_public_randomness_entered_after_the_commitment_draws_the_team_and_it_verifies(system, http):
    """Issue 13: phase one on `inspection.ready` (nothing drawn yet), phase two when a clerk enters the lottery's
    numbers through the API; an inspector may not enter them."""
    from datetime import datetime, timezone
    clerk = login(http, "clerk01")
    ready(system, randomness=False)
    assert draws(http, clerk) == []
    body = {"numbers": [3, 17, 22, 31], "source": "中国福利彩票双色球", "issue": "2026137",
            "drawn_at": datetime.now(timezone.utc).isoformat()}
    assert http.call("POST", "/draw/api/v1/randomness", login(http, "insp04"), body)[0] == 403
    entered = ok(http.call("POST", "/draw/api/v1/randomness", clerk, body), (201,))
    system.bus.drain()
    record = draws(http, clerk)[0]
    assert [d["id"] for d in entered["draws"]] == [record["id"]]
    assert record["sources"][1] == [3, 17, 22, 31] and record["key"].endswith("3.17.22.31./")
    assert record["randomness"]["source"] == "中国福利彩票双色球" and record["randomness"]["issue"] == "2026137"
    assert ok(http.call("GET", f"/draw/api/v1/draws/{record['id']}/verify", clerk))["verified"] is True
    assert http.call("GET", "/draw/api/v1/draws/nope/verify")[0] == 404
    status, again = http.call("POST", "/draw/api/v1/randomness", clerk, body)
    assert status == 409 and again["error"]["code"] == "already_entered"


def test_a_declared_conflict_excludes_the_inspector_from_that_companys_draw(system, http):
    clerk = login(http, "clerk01")
    uscc = "91440300708461136T"
    ok(http.call("POST", "/draw/api/v1/inspectors/INS-003/conflicts", clerk,
                 {"company_uscc": uscc, "reason": "配偶在该企业任职"}))
    other = login(http, "insp04")
    assert http.call("POST", "/draw/api/v1/inspectors/INS-003/conflicts", other,
                     {"company_uscc": uscc, "reason": "替别人申报"})[0] == 403
    ready(system, uscc=uscc)
    record = draws(http, clerk)[0]
    assert "INS-003" not in record["pool"]
    assert {"id": "INS-003", "reason": "与被检查单位存在利害关系，依法回避"} in record["excluded"]
    assert "配偶" not in json.dumps(record, ensure_ascii=False), "the private reason is not published"


def test_a_leave_period_excludes_the_inspector(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("draw").clock.today_local()
    ok(http.call("POST", "/draw/api/v1/inspectors/INS-004/periods", clerk,
                 {"kind": "休假", "start": today.isoformat(), "end": (today + timedelta(days=30)).isoformat()}))
    ready(system)
    assert any(e["id"] == "INS-004" and "休假" in e["reason"] for e in draws(http, clerk)[0]["excluded"])


def test_too_few_eligible_inspectors_block_the_visit_with_a_reason_and_no_partial_team(system, http):
    clerk = login(http, "clerk01")
    for n in range(1, 19):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk,
                     {"on_duty": False, "reason": "测试：离岗"}))
    ready(system)
    assert draws(http) == []
    blocked = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert "仅 0 名，至少需要 2 名" in blocked[0]["reason"]
    assert http.call("GET", "/draw/api/v1/blocked")[0] == 401


def _team(http, clerk, inspection_id):
    return next(d for d in draws(http, clerk) if d["inspection_id"] == inspection_id)


def test_a_replacement_needs_an_approver_who_chooses_from_the_eligible_list(system, http):
    clerk, approver = login(http, "clerk01"), login(http, "approver01")
    inspection = ready(system)
    fix_time(system, http, clerk, inspection)
    record = _team(http, clerk, inspection["inspection_id"])
    leaving = record["selected"][0]
    inspector_token = login(http, f"insp{int(leaving[-3:]):02d}")
    request = ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", inspector_token,
                           {"inspector_id": leaving, "reason": "健康状况", "text": "住院治疗"}))
    assert request["status"] == "requested"
    for who in (inspector_token, clerk):  # neither the requester nor a clerk may approve
        assert http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", who,
                         {"replacement_inspector_id": "INS-010", "text": "同意"})[0] == 403
    candidates = ok(http.call("GET", f"/draw/api/v1/replacements/{request['id']}/candidates", approver))
    offered = [c["id"] for c in candidates["candidates"]]
    assert leaving not in offered and record["selected"][1] not in offered and "INS-019" not in offered
    assert "phone" not in candidates["candidates"][0]
    assert http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", approver,
                     {"replacement_inspector_id": "INS-019", "text": "同意"})[0] == 422
    chosen = offered[0]
    ok(http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", approver,
                 {"replacement_inspector_id": chosen, "text": "同意，由其补位"}))
    system.bus.drain()
    replaced = outbox_rows(system, "draw", "inspectors.replaced")
    assert len(replaced) == 1 and json.loads(replaced[0].body)["data"]["new"]["id"] == chosen
    assert not list(contract_validator("InspectorsReplaced").iter_errors(json.loads(replaced[0].body)))
    documents = letters_documents(system)
    assert [(d.version, d.status) for d in documents] == [(1, "revoked"), (2, "current")]
    assert chosen in documents[1].inspector_ids and leaving not in documents[1].inspector_ids
    old = ok(http.call("GET", f"/letters/verify/{documents[0].verification_code}?format=json"))
    new = ok(http.call("GET", f"/letters/verify/{documents[1].verification_code}?format=json"))
    assert (old["genuine"], old["current"], old["status"]) == (True, False, "revoked") and new["current"] is True
    assert _team(http, clerk, inspection["inspection_id"])["selected"] == record["selected"], "the record stays"


def test_without_approval_the_team_does_not_change(system, http):
    clerk = login(http, "clerk01")
    inspection = ready(system)
    record = _team(http, clerk, inspection["inspection_id"])
    ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", clerk,
                 {"inspector_id": record["selected"][0], "reason": "工作冲突", "text": "同日另有专项任务"}))
    system.bus.drain()
    assert outbox_rows(system, "draw", "inspectors.replaced") == []
    approver = login(http, "approver01")
    pending = ok(http.call("GET", "/draw/api/v1/replacements", approver))["items"][0]
    rejected = ok(http.call("POST", f"/draw/api/v1/replacements/{pending['id']}/reject", approver,
                            {"text": "任务可调整"}))
    assert rejected["status"] == "rejected" and outbox_rows(system, "draw", "inspectors.replaced") == []


def test_an_approved_recusal_excludes_the_inspector_and_opens_a_replacement(system, http):
    clerk, approver = login(http, "clerk01"), login(http, "approver01")
    inspection = ready(system)
    record = _team(http, clerk, inspection["inspection_id"])
    target = record["selected"][1]
    application = ok(http.call("POST", "/draw/api/v1/recusals", clerk, {
        "company_uscc": inspection["company"]["uscc"], "company_name": inspection["company"]["name"],
        "inspector_id": target, "inspection_id": inspection["inspection_id"], "reason": "该人员曾参与本企业项目审批"}))
    assert application["status"] == "pending"
    assert http.call("POST", f"/draw/api/v1/recusals/{application['id']}/decision", clerk,
                     {"approve": True, "reason": "属实"})[0] == 403
    ok(http.call("POST", f"/draw/api/v1/recusals/{application['id']}/decision", approver,
                 {"approve": True, "reason": "经核实属实，准予回避"}))
    assert ok(http.call("GET", "/draw/api/v1/recusals", clerk))["items"][0]["status"] == "approved"
    pending = ok(http.call("GET", "/draw/api/v1/replacements", approver))["items"]
    assert pending[0]["inspector_id"] == target and pending[0]["reason"] == "执法回避"
