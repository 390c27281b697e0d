"""Issue 13: every answer — pages, API, the landing page, Swagger UI — carries a Content-Security-Policy that forbids
framing and inline code other than our own nonce'd blocks, plus nosniff, X-Frame-Options and Referrer-Policy;
the login cookie is Secure behind an https proxy that is trusted (TRUSTED_PROXIES), and only then."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
from werkzeug.test import Client

from tests.support.login import page_login

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("reference")]
ANSWERS = ("/", "/draw/login", "/intake/public/items", "/results/public/results", "/draw/public/draws",
           "/intake/api/v1/items", "/draw/api/v1/draws", "/letters/healthz", "/results/api/v1/nothing-here")


def policy(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"].split(";"))
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


@pytest.mark.parametrize("path", ANSWERS)
def test_every_answer_carries_the_security_headers(system, path):
    response = Client(system.wsgi).get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = policy(response)
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'" and csp["default-src"] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-inline'" not in csp["style-src"]


def test_a_page_s_own_style_and_script_blocks_carry_the_nonce_of_its_policy(system):
    response = Client(system.wsgi).get("/intake/public/items")
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["script-src"]).group(1)
    page = response.get_data(as_text=True)
    blocks = re.findall(r"<(?:style|script)\b[^>]*>", page)
    assert blocks and all(f'nonce="{nonce}"' in block for block in blocks)
    assert Client(system.wsgi).get("/intake/public/items").headers["Content-Security-Policy"] != \
        response.headers["Content-Security-Policy"]  # a fresh nonce per answer


def test_swagger_ui_runs_its_own_inline_script_by_hash_only(system):
    response = Client(system.wsgi).get("/results/docs/")
    assert response.status_code == 200
    page = response.get_data()
    inline = re.findall(rb"<script>(.*?)</script>", page, re.S)
    assert inline
    allowed = policy(response)["script-src"]
    for body in inline:
        assert "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'" in allowed
    assert "'unsafe-inline'" not in allowed and policy(response)["frame-ancestors"] == "'none'"


def login_cookie(system, headers: dict) -> str:
    response = page_login(Client(system.wsgi), "clerk01", headers=headers)
    assert response.status_code == 302
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("ji_token="))


@pytest.fixture
def behind_proxy(embedded_env, tmp_path):
    from services.demo import seed_reference
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({**embedded_env, "JOINTINSPECT_VAR": str(tmp_path / "proxied"), "TRUSTED_PROXIES": "1"})
    seed_reference(system, system.runtime("intake").clock.today_local())
    yield system
    system.close()


def test_behind_a_trusted_https_proxy_the_login_cookie_is_secure(behind_proxy):
    cookie = login_cookie(behind_proxy, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = Client(behind_proxy.wsgi).get("/draw/login", headers={"X-Forwarded-Proto": "https"})
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_forwarded_scheme_is_not_believed_without_a_trusted_proxy(system):
    cookie = login_cookie(system, {"X-Forwarded-Proto": "https"})
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in Client(system.wsgi).get("/draw/login").headers


def test_behind_a_trusted_proxy_failed_logins_count_against_the_real_client(behind_proxy):
    from sqlalchemy import select
    page_login(Client(behind_proxy.wsgi), "clerk01", "wrong", headers={"X-Forwarded-For": "203.0.113.9"})
    draw = behind_proxy.runtime("draw")
    with draw.unit_of_work(read_only=True) as uow:
        model = draw.models["AuditEntry"]
        actors = uow.session.execute(select(model.actor).where(model.action == "login.failed")).scalars().all()
    assert actors == ["anonymous:203.0.113.9"]
