"""The fault suite's distributed system: the four services' workers (and the web apps the driver calls) as real
OS processes on a PRIVATE PostgreSQL and a PRIVATE RabbitMQ, so the suite can kill, crash and restart all of them
without touching the machine's shared servers. A worker killed with SIGKILL is started again, as a supervisor
(systemd, Kubernetes) would; nothing else is done by hand."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
import urllib.error
from pathlib import Path

from shared.config import PROJECT_ROOT, SERVICES, load_settings
from shared.signing import generate_key_text
from tests.conftest import answers, free_port
from tests.flow import UrlHttp

WEB = ("intake", "draw", "results")  # the driver's HTTP calls; letters is read in its database


class PatientHttp(UrlHttp):
    """The driver is a client that retries what the system asks it to retry: a 503 (database outage, Retry-After)
    or a refused connection while a web process restarts. A 503 is answered before anything is committed, so the
    retry cannot double an effect."""

    def call(self, method, path, token=None, body=None, raw=False):
        deadline = time.monotonic() + 90
        while True:
            try:
                status, payload = super().call(method, path, token, body, raw)
                if status != 503 or time.monotonic() > deadline:
                    return status, payload
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.5)


class FaultCluster:
    def __init__(self, pg, mq, root: Path):
        self.pg, self.mq, self.root = pg, mq, root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True)
        self.env = {**os.environ, "AMQP_URL": mq.url, "SECRET_KEY": "fault-secret", "DELIVERY_LIMIT": "5",
                    "RETRY_DELAYS": "1,2,4", "OUTAGE_RETRY_AFTER": "1", "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
                    "AUDIT_SIGNING_KEY": generate_key_text(), "JOINTINSPECT_VAR": str(root / "var"),
                    "PUBLIC_BASE_URL": "http://127.0.0.1:8000", "LOG_LEVEL": "WARNING",
                    **{f"{s.upper()}_DATABASE_URL": pg.url(f"fault_{s}") for s in SERVICES}}
        self.env.pop("DATABASE_URL", None)
        self.ports = {name: free_port() for name in WEB}
        self.bases = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.processes: dict[str, subprocess.Popen] = {}
        self.killed: list[str] = []  # workers the suite killed (and restarted)
        self.exited: list[str] = []  # workers that exited by themselves and were restarted
        done = subprocess.run([sys.executable, "-m", "services.cli", "migrate"], env=self.env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    def _spawn(self, key: str) -> None:
        name, role = key.split(":")
        args = ["--bind", f"127.0.0.1:{self.ports[name]}", "--workers", "1"] if role == "serve" else []
        with open(self.logs / f"{name}-{role}.log", "ab") as log:  # the child keeps its own descriptor
            self.processes[key] = subprocess.Popen([sys.executable, "-m", "services.cli", role, name, *args],
                                                   env=self.env, cwd=PROJECT_ROOT, stdout=log,
                                                   stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        for name in SERVICES:
            self._spawn(f"{name}:worker")
        for name in WEB:
            self._spawn(f"{name}:serve")
        for name in WEB:
            deadline = time.monotonic() + 90
            while not answers(f"{self.bases[name]}/{name}/readyz"):
                assert time.monotonic() < deadline, f"{name} not ready: {self.log_tail(name, 'serve')}"
                assert self.processes[f"{name}:serve"].poll() is None, self.log_tail(name, "serve")
                time.sleep(0.2)

    def kill_worker(self, name: str) -> None:
        """kill -9 (the whole process group: no handler, no cleanup), then started again by the 'supervisor'."""
        process = self.processes[f"{name}:worker"]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self._spawn(f"{name}:worker")
        self.killed.append(name)

    def supervise(self) -> None:
        """A worker that exited by itself (e.g. it gave up on an outage, issue 14: dying threads exit) is started
        again too — that is the supervisor's job, not a manual step."""
        for key, process in list(self.processes.items()):
            if key.endswith(":worker") and process.poll() is not None:
                self.exited.append(f"{key} (exit {process.returncode})")
                self._spawn(key)

    def log_tail(self, name: str, role: str) -> str:
        path = self.logs / f"{name}-{role}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def sql(self, service: str, query: str, *params) -> list[tuple]:
        import psycopg
        with psycopg.connect(self.pg.url(f"fault_{service}").replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def queues(self) -> dict[str, int]:
        """Ready + unacknowledged messages of every queue on the private broker."""
        out = self.mq.ctl("list_queues", "name", "messages", "--formatter", "json").stdout
        return {q["name"]: q["messages"] for q in json.loads(out)}

    def peek(self, queue: str) -> list[tuple[str, dict, bytes]]:
        """The messages of a queue (message id, headers, first bytes of the body), left in place."""
        import pika
        connection = pika.BlockingConnection(pika.URLParameters(self.mq.url))
        channel, seen = connection.channel(), []
        while (message := channel.basic_get(queue))[0] is not None:
            seen.append((message[1].message_id, message[1].headers or {}, message[2][:300]))
        connection.close()  # unacknowledged: back in the queue
        return seen

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def seed(cluster: FaultCluster) -> dict:
    """Reference data straight into intake's and draw's own databases, as an operator loads it (as the e2e test)."""
    from services import registry
    from services.demo import seed_reference
    from tests.conftest import today
    runtimes = {name: registry.start(name, load_settings(name, cluster.env)) for name in ("intake", "draw")}
    try:
        operator = types.SimpleNamespace(runtimes=runtimes,
                                         handle=lambda name, message: runtimes[name].bus.handle(message))
        return seed_reference(operator, today())
    finally:
        for runtime in runtimes.values():
            runtime.dispose()
