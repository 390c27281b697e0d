"""Partner queue topology and broker users through the management HTTP API (issue 12), without a broker: the
management plugin is not enabled here, so a stub stands in for it."""
from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared import partner_queues


def test_a_department_reads_only_its_own_queue():
    grants = partner_queues.permissions("SCJG")
    assert (grants.configure, grants.write) == ("^$", "^$")
    read = re.compile(grants.read)
    assert read.match("partner.scjg")
    for other in ("partner.yjgl", "partner.scjg.dead", "partnerXscjg", "intake.task.submitted", "partner.scjgx"):
        assert not read.match(other), other


def test_only_partner_events_are_bound_unless_answers_are_asked_for():
    assert partner_queues.binding_keys("SCJG") == ("letter.issued.SCJG", "visit.scheduled.SCJG",
                                                   "result.published.SCJG", "result.voided.SCJG",
                                                   "rectification.updated.SCJG", "audit.checkpoint",
                                                   "draw.committed")
    assert {"task.accepted.SCJG", "task.rejected.SCJG"} <= set(partner_queues.binding_keys("SCJG", answers=True))


@pytest.mark.parametrize("code", ["", "scjg", "S", "SC.JG", "SC#", "*", "A" * 21])
def test_a_department_code_that_could_widen_a_binding_is_refused(code):
    with pytest.raises(partner_queues.ProvisioningError):
        partner_queues.check_code(code)


def test_a_partner_user_is_recognised_by_its_permissions():
    grants = partner_queues.permissions("YJGL")
    row = {"user": "anything", "configure": grants.configure, "write": grants.write, "read": grants.read}
    assert partner_queues.department_of(row) == "YJGL"
    assert partner_queues.department_of({"user": "guest", "configure": ".*", "write": ".*", "read": ".*"}) is None


@pytest.fixture
def management():
    """A stand-in for RabbitMQ's management API: users and permissions in dicts, basic auth checked."""
    users, grants, calls = {}, {}, []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str):
            calls.append((method, self.path))
            if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"admin:pw").decode():
                return self._answer(401)
            size = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(size)) if size else None
            parts = self.path.split("/")[2:]
            if parts[0] == "users" and method == "GET":
                return self._answer(200, users[parts[1]]) if parts[1] in users else self._answer(404)
            if parts[0] == "users" and method == "PUT":
                users[parts[1]] = body
                return self._answer(201)
            if parts[0] == "users" and method == "DELETE":
                return self._answer(204) if users.pop(parts[1], None) else self._answer(404)
            if parts[0] == "permissions":
                grants[(parts[1], parts[2])] = body
                return self._answer(201)
            if parts[0] == "vhosts":
                return self._answer(200, [{"user": u, **g} for (v, u), g in grants.items() if v == parts[1]])
            return self._answer(404)

        def do_GET(self):
            self._route("GET")

        def do_PUT(self):
            self._route("PUT")

        def do_DELETE(self):
            self._route("DELETE")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://admin:pw@127.0.0.1:{server.server_port}/", users, grants, calls
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_users_and_permissions_go_through_the_management_api(management):
    url, users, grants, calls = management
    api = partner_queues.ManagementUsers(url)
    assert not api.exists("partner-scjg")
    api.put("partner-scjg", "pw1", True)
    api.grant("/", "partner-scjg", partner_queues.permissions("SCJG"))
    assert api.exists("partner-scjg") and users["partner-scjg"] == {"password": "pw1", "tags": ""}
    assert grants[("%2F", "partner-scjg")] == {"configure": "^$", "write": "^$", "read": "^partner\\.scjg$"}
    assert [row["user"] for row in api.permissions("/")] == ["partner-scjg"]
    assert ("PUT", "/api/permissions/%2F/partner-scjg") in calls  # the vhost "/" is quoted
    api.delete("partner-scjg")
    api.delete("partner-scjg")  # deleting twice is fine
    assert not users


def test_a_refusal_of_the_management_api_is_reported_in_chinese(management):
    url, *_ = management
    api = partner_queues.ManagementUsers(url.replace("admin:pw", "admin:wrong"))
    with pytest.raises(partner_queues.ProvisioningError, match="管理接口"):
        api.put("partner-scjg", "pw", True)


def test_the_management_api_is_used_when_configured():
    from shared.config import load_settings
    configured = load_settings("intake", {"RABBITMQ_MANAGEMENT_URL": "http://admin:pw@mq.example:15672"})
    assert isinstance(partner_queues.broker_users(configured), partner_queues.ManagementUsers)
    assert isinstance(partner_queues.broker_users(load_settings("intake", {})), partner_queues.RabbitmqctlUsers)
