"""Issue 6 acceptance: an inspector submits a visit's result through the phone-sized form in headless Chromium
(390 × 844, a phone's viewport): a draft first, then the whole form with a photo, finalised (S8)."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import main_text_with
from tests.browser.test_draw_pages_browser import _log_in
from tests.flow import ok
from tests.support.result_visit import VISIT, png

pytestmark = pytest.mark.browser


def test_an_inspector_submits_a_result_on_a_phone(live, browser, shots, system, http, visit, tmp_path):
    browser.set_window_size(390, 844)
    username = f"insp{int(visit['team'][0][-3:]):02d}"
    _log_in(browser, live, username, "/results/my")
    main_text_with(browser, "青岛测试化工有限公司")
    form = f"/results/inspections/{visit['id']}/form?department=STHJ"  # the inspector's department's form
    browser.find_element(By.CSS_SELECTOR, f"main a[href=\"{form}\"]").click()
    main_text_with(browser, "被检查单位确认")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the form scrolls sideways on a phone ({width}px)"

    browser.find_element(By.CSS_SELECTOR, "input[name='outcome-STHJ-01'][value='发现问题']").click()
    browser.find_element(By.ID, "findings-STHJ-01").send_keys("危废暂存间未设置标识")
    browser.find_element(By.CSS_SELECTOR, "button[value=draft]").click()
    main_text_with(browser, "草稿已保存")
    assert browser.find_element(By.ID, "findings-STHJ-01").get_attribute("value") == "危废暂存间未设置标识"

    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png(3))
    browser.find_element(By.ID, "measures-STHJ-01").send_keys("责令限期设置")
    Select(browser.find_element(By.ID, "category")).select_by_visible_text("发现问题待后续处理")
    browser.find_element(By.ID, "evidence-STHJ-01").send_keys(str(photo))
    browser.find_element(By.ID, "confirm-name").send_keys("王经理")
    browser.find_element(By.ID, "confirm-confirmed_at").send_keys("2026-11-30 16:30")
    browser.save_screenshot(str(shots / "result_form_phone.png"))
    browser.find_element(By.ID, "submit").click()
    text = main_text_with(browser, "检查结果已提交")
    assert "危废暂存间未设置标识" in text
    browser.save_screenshot(str(shots / "result_submitted_phone.png"))

    [result] = ok(http.call("GET", f"/results/api/v1/inspections/{visit['id']}/results", visit["clerk"]))["items"]
    assert result["visit_date"] == VISIT.isoformat() and result["items"][0]["outcome"] == "发现问题"
    assert len(result["items"][0]["evidence"]) == 1 and result["company_confirmation"]["name"] == "王经理"
    assert ok(http.call("GET", "/results/api/v1/rectifications", visit["clerk"]))["items"][0]["deadline"] == \
        "2027-02-28"
