"""results' pages without a browser: who may see what, the form's refusals keep nothing, the queue decides."""
from __future__ import annotations

import pytest

from tests.flow import ok
from tests.support.login import page_login
from tests.support.result_visit import answers, rows, submit, upload

pytestmark = pytest.mark.integration


def _session(system, username):
    client = system.client()
    page_login(client, username)
    return client


def _form(**extra):
    data = {"visit_date": "2026-11-30", "category": "发现问题待后续处理", "outcome-STHJ-01": "发现问题",
            "method-STHJ-01": "实地检查", "findings-STHJ-01": "标识缺失", "measures-STHJ-01": "",
            "follow_up-STHJ-01": "责令改正", "confirm-name": "王经理", "confirm-confirmed_at": "16:30",
            "action": "submit"}
    data.update(extra)
    return data


def test_the_form_is_only_for_the_team(system, visit):
    outsider = next(f"insp{n:02d}" for n in range(1, 19) if f"INS-{n:03d}" not in visit["team"])
    page = _session(system, outsider).get(f"/results/inspections/{visit['id']}/form")
    assert page.status_code == 403 and "只有被抽中的检查人员" in page.get_data(as_text=True)


def test_a_refused_form_shows_why_and_keeps_no_uploaded_file(system, visit):
    import io
    client = _session(system, f"insp{int(visit['team'][0][-3:]):02d}")
    data = _form(**{"confirm-name": "", "confirm-confirmed_at": ""})
    data["evidence-STHJ-01"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "broken.png")
    page = client.post(f"/results/inspections/{visit['id']}/form", data=data, headers={"Origin": "http://localhost"})
    assert page.status_code == 200 and "已损坏" in page.get_data(as_text=True)
    data = _form(**{"confirm-name": "", "confirm-confirmed_at": ""})
    page = client.post(f"/results/inspections/{visit['id']}/form", data=data, headers={"Origin": "http://localhost"})
    assert "签字" in page.get_data(as_text=True)
    assert rows(system, "Result") == [] and rows(system, "Evidence") == []


def test_the_approver_then_the_detachment_decide_in_their_queues(system, http, visit):
    result = ok(submit(http, visit))
    scan = upload(system, visit["tokens"][0], visit["id"], b"%PDF-1.4\n%%EOF\n", "申请.pdf")[1]["sha256"]
    correction = ok(http.call("POST", f"/results/api/v1/results/{result['id']}/corrections", visit["tokens"][0],
                              {"reason": "检查日期录入错误", "application_scan": scan}))
    clerk = _session(system, "clerk01")
    assert "检查日期录入错误" in clerk.get("/results/approver/corrections").get_data(as_text=True)
    refused = clerk.post("/results/approver/corrections", data={"id": correction["id"], "decision": "approve"},
                         headers={"Origin": "http://localhost"})
    assert refused.status_code == 403
    approver = _session(system, "approver01")
    page = approver.post("/results/approver/corrections", data={"id": correction["id"], "decision": "approve",
                                                                "note": "同意"}, headers={"Origin": "http://localhost"})
    assert "暂无待审批的更正申请" in page.get_data(as_text=True) and "待支队决定" in page.get_data(as_text=True)
    assert rows(system, "ResultVoid") == []  # the approver's step: on to the detachment
    refused = approver.post("/results/detachment/corrections", data={"id": correction["id"], "decision": "approve"},
                            headers={"Origin": "http://localhost"})
    assert refused.status_code == 403 and "只有支队" in refused.get_data(as_text=True)
    detachment = system.client()
    detachment.set_cookie("ji_token", visit["detachment"])
    page = detachment.get("/results/detachment/corrections").get_data(as_text=True)
    assert "检查结果更正 · 支队决定" in page and "检查日期录入错误" in page and "approver:" in page
    assert "青岛市生态环境局西海岸新区分局" in page  # the department whose result it is
    page = detachment.post("/results/detachment/corrections", data={"id": correction["id"], "decision": "approve",
                                                                    "note": "同意删除"},
                           headers={"Origin": "http://localhost"})
    assert "暂无待支队决定的更正申请" in page.get_data(as_text=True)
    assert rows(system, "ResultVoid")[0].correction_id == correction["id"]


def test_the_dashboard_lists_results_due_and_rectifications(system, http, visit):
    page = _session(system, "clerk01").get("/results/clerk/dashboard").get_data(as_text=True)
    assert "青岛测试化工有限公司" in page and "2026-12-31" in page  # window ends 3 Dec: 20 working days later
    ok(submit(http, visit, items=answers("标识缺失"), category="发现问题待后续处理"))
    page = _session(system, "clerk01").get("/results/clerk/dashboard").get_data(as_text=True)
    assert "标识缺失" in page and "2027-02-28" in page and "没有待录入的检查" in page


def test_public_results_page_shows_the_outcome_and_never_the_findings(system, http, visit):
    """Issue 13 (N8): free-text findings are public only as a released summary (test_public_results.py)."""
    ok(submit(http, visit, items=answers("<script>alert(1)</script>"), category="发现问题待后续处理"))
    page = system.client().get("/results/public/results?company=测试").get_data(as_text=True)
    assert "alert(1)" not in page
    assert "发现问题待后续处理" in page and "共 1 条" in page and "整改中" in page


def test_the_form_submits_the_result_with_its_photo_in_one_go(system, http, visit):
    """The page's own path (the browser test drives it in Chromium): files and result in one command (S8, S9)."""
    import io

    from tests.support.result_visit import png
    client = _session(system, f"insp{int(visit['team'][0][-3:]):02d}")
    path = f"/results/inspections/{visit['id']}/form"
    saved = client.post(path, data=_form(action="draft"), headers={"Origin": "http://localhost"})
    assert "草稿已保存" in saved.get_data(as_text=True)
    data = _form()
    data["evidence-STHJ-01"] = (io.BytesIO(png(5)), "现场照片.png")
    answer = client.post(path, data=data, headers={"Origin": "http://localhost"})
    assert answer.status_code == 302
    assert "检查结果已提交" in client.get(path).get_data(as_text=True)
    [result] = ok(http.call("GET", f"/results/api/v1/inspections/{visit['id']}/results", visit["clerk"]))["items"]
    assert len(result["items"][0]["evidence"]) == 1 and result["company_confirmation"]["name"] == "王经理"
    assert len(rows(system, "Evidence")) == 1 and rows(system, "Draft") == []


def test_my_visits_and_the_dashboard_say_where_each_visit_stands(system, http, visit):
    client = _session(system, f"insp{int(visit['team'][0][-3:]):02d}")
    assert "待录入" in client.get("/results/my").get_data(as_text=True)
    ok(submit(http, visit))
    page = client.get("/results/my").get_data(as_text=True)
    assert "已提交" in page and "查看" in page
