"""Issue 13 (N8) in headless Chromium: the approver reads the findings, writes the public summary on a phone and
releases it; the public results page then shows the summary with the mobile number masked and never the findings."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import main_text_with
from tests.browser.test_draw_pages_browser import _log_in
from tests.flow import ok
from tests.support.result_visit import answers, submit

pytestmark = pytest.mark.browser


def test_the_approver_releases_a_masked_summary_and_the_public_sees_only_that(live, browser, shots, system, http,
                                                                               visit):
    ok(submit(http, visit, items=answers("危废暂存间未设置标识，负责人手机13905321234"), category="发现问题待后续处理"))
    browser.set_window_size(390, 844)
    _log_in(browser, live, "approver01", "/results/approver/summaries")
    main_text_with(browser, "危废暂存间未设置标识")  # the approver reads the findings here, and only here
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    browser.find_element(By.NAME, "text").send_keys("危废暂存间未设置标识，已责令限期改正。联系电话 13905321234")
    browser.save_screenshot(str(shots / "summary_form_phone.png"))
    browser.find_element(By.CSS_SELECTOR, "button[value=save_release]").click()
    text = main_text_with(browser, "已公开（最新版本）")
    assert "联系电话 139****1234" in text

    browser.get(f"{live}/results/public/results")
    public = main_text_with(browser, "情况摘要")
    browser.save_screenshot(str(shots / "public_results_phone.png"))
    assert "已责令限期改正。联系电话 139****1234" in public and "13905321234" not in public
    assert "负责人手机" not in public and "整改中" in public
