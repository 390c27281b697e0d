"""A partner's side of jointinspect, with nothing but Python's standard library (docs/partners.md).

    python3 partner_example.py feed --base-url http://127.0.0.1:8000 --department SCJG --token "$TOKEN" [--follow]
    python3 partner_example.py verify --body body.json --secret "$SECRET" --signature "sha256=…"
    python3 partner_example.py serve --port 9000 --secret "$SECRET"

`feed` reads the pull feed from the saved cursor, prints each new event once (by CloudEvent `id`) and saves the
cursor after each page; `verify` checks a webhook signature; `serve` is a tiny webhook receiver on 127.0.0.1 that
verifies each delivery and prints it. The same `id` arrives by every way: deduplicate by it.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SIGNATURE_HEADER = "X-Jointinspect-Signature"
REMEMBERED_IDS = 10_000  # ids kept for deduplication; older ones are far behind the cursor


def signature(body: bytes, secret: str) -> str:
    """The header value the platform sends: `sha256=` + hex HMAC-SHA256 of the raw body with the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, secret: str, header: str | None) -> bool:
    """Compare in constant time, over the bytes exactly as received (never re-serialised JSON)."""
    if not header or not header.strip().lower().startswith("sha256="):
        return False
    return hmac.compare_digest(signature(body, secret), "sha256=" + header.strip()[len("sha256="):].lower())


class State:
    """The feed cursor and the ids already handled, kept in one JSON file so a restart resumes."""

    def __init__(self, path: Path):
        self.path = path
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.cursor = saved.get("cursor")
        self.seen = list(saved.get("seen", []))
        self._seen = set(self.seen)

    def is_new(self, event_id: str) -> bool:
        return event_id not in self._seen

    def remember(self, event_id: str) -> None:
        self.seen.append(event_id)
        self._seen.add(event_id)
        if len(self.seen) > REMEMBERED_IDS:
            self._seen.discard(self.seen.pop(0))

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps({"cursor": self.cursor, "seen": self.seen}), encoding="utf-8")
        temporary.replace(self.path)  # atomic: a crash leaves the old state or the new, never half of one


def fetch_page(base_url: str, department: str, token: str, cursor, limit: int, timeout: float = 30) -> dict:
    query = {"limit": str(limit), **({"after": str(cursor)} if cursor is not None else {})}
    url = (f"{base_url.rstrip('/')}/intake/api/v1/departments/{urllib.parse.quote(department)}/events?"
           + urllib.parse.urlencode(query))
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.loads(answer.read())


def read_feed(base_url: str, department: str, token: str, state: State, handle, limit: int = 100) -> int:
    """Read pages until one comes back empty; hand each new event to `handle`, then save the cursor. Returns how
    many new events were handled. Handle first, save after: a crash re-reads the page and skips what was seen."""
    handled = 0
    while True:
        page = fetch_page(base_url, department, token, state.cursor, limit)
        items = page.get("items") or []
        for event in items:
            if state.is_new(event["id"]):
                handle(event)
                state.remember(event["id"])
                handled += 1
        if page.get("next") is not None:
            state.cursor = page["next"]
        state.save()
        if not items:
            return handled


def show(event: dict) -> None:
    data = event.get("data") or {}
    print(f"{event.get('time', '')}  {event['type']}  id={event['id']}  检查={event.get('subject', '')}  "
          f"部门={data.get('department', '')}", flush=True)


def reason(error: OSError) -> str:
    """The platform's Chinese message (`{"error": {"message": …}}`) when it answered, else the network error."""
    if isinstance(error, urllib.error.HTTPError):
        try:
            return f"{error.code} {json.loads(error.read())['error']['message']}"
        except (ValueError, KeyError, TypeError):
            return f"HTTP {error.code}"
    return str(error)


def feed(args) -> int:
    state = State(Path(args.state))
    while True:
        try:
            count = read_feed(args.base_url, args.department, args.token, state, show, args.limit)
        except OSError as error:  # urllib's HTTPError and URLError are OSErrors
            print(f"读取失败：{reason(error)}", file=sys.stderr)
            if not args.follow:
                return 1
            count = 0
        if not args.follow:
            print(f"新事件 {count} 条；游标 {state.cursor!r} 已保存在 {args.state}", file=sys.stderr)
            return 0
        time.sleep(args.interval)


def verify(args) -> int:
    body = Path(args.body).read_bytes()
    if signature_ok(body, args.secret, args.signature):
        print("签名正确")
        return 0
    print("签名不符：不要处理这个请求", file=sys.stderr)
    return 1


def receiver(secret: str, handle=show) -> type[BaseHTTPRequestHandler]:
    seen: set[str] = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not signature_ok(body, secret, self.headers.get(SIGNATURE_HEADER)):
                self.send_response(401)
                self.end_headers()
                return
            event = json.loads(body)
            if event["id"] not in seen:
                seen.add(event["id"])
                handle(event)
            self.send_response(204)  # any 2xx: delivered; answer fast, do slow work elsewhere
            self.end_headers()

        def log_message(self, *args):
            pass

    return Receiver


def serve(args) -> int:
    server = ThreadingHTTPServer((args.host, args.port), receiver(args.secret))
    print(f"在 http://{args.host}:{server.server_port}/ 等待 webhook（Ctrl-C 结束）", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(description="合作部门接收 jointinspect 事件的示例（只用标准库）")
    sub = root.add_subparsers(required=True, metavar="command")
    pull = sub.add_parser("feed", help="read the pull feed from the saved cursor")
    pull.add_argument("--base-url", required=True)
    pull.add_argument("--department", required=True)
    pull.add_argument("--token", required=True)
    pull.add_argument("--state", default="partner_state.json")
    pull.add_argument("--limit", type=int, default=100)
    pull.add_argument("--follow", action="store_true", help="keep polling")
    pull.add_argument("--interval", type=float, default=30.0)
    pull.set_defaults(func=feed)
    check = sub.add_parser("verify", help="verify a webhook signature")
    check.add_argument("--body", required=True, help="file with the raw request body")
    check.add_argument("--secret", required=True)
    check.add_argument("--signature", required=True, help="the X-Jointinspect-Signature header value")
    check.set_defaults(func=verify)
    listen = sub.add_parser("serve", help="a tiny webhook receiver that verifies and prints")
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=9000)
    listen.add_argument("--secret", required=True)
    listen.set_defaults(func=serve)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
