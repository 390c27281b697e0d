"""The clerk's and the public's intake pages in headless Chromium: log in through the form, see one visit per
company with every department's items, and the public catalog."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import main_text_with
from tests.flow import WsgiHttp, login, ok
from tests.support.intake import make_plan, task

pytestmark = pytest.mark.browser


def test_a_clerk_logs_in_and_reviews_a_plan(live, browser, shots, system, reference):
    http = WsgiHttp(system.wsgi)
    today = system.runtime("intake").clock.today_local()
    plan = make_plan(http, login(http, "clerk01"), today)
    token = {d["code"]: d["token"] for d in reference["departments"]}
    for dept, items in (("SCJG", ["SCJG-01", "SCJG-03"]), ("STHJ", ["STHJ-02"]), ("YJGL", ["YJGL-01"])):
        ok(http.call("POST", "/intake/api/v1/joint-tasks", token[dept],
                     task(plan, reference["companies"][0], items, f"B-{dept}")))
    http.call("POST", "/intake/api/v1/joint-tasks", token["STHJ"],
              task(plan, reference["companies"][1], ["X-1"], "B-X"))
    browser.get(f"{live}/intake/clerk/plans/{plan['id']}")
    assert "/draw/login" in browser.current_url
    browser.find_element(By.ID, "username").send_keys("clerk01")
    browser.find_element(By.ID, "password").send_keys("jointinspect")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    body = main_text_with(browser, "牵头")
    assert browser.current_url.endswith(f"/intake/clerk/plans/{plan['id']}")
    assert reference["companies"][0]["name"] in body and "牵头" in body and "YJGL-01" in body
    browser.save_screenshot(str(shots / "clerk_plan.png"))
    browser.get(f"{live}/intake/clerk/rejections")
    main_text_with(browser, "事项 X-1 不存在")
    browser.save_screenshot(str(shots / "clerk_rejections.png"))


def test_the_public_sees_the_catalog_on_a_phone_sized_screen(live, browser, shots):
    browser.set_window_size(390, 844)
    browser.get(f"{live}/intake/public/items")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tr")
    assert len(rows) == 1 + 21
    browser.save_screenshot(str(shots / "public_items_phone.png"))
