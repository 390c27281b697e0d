"""Issue 13, hardening of login and the web shell, through the embedded system's HTTP as a browser or a client
sees it: forged tokens, logout and password change reaching every service, `next`, login CSRF, throttling."""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import Client

from shared.auth import SIGNED_PREFIX, Principal, issue_token
from tests.flow import login, ok
from tests.support.login import login_form_token, page_login

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
OLD_DEFAULT = "dev-only-secret-change-me"
# a privileged read in each service: what a clerk's token opens and a refused one does not
CLERK_READS = ("/intake/api/v1/rejections", "/draw/api/v1/blocked", "/letters/api/v1/failures",
               "/results/api/v1/rectifications")


def status(http, path: str, token: str) -> int:
    return http.call("GET", path, token)[0]


def test_a_token_forged_with_the_old_fixed_key_is_refused_everywhere(http):
    forged = [issue_token(OLD_DEFAULT, Principal("admin", "admin")),
              SIGNED_PREFIX + URLSafeTimedSerializer(OLD_DEFAULT, salt="jointinspect-principal").dumps(
                  {"role": "admin", "subject": "admin", "department": None, "name": None})]
    for path in CLERK_READS:
        assert [status(http, path, token) for token in forged] == [401, 401], path
        assert status(http, path, login(http, "clerk01")) == 200, path  # the same read with a real login


def test_logout_ends_the_token_in_every_service_and_only_that_session(system, http):
    token, other_session = login(http, "clerk01"), login(http, "clerk01")
    assert all(status(http, path, token) == 200 for path in CLERK_READS)
    assert ok(http.call("POST", "/draw/api/v1/auth/logout", token))["message"].startswith("已退出登录")
    assert status(http, "/draw/api/v1/blocked", token) == 401  # draw at once, the others by the event
    system.bus.drain()
    for path in CLERK_READS:
        assert (status(http, path, token), status(http, path, other_session)) == (401, 200), path


def test_a_password_change_ends_every_earlier_session_everywhere_and_the_new_token_works(system, http):
    first, second = login(http, "clerk01"), login(http, "clerk01")
    answer = ok(http.call("POST", "/draw/api/v1/auth/password", first,
                          {"current_password": "jointinspect", "new_password": "a-better-secret"}))
    system.bus.drain()
    for path in CLERK_READS:
        assert [status(http, path, token) for token in (first, second, answer["token"])] == [401, 401, 200], path
    assert http.call("POST", "/draw/api/v1/auth/login", body={"username": "clerk01", "password": "jointinspect"}
                     )[0] == 401


def test_the_logout_page_ends_the_session_it_was_sent_from(system, http):
    browser = Client(system.wsgi)
    page_login(browser, "clerk01")
    token = browser.get_cookie("ji_token").value
    assert browser.get("/draw/logout", headers={"Referer": "http://localhost/draw/clerk/inspectors"}
                       ).status_code == 302
    system.bus.drain()
    assert status(http, "/results/api/v1/rectifications", token) == 401


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                                    "/%2F%2Fevil.example"])
def test_after_login_a_next_off_the_site_goes_home(system, target):
    browser = Client(system.wsgi)
    response = page_login(browser, "clerk01", next_path=target)
    assert response.status_code == 302 and response.location == "/"
    query = browser.get(f"/draw/login?next={target}").get_data(as_text=True)
    assert 'name="next" value="/"' in query


def test_after_login_a_path_on_the_site_is_followed(system):
    response = page_login(Client(system.wsgi), "clerk01", next_path="/intake/clerk/plans")
    assert response.status_code == 302 and response.location == "/intake/clerk/plans"


def test_a_login_posted_from_another_site_is_refused(system, http):
    browser = Client(system.wsgi)
    token = login_form_token(browser)
    response = browser.post("/draw/login", headers={"Origin": "https://evil.example"},
                            data={"username": "clerk01", "password": "jointinspect", "csrf_token": token})
    assert response.status_code == 403 and "其他网站" in response.get_data(as_text=True)
    assert browser.get_cookie("ji_token") is None
    api = http.client.post("/draw/api/v1/auth/login", json={"username": "clerk01", "password": "jointinspect"},
                           headers={"Origin": "https://evil.example"})
    assert api.status_code == 403


def test_a_login_form_without_its_token_is_refused(system):
    browser = Client(system.wsgi)
    login_form_token(browser)
    response = browser.post("/draw/login", data={"username": "clerk01", "password": "jointinspect"})
    assert response.status_code == 400 and "登录页面已过期" in response.get_data(as_text=True)
    assert browser.get_cookie("ji_token") is None
    stranger = Client(system.wsgi)  # a token copied from another browser's form does not match this one's cookie
    response = stranger.post("/draw/login", data={"username": "clerk01", "password": "jointinspect",
                                                  "csrf_token": login_form_token(Client(system.wsgi))})
    assert response.status_code == 400


def test_the_login_cookie_is_http_only_and_same_site(system):
    browser = Client(system.wsgi)
    response = page_login(browser, "clerk01")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("ji_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here


def test_too_many_failures_answer_429_with_retry_after_on_the_page_and_the_api(system, http):
    max_failures = system.runtime("draw").settings.login_max_failures
    for _ in range(max_failures):
        assert http.call("POST", "/draw/api/v1/auth/login", body={"username": "approver01", "password": "x"}
                         )[0] == 401
    api = http.client.post("/draw/api/v1/auth/login", json={"username": "approver01", "password": "jointinspect"})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0
    assert "登录失败次数过多" in api.get_json()["error"]["message"]
    page = page_login(Client(system.wsgi), "approver01")
    assert page.status_code == 429 and page.headers["Retry-After"] == api.headers["Retry-After"]
    assert "登录失败次数过多" in page.get_data(as_text=True)


def test_the_password_page_changes_it_and_keeps_this_browser_logged_in(system, http):
    browser = Client(system.wsgi)
    page_login(browser, "approver01")
    before = browser.get_cookie("ji_token").value
    same_site = {"Origin": "http://localhost"}
    mismatch = browser.post("/draw/account/password", headers=same_site, data={
        "current_password": "jointinspect", "new_password": "a-better-secret", "confirm_password": "another-one"})
    assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    done = browser.post("/draw/account/password", headers=same_site, data={
        "current_password": "jointinspect", "new_password": "a-better-secret", "confirm_password": "a-better-secret"})
    assert done.status_code == 200 and "密码已修改" in done.get_data(as_text=True)
    system.bus.drain()
    assert status(http, "/results/api/v1/rectifications", before) == 401
    assert status(http, "/results/api/v1/rectifications", browser.get_cookie("ji_token").value) == 200


def test_another_site_cannot_change_the_password_with_the_cookie(system):
    browser = Client(system.wsgi)
    page_login(browser, "approver01")
    answer = browser.post("/draw/account/password", headers={"Origin": "https://evil.example"}, data={
        "current_password": "jointinspect", "new_password": "a-better-secret", "confirm_password": "a-better-secret"})
    assert answer.status_code == 302 and answer.location.startswith("/draw/login")
    assert page_login(Client(system.wsgi), "approver01").status_code == 302  # the old password still works
