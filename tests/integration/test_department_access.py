"""Issue 12 through HTTP on the embedded system: a department's API token (issued in intake, known in draw, letters
and results from `department.token_rotated`) and a department's account read the letters, results, rectifications and
report rows of the visits their department takes part in — and get 403 with a Chinese reason for any other visit,
never 401; the department's page lists its visits with the team, its own results and the letters."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.draw.commands import CreateAccount
from services.intake.commands import RotateDepartmentToken
from tests.flow import PASSWORD, ok, run_joint_visit
from tests.support.draw import enter_randomness

pytestmark = pytest.mark.integration
NOT_TAKING_PART = "本部门未参与该检查，无权查看"


@pytest.fixture
def visit(system, reference, http):
    today = system.runtime("intake").clock.today_local()

    def settle(check, what):
        system.bus.drain()
        value = check()
        assert value, f"{what} did not happen after the bus drained"
        return value

    joint = run_joint_visit(http, reference, settle, today)
    tokens = {d["code"]: d["token"] for d in reference["departments"]}
    other = two_department_visit(http, system, reference, joint["clerk"], tokens, today)
    return {**joint, "tokens": tokens, "other": other}


def two_department_visit(http, system, reference, clerk, tokens, today) -> str:
    """A visit of market regulation and the eco bureau only: emergency management takes no part in it."""
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕12号", "name": "两部门联合抽查", "module": "部门联合", "lead_department": "SCJG",
        "partners": ["STHJ"], "period_start": (today - timedelta(days=3)).isoformat(),
        "period_end": (today + timedelta(days=3)).isoformat(), "intake_deadline": today.isoformat()}))
    company = reference["companies"][7]
    for dept, items in (("SCJG", ["SCJG-01"]), ("STHJ", ["STHJ-01"])):
        task = ok(http.call("POST", "/intake/api/v1/joint-tasks", tokens[dept], {
            "plan_id": plan["id"], "external_id": f"TWO-{dept}", "company": company, "items": items}))
    ok(http.call("POST", f"/intake/api/v1/plans/{plan['id']}/dispatch", tokens["SCJG"]))
    system.bus.drain()
    enter_randomness(system)  # issue 13: the committed draws wait for public randomness, entered by script
    ok(http.call("PUT", f"/draw/api/v1/inspections/{task['inspection_id']}/schedule", clerk,
                 {"time": f"{today.isoformat()} 14:30"}))
    system.bus.drain()
    return task["inspection_id"]


def refused(result) -> None:
    status, body = result
    assert status == 403, (status, body)
    assert body["error"]["message"] == NOT_TAKING_PART


def test_a_department_token_reads_its_visits_letter_set_and_not_another_visits(http, visit):
    scjg, yjgl = visit["tokens"]["SCJG"], visit["tokens"]["YJGL"]
    documents = ok(http.call("GET", f"/letters/api/v1/documents?inspection={visit['inspection_id']}", yjgl))
    assert [d["kind"] for d in documents["items"]] == ["joint_letter", "notice", "checklist", "field_record"]
    status, pdf = http.call("GET", documents["items"][0]["pdf_url"], yjgl, raw=True)
    assert status == 200 and pdf.startswith(b"%PDF")
    other = ok(http.call("GET", f"/letters/api/v1/documents?inspection={visit['other']}", scjg))["items"]
    assert other, "the two-department visit has its letters"
    refused(http.call("GET", f"/letters/api/v1/documents?inspection={visit['other']}", yjgl))
    refused(http.call("GET", other[0]["pdf_url"], yjgl))


def test_a_department_token_reads_its_own_results_and_rectifications_only(http, visit):
    path = f"/results/api/v1/inspections/{visit['inspection_id']}"
    scjg, sthj, yjgl = (visit["tokens"][code] for code in ("SCJG", "STHJ", "YJGL"))
    own = ok(http.call("GET", f"{path}/results", scjg))["items"]
    assert [(r["department"], r["id"]) for r in own] == [("SCJG", visit["results"]["SCJG"]["id"])]
    assert ok(http.call("GET", f"/results/api/v1/results/{visit['results']['SCJG']['id']}", scjg))["department"] == \
        "SCJG"
    status, body = http.call("GET", f"/results/api/v1/results/{visit['results']['STHJ']['id']}", scjg)
    assert status == 403 and body["error"]["message"] == "只能查看本部门事项的检查结果"
    status, _ = http.call("GET", f"{path}/results?department=STHJ", scjg)
    assert status == 403
    progress = ok(http.call("GET", f"{path}/progress", yjgl))
    assert progress["complete"] and len(progress["departments"]) == 3
    refused(http.call("GET", f"/results/api/v1/inspections/{visit['other']}/progress", yjgl))
    refused(http.call("GET", f"/results/api/v1/inspections/{visit['other']}/results", yjgl))
    assert {r["department"] for r in ok(http.call("GET", "/results/api/v1/rectifications", scjg))["items"]} == \
        {"SCJG"}
    assert ok(http.call("GET", "/results/api/v1/rectifications", sthj))["items"] == []
    status, _ = http.call("GET", "/results/api/v1/rectifications?department=SCJG", sthj)
    assert status == 403


def test_a_department_reads_its_own_rows_of_the_monthly_report(http, visit, system):
    month = system.runtime("results").clock.today_local().strftime("%Y-%m")
    report = ok(http.call("GET", f"/results/api/v1/reports/monthly/{month}", visit["tokens"]["YJGL"]))
    assert {row["department"] for row in report["rows"]} == {"YJGL"}


def test_a_rotated_token_works_at_once_everywhere_and_the_old_one_nowhere(http, visit, system):
    old = visit["tokens"]["SCJG"]
    new = system.handle("intake", RotateDepartmentToken("SCJG", "admin:admin"))
    system.bus.drain()
    for path in (f"/letters/api/v1/documents?inspection={visit['inspection_id']}",
                 f"/results/api/v1/inspections/{visit['inspection_id']}/results", "/draw/api/v1/parts/naming"):
        assert http.call("GET", path, new)[0] == 200, path
        assert http.call("GET", path, old)[0] == 401, path


def test_a_department_token_names_its_officers_in_draw(http, system, reference):
    """draw knows the department's API token from `department.token_rotated` too: the department's naming tasks and
    naming its own officers answer to its token (not 401), and only for its own part (403 for another's)."""
    from tests.support.draw import ready_joint
    system.bus.drain()
    tokens = {d["code"]: d["token"] for d in reference["departments"]}
    today = system.runtime("draw").clock.today_local()
    ready_joint(system, staffing={"YJGL": "named"})
    tasks = ok(http.call("GET", "/draw/api/v1/parts/naming", tokens["YJGL"]))["items"]
    assert [t["inspection_id"] for t in tasks] == ["insp-j"]
    assert ok(http.call("GET", "/draw/api/v1/parts/naming", tokens["SCJG"]))["items"] == []
    officers = [{"name": f"应急执法{n}", "certificate_no": f"YJ3702{n:06d}", "unit": "应急管理执法大队",
                 "certificate_expiry": (today + timedelta(days=365)).isoformat()} for n in (1, 2)]
    path = "/draw/api/v1/inspections/insp-j/parts/YJGL/officers"
    assert http.call("POST", path, tokens["SCJG"], {"officers": officers})[0] == 403
    part = ok(http.call("POST", path, tokens["YJGL"], {"officers": officers}))
    assert (part["via"], part["status"], len(part["inspector_ids"])) == ("named", "complete", 2)
    assert http.call("GET", "/draw/api/v1/parts/naming", "dept_not_a_token")[0] == 401


def test_a_department_account_sees_its_visits_page_and_the_letters_page(http, visit, system):
    system.handle("draw", CreateAccount("yjgl-office", "department", "应急管理局 执法科", password=PASSWORD,
                                        department_code="YJGL", actor="admin:admin"))
    token = ok(http.call("POST", "/draw/api/v1/auth/login", body={"username": "yjgl-office", "password": PASSWORD}))[
        "token"]
    status, page = http.call("GET", "/results/department/visits", token, raw=True)
    text = page.decode()
    assert status == 200 and "本部门的联合检查" in text
    assert f"/letters/department/visits/{visit['inspection_id']}" in text
    assert f"/letters/department/visits/{visit['other']}" not in text, "not a visit of emergency management"
    assert "本部门" in text and "执法证号" in text and "共 1 项" in text
    status, letters = http.call("GET", f"/letters/department/visits/{visit['inspection_id']}", token, raw=True)
    assert status == 200 and "联合检查函" in letters.decode() and "/letters/api/v1/documents/" in letters.decode()
    status, letters = http.call("GET", f"/letters/department/visits/{visit['other']}", token, raw=True)
    assert status == 403 and NOT_TAKING_PART in letters.decode()
    listed = ok(http.call("GET", "/results/api/v1/departments/YJGL/visits", token))
    assert [v["inspection_id"] for v in listed["items"]] == [visit["inspection_id"]]
    assert http.call("GET", "/results/api/v1/departments/SCJG/visits", token)[0] == 403
