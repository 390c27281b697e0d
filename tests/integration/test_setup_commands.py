"""Issue 14: what an operator runs to set an installation up — `migrate` (no arguments: every service),
`accounts create`, `departments token`, `demo seed` — here on SQLite in-process; the same commands on PostgreSQL
and RabbitMQ run in tests/e2e/test_readme_distributed.py."""
from __future__ import annotations

import io
import os

import pytest

from services.cli import main
from shared.config import SERVICES

pytestmark = pytest.mark.integration


@pytest.fixture
def var(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name in ("AMQP_URL", "DATABASE_URL", "PUBLIC_BASE_URL") or name.endswith("_DATABASE_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("JOINTINSPECT_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("SECRET_KEY", "setup-commands-test-key")
    return tmp_path / "var"


def _system(var):
    from services.embedded import EmbeddedSystem
    return EmbeddedSystem({"JOINTINSPECT_VAR": str(var), "SECRET_KEY": "setup-commands-test-key"})


def test_migrate_without_arguments_migrates_every_service(var, capsys):
    assert main(["migrate"]) == 0
    assert sorted(p.stem for p in var.glob("*.db")) == sorted(SERVICES)
    assert main(["migrate", "draw"]) == 0, "idempotent, and one service by name"
    assert capsys.readouterr().out.count("升级到最新结构") == len(SERVICES) + 1


def test_migrate_refuses_an_unknown_service(var):
    with pytest.raises(SystemExit) as exit_:
        main(["migrate", "billing"])
    assert exit_.value.code == 2


def test_an_account_created_from_the_shell_logs_in(var, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-horse-9\n"))
    assert main(["accounts", "create", "--username", "ops01", "--role", "clerk", "--department", "STHJ",
                 "--name", "综合科 值班", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert main(["accounts", "create", "--username", "ops01", "--role", "clerk", "--password-stdin"]) == 1
    assert "已存在" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["accounts", "create", "--username", "ops02", "--role", "clerk", "--password-stdin"]) == 2
    system = _system(var)
    try:
        client = system.client()
        good = client.post("/draw/api/v1/auth/login", json={"username": "ops01", "password": "correct-horse-9"})
        assert good.status_code == 200 and good.json["token"]
        assert client.post("/draw/api/v1/auth/login",
                           json={"username": "ops02", "password": "short"}).status_code == 401
    finally:
        system.close()


def test_a_department_token_is_printed_once_works_everywhere_and_replaces_the_last(var, capsys):
    assert main(["departments", "token", "SCJG"]) == 1, "no departments before the catalog is loaded"
    assert main(["catalog", "load"]) == 0
    capsys.readouterr()
    assert main(["departments", "token", "scjg", "--quiet"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["departments", "token", "SCJG", "--quiet"]) == 0
    second = capsys.readouterr().out.strip()
    assert first != second and second.startswith("dept_scjg_")
    system = _system(var)
    try:
        system.bus.drain()  # department.token_rotated from intake's outbox to draw, letters and results
        client = system.client()
        feed = "/intake/api/v1/departments/SCJG/events?after=0&limit=1"
        assert client.get(feed, headers={"Authorization": f"Bearer {second}"}).status_code == 200
        assert client.get(feed, headers={"Authorization": f"Bearer {first}"}).status_code == 401
        visits = client.get("/results/api/v1/departments/SCJG/visits", headers={"Authorization": f"Bearer {second}"})
        assert visits.status_code == 200, "the token reached results through the event, not a shared table"
    finally:
        system.close()


def test_demo_seed_writes_the_reference_data_and_what_demo_info_prints(var, capsys):
    import json
    assert main(["demo", "seed"]) == 0
    info = json.loads((var / "demo.json").read_text(encoding="utf-8"))
    assert {d["code"] for d in info["departments"]} == {"SCJG", "STHJ", "YJGL"} and info["open_plan"]
    assert main(["demo", "seed"]) == 0 and "已有示范数据" in capsys.readouterr().err, "a second run changes nothing"
    assert main(["demo-info", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["open_plan"] == info["open_plan"] and printed["draw_id"] is None
    assert main(["departments", "token", "SCJG", "--quiet"]) == 0
    rotated = capsys.readouterr().out.strip()
    assert main(["demo-info", "--json"]) == 0
    shown = {d["code"]: d["token"] for d in json.loads(capsys.readouterr().out)["departments"]}
    assert shown["SCJG"] == rotated != info["departments"][0]["token"], "demo-info never shows a revoked token"
    info = json.loads((var / "demo.json").read_text(encoding="utf-8"))
    system = _system(var)
    try:
        system.bus.drain()
        client = system.client()
        token = {"Authorization": f"Bearer {info['departments'][0]['token']}"}
        submitted = client.post("/intake/api/v1/joint-tasks", headers=token, json={
            "plan_id": info["open_plan"], "external_id": "SEED-1", "company": info["companies"][3],
            "items": ["SCJG-01"]})
        assert submitted.status_code in (200, 201, 202) and submitted.json["status"] == "accepted"
        login = client.post("/draw/api/v1/auth/login", json=info["clerk"])
        assert login.status_code == 200
    finally:
        system.close()


def test_each_gunicorn_master_gets_its_own_control_socket(tmp_path):
    """gunicorn's default control socket is one path per user: the four masters on a machine took it from each
    other. One per service and port now, and always short enough for AF_UNIX."""
    from services.cli.operator_commands import control_socket
    paths = {control_socket(name, f"127.0.0.1:{8001 + n}", tmp_path) for n, name in enumerate(SERVICES)}
    assert len(paths) == len(SERVICES) and all(p.startswith(str(tmp_path)) for p in paths)
    deep = tmp_path / ("x" * 120)
    fallback = control_socket("intake", "0.0.0.0:8000", deep)
    assert len(fallback) <= 100 and "intake" in fallback and not fallback.startswith(str(deep))
