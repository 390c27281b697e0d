"""Draw pages in headless Chromium: the approver's replacement queue (S13: choose, don't draw) and the public
verification page (N4)."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import main_text_with
from tests.flow import WsgiHttp, login, ok
from tests.support.draw import PARTNERS, password_hash, ready, ready_joint

pytestmark = pytest.mark.browser


def _log_in(browser, live, username, next_path):
    browser.get(f"{live}/draw/login?next={next_path}")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys("jointinspect")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def test_an_approver_chooses_a_replacement_in_the_queue(live, browser, shots, system):
    http = WsgiHttp(system.wsgi)
    clerk = login(http, "clerk01")
    inspection = ready(system)
    record = next(d for d in ok(http.call("GET", "/draw/api/v1/draws", clerk))["items"])
    leaving = record["selected"][0]
    request = ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", clerk,
                           {"inspector_id": leaving, "reason": "岗位调整", "text": "调任办公室，无法参加现场检查"}))
    _log_in(browser, live, "approver01", "/draw/approver/replacements")
    main_text_with(browser, "调任办公室")
    choice = Select(browser.find_element(By.ID, f"choose-{request['id']}"))
    chosen = choice.options[2].get_attribute("value")
    choice.select_by_value(chosen)
    browser.save_screenshot(str(shots / "replacement_queue.png"))
    browser.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    main_text_with(browser, "暂无待审批的更换申请")
    system.bus.drain()
    team = ok(http.call("GET", "/draw/api/v1/replacements", clerk))["items"][0]
    assert team["status"] == "approved" and team["replacement_inspector_id"] == chosen
    assert inspection["inspection_id"] == team["inspection_id"]


def test_the_public_verification_page_recomputes_the_draw(live, browser, shots, system):
    ready(system)
    browser.get(f"{live}/draw/public/draws")
    browser.find_element(By.LINK_TEXT, "查看（检查开始后公开）").click()  # N4: sealed until the visit's time
    text = main_text_with(browser, "验证通过")
    assert "检查开始后公开身份" in text and "INS-0" not in text
    browser.save_screenshot(str(shots / "draw_verify.png"))


def test_a_department_names_its_officers_on_its_page_and_the_clerk_retries_a_blocked_draw(live, browser, shots,
                                                                                           system):
    """Issue #11: 匹配 by the department on its own page; the clerk's page lists what is missing, with 重新抽取."""
    from services.draw.commands import CreateAccount
    http = WsgiHttp(system.wsgi)
    clerk = login(http, "clerk01")
    for n in range(1, 5):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/SCJG-{n:03d}", clerk, {"on_duty": False, "reason": "借调"}))
    system.handle("draw", CreateAccount("yjgldept", "department", PARTNERS["YJGL"], password_hash=password_hash(),
                                        department_code="YJGL"))
    ready_joint(system, staffing={"YJGL": "named"})
    _log_in(browser, live, "yjgldept", "/draw/department/officers")
    main_text_with(browser, "指派本部门执法人员")
    expiry = (system.runtime("draw").clock.today_local().replace(year=2030)).isoformat()
    for n in range(2):
        browser.find_element(By.NAME, f"name_{n}").send_keys(f"应急执法{n + 1}")
        browser.find_element(By.NAME, f"certificate_no_{n}").send_keys(f"YJ3702{n + 1:06d}")
        browser.execute_script(f"document.getElementsByName('certificate_expiry_{n}')[0].value = '{expiry}'")
    browser.save_screenshot(str(shots / "department_naming.png"))
    browser.find_element(By.ID, "name-insp-j").click()
    main_text_with(browser, "本部门暂无需要指派执法人员的检查")
    browser.get(f"{live}/draw/logout")
    _log_in(browser, live, "clerk01", "/draw/clerk/blocked")
    text = main_text_with(browser, "重新抽取")
    assert "市场监督管理局" in text and "请在人员库中增加" in text
    browser.save_screenshot(str(shots / "blocked_parts.png"))
    browser.find_element(By.ID, "retry-insp-j-SCJG").click()
    main_text_with(browser, "已重新抽取")
