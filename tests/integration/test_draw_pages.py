"""draw's pages, the standalone verifier and `jointinspect draw verify` against the running system (N4): the
public verification page, the staff's library pages, a record anyone can recompute and a changed one that fails."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from werkzeug.test import Client

from shared import rfc3797
from shared.config import PROJECT_ROOT
from tests.flow import login, ok
from tests.support.draw import draws, ready
from tests.support.login import page_login

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]


def logged_in(system, username="clerk01") -> Client:
    client = Client(system.wsgi)
    page_login(client, username)
    return client


def test_the_verification_page_shows_the_record_and_the_recomputation(system, http):
    """The whole record as staff see it before the visit (and everyone after it: test_draw_disclosure.py)."""
    ready(system)
    clerk = login(http, "clerk01")
    record = draws(http, clerk)[0]
    status, page = http.call("GET", f"/draw/draws/{record['id']}", clerk, raw=True)
    page = page.decode()
    assert status == 200 and "验证通过" in page and record["pool_hash"] in page
    assert "系统自动抽取" in page and "被检查单位" in page and "青岛测试化工有限公司" in page
    # stored UTC, shown in Beijing time, to the second: the commitment visibly precedes the draw
    for stamp in (record["created_at"], record["commitment"]["committed_at"]):
        local = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Shanghai"))
        assert local.strftime("%Y-%m-%d %H:%M:%S") in page and stamp not in page
    assert http.call("GET", "/draw/draws/nope", raw=True)[0] == 404


def test_the_public_draw_list_links_every_record_to_its_verification(system, http):
    ready(system)
    record = draws(http)[0]
    status, page = http.call("GET", "/draw/public/draws", raw=True)
    page = page.decode()
    assert status == 200 and f"/draw/draws/{record['id']}" in page and "执法人员" in page
    assert "insp-r" not in page and "青岛测试化工有限公司" not in page, "before the visit no company (N4)"


@pytest.mark.parametrize("tamper", ["pool", "seed", "selected"])
def test_the_standalone_verifier_confirms_a_real_record_and_rejects_a_changed_one(system, http, tmp_path, tamper):
    ready(system)
    record = draws(http, login(http, "clerk01"))[0]
    script = [sys.executable, "-I", "-S", str(PROJECT_ROOT / "scripts" / "verify_draw.py")]
    good = tmp_path / "good.json"
    good.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([*script, str(good)], capture_output=True).returncode == 0
    if tamper == "pool":
        record["pool"] = sorted(record["pool"] + ["INS-999"])
    elif tamper == "seed":
        record["commitment"]["seed"] += 1
        record["sources"][0] = [record["commitment"]["seed"]]
        record["key"] = rfc3797.make_key(record["sources"])
    else:
        record["selected"] = list(reversed(record["selected"]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([*script, str(bad)], capture_output=True).returncode == 1


def test_library_pages_are_for_staff_and_show_the_libraries(system, http):
    assert Client(system.wsgi).get("/draw/clerk/inspectors").status_code == 302
    rows = [{"uscc": u, "name": f"重点排污单位{n}", "unit_class": "重点"} for n, u in
            enumerate(("914403001922038216", "91440300708461136T"))]
    rows += [{"uscc": u, "name": f"一般排污单位{n}", "unit_class": "一般"} for n, u in
             enumerate(("91110000100005220B", "91370211MA3C5B2X1C", "913702006143645681"))]
    ok(http.call("POST", "/draw/api/v1/targets/local", login(http, "clerk01"), {"rows": rows, "reason": "建库"}))
    client = logged_in(system)
    inspectors = client.get("/draw/clerk/inspectors").get_data(as_text=True)
    assert "执法人员库" in inspectors and "INS-020" in inspectors
    assert inspectors.count('class="bad"') == 1, "INS-020's expired certificate is flagged"
    targets = client.get("/draw/clerk/targets").get_data(as_text=True)
    assert "重点排污单位1" in targets and "共 5 家" in targets and "在库" in targets
    assert "只读" in client.get("/draw/clerk/targets?library=排污许可库").get_data(as_text=True)


def test_a_blocked_visit_is_shown_to_the_clerk(system, http):
    clerk = login(http, "clerk01")
    for n in range(1, 19):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk, {"on_duty": False, "reason": "测试"}))
    ready(system)
    page = logged_in(system).get("/draw/clerk/inspectors").get_data(as_text=True)
    assert "检查组尚未组建完成的检查（1 个部门）" in page and "仅 0 名，至少需要 2 名" in page


def test_the_approver_page_lists_requests_and_refuses_a_clerks_decision(system, http):
    clerk = login(http, "clerk01")
    ready(system)
    record = draws(http, clerk)[0]
    ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", clerk,
                 {"inspector_id": record["selected"][0], "reason": "工作冲突", "text": "同日另有专项任务"}))
    request = ok(http.call("GET", "/draw/api/v1/replacements", clerk))["items"][0]
    client = logged_in(system)
    page = client.get("/draw/approver/replacements").get_data(as_text=True)
    assert "同意并选派" in page and "同日另有专项任务" in page
    refused = client.post("/draw/approver/replacements", headers={"Origin": "http://localhost"},
                          data={"id": request["id"], "decision": "reject", "text": "不同意"})
    assert refused.status_code == 422 and "只有审批人" in refused.get_data(as_text=True)
    approver = logged_in(system, "approver01")
    done = approver.post("/draw/approver/replacements", headers={"Origin": "http://localhost"},
                         data={"id": request["id"], "decision": "reject", "text": "任务可调整"})
    assert done.status_code == 302
    assert "不同意" in approver.get("/draw/approver/replacements").get_data(as_text=True)


def test_the_cli_verifies_a_stored_draw(system, http, embedded_env):
    ready(system)
    draw_id = draws(http)[0]["id"]
    done = subprocess.run([sys.executable, "-m", "services.cli", "draw", "verify", draw_id], cwd=PROJECT_ROOT,
                          env={**os.environ, **embedded_env}, capture_output=True, text=True)
    assert done.returncode == 0 and "验证通过" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "services.cli", "draw", "verify", "nope"], cwd=PROJECT_ROOT,
                             env={**os.environ, **embedded_env}, capture_output=True, text=True)
    assert missing.returncode == 2 and "不存在" in missing.stderr
