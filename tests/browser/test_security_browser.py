"""Issue 13 in a real browser: under the Content-Security-Policy our pages still look and work as before (their
nonce'd style applies, the login form logs in, Swagger UI renders), and Chromium reports no blocked resource."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import main_text_with

pytestmark = pytest.mark.browser
PAGES = ("/", "/draw/login", "/intake/public/items", "/draw/public/draws", "/results/public/results")


def violations(browser) -> list[str]:
    """CSP violations of the page so far, as the browser counts them (a listener installed after load would miss
    those of the load itself, so they are read from the page's console log)."""
    return [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


def test_our_pages_keep_their_style_and_break_no_rule_of_the_policy(live, browser, shots):
    for path in PAGES:
        browser.get(live + path)
        header = browser.find_element(By.CSS_SELECTOR, "header")
        assert header.value_of_css_property("background-color") == "rgba(179, 38, 30, 1)", path  # the nonce'd style
        assert violations(browser) == [], path
    browser.save_screenshot(str(shots / "public_results_under_csp.png"))


def test_a_clerk_logs_in_through_the_form_and_back_out(live, browser):
    browser.get(f"{live}/draw/login?next=/draw/clerk/inspectors")
    browser.find_element(By.ID, "username").send_keys("clerk01")
    browser.find_element(By.ID, "password").send_keys("jointinspect")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    main_text_with(browser, "执法人员")
    assert browser.current_url.endswith("/draw/clerk/inspectors")
    browser.find_element(By.LINK_TEXT, "退出").click()
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.LINK_TEXT, "登录"))
    browser.get(f"{live}/draw/clerk/inspectors")
    assert "/draw/login" in browser.current_url
    assert violations(browser) == []


def test_swagger_ui_renders_under_its_policy(live, browser, shots):
    browser.get(f"{live}/draw/docs/")
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".swagger-ui .info .title"))
    assert "jointinspect draw" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    browser.save_screenshot(str(shots / "swagger_under_csp.png"))
    assert violations(browser) == []


def test_the_checker_sees_a_violation(live, browser):
    browser.get(f"{live}/draw/login")
    browser.execute_script("var s = document.createElement('script'); s.textContent = '1';"
                           "document.body.appendChild(s);")
    WebDriverWait(browser, 5).until(lambda b: violations(b) or None)
