"""One whole joint visit driven through the public HTTP API — the same steps for embedded and distributed
mode, so both modes are proven by one piece of test code."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

from shared import rfc3797
from tests.support.draw import enter_randomness

THREE_DEPARTMENTS = {"SCJG": ["SCJG-01", "SCJG-03"], "STHJ": ["STHJ-01", "STHJ-02"], "YJGL": ["YJGL-01"]}
PASSWORD = "jointinspect"


class WsgiHttp:
    """HTTP through the combined embedded WSGI app."""

    def __init__(self, wsgi):
        from werkzeug.test import Client
        self.client = Client(wsgi)

    def call(self, method: str, path: str, token: str | None = None, body=None, raw: bool = False):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.open(path, method=method, headers=headers, json=body)
        data = response.get_data()
        return response.status_code, (data if raw else (json.loads(data) if data else None))


class UrlHttp:
    """HTTP over real sockets to separate service processes: prefix → base URL."""

    def __init__(self, bases: dict[str, str]):
        self.bases = bases

    def call(self, method: str, path: str, token: str | None = None, body=None, raw: bool = False):
        base = self.bases[path.lstrip("/").split("/", 1)[0]]
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        return status, (payload if raw else (json.loads(payload) if payload else None))


def upload_file(wsgi, method: str, path: str, token: str, field: str, body: bytes, filename: str):
    """A multipart upload through the WSGI app, encoded in memory (the test client would spool a large body to
    a temporary file it never closes); answers (status, JSON)."""
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import Client, encode_multipart
    boundary, data = encode_multipart({field: FileStorage(io.BytesIO(body), filename=filename)})
    response = Client(wsgi).open(path, method=method, data=data, headers={"Authorization": f"Bearer {token}"},
                                 content_type=f"multipart/form-data; boundary={boundary}")
    return response.status_code, response.get_json()


def ok(result, expected=(200, 201)):
    status, body = result
    assert status in expected, f"HTTP {status}: {body}"
    return body


def login(http, username: str) -> str:
    return ok(http.call("POST", "/draw/api/v1/auth/login", body={"username": username, "password": PASSWORD}))["token"]


CONFIRMED = {"name": "王经理", "confirmed_at": "现场签字"}  # S9: the company's signer, entered on site


PROBLEM = {"item_code": "SCJG-01", "outcome": "发现问题", "findings": "登记住所与实际经营地不一致",
           "measures": "责令限期改正"}


def username_of(info: dict, inspector_id: str) -> str:
    """The login of an officer of the demo's reference data (the eco sub-bureau's or a partner department's)."""
    people = info["inspectors"] + info.get("partner_inspectors", [])
    return next(p["username"] for p in people if p["id"] == inspector_id)


def run_joint_visit(http, info: dict, settle, today, company_index: int = 3) -> dict:
    """Plan → three departments' tasks → one visit → dispatch → each department's draw committed, then public
    randomness entered by script, drawing each department's part of the team (N2, issue 13) → one fixed
    time (the clerk schedules it) → the lead's letter → each department records its own items (N5, 谁检查谁录入):
    market regulation finds a problem, the other two do not."""
    clerk = login(http, "clerk01")
    tokens = {d["code"]: d["token"] for d in info["departments"]}
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕9号", "name": "端到端测试计划", "module": "部门联合", "lead_department": "SCJG",
        "partners": ["STHJ", "YJGL"], "period_start": (today - timedelta(days=3)).isoformat(),
        "period_end": (today + timedelta(days=3)).isoformat(), "intake_deadline": today.isoformat()}))
    company = info["companies"][company_index]
    inspections = set()
    for dept, items in THREE_DEPARTMENTS.items():
        task = ok(http.call("POST", "/intake/api/v1/joint-tasks", tokens[dept], {
            "plan_id": plan["id"], "external_id": f"E2E-{dept}", "company": company, "items": items}))
        inspections.add(task["inspection_id"])
    assert len(inspections) == 1, "three departments' tasks must merge into one visit (N5)"
    inspection_id = inspections.pop()
    dispatched = ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", tokens["SCJG"]))
    assert dispatched["dispatched"] == [inspection_id]

    def committed():  # issue 13: each department's seed committed and pool frozen, waiting for public randomness
        status, body = http.call("GET", f"/draw/api/v1/inspections/{inspection_id}/parts", clerk)
        return status == 200 and body["parts"] and all(p["status"] == "randomness" for p in body["parts"])

    settle(committed, "every department's draw committed")
    enter_randomness(http, clerk)  # the evening's lottery numbers, entered by script (visibly not a real lottery)

    def team_done():
        status, body = http.call("GET", f"/results/api/v1/inspections/{inspection_id}/progress", clerk)
        return body if status == 200 and body.get("parts") else None

    progress = settle(team_done, "every department's part of the team")
    items = ok(http.call("GET", "/draw/api/v1/draws?per_page=200", clerk))["items"]
    draws = {d["department"]: ok(http.call("GET", f"/draw/api/v1/draws/{d['id']}", clerk))  # whole before the visit
             for d in items if d.get("inspection_id") == inspection_id}
    schedule = ok(http.call("PUT", f"/draw/api/v1/inspections/{inspection_id}/schedule", clerk,
                            {"time": f"{today.isoformat()} 09:30"}))

    def letter_done():
        status, body = http.call("GET", f"/letters/api/v1/documents?inspection={inspection_id}", clerk)
        return body["items"] if status == 200 and body["items"] else None

    documents = settle(letter_done, "the joint inspection letter")
    status, pdf = http.call("GET", f"/letters/api/v1/documents/{documents[0]['id']}/pdf", clerk, raw=True)
    assert status == 200 and pdf.startswith(b"%PDF")
    members = {part["department"]: part["inspector_ids"] for part in progress["parts"]}
    member_tokens = {dept: login(http, username_of(info, ids[0])) for dept, ids in members.items()}
    leader_token = login(http, username_of(info, progress["leader_id"]))
    ok(http.call("POST", f"/results/api/v1/inspections/{inspection_id}/confirmation", leader_token, CONFIRMED))
    results = {}
    for dept, codes in THREE_DEPARTMENTS.items():
        answers = [PROBLEM if code == PROBLEM["item_code"] else {"item_code": code, "outcome": "未发现问题"}
                   for code in codes]
        results[dept] = ok(http.call("POST", f"/results/api/v1/inspections/{inspection_id}/results",
                                     member_tokens[dept], {"department": dept, "visit_date": today.isoformat(),
                                                           "items": answers}), (201,))
    return {"plan": plan, "inspection_id": inspection_id, "draw": draws["SCJG"], "draws": draws,
            "schedule": schedule, "documents": documents, "result": results["SCJG"], "results": results,
            "pdf": pdf, "inspector_token": member_tokens["SCJG"], "member_tokens": member_tokens,
            "leader_token": leader_token, "parts": progress["parts"], "leader_id": progress["leader_id"],
            "answers": [PROBLEM, {"item_code": "SCJG-03", "outcome": "未发现问题"}], "clerk": clerk}


def assert_public_draw_record(record: dict) -> None:
    """⚑ design §4 fields, and anyone recomputing RFC 3797 from `sources` and `pool` gets `selected`."""
    for field in ("algorithm", "sources", "key", "pool", "pool_hash", "excluded", "count", "selected",
                  "commitment", "created_at", "operator"):
        assert field in record, field
    assert record["key"] == rfc3797.make_key(record["sources"])
    assert rfc3797.select(record["pool"], record["count"], record["key"], record["algorithm"]) == record["selected"]
    assert record["pool"] == sorted(record["pool"])
