"""Issue 5 acceptance: an inspector logs in in headless Chromium, finds the inspection and downloads its PDF."""
from __future__ import annotations

import urllib.request

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import main_text_with
from tests.support.letters import drawn_visit, eco_logins

pytestmark = pytest.mark.browser


def test_an_inspector_logs_in_finds_the_inspection_and_downloads_its_letter(live, browser, shots, system):
    inspection = drawn_visit(system)
    username, _ = eco_logins(system, inspection["inspection_id"])
    browser.get(f"{live}/letters/portal")
    assert "/draw/login" in browser.current_url
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys("jointinspect")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    main_text_with(browser, inspection["company"]["name"])
    main_text_with(browser, "9:30")  # the fixed visit time, not the window
    browser.save_screenshot(str(shots / "inspector_portal.png"))
    link = browser.find_element(By.CSS_SELECTOR, "a.download.joint_letter").get_attribute("href")
    cookie = browser.get_cookie("ji_token")["value"]
    request = urllib.request.Request(link, headers={"Cookie": f"ji_token={cookie}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"] == "application/pdf" and response.read(5) == b"%PDF-"


def test_another_inspector_sees_nothing_of_it(live, browser, system):
    inspection = drawn_visit(system)
    _, outsider = eco_logins(system, inspection["inspection_id"])
    browser.get(f"{live}/draw/login?next=/letters/portal")
    browser.find_element(By.ID, "username").send_keys(outsider)
    browser.find_element(By.ID, "password").send_keys("jointinspect")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    main_text_with(browser, "暂无分配给您的检查")
