"""Shared fixtures: an embedded system on fresh SQLite files, and — for integration/e2e — a PostgreSQL
database per service and a RabbitMQ vhost unique to this test run, so runs never collide."""
from __future__ import annotations

import os
import subprocess
import time
import uuid
from datetime import date

import pytest

RUN_ID = f"ji_{uuid.uuid4().hex[:10]}"
PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_BASE = os.environ.get("TEST_AMQP_BASE", "amqp://guest:guest@127.0.0.1:5672")


LAYERS = ("unit", "integration", "e2e", "browser", "faults")


def pytest_collection_modifyitems(items):
    """A test's folder is its layer (style §8): `pytest -m unit` runs tests/unit and nothing that boots the system."""
    for item in items:
        layer = item.path.parent.name
        if layer in LAYERS and not item.get_closest_marker(layer):
            item.add_marker(getattr(pytest.mark, layer))


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, message: str = "condition"):
    """Bounded poll for asynchronous outcomes (style §8: never a bare sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    """True when `url` answers 200 — for waiting on a server process to come up."""
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def embedded_env(tmp_path):
    return {"JOINTINSPECT_VAR": str(tmp_path / "var"), "SECRET_KEY": "test-secret",
            "PUBLIC_BASE_URL": "http://testserver", "DELIVERY_LIMIT": "3"}


@pytest.fixture
def system(embedded_env):
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem(embedded_env)
    yield system
    system.close()


@pytest.fixture
def http(system):
    """HTTP through the embedded system's combined WSGI app, every prefix exactly as a browser sees it."""
    from tests.flow import WsgiHttp
    return WsgiHttp(system.wsgi)


@pytest.fixture
def visit(system, reference, http):
    """results' tests: a visit on 30 Nov 2026 with its team drawn (tests/support/result_visit.py); the e2e flow
    defines its own `visit`."""
    from tests.support.result_visit import drawn_visit
    return drawn_visit(system, http)


@pytest.fixture
def reference(system):
    """Departments, catalog, inspectors, companies — the demo's reference data, no flow."""
    from services.demo import seed_reference
    return seed_reference(system, system.runtime("intake").clock.today_local())


# --- PostgreSQL -------------------------------------------------------------------------------------------

def _pg_admin(sql: str) -> None:
    import psycopg
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def pg_base_url():
    """A DATABASE_URL whose per-service databases (`<name>_<service>`) exist only for this run."""
    pytest.importorskip("psycopg")
    created = []

    def make(suffix: str) -> str:
        name = f"{RUN_ID}_{suffix}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        created.append(name)
        return name

    yield make
    for name in created:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url(database: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{database}"


@pytest.fixture
def pg_env(pg_base_url, request):
    """Per-service PostgreSQL URLs for one test."""
    stem = f"t{uuid.uuid4().hex[:6]}"
    return {f"{s.upper()}_DATABASE_URL": pg_url(pg_base_url(f"{stem}_{s}"))
            for s in ("intake", "draw", "letters", "results")}


# --- RabbitMQ ---------------------------------------------------------------------------------------------

def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def amqp_url():
    """A fresh vhost per test: queues, exchanges and messages of one test never meet another's."""
    vhost = f"{RUN_ID}_{uuid.uuid4().hex[:6]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"{AMQP_BASE}/{vhost}"
    _rabbitmqctl("delete_vhost", vhost)


def today() -> date:
    from shared.clock import Clock
    return Clock().today_local()
