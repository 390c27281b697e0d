"""Issue 6, results service on the embedded system: evidence (S9, S14), drafts, append-only results (S8), the
correction flow (S8), rectification to the deadline (S10), publication (N7, N8)."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.results.adapters import db as results_db
from tests.flow import ok
from tests.support.result_visit import VISIT, answers, outbox, png, rows, set_today, submit, upload

pytestmark = pytest.mark.integration

# --- evidence --------------------------------------------------------------------------------------------

def test_evidence_is_stored_once_under_its_hash_and_only_the_team_reads_it(system, http, visit):
    body = png()
    status, first = upload(system, visit["tokens"][0], visit["id"], body)
    assert status == 201 and first["content_type"] == "image/png" and first["size"] == len(body)
    again = upload(system, visit["tokens"][1], visit["id"], body, "same-photo-again.png")[1]
    assert again["sha256"] == first["sha256"] and len(rows(system, "Evidence")) == 1
    status, data = http.call("GET", first["url"], visit["tokens"][1], raw=True)
    assert status == 200 and data == body
    assert http.call("GET", first["url"], visit["outsider"])[0] == 403
    assert upload(system, visit["outsider"], visit["id"], png(1))[0] == 403


@pytest.mark.parametrize("body, name, message", [
    (b"GIF89a" + b"\0" * 64, "a.gif", "不是允许的类型"),
    (b"<html><script>alert(1)</script></html>", "evil.jpg", "不是允许的类型"),  # the name does not decide
    (png()[:-30], "cut.png", "已损坏"),
    (b"\xff\xd8\xff" + b"\0" * 100, "fake.jpg", "已损坏"),
    (b"%PDF-1.7\n" + b"x" * 100, "cut.pdf", "不是完整的 PDF"),
    (b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "huge.jpg", "超过 10 MB"),
    (b"", "empty.png", "没有内容"),
])
def test_wrong_types_broken_and_oversize_files_are_refused_and_nothing_is_stored(system, visit, body, name,
                                                                                 message):
    status, error = upload(system, visit["tokens"][0], visit["id"], body, name)
    assert status == 422 and message in error["error"]["fields"]["file"][0], error
    assert rows(system, "Evidence") == []


def test_a_body_beyond_the_request_limit_is_refused_in_chinese(system, visit):
    status, error = upload(system, visit["tokens"][0], visit["id"], b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024))
    assert status == 413 and "过大" in error["error"]["message"]
    assert rows(system, "Evidence") == []


def test_a_result_naming_evidence_never_uploaded_for_the_visit_is_refused(system, http, visit):
    items = answers("危废暂存间未设置标识")
    items[0]["evidence"] = ["0" * 64]
    status, error = submit(http, visit, items=items, category="发现问题待后续处理")
    assert status == 422 and "未上传到本次检查" in error["error"]["fields"]["items.0.evidence"][0]
    assert rows(system, "Result") == []


# --- drafts and submission -------------------------------------------------------------------------------

def test_a_draft_is_saved_again_and_again_and_submitting_finalises(system, http, visit):
    path = f"/results/api/v1/inspections/{visit['id']}/draft"
    ok(http.call("PUT", path, visit["tokens"][0], {"category": "未发现问题", "items": [{"item_code": "STHJ-01"}]}))
    ok(http.call("PUT", path, visit["tokens"][0], {"items": [{"item_code": "STHJ-01", "findings": "写了一半"}]}))
    assert ok(http.call("GET", path, visit["tokens"][0]))["body"]["items"][0]["findings"] == "写了一半"
    assert http.call("GET", path, visit["tokens"][1])[0] == 404  # each inspector's own draft
    ok(submit(http, visit))
    assert http.call("GET", path, visit["tokens"][0])[0] == 404
    status, error = http.call("PUT", path, visit["tokens"][0], {"items": []})
    assert status == 409 and "不得修改" in error["error"]["message"]


def test_the_company_confirms_or_its_refusal_is_recorded(system, http, visit):
    status, error = submit(http, visit, confirmation={})
    assert status == 422 and "签字" in json.dumps(error, ensure_ascii=False)
    status, error = submit(http, visit, confirmation={"scan": "f" * 64})
    assert status == 422 and "未上传到本次检查" in json.dumps(error, ensure_ascii=False)
    scan = upload(system, visit["tokens"][0], visit["id"], b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "签字.pdf")[1]
    result = ok(submit(http, visit, confirmation={"scan": scan["sha256"]}))
    assert result["company_confirmation"] == {"scan": scan["sha256"]}


def test_the_visit_category_agrees_with_the_items(http, visit):
    status, error = submit(http, visit, items=answers("标识缺失"), category="未发现问题")
    assert status == 422 and "不能为“未发现问题”" in error["error"]["fields"]["category"][0]
    status, error = submit(http, visit, items=answers(), category="发现问题待后续处理")
    assert status == 422 and "没有事项发现问题" in error["error"]["fields"]["category"][0]


def test_a_problem_must_say_what_was_found(http, visit):
    items = answers()
    items[0]["outcome"] = "发现问题"
    status, error = submit(http, visit, items=items, category="发现问题待后续处理")
    assert status == 422 and "发现的问题" in json.dumps(error, ensure_ascii=False)


def test_no_code_path_can_update_or_delete_a_submitted_result(system, http, visit):
    """S8 below the API: the session refuses to flush a change to a result or its publication."""
    ok(submit(http, visit))
    runtime = system.runtime("results")
    for model, change in ((results_db.Result, lambda r, session: setattr(r, "category", "注销")),
                          (results_db.Result, lambda r, session: session.delete(r)),
                          (results_db.Publication, lambda r, session: setattr(r, "category", "注销"))):
        with runtime.unit_of_work() as uow:
            change(uow.session.query(model).first(), uow.session)
            with pytest.raises(results_db.AppendOnlyViolation):
                uow.commit()
    assert rows(system, "Result")[0].category == "未发现问题"


# --- publication ------------------------------------------------------------------------------------------

def test_submission_publishes_with_its_deadline_and_a_late_one_is_flagged(system, http, visit):
    result = ok(submit(http, visit))
    assert result["publication_due"] == "2026-12-28" and result["published_late"] is False
    message = outbox(system, "result.published.STHJ")[0]
    assert message["publication_due"] == "2026-12-28" and message["round"] == 1


def test_a_result_entered_after_20_working_days_is_published_late(system, http, visit):
    set_today(system, date(2026, 12, 29))
    result = ok(submit(http, visit))
    assert result["published_late"] is True


def test_the_public_feed_shows_results_per_department_with_filters_and_paging(system, http, visit):
    ok(submit(http, visit, items=answers("危废暂存间未设置标识"), category="发现问题待后续处理"))
    feed = ok(http.call("GET", "/results/api/v1/public/results"))
    assert feed["total"] == 1
    row = feed["items"][0]
    assert row["company"] == {"name": "青岛测试化工有限公司", "uscc": "914403001922038216"}
    assert row["department"]["code"] == "STHJ" and row["category"] == "发现问题待后续处理"
    assert row["items"][0]["outcome"] == "发现问题" and row["visit_date"] == VISIT.isoformat()
    assert "inspectors" not in json.dumps(row) and "submitted_by" not in row
    assert "危废暂存间未设置标识" not in json.dumps(feed, ensure_ascii=False)  # findings: only a released summary
    for query, total in (("company=测试化工", 1), ("company=914403001922038216", 1), ("company=别家", 0),
                         ("department=SCJG", 0), ("department=STHJ", 1), ("plan=p", 1), ("plan=x", 0),
                         ("page=2&per_page=1", 1)):
        assert ok(http.call("GET", f"/results/api/v1/public/results?{query}"))["total"] == total, query
    assert http.call("GET", "/results/api/v1/public/results?per_page=500")[0] == 422


# --- correction (S8) --------------------------------------------------------------------------------------

def _application(system, visit) -> str:
    pdf = b"%PDF-1.4\n% signed by the department head\n%%EOF\n"
    return upload(system, visit["tokens"][0], visit["id"], pdf, "更正申请.pdf")[1]["sha256"]


def test_an_approved_correction_voids_the_result_and_the_same_team_inspects_again(system, http, visit):
    first = ok(submit(http, visit, items=answers("危废暂存间未设置标识"), category="发现问题待后续处理"))
    scan = _application(system, visit)
    status, error = http.call("POST", f"/results/api/v1/results/{first['id']}/corrections", visit["outsider"],
                              {"reason": "误将不涉及事项录为发现问题", "application_scan": scan})
    assert status == 403
    correction = ok(http.call("POST", f"/results/api/v1/results/{first['id']}/corrections", visit["tokens"][0],
                              {"reason": "误将不涉及事项录为发现问题", "application_scan": scan}))
    assert http.call("POST", f"/results/api/v1/results/{first['id']}/corrections", visit["tokens"][0],
                     {"reason": "再次申请更正", "application_scan": scan})[0] == 409
    assert http.call("POST", f"/results/api/v1/corrections/{correction['id']}/decision", visit["clerk"],
                     {"decision": "approve"})[0] == 403  # only an approver decides
    queue = ok(http.call("GET", "/results/api/v1/corrections?status=pending", visit["approver"]))["items"]
    assert [c["id"] for c in queue] == [correction["id"]]
    decided = ok(http.call("POST", f"/results/api/v1/corrections/{correction['id']}/decision", visit["approver"],
                           {"decision": "approve", "note": "情况属实，同意更正"}))
    assert decided["status"] == "approved" and decided["decided_by"].startswith("approver:")
    assert ok(http.call("GET", f"/results/api/v1/inspections/{visit['id']}/results", visit["clerk"]))["items"][0][
        "status"] == "submitted"  # the approver's step voids nothing: the detachment decides
    path = f"/results/api/v1/corrections/{correction['id']}/detachment-decision"
    assert http.call("POST", path, visit["approver"], {"decision": "approve"})[0] == 403
    queue = ok(http.call("GET", "/results/api/v1/corrections?status=approved", visit["detachment"]))["items"]
    assert [c["id"] for c in queue] == [correction["id"]]
    confirmed = ok(http.call("POST", path, visit["detachment"], {"decision": "approve", "note": "同意删除，重新检查"}))
    assert confirmed["status"] == "confirmed" and confirmed["detachment_by"] == "detachment:zhidui01"
    assert outbox(system, "result.voided.STHJ")[0]["result_id"] == first["id"]

    results = ok(http.call("GET", f"/results/api/v1/inspections/{visit['id']}/results", visit["clerk"]))["items"]
    assert results[0]["status"] == "voided" and results[0]["void"]["correction_id"] == correction["id"]
    assert results[0]["category"] == "发现问题待后续处理"  # kept exactly as it was
    assert ok(http.call("GET", "/results/api/v1/public/results"))["total"] == 0
    assert [r.status for r in rows(system, "Rectification")] == ["cancelled"]

    assert submit(http, visit, token=visit["outsider"])[0] == 403
    second = ok(submit(http, visit, token=visit["tokens"][1], items=[dict(answers()[0], outcome="不涉及")]))
    assert second["round"] == 2
    assert [m["supersedes"] for m in outbox(system, "result.published.STHJ")] == [None, first["id"]]
    assert ok(http.call("GET", "/results/api/v1/public/results"))["items"][0]["items"][0]["outcome"] == "不涉及"
    assert submit(http, visit, token=visit["tokens"][0])[0] == 409

    trail = [(e.action, e.actor, e.reason) for e in rows(system, "AuditEntry")]
    actions = [a for a, _, _ in trail]
    for step in ("result.submitted", "correction.requested", "correction.approved", "correction.confirmed",
                 "result.voided", "rectification.cancelled"):
        assert step in actions, step
    assert ("correction.requested", f"inspector:{visit['team'][0]}", "误将不涉及事项录为发现问题") in trail
    assert any(a == "correction.approved" and r == "情况属实，同意更正" for a, _, r in trail)


def test_a_rejected_correction_leaves_the_result_as_it_was(system, http, visit):
    first = ok(submit(http, visit))
    correction = ok(http.call("POST", f"/results/api/v1/results/{first['id']}/corrections", visit["clerk"],
                              {"reason": "企业称检查日期有误", "application_scan": _application(system, visit)}))
    ok(http.call("POST", f"/results/api/v1/corrections/{correction['id']}/decision", visit["approver"],
                 {"decision": "reject", "note": "检查日期无误"}))
    results = ok(http.call("GET", f"/results/api/v1/inspections/{visit['id']}/results", visit["clerk"]))["items"]
    assert [r["status"] for r in results] == ["submitted"]
    assert http.call("POST", f"/results/api/v1/corrections/{correction['id']}/decision", visit["approver"],
                     {"decision": "approve"})[0] == 409
    status, error = http.call("POST", f"/results/api/v1/corrections/{correction['id']}/detachment-decision",
                              visit["detachment"], {"decision": "approve"})
    assert status == 409 and outbox(system, "result.voided") == []


# --- rectification (S10) ----------------------------------------------------------------------------------

def test_a_problem_opens_a_rectification_due_in_three_months_and_its_department_hears_of_it(system, http, visit):
    ok(submit(http, visit, items=answers("危废暂存间未设置标识"), category="发现问题待后续处理"))
    [rectification] = rows(system, "Rectification")
    assert rectification.deadline == date(2027, 2, 28) and rectification.department == "STHJ"
    assert outcome_message(system)["rectification_deadline"] == "2027-02-28"
    opened = outbox(system, "rectification.updated.STHJ")
    assert opened[0]["status"] == "open" and opened[0]["deadline"] == "2027-02-28"


def outcome_message(system) -> dict:
    return outbox(system, "result.published.STHJ")[0]


def test_progress_after_the_deadline_needs_the_reason_and_completion_needs_evidence(system, http, visit):
    ok(submit(http, visit, items=answers("危废暂存间未设置标识"), category="发现问题待后续处理"))
    [rectification] = rows(system, "Rectification")
    path = f"/results/api/v1/rectifications/{rectification.id}/progress"
    ok(http.call("POST", path, visit["tokens"][0], {"note": "企业已订购标识牌"}))
    set_today(system, date(2027, 3, 1))
    late = ok(http.call("GET", "/results/api/v1/rectifications?overdue=1", visit["clerk"]))["items"]
    assert [r["id"] for r in late] == [rectification.id] and late[0]["overdue"]
    status, error = http.call("POST", path, visit["tokens"][0], {"note": "标识牌尚未到货"})
    assert status == 422 and "未按期完成的原因" in error["error"]["fields"]["delay_reason"][0]
    ok(http.call("POST", path, visit["tokens"][0], {"note": "标识牌尚未到货", "delay_reason": "供应商延期交货"}))
    status, error = http.call("POST", path, visit["tokens"][0], {"note": "已整改", "completed": True,
                                                                 "delay_reason": "供应商延期交货"})
    assert status == 422 and "证据" in error["error"]["message"]
    photo = upload(system, visit["tokens"][0], visit["id"], png(7))[1]["sha256"]
    done = ok(http.call("POST", path, visit["tokens"][0], {"note": "标识已设置", "completed": True,
                                                           "delay_reason": "供应商延期交货", "evidence": [photo]}))
    assert done["status"] == "completed" and len(done["progress"]) == 3
    assert http.call("POST", path, visit["tokens"][0], {"note": "再记一笔", "delay_reason": "无"})[0] == 409
    updates = outbox(system, "rectification.updated.STHJ")
    assert [u["status"] for u in updates] == ["open", "open", "open", "completed"]
    assert updates[2]["overdue"] is True
    assert ok(http.call("GET", "/results/api/v1/rectifications?overdue=1", visit["clerk"]))["items"] == []
    squadron = done["squadron"]
    assert squadron.endswith("中队")
    mine = ok(http.call("GET", f"/results/api/v1/rectifications?squadron={squadron}", visit["clerk"]))["items"]
    assert len(mine) == 1
    assert ok(http.call("GET", "/results/api/v1/rectifications?squadron=别的中队", visit["clerk"]))["items"] == []
