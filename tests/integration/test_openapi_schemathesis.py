"""Issue 13, Deliver 5: each service's OpenAPI document tells the truth. schemathesis — an independent fuzzer that
knows the API only from `/<service>/docs/openapi.json` — runs every check (server errors, status codes, content
types, response schemas and headers, negative data rejected, positive data accepted, auth enforced, undeclared
methods, …) on every operation, as each role and anonymously, with a bounded, deterministic number of examples:
0 server errors and 0 schema violations.

The system is the embedded one with the demo's reference data, served on a local port (so the fuzzer speaks HTTP,
as an outside client does). Tokens are issued for the demo's own accounts: admin, clerk, approver, detachment, an
inspector, a department's user, and a department's API token.
"""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import WSGIRequestHandler

from tests.support.fuzzing import fuzz

SERVICES = ("intake", "draw", "letters", "results")
ACCOUNTS = {"admin": "admin", "clerk": "clerk01", "approver": "approver01", "detachment": "zhidui01",
            "inspector": "insp01", "department": "scjg_dept"}
MAX_EXAMPLES = 15  # per operation and generation mode; the whole module runs in a few minutes on 2 cores


class QuietHandler(WSGIRequestHandler):
    """Thousands of fuzzed requests: no access log."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The embedded system with the demo's reference data, on a local port; each role's principal (from a real
    login) and a department API token."""
    from werkzeug.serving import make_server

    from services.demo import DEMO_PASSWORD, seed_reference
    from services.embedded import EmbeddedSystem
    from shared.auth import read_signed_token
    from tests.flow import WsgiHttp, ok

    secret = "schemathesis-test-secret-0123456789abcdef"
    system = EmbeddedSystem({"JOINTINSPECT_VAR": str(tmp_path_factory.mktemp("fuzz") / "var"), "SECRET_KEY": secret,
                             "PUBLIC_BASE_URL": "http://testserver"})
    info = seed_reference(system, system.runtime("intake").clock.today_local())
    http = WsgiHttp(system.wsgi)
    principals = {role: read_signed_token(secret, ok(http.call("POST", "/draw/api/v1/auth/login", body={
        "username": username, "password": DEMO_PASSWORD}))["token"]) for role, username in ACCOUNTS.items()}
    server = make_server("127.0.0.1", 0, system.wsgi, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base_url": f"http://127.0.0.1:{server.server_port}", "secret": secret, "principals": principals,
           "department_token": info["departments"][0]["token"]}
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    system.close()


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_finds_nothing_in_the_service_api(served, service):
    """Every operation of one service, as each role that may call it and anonymously: the department's API token
    first (an admin's fuzzing may rotate it)."""
    base_url, secret = served["base_url"], served["secret"]
    findings = fuzz(base_url, service, "department", None, secret, MAX_EXAMPLES,
                    opaque_token=served["department_token"])
    for role, principal in served["principals"].items():
        findings += fuzz(base_url, service, role, principal, secret, MAX_EXAMPLES)
    findings += fuzz(base_url, service, None, None, secret, MAX_EXAMPLES)
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(map(str, findings))


def test_every_answer_of_a_joint_visit_matches_its_document(system, reference):
    """The fuzzer's random ids rarely reach a success body; a whole joint visit does: every answer of a documented
    operation in it — plan, tasks, dispatch, draws, schedule, letters, results, the public reads after — matches
    its status, content type and schema."""
    from tests.flow import run_joint_visit
    from tests.support.documented_http import DocumentedHttp

    http = DocumentedHttp(system.wsgi)
    today = system.runtime("intake").clock.today_local()

    def settle(check, what):
        system.bus.drain()
        value = check()
        assert value, f"{what} did not happen after the bus drained"
        return value

    visit = run_joint_visit(http, reference, settle, today)
    clerk, inspection_id = visit["clerk"], visit["inspection_id"]
    for path in ("/intake/api/v1/plans", f"/intake/api/v1/plans/{visit['plan']['id']}/inspections",
                 f"/intake/api/v1/inspections/{inspection_id}", "/intake/api/v1/items", "/intake/api/v1/departments",
                 "/draw/api/v1/draws", f"/draw/api/v1/draws/{visit['draw']['id']}/verify",
                 f"/draw/api/v1/inspections/{inspection_id}/schedule", "/draw/api/v1/inspectors",
                 f"/results/api/v1/inspections/{inspection_id}/progress",
                 f"/results/api/v1/inspections/{inspection_id}/results", "/results/api/v1/rectifications",
                 f"/results/api/v1/reports/monthly/{today:%Y-%m}",
                 f"/letters/verify/{visit['documents'][0]['verification_code']}?format=json"):
        http.call("GET", path, clerk)
    for path in ("/results/api/v1/public/results", "/draw/api/v1/draws", "/intake/api/v1/plans"):
        http.call("GET", path)
    department = reference["departments"][0]
    http.call("GET", f"/results/api/v1/departments/{department['code']}/visits", department["token"])
    assert not http.violations, "\n".join(http.violations)
    assert len({label.split(" → ")[0] for label in http.checked}) >= 25, http.checked


def test_every_operation_documents_its_security_errors_and_success(http):
    """What the fuzzer relies on, stated per operation: who may call it (bearer token or login cookie; public ones
    say so), the project's error envelope for every error status, a success answer; and no HTML page among them."""
    problems = []
    for service in SERVICES:
        status, document = http.call("GET", f"/{service}/docs/openapi.json")
        assert status == 200
        components = document["components"]
        assert set(components["securitySchemes"]) == {"bearerAuth", "cookieAuth"}
        assert components["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorEnvelope"}
        assert components["schemas"]["ErrorEnvelope"]["required"] == ["error"]
        for path, item in document["paths"].items():
            if not (path.startswith(f"/{service}/api/v1/") or path.startswith("/letters/verify/")):
                problems.append(f"{path}: not an API path")
            for method, operation in item.items():
                if method == "parameters":  # the path's own parameters, not an operation
                    continue
                problems += [f"{method.upper()} {path}: {gap}" for gap in _gaps(path, operation)]
    assert not problems, "\n".join(problems)


def _gaps(path: str, operation: dict) -> list[str]:
    responses, gaps = operation["responses"], []
    if "security" not in operation:
        gaps.append("no security")
    signed_in = bool(operation.get("security")) and {} not in operation["security"]
    wanted = {"default"} | ({"401", "403"} if signed_in else set()) | ({"404"} if "{" in path else set())
    if "requestBody" in operation:
        wanted |= {"400", "413", "415", "422"}
    gaps += [f"no {status} answer" for status in sorted(wanted - set(responses))]
    if not any(status.startswith("2") for status in responses) and "x-always-refused" not in operation:
        gaps.append("no success answer")
    return gaps


@pytest.mark.usefixtures("reference")
def test_an_upload_refuses_parts_its_document_does_not_name(system, http):
    """The documents say `additionalProperties: false` for upload bodies, as JSON bodies refuse unknown fields."""
    import io

    from werkzeug.test import Client

    from tests.flow import login
    token = login(http, "admin")
    answer = Client(system.wsgi).put("/letters/api/v1/seal", headers={"Authorization": f"Bearer {token}"},
                                     data={"image": (io.BytesIO(b"not a png"), "seal.png"), "colour": "red"})
    assert answer.status_code == 422 and answer.json["error"]["fields"] == {"colour": ["不允许的字段"]}
    status, document = http.call("GET", "/letters/docs/openapi.json")
    body = document["paths"]["/letters/api/v1/seal"]["put"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["additionalProperties"] is False and body["schema"]["required"] == ["image"]
