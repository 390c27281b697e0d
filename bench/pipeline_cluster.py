"""The distributed system for `bench/pipeline.py`: four web processes and four workers on the machine's own
RabbitMQ (a vhost of this run) and PostgreSQL (databases `bench_<hex>_<service>` of this run), started as
`jointinspect serve|worker <service>` subprocesses, seeded as an operator would, and always taken down again —
processes, databases and vhost — even after Ctrl-C."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from support import ROOT  # noqa: F401  (puts the repository root on the path)

from shared.config import PROJECT_ROOT, SERVICES, load_settings
from shared.signing import generate_key_text
from tests.conftest import answers, free_port

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
AMQP_BASE = "amqp://guest:guest@127.0.0.1:5672"


class Http:
    """JSON over real sockets to the service processes (prefix → base URL), with a timeout long enough for the
    big requests of a run (a 1,000-task batch, one randomness entry drawing every visit)."""

    def __init__(self, bases: dict[str, str], timeout: float = 600):
        self.bases, self.timeout = bases, timeout

    def call(self, method: str, path: str, token: str | None = None, body=None):
        base = self.bases[path.lstrip("/").split("/", 1)[0]]
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        try:
            return status, (json.loads(payload) if payload else None)
        except ValueError:
            return status, payload[:300]


def _rabbitmqctl(*args: str, check: bool = True) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=check, capture_output=True, timeout=120)


def _pg_admin(sql: str) -> None:
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


class PipelineCluster:
    """`with PipelineCluster(web_workers) as cluster:` — vhost and env at once; `migrate()`, `seed()`, `start()`
    in that order; everything removed on exit."""

    def __init__(self, web_workers: int | None = None):
        self.stem = f"bench_{uuid.uuid4().hex[:8]}"
        self.vhost = self.stem
        self.web_workers = web_workers
        self.root = Path(tempfile.mkdtemp(prefix=f"{self.stem}-"))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.amqp_url = f"{AMQP_BASE}/{self.vhost}"
        self.databases = {s: f"{self.stem}_{s}" for s in SERVICES}
        self.env = {**os.environ, "AMQP_URL": self.amqp_url, "SECRET_KEY": f"bench-{uuid.uuid4().hex}",
                    "AUDIT_SIGNING_KEY": generate_key_text(), "JOINTINSPECT_VAR": str(self.root / "var"),
                    "PUBLIC_BASE_URL": "http://127.0.0.1:8000", "LOG_LEVEL": "WARNING",
                    **{f"{s.upper()}_DATABASE_URL": self.url(s) for s in SERVICES}}
        self.env.pop("DATABASE_URL", None)
        self.ports = {name: free_port() for name in SERVICES}
        self.bases = {name: f"http://127.0.0.1:{port}" for name, port in self.ports.items()}
        self.processes: dict[str, subprocess.Popen] = {}
        self._vhost_made = False

    def url(self, service: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.databases[service]}"

    def __enter__(self) -> "PipelineCluster":
        _rabbitmqctl("add_vhost", self.vhost)
        self._vhost_made = True
        _rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        return self

    def __exit__(self, kind, *_exc) -> None:
        self.stop()
        if kind is None:  # the logs are kept (and named) only when the run failed
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            print(f"logs kept in {self.logs}", file=sys.stderr)
        for database in self.databases.values():
            try:
                _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 — cleanup goes on with the rest
                print(f"could not drop {database}: {error}", file=sys.stderr)
        if self._vhost_made:
            _rabbitmqctl("delete_vhost", self.vhost, check=False)

    def migrate(self) -> None:
        """`jointinspect migrate`: creates the four databases, upgrades them and declares every service's queues."""
        done = subprocess.run([sys.executable, "-m", "services.cli", "migrate"], env=self.env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise RuntimeError(f"migrate failed: {done.stderr[-3000:]}")

    def seed(self, named: tuple[str, ...] = ()) -> dict:
        """The demo's reference data straight into intake's and draw's databases (as the e2e and fault tests do);
        the departments in `named` keep their officers in their own systems (catalog `staffing: named`), as an
        operator sets in the catalog data file."""
        from unittest import mock

        from services import registry
        from services.demo import seed_reference
        from services.intake import catalog as catalog_file
        from tests.conftest import today
        catalog = catalog_file.read_catalog()
        for department in catalog["departments"]:
            if department["code"] in named:
                department["staffing"] = "named"
        runtimes = {name: registry.start(name, load_settings(name, self.env)) for name in ("intake", "draw")}
        try:
            operator = types.SimpleNamespace(runtimes=runtimes,
                                             handle=lambda name, message: runtimes[name].bus.handle(message))
            with mock.patch.object(catalog_file, "read_catalog", lambda *_: catalog):  # the edited data file
                return seed_reference(operator, today())
        finally:
            for runtime in runtimes.values():
                runtime.dispose()

    def _spawn(self, name: str, role: str) -> None:
        args = []
        if role == "serve":
            args = ["--bind", f"127.0.0.1:{self.ports[name]}"]
            if self.web_workers:
                args += ["--workers", str(self.web_workers)]
        with open(self.logs / f"{name}-{role}.log", "ab") as log:  # the child keeps its own descriptor
            self.processes[f"{name}-{role}"] = subprocess.Popen(
                [sys.executable, "-m", "services.cli", role, name, *args], env=self.env, cwd=PROJECT_ROOT,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, timeout: float = 120) -> None:
        for name in SERVICES:
            self._spawn(name, "worker")
            self._spawn(name, "serve")
        for name in SERVICES:
            deadline = time.monotonic() + timeout
            while not answers(f"{self.bases[name]}/{name}/readyz"):
                if time.monotonic() > deadline or self.processes[f"{name}-serve"].poll() is not None:
                    raise RuntimeError(f"{name} not ready: {self.log_tail(f'{name}-serve')}")
                time.sleep(0.2)

    def exited(self) -> dict[str, int]:
        """Processes that ended by themselves during the run (a worker that gave up), with their exit codes."""
        return {key: p.returncode for key, p in self.processes.items() if p.poll() is not None}

    def log_tail(self, key: str, chars: int = 3000) -> str:
        path = self.logs / f"{key}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def sql(self, service: str, query: str, *params) -> list[tuple]:
        import psycopg
        with psycopg.connect(self.url(service).replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=10) as conn:
            return conn.execute(query, params).fetchall()

    def stop(self) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """The whole process group (gunicorn's workers, the letters worker's render processes), if still there."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass
