"""intake's Chinese pages: the public catalog and plans (N1, N8); the clerk's plans, visits and rejections."""
from __future__ import annotations

import pytest

from tests.flow import WsgiHttp, login, ok
from tests.support.intake import make_plan, task
from tests.support.login import page_login

pytestmark = pytest.mark.integration


@pytest.fixture
def browser_like(system, reference):
    """A cookie-keeping client, as a browser is."""
    from werkzeug.test import Client
    return Client(system.wsgi)


def _login(client, username="clerk01", next_path="/intake/clerk/plans"):
    return page_login(client, username, next_path=next_path)


def test_the_public_catalog_page_lists_every_item_with_its_basis(browser_like):
    page = browser_like.get("/intake/public/items").get_data(as_text=True)
    assert "随机抽查事项清单" in page and "登记事项检查" in page and "《排污许可管理条例》" in page


def test_clerk_pages_send_a_stranger_to_the_login_page(browser_like):
    response = browser_like.get("/intake/clerk/plans")
    assert response.status_code == 302 and response.location.startswith("/draw/login?next=/intake/clerk/plans")


def test_a_clerk_logs_in_and_sees_plans_visits_and_rejections(browser_like, system, reference):
    http = WsgiHttp(system.wsgi)
    today = system.runtime("intake").clock.today_local()
    plan = make_plan(http, login(http, "clerk01"), today)
    token = {d["code"]: d["token"] for d in reference["departments"]}
    hostile = {"uscc": reference["companies"][0]["uscc"], "name": "<script>alert(1)</script>青岛某公司"}
    ok(http.call("POST", "/intake/api/v1/joint-tasks", token["SCJG"], task(plan, hostile)))
    ok(http.call("POST", "/intake/api/v1/joint-tasks", token["STHJ"], task(plan, hostile, ["STHJ-01"], "S-1")))
    http.call("POST", "/intake/api/v1/joint-tasks", token["STHJ"], task(plan, hostile, ["SCJG-01"], "S-2"))
    response = _login(browser_like, next_path=f"/intake/clerk/plans/{plan['id']}")
    assert response.status_code == 302 and response.location == f"/intake/clerk/plans/{plan['id']}"
    page = browser_like.get(response.location).get_data(as_text=True)
    assert "牵头" in page and "配合" in page and "STHJ-01" in page and "SCJG-01" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    rejections = browser_like.get("/intake/clerk/rejections").get_data(as_text=True)
    assert "不属于本部门的抽查事项清单" in rejections


def test_an_inspector_may_not_see_clerk_pages(browser_like):
    _login(browser_like, "insp01")
    response = browser_like.get("/intake/clerk/plans")
    assert response.status_code == 403 and "无权" in response.get_data(as_text=True)


def test_a_wrong_password_is_told_in_chinese(browser_like):
    response = page_login(browser_like, "clerk01", "nope")
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(browser_like):
    response = _login(browser_like, next_path="//evil.example/steal")
    assert response.location == "/"


def test_a_login_cookie_from_another_site_cannot_change_state(browser_like, system):
    """CSRF: the cookie only counts for a POST that comes from our own pages."""
    _login(browser_like)
    foreign = browser_like.post("/intake/api/v1/departments/STHJ/token", headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 401
    own = browser_like.post("/intake/api/v1/departments/STHJ/token", headers={"Origin": "http://localhost"})
    assert own.status_code == 200


def test_the_api_documentation_page_is_served_without_any_outside_asset(browser_like):
    page = browser_like.get("/intake/docs/").get_data(as_text=True)
    assert "swagger-ui" in page and "http://" not in page.split("<body>")[0].replace("http://localhost", "")
    bundle = browser_like.get("/intake/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()  # a file response: close it as a server would
