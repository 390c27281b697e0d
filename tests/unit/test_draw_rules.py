"""The draw's rules (issue 4): RFC 3797's statistical and prefix properties, eligibility with reasons (N2, N3,
S6), one draw per inspection (N4), public numbers, replacement only with approval (S13), recusal (N3)."""
from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest

from services.draw.domain.eligibility import Candidate, Period, Visit, exclusion_reason, split_pool
from shared import rfc3797
from tests.flow import WsgiHttp, login, ok
from tests.unit.test_embedded_bus import assigned_payload

pytestmark = pytest.mark.unit

# --- RFC 3797 -------------------------------------------------------------------------------------------------


def test_the_mapping_step_is_exactly_uniform_by_enumeration():
    """Every sequence of reduced values maps to a distinct ordering: each of the 5! orderings exactly once."""
    pool = list("ABCDE")
    orderings = [tuple(rfc3797.picks(pool, list(values)))
                 for values in itertools.product(range(5), range(4), range(3), range(2), range(1))]
    assert len(orderings) == 120 and len(set(orderings)) == 120


def test_the_selection_is_uniform_by_a_deterministic_chi_square():
    """Over 6,000 fixed keys, the first pick from a pool of 6 spreads evenly (chi-square, 5 d.f., p > 0.001)."""
    pool = [f"P{i}" for i in range(6)]
    counts = {member: 0 for member in pool}
    for seed in range(6000):
        counts[rfc3797.select(pool, 1, rfc3797.make_key([[seed]]))[0]] += 1
    expected = 1000
    chi_square = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi_square < 20.52, counts


def test_selecting_more_keeps_the_earlier_picks_the_prefix_property():
    key = rfc3797.make_key([[123456789], [7, 3]])
    pool = [f"INS-{i:03d}" for i in range(40)]
    longest = rfc3797.select(pool, 10, key)
    for n in range(1, 10):
        assert rfc3797.select(pool, n, key) == longest[:n]


def test_an_excluded_pick_is_skipped_by_taking_the_next_one_as_rfc_3797_describes():
    """RFC 3797 §5: if a selected person cannot serve, the next selected one in sequence takes the place."""
    key = rfc3797.make_key([[42]])
    pool = [f"P{i}" for i in range(10)]
    first_three = rfc3797.select(pool, 3, key)
    team = [p for p in first_three if p != first_three[0]]
    assert team == first_three[1:3]


# --- eligibility --------------------------------------------------------------------------------------------

VISIT = Visit(company_uscc="914403001922038216", start=date(2026, 12, 1), end=date(2026, 12, 5),
              jurisdiction="370211", max_load=2)


def a_candidate(**changes) -> Candidate:
    values = dict(id="INS-001", on_duty=True, certificate_no="370211001", certificate_expiry=date(2028, 1, 1),
                  jurisdiction="370211")
    values.update(changes)
    return Candidate(**values)


@pytest.mark.parametrize("changes, words", [
    ({"certificate_expiry": date(2026, 12, 3)}, "执法证有效期至 2026-12-03"),
    ({"periods": (Period("休假", date(2026, 11, 30), date(2026, 12, 1)),)}, "休假（2026-11-30 至 2026-12-01）"),
    ({"conflicts": frozenset({"914403001922038216"})}, "回避"),
    ({"jurisdiction": "370202"}, "不属于本辖区"),
    ({"on_duty": False}, "不在岗"),
    ({"certificate_no": None}, "无执法证"),
    ({"load": 2}, "达到上限"),
])
def test_each_ineligibility_is_excluded_with_its_reason(changes, words):
    assert words in exclusion_reason(a_candidate(**changes), VISIT)


def test_a_period_that_does_not_touch_the_visit_does_not_exclude():
    sick = Period("病假", date(2026, 11, 1), date(2026, 11, 30))
    assert exclusion_reason(a_candidate(periods=(sick,)), VISIT) is None


def test_the_pool_is_sorted_by_id_and_exclusions_are_listed():
    pool, excluded = split_pool([a_candidate(id="B"), a_candidate(id="A"), a_candidate(id="C", on_duty=False)], VISIT)
    assert pool == ["A", "B"] and excluded == [{"id": "C", "reason": "不在岗"}]


# --- the draw in the running system ----------------------------------------------------------------------------

@pytest.fixture
def http(system, reference):
    return WsgiHttp(system.wsgi)


def _ready(system, inspection_id="insp-r", uscc="914403001922038216", start=None, end=None):
    """Put an `inspection.ready` in intake's outbox (as dispatch would) and let the bus deliver it."""
    runtime = system.runtime("intake")
    today = runtime.clock.today_local()
    inspection = assigned_payload(inspection_id)["inspection"]
    inspection["company"]["uscc"] = uscc
    inspection["window"] = {"start": (start or today + timedelta(days=3)).isoformat(),
                            "end": (end or today + timedelta(days=6)).isoformat()}
    with runtime.app.app_context():
        uow = runtime.unit_of_work()
        uow.emit("inspection.ready", inspection, subject=inspection_id)
        uow.commit()
    system.bus.drain()
    return inspection


def _draws(http, clerk=None):
    return ok(http.call("GET", "/draw/api/v1/draws?per_page=200", clerk))["items"]


def test_two_ready_events_for_one_inspection_make_one_draw_and_the_second_is_audited(system, http):
    _ready(system)
    _ready(system)  # a second event id for the same inspection: a redraw attempt
    assert len(_draws(http)) == 1
    runtime = system.runtime("draw")
    with runtime.app.app_context():
        refused = runtime.db.session.query(runtime.models["AuditEntry"]).filter_by(action="draw.refused").count()
    assert refused == 1


def test_the_public_sees_ids_only_before_the_visit_and_clerks_see_names(system, http):
    _ready(system)
    public = _draws(http)[0]
    assert "inspectors" not in public and public["selected"]
    clerk = _draws(http, login(http, "clerk01"))[0]
    assert [p["id"] for p in clerk["inspectors"]] == clerk["selected"]


def test_public_numbers_entered_before_the_draw_join_its_sources_and_it_still_verifies(system, http):
    clerk = login(http, "clerk01")
    ok(http.call("POST", "/draw/api/v1/public-numbers", clerk,
                 {"numbers": [3, 17, 22, 31], "source": "中国福利彩票双色球第2026137期开奖号码"}))
    _ready(system)
    record = _draws(http)[0]
    assert record["sources"][1] == [3, 17, 22, 31] and record["key"].endswith("3.17.22.31./")
    assert ok(http.call("GET", f"/draw/api/v1/draws/{record['id']}/verify"))["verified"] is True


def test_a_declared_conflict_excludes_the_inspector_from_that_companys_draw(system, http):
    clerk = login(http, "clerk01")
    uscc = "91440300708461136T"
    ok(http.call("POST", "/draw/api/v1/inspectors/INS-003/conflicts", clerk,
                 {"company_uscc": uscc, "reason": "配偶在该企业任职"}))
    _ready(system, uscc=uscc)
    record = _draws(http)[0]
    assert "INS-003" not in record["pool"]
    assert {"id": "INS-003", "reason": "与被检查单位存在利害关系，依法回避（N3）"} in record["excluded"]
    assert "配偶" not in json.dumps(record, ensure_ascii=False), "the private reason is not published"


def test_a_leave_period_excludes_the_inspector(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("draw").clock.today_local()
    ok(http.call("POST", "/draw/api/v1/inspectors/INS-004/periods", clerk,
                 {"kind": "休假", "start": today.isoformat(), "end": (today + timedelta(days=30)).isoformat()}))
    _ready(system)
    assert any(e["id"] == "INS-004" and "休假" in e["reason"] for e in _draws(http)[0]["excluded"])


def test_too_few_eligible_inspectors_block_the_visit_with_a_reason_and_no_partial_team(system, http):
    clerk = login(http, "clerk01")
    for n in range(1, 19):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk,
                     {"on_duty": False, "reason": "测试：离岗"}))
    _ready(system)
    assert _draws(http) == []
    blocked = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert "少于所需的 2 名" in blocked[0]["reason"]


# --- replacement (S13) and recusal (N3) -------------------------------------------------------------------

def _team(http, clerk, inspection_id):
    return next(d for d in _draws(http, clerk) if d["inspection_id"] == inspection_id)


def test_a_replacement_needs_an_approver_who_chooses_from_the_eligible_list(system, http):
    clerk, approver = login(http, "clerk01"), login(http, "approver01")
    inspection = _ready(system)
    record = _team(http, clerk, inspection["inspection_id"])
    leaving = record["selected"][0]
    inspector_token = login(http, f"insp{int(leaving[-3:]):02d}")
    request = ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", inspector_token,
                           {"inspector_id": leaving, "reason": "健康状况", "text": "住院治疗"}))
    assert request["status"] == "requested"
    for who in (inspector_token, clerk):  # neither the requester nor a clerk may approve
        assert http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", who,
                         {"replacement_inspector_id": "INS-010", "text": "同意"})[0] == 403
    candidates = ok(http.call("GET", f"/draw/api/v1/replacements/{request['id']}/candidates", approver))
    offered = [c["id"] for c in candidates["candidates"]]
    assert leaving not in offered and record["selected"][1] not in offered and "INS-019" not in offered
    assert http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", approver,
                     {"replacement_inspector_id": "INS-019", "text": "同意"})[0] == 422
    chosen = offered[0]
    ok(http.call("POST", f"/draw/api/v1/replacements/{request['id']}/approve", approver,
                 {"replacement_inspector_id": chosen, "text": "同意，由其补位"}))
    system.bus.drain()
    replaced = [r for r in _outbox(system, "draw") if r.routing_key == "inspectors.replaced"]
    assert len(replaced) == 1 and json.loads(replaced[0].body)["data"]["new"]["id"] == chosen
    from tests.e2e.test_flow_embedded import contract_validator
    assert not list(contract_validator("InspectorsReplaced").iter_errors(json.loads(replaced[0].body)))
    letters = system.runtime("letters")
    with letters.app.app_context():
        from services.letters.adapters.db import Document
        documents = letters.db.session.query(Document).filter_by(kind="joint_letter").order_by(Document.version).all()
    assert [(d.version, d.status) for d in documents] == [(1, "revoked"), (2, "current")]
    assert chosen in documents[1].inspector_ids and leaving not in documents[1].inspector_ids
    old = ok(http.call("GET", f"/letters/verify/{documents[0].verification_code}?format=json"))
    new = ok(http.call("GET", f"/letters/verify/{documents[1].verification_code}?format=json"))
    assert (old["genuine"], old["current"], old["status"]) == (True, False, "revoked") and new["current"] is True
    assert _team(http, clerk, inspection["inspection_id"])["selected"] == record["selected"], "the record stays"


def test_without_approval_the_team_does_not_change(system, http):
    clerk = login(http, "clerk01")
    inspection = _ready(system)
    record = _team(http, clerk, inspection["inspection_id"])
    ok(http.call("POST", f"/draw/api/v1/draws/{record['id']}/replacements", clerk,
                 {"inspector_id": record["selected"][0], "reason": "工作冲突", "text": "同日另有专项任务"}))
    system.bus.drain()
    assert [r for r in _outbox(system, "draw") if r.routing_key == "inspectors.replaced"] == []


def test_an_approved_recusal_excludes_the_inspector_and_opens_a_replacement(system, http):
    clerk, approver = login(http, "clerk01"), login(http, "approver01")
    inspection = _ready(system)
    record = _team(http, clerk, inspection["inspection_id"])
    target = record["selected"][1]
    application = ok(http.call("POST", "/draw/api/v1/recusals", clerk, {
        "company_uscc": inspection["company"]["uscc"], "company_name": inspection["company"]["name"],
        "inspector_id": target, "inspection_id": inspection["inspection_id"], "reason": "该人员曾参与本企业项目审批"}))
    assert application["status"] == "pending"
    assert http.call("POST", f"/draw/api/v1/recusals/{application['id']}/decision", clerk,
                     {"approve": True, "reason": "属实"})[0] == 403
    ok(http.call("POST", f"/draw/api/v1/recusals/{application['id']}/decision", approver,
                 {"approve": True, "reason": "经核实属实，准予回避"}))
    pending = ok(http.call("GET", "/draw/api/v1/replacements", approver))["items"]
    assert pending[0]["inspector_id"] == target and pending[0]["reason"] == "执法回避"


def _outbox(system, service):
    runtime = system.runtime(service)
    with runtime.app.app_context():
        return runtime.db.session.query(runtime.models["Outbox"]).all()


def test_the_public_verification_page_shows_the_record_and_the_recomputation(system, http):
    _ready(system)
    record = _draws(http)[0]
    status, page = http.call("GET", f"/draw/draws/{record['id']}", raw=True)
    page = page.decode()
    assert status == 200 and "验证通过" in page and record["pool_hash"] in page and "不公开姓名" in page
    # stored UTC, shown in Beijing time, to the second: the commitment visibly precedes the draw
    from datetime import datetime
    from zoneinfo import ZoneInfo
    for stamp in (record["created_at"], record["commitment"]["committed_at"]):
        local = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Shanghai"))
        assert local.strftime("%Y-%m-%d %H:%M:%S") in page and stamp not in page


@pytest.mark.parametrize("tamper", ["pool", "seed", "selected"])
def test_the_standalone_verifier_confirms_a_real_record_and_rejects_a_changed_one(system, http, tmp_path, tamper):
    import subprocess
    import sys

    from shared.config import PROJECT_ROOT
    _ready(system)
    record = _draws(http)[0]
    script = [sys.executable, "-I", "-S", str(PROJECT_ROOT / "scripts" / "verify_draw.py")]
    good = tmp_path / "good.json"
    good.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([*script, str(good)], capture_output=True).returncode == 0
    if tamper == "pool":
        record["pool"] = sorted(record["pool"] + ["INS-999"])
    elif tamper == "seed":
        record["commitment"]["seed"] += 1
        record["sources"][0] = [record["commitment"]["seed"]]
        record["key"] = rfc3797.make_key(record["sources"])
    else:
        record["selected"] = list(reversed(record["selected"]))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert subprocess.run([*script, str(bad)], capture_output=True).returncode == 1


# --- quotas (S6, N6) ------------------------------------------------------------------------------------------

def test_s6_quotas_from_a_known_fixture():
    """Key units: 25 % per quarter, rounded up; general units: 5 × on-duty officers per year, a quarter of it."""
    from services.draw.domain.quota import QuotaRule, quota, source_document_rules
    key_rule, general_rule = source_document_rules()
    assert quota(key_rule, 37, on_duty_officers=18) == 10        # 9.25 → 10
    assert quota(key_rule, 40, on_duty_officers=18) == 10        # exactly 25 %
    assert quota(general_rule, 400, on_duty_officers=18) == 23   # 5 × 18 / 4 = 22.5 → 23
    assert quota(QuotaRule("一般", "per_officer", 5, period="year"), 400, 18) == 90
    assert quota(general_rule, 12, on_duty_officers=18) == 12    # never more than the stratum holds
    assert quota(QuotaRule("一般", "once_a_year"), 30, 18) == 8     # 7.5 → 8
    assert quota(QuotaRule("重点", "percent", 25, rounding="floor"), 37, 18) == 9
    with pytest.raises(ValueError):
        QuotaRule("一般", "lottery")


# --- target libraries, target draws, comprehensive enforcement -----------------------------------------------

def _local_library(http, clerk, key_units=8, general_units=30):
    import random as _random

    from shared.uscc import random_uscc
    rng = _random.Random(11)
    rows = [{"uscc": random_uscc(rng), "name": f"重点排污单位{n}", "unit_class": "重点", "credit_class": "B"}
            for n in range(key_units)]
    rows += [{"uscc": random_uscc(rng), "name": f"一般排污单位{n}", "unit_class": "一般", "credit_class": "A"}
             for n in range(general_units)]
    ok(http.call("POST", "/draw/api/v1/targets/local", clerk, {"rows": rows, "reason": "第四季度对象库更新"}))
    return rows


def test_a_target_draw_meets_the_s6_quotas_and_its_targets_become_visits(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("intake").clock.today_local()
    plan = ok(http.call("POST", "/intake/api/v1/plans", clerk, {
        "number": f"〔{today.year}〕21号", "name": "随机抽查（污染源日常监管）", "module": "随机抽查",
        "lead_department": "STHJ", "partners": [], "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=60)).isoformat(), "intake_deadline": today.isoformat()}))
    _local_library(http, clerk)
    body = {"plan_id": plan["id"], "period": f"{today.year}Q4", "items": ["STHJ-01"],
            "rules": [{"unit_class": "重点", "kind": "percent", "value": 25},
                      {"unit_class": "一般", "kind": "per_officer", "value": 5}]}
    drawn = ok(http.call("POST", "/draw/api/v1/target-draws", clerk, body))
    officers = drawn["on_duty_officers"]
    assert officers == 19  # 20 in the demo library, one off duty
    assert [(s["size"], s["quota"]) for s in drawn["strata"]] == [(8, 2), (30, min(30, -(-5 * officers // 4)))]
    for stratum in drawn["strata"]:
        assert ok(http.call("GET", f"/draw/api/v1/draws/{stratum['draw_id']}/verify"))["verified"] is True
    assert http.call("POST", "/draw/api/v1/target-draws", clerk, body)[0] == 409  # once per plan and period
    system.bus.drain()
    from tests.e2e.test_flow_embedded import contract_validator
    for row in [r for r in _outbox(system, "draw") if r.routing_key == "targets.drawn"]:
        assert not list(contract_validator("TargetsDrawn").iter_errors(json.loads(row.body)))
    visits = ok(http.call("GET", f"/intake/api/v1/plans/{plan['id']}/inspections", clerk))["items"]
    assert sorted(v["company"]["uscc"] for v in visits) == sorted(t["uscc"] for t in drawn["targets"])
    assert visits[0]["departments"][0]["upstream_draw_refs"][0] in {s["draw_id"] for s in drawn["strata"]}


def test_comprehensive_enforcement_matches_inspectors_directly_and_records_it(system, http):
    clerk = login(http, "clerk01")
    inspection = assigned_payload("insp-zh")["inspection"]
    inspection["plan"]["module"] = "综合执法"
    today = system.runtime("intake").clock.today_local()
    inspection["window"] = {"start": (today + timedelta(days=2)).isoformat(),
                            "end": (today + timedelta(days=4)).isoformat()}
    runtime = system.runtime("intake")
    with runtime.app.app_context():
        uow = runtime.unit_of_work()
        uow.emit("inspection.ready", inspection, subject="insp-zh")
        uow.commit()
    system.bus.drain()
    assert _draws(http) == [], "no lottery for comprehensive enforcement (S7)"
    waiting = ok(http.call("GET", "/draw/api/v1/blocked", clerk))["items"]
    assert "直接匹配" in waiting[0]["reason"]
    refused = http.call("POST", "/draw/api/v1/inspections/insp-zh/match", clerk,
                        {"inspector_ids": ["INS-020", "INS-001"], "reason": "专项执法"})
    assert refused[0] == 422 and "执法证" in refused[1]["error"]["fields"]["inspector_ids"][0]
    ok(http.call("POST", "/draw/api/v1/inspections/insp-zh/match", clerk,
                 {"inspector_ids": ["INS-001", "INS-002"], "reason": "支队专项执法方案指定"}))
    system.bus.drain()
    matchings = ok(http.call("GET", "/draw/api/v1/matchings"))["items"]
    assert matchings[0]["method"] == "直接匹配（非摇号）" and matchings[0]["matched_by"] == "clerk:clerk01"
    letters = system.runtime("letters")
    with letters.app.app_context():
        from services.letters.adapters.db import Document
        assert letters.db.session.query(Document).filter_by(inspection_id="insp-zh", kind="joint_letter").count() == 1


def test_a_province_library_is_imported_read_only_from_its_file_with_row_errors_in_chinese(system, http, tmp_path):
    from openpyxl import Workbook
    from werkzeug.test import Client
    clerk = login(http, "clerk01")
    book = Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "单位名称", "地址", "监管类别", "信用等级"])
    sheet.append(["914403001922038216", "青岛持证排污一厂", "前湾港路1号", "重点", "A"])
    sheet.append(["914403001922038217", "校验位错误的厂", "", "一般", "B"])
    path = tmp_path / "permits.xlsx"
    book.save(path)
    client = Client(system.wsgi)

    def upload(query=""):
        with open(path, "rb") as handle:
            return client.post(f"/draw/api/v1/targets/import{query}", headers={"Authorization": f"Bearer {clerk}"},
                               data={"library": "排污许可库", "file": (handle, "permits.xlsx")})
    response = upload("?dry_run=1")
    assert response.status_code == 422 and "第 3 行" in response.json["problems"][0]
    sheet.delete_rows(3)
    book.save(path)
    assert upload().json["imported"] == 1
    listed = ok(http.call("GET", "/draw/api/v1/targets?library=排污许可库", clerk))["items"]
    assert [t["name"] for t in listed] == ["青岛持证排污一厂"]


def test_s5_filing_deadlines():
    from services.draw.domain.filing import changes_due_on, headcount_due_on, quarter_bounds
    assert quarter_bounds("2026Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_bounds("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert changes_due_on("2026Q4") == date(2027, 1, 15)
    assert changes_due_on("2026Q2") == date(2026, 7, 15)
    assert headcount_due_on(2027) == date(2027, 1, 15)


# --- the inspector library in Excel, S5 filings -----------------------------------------------------------------

def _upload(system, token, data: bytes, query=""):
    import io

    from werkzeug.test import Client
    return Client(system.wsgi).post(f"/draw/api/v1/inspectors/import{query}",
                                    headers={"Authorization": f"Bearer {token}"},
                                    data={"reason": "第四季度人员调整", "file": (io.BytesIO(data), "inspectors.xlsx")})


def test_the_library_round_trips_through_excel_with_a_dry_run_preview(system, http):
    import io

    from openpyxl import load_workbook
    from werkzeug.test import Client
    clerk = login(http, "clerk01")
    exported = Client(system.wsgi).get("/draw/api/v1/inspectors.xlsx", headers={"Authorization": f"Bearer {clerk}"})
    book = load_workbook(io.BytesIO(exported.data))
    sheet = book.active
    assert sheet["A2"].value == "INS-001" and sheet.max_row == 21
    sheet["C2"] = "第九中队"                                    # a change
    sheet.append(["INS-021", "新同志", "第一中队", "37021199999", "青岛市人民政府", "2029-06-30", "是", "是",
                  "370211", "大气", ""])                        # a new officer
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _upload(system, clerk, buffer.getvalue(), "?dry_run=1").json
    actions = {row["id"]: row["action"] for row in preview["rows"]}
    assert actions["INS-001"] == "change" and actions["INS-021"] == "create" and actions["INS-002"] == "unchanged"
    assert all(i["id"] != "INS-021" for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"])
    written = _upload(system, clerk, buffer.getvalue()).json
    assert written["dry_run"] is False and written["errors"] == 0
    names = {i["id"]: i for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"]}
    assert names["INS-021"]["name"] == "新同志" and names["INS-001"]["unit"] == "第九中队"


def test_failing_rows_are_reported_in_chinese_and_nothing_is_written(system, http):
    import io

    from openpyxl import Workbook
    clerk = login(http, "clerk01")
    book = Workbook()
    sheet = book.active
    sheet.append(["人员编号", "姓名", "中队", "执法证号", "发证机关", "证件有效期至", "在编", "在岗"])
    sheet.append(["INS-050", "", "第一中队", "3702110050", "", "明年", "是", "也许"])
    sheet.append(["INS-051", "好同志", "第一中队", "3702110051", "", "2029-01-01", "是", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(system, clerk, buffer.getvalue())
    assert response.status_code == 422 and response.json["dry_run"] is True
    problems = response.json["rows"][0]["problems"]
    assert "姓名不能为空" in problems and any("日期" in p for p in problems) and any("在岗" in p for p in problems)
    assert all(i["id"] != "INS-051" for i in ok(http.call("GET", "/draw/api/v1/inspectors", clerk))["items"])


def test_the_quarter_report_lists_library_changes_and_the_headcount_feeds_the_quota(system, http):
    clerk = login(http, "clerk01")
    today = system.runtime("draw").clock.today_local()
    period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    ok(http.call("PATCH", "/draw/api/v1/inspectors/INS-002", clerk, {"unit": "第三中队", "reason": "岗位调整"}))
    report = ok(http.call("GET", f"/draw/api/v1/filings/inspector-changes/{period}", clerk))
    assert any(c["object"] == "inspector:INS-002" and c["reason"] == "岗位调整" for c in report["changes"])
    filed = ok(http.call("POST", f"/draw/api/v1/filings/inspector_changes/{period}", clerk))
    assert filed["late"] is False
    assert http.call("POST", f"/draw/api/v1/filings/inspector_changes/{period}", clerk)[0] == 409
    headcount = ok(http.call("POST", f"/draw/api/v1/filings/headcount/{today.year}", clerk))
    assert headcount["count"] == 19


def test_library_pages_are_for_staff_and_show_the_libraries(system, http):
    from werkzeug.test import Client
    client = Client(system.wsgi)
    assert client.get("/draw/clerk/inspectors").status_code == 302
    _local_library(http, login(http, "clerk01"), key_units=2, general_units=3)
    client.post("/draw/login", data={"username": "clerk01", "password": "jointinspect"})
    inspectors = client.get("/draw/clerk/inspectors").get_data(as_text=True)
    assert "执法人员库" in inspectors and "INS-020" in inspectors
    targets = client.get("/draw/clerk/targets").get_data(as_text=True)
    assert "重点排污单位1" in targets and "共 5 家" in targets
    assert "只读" in client.get("/draw/clerk/targets?library=排污许可库").get_data(as_text=True)


def test_a_blocked_visit_is_shown_to_the_clerk(system, http):
    from werkzeug.test import Client
    clerk = login(http, "clerk01")
    for n in range(1, 19):
        ok(http.call("PATCH", f"/draw/api/v1/inspectors/INS-{n:03d}", clerk, {"on_duty": False, "reason": "测试"}))
    _ready(system)
    client = Client(system.wsgi)
    client.post("/draw/login", data={"username": "clerk01", "password": "jointinspect"})
    page = client.get("/draw/clerk/inspectors").get_data(as_text=True)
    assert "无法抽取执法人员的检查（1 项）" in page and "少于所需的 2 名" in page


def test_the_cli_verifies_a_stored_draw(system, http, embedded_env):
    import os
    import subprocess
    import sys

    from shared.config import PROJECT_ROOT
    _ready(system)
    draw_id = _draws(http)[0]["id"]
    done = subprocess.run([sys.executable, "-m", "services.cli", "draw", "verify", draw_id], cwd=PROJECT_ROOT,
                          env={**os.environ, **embedded_env}, capture_output=True, text=True)
    assert done.returncode == 0 and "验证通过" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "services.cli", "draw", "verify", "nope"], cwd=PROJECT_ROOT,
                             env={**os.environ, **embedded_env}, capture_output=True, text=True)
    assert missing.returncode == 2 and "不存在" in missing.stderr
