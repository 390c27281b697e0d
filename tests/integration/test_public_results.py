"""Issue 13 (N8): the public results carry exactly the N8 fields; free-text findings are public only as a summary
that the department's approver writes and releases, masked; ID-card and mobile numbers never reach the public.
results alone (its Flask app over its own SQLite file): the visit's team and time arrive as commands, as the events
would bring them."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services import registry
from services.results.commands import RecordAssignment, RecordSchedule, SubmitResult
from shared.auth import Principal, issue_token
from tests.support.results import at, inspection, results_runtime, rows, scheduled, team

pytestmark = pytest.mark.integration
VISIT = date(2026, 11, 30)
SECRET = "test-secret"
ID_CARD = "37021119900307123X"  # valid check character (GB 11643-1999)
MOBILE = "13905321234"
FINDINGS = f"危废暂存间未设置标识；现场负责人张伟（身份证{ID_CARD}，手机{MOBILE}）"
N8_FIELDS = {"company", "plan", "department", "visit_date", "category", "items", "rectification", "summary",
             "published_at"}


@pytest.fixture
def results(tmp_path):
    runtime = results_runtime(tmp_path, env={"SECRET_KEY": SECRET}, clock=at(VISIT, hour=15))
    app = registry.create("results", runtime)
    yield runtime, app.test_client()
    runtime.dispose()


def bearer(role: str, subject: str, department: str | None = "STHJ") -> dict:
    return {"Authorization": "Bearer " + issue_token(SECRET, Principal(role, subject, department, subject))}


APPROVER = bearer("approver", "approver01")


def visited(runtime, problem: bool = True):
    """A two-department visit (STHJ, SCJG) this morning; STHJ's result names an ID card and a mobile number."""
    runtime.bus.handle(RecordAssignment("insp-1", "draw-1", team(), inspection("insp-1")))
    fixed = scheduled("insp-1", "2026-11-30 09:30")
    runtime.bus.handle(RecordSchedule(fixed["inspection_id"], fixed["scheduled_at"], fixed["local_time"], 1,
                                      fixed["scheduled_by"]))
    item = {"item_code": "STHJ-01", "outcome": "发现问题" if problem else "未发现问题", "method": "实地检查",
            "findings": FINDINGS if problem else "", "measures": f"责令限期改正，联系人电话{MOBILE}",
            "follow_up": "责令改正", "evidence": []}
    [result] = runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id="INS-001", actor="inspector:INS-001", visit_date=VISIT,
        category="发现问题待后续处理" if problem else "未发现问题", items=(item,), department="STHJ",
        company_confirmation={"name": "王经理", "confirmed_at": "现场签字"}))
    return result


def public_feed(client) -> tuple[dict, str]:
    feed = client.get("/results/api/v1/public/results")
    page = client.get("/results/public/results")
    assert feed.status_code == 200 and page.status_code == 200
    return feed.get_json(), page.get_data(as_text=True)


def assert_nothing_private(text: str) -> None:
    for secret in (ID_CARD, MOBILE, "危废暂存间未设置标识", "张伟", "责令限期改正", "INS-001", "检查员1", "王经理",
                   "现场签字", "inspector:"):
        assert secret not in text, secret


def test_the_public_record_has_exactly_the_n8_fields_and_no_free_text(results):
    runtime, client = results
    visited(runtime)
    feed, page = public_feed(client)
    [row] = feed["items"]
    assert set(row) == N8_FIELDS
    assert row["company"] == {"name": "青岛测试化工有限公司", "uscc": "914403001922038216"}
    assert row["department"] == {"code": "STHJ", "name": "青岛市生态环境局西海岸新区分局"}
    assert row["items"] == [{"code": "STHJ-01", "name": "STHJ-01 事项", "outcome": "发现问题"}]
    assert row["category"] == "发现问题待后续处理" and row["summary"] is None
    assert row["rectification"] == {"status": "open", "label": "整改中", "due": "2027-02-28"}
    assert_nothing_private(json.dumps(feed, ensure_ascii=False))
    assert_nothing_private(page)
    assert "青岛测试化工有限公司" in page and "整改中" in page


def test_a_visit_without_problems_has_nothing_to_rectify(results):
    runtime, client = results
    visited(runtime, problem=False)
    [row] = public_feed(client)[0]["items"]
    assert row["rectification"] == {"status": "none", "label": "无需整改", "due": None}


def test_the_released_summary_is_public_masked_and_a_draft_is_not(results):
    runtime, client = results
    result = visited(runtime)
    path = f"/results/api/v1/results/{result.id}/summary"
    text = f"企业危废暂存间未设置标识，已责令改正。联系人手机 {MOBILE[:3]} {MOBILE[3:7]} {MOBILE[7:]}，身份证{ID_CARD}"
    draft = client.put(path, json={"text": text}, headers=APPROVER)
    assert draft.status_code == 200, draft.get_json()
    assert draft.get_json()["latest_version"] == 1 and draft.get_json()["released_version"] is None
    assert draft.get_json()["preview"].endswith("联系人手机 139****1234，身份证370211********123X")
    feed, page = public_feed(client)
    assert feed["items"][0]["summary"] is None and "已责令改正" not in page  # written, not yet released

    released = client.post(f"{path}/release", headers=APPROVER)
    assert released.status_code == 200 and released.get_json()["released_version"] == 1
    feed, page = public_feed(client)
    summary = feed["items"][0]["summary"]
    assert summary == "企业危废暂存间未设置标识，已责令改正。联系人手机 139****1234，身份证370211********123X"
    assert summary in page
    assert_nothing_private(json.dumps(feed["items"][0]["rectification"]) + summary.replace("危废暂存间未设置标识", ""))
    assert ID_CARD not in page and "1234，身份证370211********123X" in page
    assert client.post(f"{path}/release", headers=APPROVER).status_code == 409  # already public


def test_a_new_version_stays_private_until_released_and_every_step_is_audited(results):
    runtime, client = results
    result = visited(runtime)
    path = f"/results/api/v1/results/{result.id}/summary"
    assert client.put(path, json={"text": "第一版摘要", "release": True}, headers=APPROVER).status_code == 200
    second = client.put(path, json={"text": "第二版摘要"}, headers=APPROVER).get_json()
    assert (second["latest_version"], second["released_version"]) == (2, 1)
    assert public_feed(client)[0]["items"][0]["summary"] == "第一版摘要"
    assert client.put(path, json={"text": "第二版摘要", "release": True}, headers=APPROVER).status_code == 200
    assert public_feed(client)[0]["items"][0]["summary"] == "第二版摘要"
    trail = [(e.action, e.actor, (e.after or {}).get("version")) for e in rows(runtime, "AuditEntry")
             if e.action.startswith("summary.")]
    assert trail == [("summary.written", "approver:approver01", 1), ("summary.released", "approver:approver01", 1),
                     ("summary.written", "approver:approver01", 2), ("summary.released", "approver:approver01", 2)]
    assert [v["version"] for v in client.get(path, headers=APPROVER).get_json()["versions"]] == [1, 2]
    [listed] = client.get("/results/api/v1/summaries", headers=APPROVER).get_json()["items"]
    assert (listed["result_id"], listed["released_version"], listed["public_text"]) == (result.id, 2, "第二版摘要")
    assert client.get("/results/api/v1/summaries", headers=bearer("approver", "a2", "SCJG")).get_json()["items"] == []


@pytest.mark.parametrize("who, status", [
    (None, 401),
    (bearer("approver", "approver-scjg", "SCJG"), 403),  # an approver of another department
    (bearer("approver", "approver-none", None), 403),  # an approver of no department
    (bearer("clerk", "clerk01"), 403),
    (bearer("inspector", "INS-001"), 403),
])
def test_only_the_approver_of_the_results_department_writes_its_summary(results, who, status):
    runtime, client = results
    result = visited(runtime)
    answer = client.put(f"/results/api/v1/results/{result.id}/summary", json={"text": "摘要"}, headers=who or {})
    assert answer.status_code == status, answer.get_json()
    assert rows(runtime, "ResultSummary") == []


def test_an_empty_summary_is_refused_in_chinese(results):
    runtime, client = results
    result = visited(runtime)
    answer = client.put(f"/results/api/v1/results/{result.id}/summary", json={"text": "   "}, headers=APPROVER)
    assert answer.status_code == 422 and "摘要" in json.dumps(answer.get_json(), ensure_ascii=False)


def test_the_approver_page_shows_the_findings_to_the_approver_and_releases_a_summary(results):
    runtime, client = results
    result = visited(runtime)
    page = client.get("/results/approver/summaries", headers=APPROVER).get_data(as_text=True)
    assert "危废暂存间未设置标识" in page and "未撰写" in page and f'value="{result.id}"' in page
    form = {"result_id": result.id, "text": f"已责令改正，联系电话{MOBILE}", "action": "save_release"}
    answer = client.post("/results/approver/summaries", headers=APPROVER, data=form)
    assert answer.status_code == 303
    page = client.get("/results/approver/summaries", headers=APPROVER).get_data(as_text=True)
    assert "已公开（最新版本）" in page and "已责令改正，联系电话139****1234" in page
    assert public_feed(client)[0]["items"][0]["summary"] == "已责令改正，联系电话139****1234"
    assert client.get("/results/approver/summaries", headers=bearer("clerk", "clerk01")).status_code == 403


def test_a_released_summary_is_escaped_on_the_public_page(results):
    runtime, client = results
    result = visited(runtime)
    client.put(f"/results/api/v1/results/{result.id}/summary", json={"text": "<script>alert(1)</script>",
                                                                     "release": True}, headers=APPROVER)
    page = public_feed(client)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def _assign(runtime, inspection_id: str, local_time: str | None) -> None:
    runtime.bus.handle(RecordAssignment(inspection_id, f"draw-{inspection_id}", team(), inspection(inspection_id)))
    if local_time:
        fixed = scheduled(inspection_id, local_time)
        runtime.bus.handle(RecordSchedule(inspection_id, fixed["scheduled_at"], local_time, 1, fixed["scheduled_by"]))


def test_a_visit_is_a_public_task_only_once_its_fixed_time_has_passed(results):
    """N8 "tasks (after the visit)", N4: at 15:00 the 16:00 visit and the unscheduled one are in no public list."""
    runtime, client = results
    _assign(runtime, "insp-later", "2026-11-30 16:00")
    _assign(runtime, "insp-unscheduled", None)
    for path in ("/results/api/v1/public/visits", "/results/public/visits"):
        text = client.get(path).get_data(as_text=True)
        assert "青岛测试化工有限公司" not in text and "914403001922038216" not in text, path
    assert client.get("/results/api/v1/public/visits").get_json()["total"] == 0

    runtime.clock = at(VISIT, hour=17)
    listing = client.get("/results/api/v1/public/visits").get_json()
    assert listing["total"] == 1
    [visit] = listing["items"]
    assert set(visit) == {"company", "plan", "visit_date", "departments"}
    assert visit["company"] == {"name": "青岛测试化工有限公司", "uscc": "914403001922038216"}
    assert visit["visit_date"] == "2026-11-30"
    assert [(d["code"], [i["code"] for i in d["items"]], d["result_published"]) for d in visit["departments"]] == [
        ("STHJ", ["STHJ-01"], False), ("SCJG", ["SCJG-01", "SCJG-02"], False)]
    page = client.get("/results/public/visits").get_data(as_text=True)
    assert "青岛测试化工有限公司" in page and "待公示" in page
    for text in (json.dumps(listing, ensure_ascii=False), page):
        assert "INS-001" not in text and "检查员1" not in text and "16:00" not in text


def test_a_published_result_is_marked_on_its_public_task(results):
    runtime, client = results
    visited(runtime)
    [visit] = client.get("/results/api/v1/public/visits").get_json()["items"]
    assert {d["code"]: d["result_published"] for d in visit["departments"]} == {"STHJ": True, "SCJG": False}


def test_a_result_entered_before_the_fixed_hour_stays_private_until_then(results):
    """N4: entered on the visit's day at 08:00 for a 09:30 visit, the record is public from 09:30 only."""
    runtime, client = results
    runtime.clock = at(VISIT, hour=8)
    _assign(runtime, "insp-1", "2026-11-30 09:30")
    runtime.bus.handle(SubmitResult(
        inspection_id="insp-1", inspector_id="INS-001", actor="inspector:INS-001", visit_date=VISIT,
        category="未发现问题", department="STHJ", company_confirmation={"name": "王经理", "confirmed_at": "现场签字"},
        items=({"item_code": "STHJ-01", "outcome": "未发现问题", "method": "实地检查", "findings": "",
                "measures": "", "follow_up": "无需后续处置", "evidence": []},)))
    assert public_feed(client)[0]["total"] == 0
    runtime.clock = at(VISIT, hour=10)
    assert public_feed(client)[0]["total"] == 1


def test_a_voided_result_gets_no_summary_and_leaves_the_feed(results):
    from services.results.adapters.db import ResultVoid
    runtime, client = results
    result = visited(runtime)
    with runtime.unit_of_work() as uow:  # as the detachment's decision leaves it (S8)
        uow.add(ResultVoid(result_id=result.id, correction_id="c-1", voided_by="detachment:zhidui01",
                           voided_at=uow.now))
        uow.commit()
    answer = client.put(f"/results/api/v1/results/{result.id}/summary", json={"text": "摘要"}, headers=APPROVER)
    assert answer.status_code == 409 and public_feed(client)[0]["total"] == 0
