"""The partner guide (issue 12): its event catalogue is generated from docs/asyncapi.yaml and cannot drift; the
standard-library example verifies webhook signatures and reads the pull feed once per event."""
from __future__ import annotations

import ast
import hashlib
import hmac
import importlib.util
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shared import partner_queues

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"partner_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogue = _script("partner_catalogue")
example = _script("partner_example")


def test_the_guides_catalogue_is_what_the_contract_generates():
    guide = catalogue.GUIDE.read_text(encoding="utf-8")
    assert catalogue.splice(guide, catalogue.catalogue(catalogue.load())) == guide, \
        "docs/partners.md is out of date: run python3 scripts/partner_catalogue.py --write"


def test_every_partner_channel_of_the_contract_is_bound_to_the_partner_queue():
    assert set(catalogue.partner_channels(catalogue.load())) == set(partner_queues.PARTNER_EVENTS)


def test_every_channel_for_every_department_is_bound_to_each_partner_queue_and_catalogued():
    """Issue 13: `audit.checkpoint` and `draw.committed` are one message for all departments, routed without a
    department suffix."""
    contract = catalogue.load()
    assert set(catalogue.broadcast_channels(contract)) == set(partner_queues.BROADCAST_EVENTS) == {
        "audit.checkpoint", "draw.committed"}
    assert set(partner_queues.BROADCAST_EVENTS) <= set(partner_queues.binding_keys("YJGL"))
    assert "### `audit.checkpoint`" in catalogue.catalogue(contract)
    assert "### `draw.committed`" in catalogue.catalogue(contract)


def test_the_catalogue_names_each_partner_event_and_its_fields():
    text = catalogue.catalogue(catalogue.load())
    for name in partner_queues.PARTNER_EVENTS:
        assert f"### `{name}.<dept>`" in text and f"cn.gov.jointinspect.{name}.v1" in text
    assert "| `supersedes` |" in text and "task.accepted" not in text
    assert "(S8)" not in text and "(N7)" not in text  # internal rule ids are not for partners


def test_a_changed_contract_changes_the_catalogue():
    contract = catalogue.load()
    contract["channels"]["result.published.{dept}"]["description"] = "something new"
    assert catalogue.catalogue(contract) != catalogue.catalogue(catalogue.load())


def test_the_example_uses_the_standard_library_only():
    tree = ast.parse((SCRIPTS / "partner_example.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "argparse", "hashlib", "hmac", "json", "sys", "time", "urllib", "http",
                        "pathlib"}


def test_a_signature_made_as_the_platform_makes_it_verifies():
    body = json.dumps({"id": "e1", "type": "cn.gov.jointinspect.result.published.v1"}).encode()
    header = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert example.signature(body, "s3cret") == header
    assert example.signature_ok(body, "s3cret", header)
    assert example.signature_ok(body, "s3cret", header.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize("header", [None, "", "sha1=abc", "sha256=", "sha256=00"])
def test_a_missing_or_wrong_signature_is_refused(header):
    assert not example.signature_ok(b"{}", "s3cret", header)


def test_a_changed_body_or_another_secret_is_refused():
    header = example.signature(b'{"id": "e1"}', "s3cret")
    assert not example.signature_ok(b'{"id": "e2"}', "s3cret", header)
    assert not example.signature_ok(b'{"id": "e1"}', "other", header)


def test_verify_command_answers_by_exit_code(tmp_path, capsys):
    body = tmp_path / "body.json"
    body.write_bytes(b'{"id": "e1"}')
    good = example.signature(b'{"id": "e1"}', "s3cret")
    assert example.main(["verify", "--body", str(body), "--secret", "s3cret", "--signature", good]) == 0
    assert example.main(["verify", "--body", str(body), "--secret", "wrong", "--signature", good]) == 1


class _Feed:
    """A stub of intake's pull feed: events in order, `next` is the last id handed out."""

    def __init__(self, events):
        self.events, self.requests = events, []

    def page(self, query: dict) -> dict:
        self.requests.append(query)
        after, limit = query.get("after"), int(query["limit"])
        start = 0 if after is None else int(after)
        items = self.events[start:start + limit]
        return {"items": items, "next": str(start + len(items)) if items else after}


@pytest.fixture
def feed_server():
    events = [{"id": f"e{n}", "type": "cn.gov.jointinspect.letter.issued.v1", "data": {"department": "SCJG"}}
              for n in range(5)]
    feed = _Feed(events)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            assert url.path == "/intake/api/v1/departments/SCJG/events"
            if self.headers.get("Authorization") != "Bearer tok":
                self.send_response(401)
                self.end_headers()
                return
            body = json.dumps(feed.page(dict(urllib.parse.parse_qsl(url.query)))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield feed, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_the_feed_is_read_page_by_page_and_resumes_from_the_saved_cursor(feed_server, tmp_path):
    feed, base = feed_server
    seen = []
    state = example.State(tmp_path / "state.json")
    assert example.read_feed(base, "SCJG", "tok", state, seen.append, limit=2) == 5
    assert [event["id"] for event in seen] == ["e0", "e1", "e2", "e3", "e4"]
    feed.events.append({"id": "e5", "type": "cn.gov.jointinspect.result.published.v1", "data": {}})
    again = example.State(tmp_path / "state.json")  # a restart
    assert again.cursor == "5"
    assert example.read_feed(base, "SCJG", "tok", again, seen.append, limit=2) == 1
    assert feed.requests[-2]["after"] == "5" and seen[-1]["id"] == "e5"


def test_an_event_seen_before_is_skipped_even_when_the_feed_repeats_it(feed_server, tmp_path):
    feed, base = feed_server
    seen = []
    state = example.State(tmp_path / "state.json")
    example.read_feed(base, "SCJG", "tok", state, seen.append, limit=10)
    state.cursor = "3"  # e.g. the cursor was saved before a crash: e3 and e4 come again
    assert example.read_feed(base, "SCJG", "tok", state, seen.append, limit=10) == 0
    assert len(seen) == 5


def test_the_webhook_receiver_verifies_and_deduplicates():
    received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), example.receiver("s3cret", received.append))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = json.dumps({"id": "e1", "type": "cn.gov.jointinspect.result.voided.v1"}).encode()
        statuses = [_post(server.server_port, body, example.signature(body, "s3cret")) for _ in range(2)]
        statuses.append(_post(server.server_port, body, example.signature(body, "wrong")))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert statuses == [204, 204, 401] and [event["id"] for event in received] == ["e1"]


def _post(port: int, body: bytes, header: str) -> int:
    import urllib.error
    import urllib.request
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, method="POST", headers={
        "Content-Type": "application/cloudevents+json", example.SIGNATURE_HEADER: header})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_the_example_verifies_what_the_platform_signs():
    from services.intake.domain.webhooks import sign
    body = json.dumps({"id": "e1", "data": {"公司": "青岛"}}, ensure_ascii=False).encode()
    assert example.signature_ok(body, "s3cret", sign("s3cret", body))
