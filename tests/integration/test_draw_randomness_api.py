"""Issue 13 through the running system: the public commitments page and API before the draw, the clerk's form and
the command line entering a lottery's numbers, and the draws they make."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.test import Client

from tests.flow import login, ok
from tests.support.draw import draws, ready, ready_joint
from tests.support.login import page_login
from tests.support.outbox import outbox_rows

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
ORIGIN = {"Origin": "http://localhost"}


def test_the_public_sees_each_commitment_before_the_draw_and_the_randomness_after(system, http):
    ready_joint(system, randomness=False)
    commitments = ok(http.call("GET", "/draw/api/v1/seed-commitments"))["items"]
    assert len(commitments) == 3 and {c["status"] for c in commitments} == {"waiting_for_randomness"}
    assert all("seed" not in c and c["pool_hash"] and c["pool_size"] >= 2 for c in commitments)
    page = Client(system.wsgi).get("/draw/public/commitments").get_data(as_text=True)
    assert "等待公开随机数" in page and commitments[0]["seed_hash"] in page
    assert "SCJG-001" not in page, "the pool's members stay confidential"
    clerk = login(http, "clerk01")
    body = {"numbers": [5, 11, 16, 20, 28, 33, 9], "source": "中国福利彩票双色球", "issue": "2026138",
            "drawn_at": datetime.now(timezone.utc).isoformat()}
    entered = ok(http.call("POST", "/draw/api/v1/randomness", clerk, body), (201,))
    system.bus.drain()
    assert len(entered["draws"]) == 3 and len(outbox_rows(system, "draw", "inspectors.assigned")) == 1
    (listed,) = ok(http.call("GET", "/draw/api/v1/randomness"))["items"]
    assert (listed["source"], listed["issue"], listed["draws"]) == ("中国福利彩票双色球", "2026138", 3)
    page = Client(system.wsgi).get("/draw/public/commitments").get_data(as_text=True)
    assert "中国福利彩票双色球" in page and "2026138" in page and "已抽取" in page


def test_the_clerk_enters_the_numbers_on_a_page_and_a_future_draw_time_is_refused(system):
    ready(system, randomness=False)
    page = Client(system.wsgi)
    page_login(page, "clerk01")
    shown = page.get("/draw/clerk/randomness").get_data(as_text=True)
    assert "等待公开随机数的抽取（1 项）" in shown
    future = (datetime.now(timezone.utc) + timedelta(days=1)).astimezone().strftime("%Y-%m-%d %H:%M")
    form = {"source": "中国福利彩票双色球", "issue": "2026139", "drawn_at": future, "numbers": "03 09 15 22 27 31 12"}
    refused = page.post("/draw/clerk/randomness", data=form, headers=ORIGIN)
    assert refused.status_code == 422 and "开奖时间不能晚于当前时间" in refused.get_data(as_text=True)
    form["drawn_at"] = datetime.now(timezone.utc).isoformat()
    done = page.post("/draw/clerk/randomness", data=form, headers=ORIGIN)
    assert done.status_code == 200 and "完成抽取 1 项" in done.get_data(as_text=True)
    system.bus.drain()
    assert len(outbox_rows(system, "draw", "inspectors.assigned")) == 1


def test_the_command_line_enters_the_numbers(system, http, embedded_env, monkeypatch, capsys):
    from services.cli import main
    for variable, value in embedded_env.items():
        monkeypatch.setenv(variable, value)
    ready(system, randomness=False)
    args = ["draw", "randomness", "enter", "--numbers", "3,9,15,22,27,31,12", "--source", "演示数据（非真实开奖）",
            "--issue", "CLI-1", "--drawn-at", datetime.now(timezone.utc).isoformat()]
    assert main(args) == 0
    assert "完成抽取 1 项" in capsys.readouterr().out
    (record,) = draws(http, login(http, "clerk01"))
    assert record["randomness"]["source"] == "演示数据（非真实开奖）" and record["randomness"]["issue"] == "CLI-1"
    assert main(args) == 1 and "已录入" in capsys.readouterr().err
