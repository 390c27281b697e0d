"""Issue #12 through HTTP on the embedded system: after a three-department visit each department's pull feed holds
exactly its own events, and its webhook receiver (a real server on 127.0.0.1) got the same ids, signed."""
from __future__ import annotations

import json

from services.intake.webhook_job import send_due_webhooks
from tests.flow import ok, run_joint_visit
from tests.support.outbox import outbox_rows
from tests.support.partners import (
    Receiver,
    addressed,
    allow_private_targets,
    department_token,
    event_name,
    read_feed,
    verify,
)

DEPARTMENTS = ("SCJG", "STHJ", "YJGL")
OWN = {"SCJG": {"letter.issued", "visit.scheduled", "result.published", "rectification.updated"},
       "STHJ": {"letter.issued", "visit.scheduled", "result.published"},
       "YJGL": {"letter.issued", "visit.scheduled", "result.published"}}


def names(items) -> set[str]:
    return {item["type"].removeprefix("cn.gov.jointinspect.").removesuffix(".v1") for item in items}


def emitted_ids(system, department: str) -> set[str]:
    return {row.event_id for service in ("draw", "letters", "results")
            for row in outbox_rows(system, service) if row.routing_key.endswith(f".{department}")
            and row.routing_key.split(".")[0] in ("letter", "visit", "result", "rectification")}


def test_each_department_gets_exactly_its_own_events_by_feed_and_webhook(system, reference, http):
    tokens = {d["code"]: d["token"] for d in reference["departments"]}
    intake = system.runtime("intake")
    status, refused = http.call("POST", "/intake/api/v1/departments/SCJG/webhooks", tokens["SCJG"],
                                {"url": "http://127.0.0.1:9/hook", "secret": "a-secret-1"})
    assert status == 422 and "内网" in refused["error"]["message"]  # off by default
    allow_private_targets(intake)
    receivers = {code: Receiver([200]).__enter__() for code in DEPARTMENTS}
    try:
        for code, receiver in receivers.items():
            hook = ok(http.call("POST", f"/intake/api/v1/departments/{code}/webhooks", tokens[code],
                                {"url": receiver.url, "secret": f"secret-of-{code}"}), (201,))
            assert set(hook) == {"id", "url", "created_at"}

        def settle(check, what):
            system.bus.drain()
            value = check()
            assert value, f"{what} did not happen"
            return value

        today = intake.clock.today_local()
        run_joint_visit(http, reference, settle, today)
        system.bus.drain()
        send_due_webhooks(intake)
    finally:
        for receiver in receivers.values():
            receiver.__exit__(None, None, None)

    committed = {row.event_id for row in outbox_rows(system, "draw") if row.routing_key == "draw.committed"}
    assert len(committed) == 3  # issue 13: one per department's draw, each sent to every department
    for code in DEPARTMENTS:
        everything = read_feed(http, code, tokens[code])
        assert {i["id"] for i in everything if event_name(i) == "draw.committed"} == committed, code
        items = addressed(everything)
        ids = [item["id"] for item in items]
        assert names(items) == OWN[code], code
        assert all(item["data"]["department"] == code for item in items)
        assert len(ids) == len(set(ids)) and set(ids) == emitted_ids(system, code)
        received = receivers[code].received
        assert sorted(receivers[code].ids()) == sorted(i["id"] for i in everything)  # the same ids, each once
        for headers, body in received:
            assert headers["content-type"] == "application/cloudevents+json"
            assert verify(f"secret-of-{code}", body, headers["x-jointinspect-signature"])
            event = json.loads(body)
            assert event_name(event) in ("draw.committed", "audit.checkpoint") or event["data"]["department"] == code


def test_the_feed_is_for_its_own_department_and_staff(system, reference, http):
    tokens = {d["code"]: d["token"] for d in reference["departments"]}
    status, body = http.call("GET", "/intake/api/v1/departments/SCJG/events", tokens["STHJ"])
    assert status == 403 and body["error"]["message"] == "只能查看或管理本部门的事件与推送设置"
    assert http.call("GET", "/intake/api/v1/departments/SCJG/events")[0] == 401
    assert http.call("GET", "/intake/api/v1/departments/SCJG/events?limit=1001", tokens["SCJG"])[0] == 422
    assert ok(http.call("GET", "/intake/api/v1/departments/SCJG/events", tokens["SCJG"])) == {"items": [], "next": 0}
    account = department_token("test-secret", "SCJG")
    assert ok(http.call("GET", "/intake/api/v1/departments/SCJG/events?after=0&limit=10", account))["next"] == 0
    assert http.call("GET", "/intake/api/v1/departments/SCJG/webhooks", department_token("test-secret", "YJGL"))[0] \
        == 403


def test_webhooks_are_listed_and_removed_by_their_department(system, reference, http):
    token = {d["code"]: d["token"] for d in reference["departments"]}["YJGL"]
    allow_private_targets(system.runtime("intake"))
    hook = ok(http.call("POST", "/intake/api/v1/departments/YJGL/webhooks", token,
                        {"url": "http://127.0.0.1:9/h", "secret": "secret-yjgl"}), (201,))
    listed = ok(http.call("GET", "/intake/api/v1/departments/YJGL/webhooks", token))["items"]
    assert listed == [hook] and "secret" not in json.dumps(listed)
    assert http.call("DELETE", f"/intake/api/v1/departments/YJGL/webhooks/{hook['id']}", token)[0] == 204
    assert ok(http.call("GET", "/intake/api/v1/departments/YJGL/webhooks", token))["items"] == []
    assert http.call("DELETE", f"/intake/api/v1/departments/YJGL/webhooks/{hook['id']}", token)[0] == 404


def test_the_department_page_adds_a_webhook_and_keeps_the_address_on_error(system, reference):
    client = system.client()
    headers = {"Authorization": f"Bearer {department_token('test-secret', 'STHJ')}"}
    page = client.get("/intake/department/partner", headers=headers)
    assert page.status_code == 200 and "回调地址" in page.get_data(as_text=True)
    refused = client.post("/intake/department/partner/webhooks", headers=headers,
                          data={"url": "http://10.0.0.8/hook", "secret": "secret-sthj"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "内网" in text and 'value="http://10.0.0.8/hook"' in text
    assert client.get("/intake/department/partner").status_code == 302  # to the login page
    clerk = client.get("/intake/department/partner", headers={"Authorization": "Bearer " + reference_clerk(system)})
    assert clerk.status_code == 403


def reference_clerk(system) -> str:
    from shared.auth import Principal, issue_token
    return issue_token("test-secret", Principal(role="clerk", subject="clerk01"))


def test_the_department_page_lists_a_failed_delivery_and_redelivers_it(embedded_env):
    from services.embedded import EmbeddedSystem
    from tests.support.partners import T0, MovingClock, deliver, partner_event
    clock = MovingClock(T0)
    system = EmbeddedSystem(embedded_env, clock=clock)
    try:
        from services.demo import seed_reference
        seed_reference(system, clock.today_local())
        intake = system.runtime("intake")
        allow_private_targets(intake)
        client = system.client()
        headers = {"Authorization": f"Bearer {department_token('test-secret', 'SCJG')}"}
        with Receiver([500]) as receiver:
            added = client.post("/intake/department/partner/webhooks", headers=headers,
                                data={"url": receiver.url, "secret": "secret-scjg"})
            assert added.status_code == 302
            event = partner_event("letter.issued", "SCJG")
            deliver(intake, event)
            send_due_webhooks(intake)
            clock.advance(25 * 3600)
            send_due_webhooks(intake)
            page = client.get("/intake/department/partner", headers=headers).get_data(as_text=True)
            assert "投递失败" in page and "重新投递" in page and event.id in page and "HTTP 500" in page
            delivery = ok(http_get(client, "/intake/api/v1/departments/SCJG/webhook-deliveries?status=failed",
                                   headers))["items"][0]
            assert delivery["event_id"] == event.id and len(delivery["log"]) == 2
            receiver.script = [200]
            again = client.post(f"/intake/department/partner/deliveries/{delivery['id']}/redeliver", headers=headers)
            assert again.status_code == 302
            send_due_webhooks(intake)
        assert receiver.ids() == [event.id] * 3
        page = client.get("/intake/department/partner", headers=headers).get_data(as_text=True)
        assert "已送达" in page
    finally:
        system.close()


def http_get(client, path, headers):
    response = client.get(path, headers=headers)
    return response.status_code, response.get_json()
