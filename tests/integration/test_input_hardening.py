"""Issue 13 hardening over HTTP on the embedded system: malformed input answers 4xx in the Chinese error envelope on
an endpoint of each service (never 500), text with direction or control characters is refused where it enters,
exports never fail on stored text and never write a formula, images are refused by their dimensions.
The rules themselves: tests/unit/test_input_rules.py."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from werkzeug.test import Client

from tests.flow import login, ok, upload_file
from tests.unit.test_input_rules import bomb_png

pytestmark = pytest.mark.integration

# one endpoint of each service that reads a JSON body (letters has none: its retry takes no body)
JSON_ENDPOINTS = [("POST", "/intake/api/v1/joint-tasks"), ("POST", "/draw/api/v1/auth/login"),
                  ("POST", "/results/api/v1/inspections/insp-x/results")]
ANY_BODY_ENDPOINTS = JSON_ENDPOINTS + [("POST", "/letters/api/v1/failures/insp-x/retry")]


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """One system, no data, for the requests refused before any view runs (nothing is written): booted once."""
    from services.embedded import EmbeddedSystem
    system = EmbeddedSystem({"JOINTINSPECT_VAR": str(tmp_path_factory.mktemp("var")), "SECRET_KEY": "test-secret",
                             "PUBLIC_BASE_URL": "http://testserver"})
    yield system
    system.close()


def _send(system, method: str, path: str, data: bytes | str, content_type: str = "application/json"):
    response = Client(system.wsgi).open(path, method=method, data=data, content_type=content_type)
    body = response.get_json(silent=True)
    return response.status_code, body


@pytest.mark.parametrize("method, path", ANY_BODY_ENDPOINTS)
@pytest.mark.parametrize("data, status, words", [
    ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", 400, "嵌套"),
    ("[" * 40 + "]" * 40, 400, "嵌套"),
    ('{"username": ' + "7" * 5000 + "}", 400, "位数"),
    ('{"username": "\\ud800", "password": "x"}', 400, "代理项"),
    ('{"username": "a", ', 400, "不是有效的 JSON"),
    (b'{"username": "\xff"}', 400, "不是有效的 JSON"),
    ('{"pad": "' + "x" * (2 * 1024 * 1024) + '"}', 413, "过大"),
])
def test_malformed_json_is_a_chinese_4xx_on_every_service(bare, method, path, data, status, words):
    answered, body = _send(bare, method, path, data)
    assert answered == status and words in body["error"]["message"], body


@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_on_a_json_endpoint_is_415(bare, method, path, content_type):
    answered, body = _send(bare, method, path, "username=a&password=b", content_type)
    assert answered == 415 and body["error"]["code"] == "unsupported_media_type"


def test_a_json_body_within_the_limit_still_reaches_the_view(bare):
    """The guard does not stand in the way of ordinary requests: the login view answers (unknown user: 401)."""
    answered, body = _send(bare, "POST", "/draw/api/v1/auth/login",
                           json.dumps({"username": "clerk01", "password": "wrong", "pad": "x"}))
    assert answered in (401, 422) and body["error"]["code"] != "bad_request"


@pytest.mark.parametrize("path", [
    "/draw/api/v1/draws?page=99999999999999999999",
    "/intake/api/v1/plans?page=99999999999999999999",
    "/intake/api/v1/plans?per_page=100000",
    "/results/api/v1/public/results?page=99999999999999999999",
    "/results/api/v1/public/results?page=" + "9" * 5000,
    "/letters/api/v1/documents?inspection=%00",
    "/intake/api/v1/plans?page=%E2%80%AE1",
])
@pytest.mark.usefixtures("reference")
def test_out_of_range_pages_and_control_characters_in_queries_are_4xx(system, http, path):
    clerk = login(http, "clerk01")
    status, body = http.call("GET", path, clerk)
    assert 400 <= status < 500 and body["error"]["message"], body


@pytest.mark.usefixtures("reference")
def test_an_out_of_range_page_of_a_department_list_is_4xx(system, http):
    token = login(http, "scjg_dept")
    for page in ("99999999999999999999", "9" * 5000, "²"):
        status, _ = http.call("GET", f"/results/api/v1/departments/SCJG/visits?page={page}", token)
        assert status == 422, page


def test_a_page_refuses_a_direction_control_in_its_query_with_the_error_page(bare):
    response = Client(bare.wsgi).get("/results/public/results?company=%E2%80%AE")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "方向控制符" in response.get_data(as_text=True)


# --- text rules where text enters ---------------------------------------------------------------------------

@pytest.fixture
def plan(http, system, reference):
    today = system.runtime("intake").clock.today_local()
    return ok(http.call("POST", "/intake/api/v1/plans", login(http, "clerk01"), {
        "number": f"〔{today.year}〕5号", "name": "输入校验计划", "lead_department": "SCJG", "partners": ["STHJ"],
        "period_start": today.isoformat(), "period_end": (today + timedelta(days=30)).isoformat(),
        "intake_deadline": today.isoformat()}))


def test_a_company_name_with_a_right_to_left_override_is_refused_at_intake(http, plan, reference):
    """It once printed the official letter reversed."""
    token = next(d["token"] for d in reference["departments"] if d["code"] == "SCJG")
    company = {**reference["companies"][0], "name": "青岛\u202e司公限有"}
    status, body = http.call("POST", "/intake/api/v1/joint-tasks", token,
                             {"plan_id": plan["id"], "external_id": "T-RLO", "company": company, "items": ["SCJG-01"]})
    assert status == 422 and "文字方向控制符（U+202E）" in body["error"]["fields"]["company.name"][0]


@pytest.mark.usefixtures("reference")
def test_an_officer_name_with_a_control_character_is_refused(http):
    status, body = http.call("POST", "/draw/api/v1/inspectors", login(http, "clerk01"), _officer("张\x0b三"))
    assert status == 422 and "U+000B" in body["error"]["fields"]["name"][0]


def _officer(name: str, id_: str = "INS-090") -> dict:
    return {"id": id_, "name": name, "unit": "第一中队", "certificate_no": "37021190909", "certificate_expiry":
            "2029-06-30", "reason": "新进人员\n（第四季度）"}


def _exported(system, http):
    from openpyxl import load_workbook
    response = Client(system.wsgi).get("/draw/api/v1/inspectors.xlsx",
                                       headers={"Authorization": f"Bearer {login(http, 'clerk01')}"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data)).active


@pytest.mark.usefixtures("reference")
def test_a_formula_officer_name_is_exported_as_text_not_as_a_formula(system, http):
    name = '=HYPERLINK("http://evil.example","点此")'
    ok(http.call("POST", "/draw/api/v1/inspectors", login(http, "clerk01"), _officer(name)))
    cell = next(row[1] for row in _exported(system, http).iter_rows(min_row=2) if row[0].value == "INS-090")
    assert cell.value == name and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.usefixtures("reference")
def test_a_control_character_stored_before_the_rules_does_not_break_the_export(system, http):
    from services.draw.adapters.db import Inspector
    with system.runtime("draw").engine.begin() as connection:
        connection.execute(update(Inspector).where(Inspector.id == "INS-001").values(name="张\x0b三\u202e"))
    row = next(row for row in _exported(system, http).iter_rows(min_row=2, values_only=True) if row[0] == "INS-001")
    assert row[1] == "张三"


@pytest.mark.usefixtures("reference")
def test_an_imported_inspector_row_with_a_direction_control_is_a_row_problem(system, http):
    from openpyxl import Workbook

    from services.draw.adapters.inspector_excel import COLUMNS
    book = Workbook()
    book.active.append(COLUMNS)
    book.active.append(["INS-091", "李\u202e四", "第一中队", "37021191919", "青岛市人民政府", "2029-06-30", "是", "是",
                        "370211", "", ""])
    out = io.BytesIO()
    book.save(out)
    response = Client(system.wsgi).post(
        "/draw/api/v1/inspectors/import?dry_run=1", headers={"Authorization": f"Bearer {login(http, 'clerk01')}"},
        data={"reason": "第四季度人员调整", "file": (io.BytesIO(out.getvalue()), "a.xlsx")})
    assert "「姓名」含有不允许的文字方向控制符" in json.dumps(response.json, ensure_ascii=False)


# --- images ----------------------------------------------------------------------------------------------

@pytest.mark.usefixtures("reference")
def test_a_seal_claiming_13000_by_13000_pixels_is_refused_before_decoding(system, http):
    status, body = upload_file(system.wsgi, "PUT", "/letters/api/v1/seal", login(http, "admin"), "image",
                               bomb_png(), "seal.png")
    assert status == 422 and "13000×13000" in body["error"]["fields"]["image"][0]


def test_pages_print_text_without_direction_controls_even_when_stored_before_the_rules(bare):
    from flask import render_template_string
    with bare.apps["results"].test_request_context("/results/public/results"):
        printed = render_template_string("<p>{{ name }}</p>", name="青岛\u202e司公限有<b>")
    assert printed == "<p>青岛司公限有&lt;b&gt;</p>"
