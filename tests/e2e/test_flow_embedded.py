"""Embedded mode end to end: one process, SQLite, events through the in-process bus (design §3.7)."""
from __future__ import annotations

import json

import pytest
from cloudevents.core.formats.json import JSONFormat

from tests.flow import CONFIRMED, THREE_DEPARTMENTS, WsgiHttp, assert_public_draw_record, run_joint_visit
from tests.support.contract import CHANNEL_MESSAGES, contract_validator
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.e2e


@pytest.fixture
def visit(system, reference):
    http = WsgiHttp(system.wsgi)

    def settle(check, what):
        system.bus.drain()
        value = check()
        assert value, f"{what} did not happen after the bus drained"
        return value

    today = system.runtime("intake").clock.today_local()
    return run_joint_visit(http, reference, settle, today) | {"http": http}


def test_one_visit_flows_from_tasks_to_published_results(system, visit):
    """N5/S12: three departments' tasks become one visit; each department's part of the team is drawn from its own
    officers (≥ 2 each, N2); one fixed time; one letter set; one result per department."""
    system.bus.drain()
    ready = [row for row in outbox_rows(system, "intake") if row.routing_key == "inspection.ready"]
    assert len(ready) == 1
    assert sorted(visit["draws"]) == sorted(THREE_DEPARTMENTS)
    for department, record in visit["draws"].items():
        assert_public_draw_record(record)
        assert record["count"] == 2 and len(record["selected"]) == 2
        assert {p["department"] for p in record["inspectors"]} == {department}
    parts = {part["department"]: part for part in visit["parts"]}
    assert sorted(parts) == sorted(THREE_DEPARTMENTS) and all(len(p["inspector_ids"]) >= 2 for p in parts.values())
    assert visit["leader_id"] == parts["SCJG"]["inspector_ids"][0], "the lead department's first member leads"
    letters = [row.routing_key for row in outbox_rows(system, "letters")]
    assert sorted(letters) == sorted(f"letter.issued.{d}" for d in THREE_DEPARTMENTS)
    assert all(row.published_at is not None for s in ("intake", "draw", "letters", "results")
               for row in outbox_rows(system, s)), "every outbox row was delivered in-process"


def test_each_department_receives_exactly_its_own_items(system, visit):
    """N5 mutual recognition: result.published.<dept> carries that department's items and no other's."""
    system.bus.drain()
    rows = [row for row in outbox_rows(system, "results") if row.routing_key.startswith("result.published.")]
    assert sorted(row.routing_key for row in rows) == sorted(f"result.published.{d}" for d in THREE_DEPARTMENTS)
    for row in rows:
        event = JSONFormat().read(None, row.body)  # valid CloudEvents 1.0, parsed by the SDK
        dept = row.routing_key.rsplit(".", 1)[1]
        assert event.get_type() == "cn.gov.jointinspect.result.published.v1"
        assert event.get_source() == "/jointinspect/results"
        assert event.get_subject() == visit["inspection_id"]
        assert [item["code"] for item in event.get_data()["items"]] == THREE_DEPARTMENTS[dept]
        assert event.get_data()["summary"]["departments"] == list(THREE_DEPARTMENTS)
        assert event.get_data()["category"] == event.get_data()["summary"]["category"]


def _after_the_visit(system, visit) -> None:
    """The flow fixes the visit at 09:30 today on the real clock: results reads a minute after it if that is
    still ahead (N4: nothing about a visit is public before its time)."""
    from datetime import datetime, timedelta, timezone

    from shared.clock import FixedClock
    fixed = datetime.fromisoformat(visit["schedule"]["scheduled_at"].replace("Z", "+00:00"))
    if fixed >= datetime.now(timezone.utc):
        system.runtime("results").clock = FixedClock(fixed + timedelta(minutes=1))


def test_each_department_owns_its_category_and_a_clean_one_is_never_published_with_a_problem(system, visit):
    """谁检查、谁录入、谁公示 (N5, N7): market regulation found a problem; eco and emergency management did not, and the
    public record says so for each of them."""
    system.bus.drain()
    published = {row.routing_key.rsplit(".", 1)[1]: json.loads(row.body)["data"]
                 for row in outbox_rows(system, "results") if row.routing_key.startswith("result.published.")}
    assert published["SCJG"]["category"].startswith("发现问题") and published["SCJG"]["summary"]["problems_found"] == 1
    for clean in ("STHJ", "YJGL"):
        assert published[clean]["category"] == "未发现问题" and published[clean]["summary"]["problems_found"] == 0
    _after_the_visit(system, visit)  # issue 13: the public record appears once the fixed time has passed
    feed = visit["http"].call("GET", "/results/api/v1/public/results?per_page=100")[1]["items"]
    mine = {r["department"]["code"]: r["category"] for r in feed if r["plan"]["id"] == visit["plan"]["id"]}
    assert mine == {d: published[d]["category"] for d in THREE_DEPARTMENTS}


def test_every_document_prints_the_one_fixed_time_and_the_lead_issues_the_letter(system, visit):
    """S12 (issue #11): the lead department (market regulation) issues under its own 机关代字; the letter, notice
    and field record print the fixed time, not the plan window."""
    import io

    import pdfplumber
    assert visit["documents"][0]["number"].startswith("黄市监联函〔")
    clerk, moment = visit["clerk"], visit["schedule"]["local_time"]
    day, clock = moment.split(" ")
    year, month, dom = (int(x) for x in day.split("-"))
    printed = f"{year}年{month}月{dom}日 {int(clock[:2])}:{clock[3:]}"
    for document in visit["documents"]:
        status, pdf = visit["http"].call("GET", f"/letters/api/v1/documents/{document['id']}/pdf", clerk, raw=True)
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            text = "".join((page.extract_text() or "") for page in doc.pages).replace(" ", "")
        if document["kind"] in ("joint_letter", "notice", "field_record"):
            assert printed.replace(" ", "") in text, (document["kind"], printed)


def test_a_member_of_another_department_cannot_record_its_items(system, visit):
    status, body = visit["http"].call("POST", f"/results/api/v1/inspections/{visit['inspection_id']}/results",
                                      visit["member_tokens"]["YJGL"], {"department": "SCJG",
                                                                       "visit_date": visit["result"]["visit_date"],
                                                                       "items": visit["answers"]})
    assert status in (403, 409) and body["error"]["message"]


def test_a_submitted_result_cannot_be_submitted_again(system, visit):
    """S8: entered results cannot be modified — a second submission, and any PUT, PATCH or DELETE on the result,
    is a 409 with a Chinese message."""
    body = {"department": "SCJG", "visit_date": visit["result"]["visit_date"], "category": "未发现问题",
            "items": visit["answers"], "company_confirmation": CONFIRMED}
    path = f"/results/api/v1/inspections/{visit['inspection_id']}/results"
    attempts = [("POST", path), ("PUT", path), ("PATCH", path), ("DELETE", path),
                ("PUT", f"/results/api/v1/results/{visit['result']['id']}"),
                ("PATCH", f"/results/api/v1/results/{visit['result']['id']}"),
                ("DELETE", f"/results/api/v1/results/{visit['result']['id']}")]
    for method, url in attempts:
        status, answer = visit["http"].call(method, url, visit["inspector_token"], body)
        assert status == 409 and "不得修改" in answer["error"]["message"], (method, url, status, answer)


def test_the_letter_is_verifiable_by_anyone(system, visit):
    code = visit["documents"][0]["verification_code"]
    status, body = visit["http"].call("GET", f"/letters/verify/{code}?format=json")
    assert status == 200 and body["genuine"] and body["current"]
    team = {p["name"] for record in visit["draws"].values() for p in record["inspectors"]}
    assert {p["name"] for p in body["inspectors"]} == team, "every department's members are on the letter"
    status, page = visit["http"].call("GET", f"/letters/verify/{code}", raw=True)
    assert status == 200 and "真实有效" in page.decode()
    status, _ = visit["http"].call("GET", "/letters/verify/FAKE-CODE-0000?format=json")
    assert status == 404


def test_draw_verification_endpoint_recomputes_the_selection(system, visit):
    status, body = visit["http"].call("GET", f"/draw/api/v1/draws/{visit['draw']['id']}/verify")
    assert status == 200 and body["verified"] is True, body


def test_the_audit_chains_are_intact_after_the_flow(system, visit):
    """Issue 13: the full check — links, every sealed draw record, letter and result, a signed checkpoint."""
    from shared.common_handlers import MakeCheckpoint, VerifyAuditChain
    for name in ("intake", "draw", "letters", "results"):
        runtime = system.runtime(name)
        runtime.bus.handle(MakeCheckpoint())
        report = runtime.bus.handle(VerifyAuditChain())
        assert report.ok and report.entries > 0 and report.checkpoints == 1, (name, report.problems)
        assert report.sealed_rows > 0 or name == "intake", name  # intake keeps no sealed business rows


def test_outbox_bodies_are_structured_cloudevents(system, visit):
    for name in ("intake", "draw", "letters", "results"):
        for row in outbox_rows(system, name):
            body = json.loads(row.body)
            assert body["specversion"] == "1.0" and body["datacontenttype"] == "application/json"
            assert body["source"] == f"/jointinspect/{name}" and body["time"].endswith("Z") or "+00:00" in body["time"]


def test_every_emitted_message_validates_against_the_asyncapi_contract(system, visit):
    """Design §2 ⚑: docs/asyncapi.yaml is the partners' contract; every message the flow emitted obeys it."""
    system.bus.drain()
    checked = 0
    for name in ("intake", "draw", "letters", "results"):
        for row in outbox_rows(system, name):
            channel = next(c for c in CHANNEL_MESSAGES if row.routing_key == c or row.routing_key.startswith(c + "."))
            errors = list(contract_validator(CHANNEL_MESSAGES[channel]).iter_errors(json.loads(row.body)))
            assert not errors, (row.routing_key, [e.message for e in errors])
            checked += 1
    # inspection.ready, inspectors.assigned, visit.scheduled + one per department, a letter per department,
    # a result per department, the one problem found opens one rectification, the seed's three token rotations, and
    # each department's draw.committed (issue 13)
    assert checked == 1 + 1 + (1 + 3) + 3 + 3 + 1 + 3 + 3


def test_the_contract_rejects_a_message_missing_a_required_field(system, visit):
    row = next(r for r in outbox_rows(system, "results") if r.routing_key.startswith("result.published."))
    body = json.loads(row.body)
    del body["data"]["items"]
    assert list(contract_validator("ResultPublished").iter_errors(body))
