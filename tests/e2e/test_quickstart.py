"""`jointinspect up` (what `make run` starts) brings the system up with demo data, and the curl lines it prints
and the README's "Try it" block work as printed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from contextlib import contextmanager

import pytest

from shared.config import PROJECT_ROOT
from tests.conftest import answers, free_port, wait_for

pytestmark = pytest.mark.e2e


@contextmanager
def _up(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("AMQP_URL", "DATABASE_URL", "PUBLIC_BASE_URL")}
    env.update(JOINTINSPECT_VAR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    log = tmp_path / "up.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "services.cli", "up", "--port", str(port)], cwd=PROJECT_ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/results/readyz"), timeout=120, message="jointinspect up")
        yield port, env, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture
def running(tmp_path):
    with _up(tmp_path) as started:
        yield started


def _bash(script: str, env: dict) -> str:
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_the_printed_curl_lines_work(running):
    port, env, log = running
    printed = log.read_text(encoding="utf-8")
    assert "已启动" in printed
    block = printed.split("试一试：", 1)[1].split("按 Ctrl+C", 1)[0].replace("\\\n", " ")
    commands = [line.strip() for line in block.splitlines() if line.strip().startswith("curl ")]
    assert len(commands) == 3
    verify = _bash(commands[0], env)
    assert '"verified":true' in verify.replace(" ", "")
    submitted = _bash(commands[1], env)
    assert '"status":"accepted"' in submitted.replace(" ", "")
    import json
    feed = json.loads(_bash(commands[2], env))  # issue #12: how a department reads its own events
    names = {event["type"] for event in feed["items"]}
    assert {"cn.gov.jointinspect.letter.issued.v1", "cn.gov.jointinspect.result.published.v1"} <= names
    everyones = ("cn.gov.jointinspect.draw.committed.v1", "cn.gov.jointinspect.audit.checkpoint.v1")  # issue 13
    assert "cn.gov.jointinspect.draw.committed.v1" in names
    assert {event["data"]["department"] for event in feed["items"] if event["type"] not in everyones} == {"SCJG"}
    assert feed["next"] >= 3


def test_the_readme_try_it_block_works_as_printed(running):
    port, env, _ = running
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Try it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    block = block.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    block = block.replace("J=.venv/bin/jointinspect", f'J="{sys.executable} -m services.cli"')
    out = _bash(block, env)
    assert '"status":"accepted"' in out.replace(" ", "")
    assert '"verified":true' in out.replace(" ", "")
    assert "INS-" in out


def test_demo_data_shows_every_stage(running):
    port, env, _ = running
    info = _bash(f'"{sys.executable}" -m services.cli demo-info --json', env)
    import json
    data = json.loads(info)
    assert {d["code"] for d in data["departments"]} >= {"SCJG", "STHJ"}
    assert data["clerk_token"].startswith("ji1.")
    base = f"http://127.0.0.1:{port}"
    draws = json.loads(urllib.request.urlopen(f"{base}/draw/api/v1/draws").read())
    assert draws["total"] >= 1
    request = urllib.request.Request(f"{base}/letters/api/v1/documents?inspection={data['completed_inspection']}",
                                     headers={"Authorization": f"Bearer {data['clerk_token']}"})
    documents = json.loads(urllib.request.urlopen(request).read())["items"]
    assert documents and documents[0]["number"].startswith("黄市监联函〔"), "the lead (market regulation) issues"
    request = urllib.request.Request(f"{base}/results/api/v1/inspections/{data['completed_inspection']}/results",
                                     headers={"Authorization": f"Bearer {data['clerk_token']}"})
    results = json.loads(urllib.request.urlopen(request).read())["items"]
    assert {r["status"] for r in results} == {"submitted"} and len(results) == 3
    # issue #11: the public record of the demo's completed visit shows each department's own category
    public = json.loads(urllib.request.urlopen(f"{base}/results/api/v1/public/results?per_page=100").read())["items"]
    categories = {r["department"]["code"]: r["category"] for r in public
                  if r["plan"]["id"] == data["completed_plan"]}
    assert categories == {"STHJ": "发现问题经责令已改正", "SCJG": "未发现问题", "YJGL": "未发现问题"}
    for record in public:
        problems = any(item.get("outcome") == "发现问题" for item in record["items"])
        assert problems == record["category"].startswith("发现问题"), record


def test_demo_data_left_without_its_databases_is_seeded_again(tmp_path):
    """Someone deleted var/*.db but not var/demo.json: the tokens and ids it would print point at nothing, so
    `up` says so and seeds the whole demo again instead of serving an empty system with stale credentials."""
    import json
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "demo.json").write_text(json.dumps({"draw_id": "gone"}), encoding="utf-8")
    with _up(tmp_path) as (port, env, log):
        info = json.loads(_bash(f'"{sys.executable}" -m services.cli demo-info --json', env))
        record = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/draw/api/v1/draws/{info['draw_id']}"
                                                   ).read())
        assert record["id"] == info["draw_id"] != "gone"
        assert "重新生成全部示范数据" in log.read_text(encoding="utf-8")
