"""Issue #11 on letters' bus (fake renderer): the set waits for both the whole team (`inspectors.assigned`) and the
fixed visit time (`visit.scheduled`), in either order; the LEAD department issues it under its own 机关代字 and
number sequence; a changed time revokes the set and issues a new one, a stale announcement does nothing."""
from __future__ import annotations

import json

import pytest

from services.letters.commands import ReissueAfterReplacement, UploadSeal
from services.letters.queries import AwaitingTime, DocumentsOfInspection, VerifyDocument, VisitTime
from shared.auth import Principal
from shared.errors import Forbidden
from shared.uploads import Upload
from tests.support.contract import contract_errors
from tests.support.letters import (
    a_joint_team,
    an_inspection,
    assign_and_schedule,
    issue,
    letters_runtime,
    rows,
    schedule,
)

pytestmark = pytest.mark.unit
CLERK = Principal("clerk", "clerk01")
MARKET_NAME = "青岛市黄岛区市场监督管理局"
ECO_NAME = "青岛市生态环境局西海岸新区分局"


@pytest.fixture
def letters(tmp_path):
    runtime = letters_runtime(tmp_path)
    yield runtime
    runtime.dispose()


def _documents(letters, inspection_id="insp-1"):
    return letters.bus.handle(DocumentsOfInspection(inspection_id, CLERK))


def _letters(letters, inspection_id="insp-1"):
    return [d for d in _documents(letters, inspection_id) if d.kind == "joint_letter"]


def _outbox(letters):
    return [json.loads(row.body) for row in rows(letters, "Outbox")]


@pytest.mark.parametrize("team_first", [True, False], ids=["team-then-time", "time-then-team"])
def test_the_set_is_issued_only_once_both_the_team_and_the_time_are_known(letters, team_first):
    first, second = (issue(), schedule()) if team_first else (schedule(), issue())
    assert letters.bus.handle(first) is False
    assert _documents(letters) == [] and _outbox(letters) == []
    assert letters.bus.handle(second) is True
    documents = _documents(letters)
    assert [d.kind for d in documents] == ["joint_letter", "notice", "checklist", "field_record"]
    assert {d.content["visit_time"] for d in documents} == {"2026-12-03 09:30"}
    assert {d.content["scheduled_at"] for d in documents} == {"2026-12-03T01:30:00Z"}
    assert len(_outbox(letters)) == 2


def test_until_the_time_is_fixed_the_visit_shows_as_awaiting_its_time_to_its_team_and_clerks(letters):
    letters.bus.handle(issue())
    member, outsider = Principal("inspector", "INS-002"), Principal("inspector", "INS-009")
    assert letters.bus.handle(VisitTime("insp-1", member)).schedule is None
    assert [v.inspection_id for v in letters.bus.handle(AwaitingTime(member))] == ["insp-1"]
    assert [v.inspection_id for v in letters.bus.handle(AwaitingTime(CLERK))] == ["insp-1"]
    assert letters.bus.handle(AwaitingTime(outsider)) == []
    with pytest.raises(Forbidden):
        letters.bus.handle(VisitTime("insp-1", outsider))
    letters.bus.handle(schedule())
    assert letters.bus.handle(AwaitingTime(CLERK)) == []
    assert letters.bus.handle(VisitTime("insp-1", member)).schedule["local_time"] == "2026-12-03 09:30"


def test_a_visit_led_by_market_regulation_is_issued_under_its_name_and_its_own_sequence(letters):
    assign_and_schedule(letters, "insp-eco", issuers=True)
    assign_and_schedule(letters, "insp-m1", a_joint_team("SCJG"), lead="SCJG", issuers=True)
    assign_and_schedule(letters, "insp-m2", a_joint_team("SCJG"), lead="SCJG", issuers=True)
    assign_and_schedule(letters, "insp-eco2", issuers=True)
    assert [_letters(letters, i)[0].number for i in ("insp-eco", "insp-m1", "insp-m2", "insp-eco2")] == [
        "青环西联函〔2026〕1号", "黄市监联函〔2026〕1号", "黄市监联函〔2026〕2号", "青环西联函〔2026〕2号"]
    market = _letters(letters, "insp-m1")[0]
    assert market.issuer_code == "黄市监联函" and market.content["issuer"] == MARKET_NAME
    assert market.content["recipients"] == [ECO_NAME], "addressed to the partner, never to the lead itself"
    assert market.content["contact"] == {"name": "检查组组长赵市监", "phone": ""}
    sequences = {(r.issuer_code, r.year): r.last for r in rows(letters, "NumberSequence")}
    assert sequences == {("青环西联函", 2026): 2, ("黄市监联函", 2026): 2}
    told = [e["data"] for e in _outbox(letters) if e["data"]["inspection_id"] == "insp-m1"]
    assert sorted(e["department"] for e in told) == ["SCJG", "STHJ"]
    for event in told:
        assert event["issuer"] == {"department": "SCJG", "name": MARKET_NAME, "code": "黄市监联函"}
        assert event["number"] == "黄市监联函〔2026〕1号" and event["scheduled_at"] == "2026-12-03T01:30:00Z"
    for body in _outbox(letters):
        assert contract_errors("LetterIssued", body) == []


def test_the_eco_sub_bureau_issues_its_visits_from_its_settings_whatever_intake_sends(tmp_path):
    runtime = letters_runtime(tmp_path, LETTERS_ISSUER_CODE="青环测联函", LETTERS_ISSUER_NAME="测试分局")
    try:
        assign_and_schedule(runtime, issuers=True)
        letter = _letters(runtime)[0]
    finally:
        runtime.dispose()
    assert letter.number == "青环测联函〔2026〕1号" and letter.content["issuer"] == "测试分局"
    assert letter.content["recipients"] == [MARKET_NAME]


def test_a_lead_whose_issuer_intake_does_not_send_yet_issues_under_its_own_name(letters):
    assign_and_schedule(letters, team=a_joint_team("SCJG"), lead="SCJG", issuers=False)
    letter = _letters(letters)[0]
    assert letter.content["issuer"] == MARKET_NAME and letter.number == "青环西联函〔2026〕1号"


def test_every_departments_members_are_listed_by_department_with_the_leader_marked(letters):
    assign_and_schedule(letters, team=a_joint_team("SCJG"), lead="SCJG", issuers=True)
    content = _letters(letters)[0].content
    assert [(t["department"], t["lead"], [m["name"] for m in t["members"]]) for t in content["teams"]] == [
        ("SCJG", True, ["赵市监", "钱市监"]), ("STHJ", False, ["王建国", "李海燕"])]
    assert [m["leader"] for t in content["teams"] for m in t["members"]] == [True, False, False, False]
    assert content["teams"][0]["members"][0]["certificate_no"] == "37021100011"


def test_a_changed_time_revokes_the_set_and_issues_a_new_one_with_a_new_number(letters):
    assign_and_schedule(letters)
    old_codes = [d.verification_code for d in _documents(letters)]
    assert letters.bus.handle(schedule(at="2026-12-04T06:00:00Z", version=2, reason="企业申请调整")) is True
    documents = _documents(letters)
    assert [(d.version, d.status, d.number) for d in documents if d.kind == "joint_letter"] == [
        (1, "revoked", "青环西联函〔2026〕1号"), (2, "current", "青环西联函〔2026〕2号")]
    assert {d.content["visit_time"] for d in documents if d.status == "current"} == {"2026-12-04 14:00"}
    reason = "检查时间变更：2026年12月3日 9:30 → 2026年12月4日 14:00（企业申请调整）"
    old = letters.bus.handle(VerifyDocument(old_codes[0]))
    assert old.status == "revoked" and old.revoked_reason == reason
    assert [e.reason for e in rows(letters, "AuditEntry", action="letter.revoked")] == [reason] * 4
    announced = [e["data"]["scheduled_at"] for e in _outbox(letters)]
    assert announced == ["2026-12-03T01:30:00Z"] * 2 + ["2026-12-04T06:00:00Z"] * 2


@pytest.mark.parametrize("version", [3, 2], ids=["duplicate", "stale"])
def test_a_stale_or_repeated_time_changes_nothing(letters, version):
    assign_and_schedule(letters)
    letters.bus.handle(schedule(at="2026-12-04T06:00:00Z", version=3))
    before = [(d.id, d.status) for d in _documents(letters)]
    outbox = len(_outbox(letters))
    assert letters.bus.handle(schedule(at="2026-12-05T01:00:00Z", version=version)) is False
    assert [(d.id, d.status) for d in _documents(letters)] == before and len(_outbox(letters)) == outbox
    assert letters.bus.handle(VisitTime("insp-1", CLERK)).schedule["version"] == 3


def test_a_replacement_before_the_time_is_fixed_only_changes_the_team_the_set_will_name(letters):
    letters.bus.handle(issue())
    replace = ReissueAfterReplacement("insp-1", an_inspection(), a_joint_team()[:1] + a_joint_team()[2:],
                                      old_name="李海燕", new_name="赵市监", reason="工作冲突")
    assert letters.bus.handle(replace) is False and _documents(letters) == []
    letters.bus.handle(schedule())
    letter = _letters(letters)[0]
    assert [i["name"] for i in letter.content["inspectors"]] == ["王建国", "赵市监", "钱市监"]
    assert letter.content["inspectors"][0]["leader"] is True


def test_a_lead_without_an_uploaded_seal_gets_its_letter_without_one(letters):
    upload = Upload(body=b"\x89PNG-seal", content_type="image/png", sha256="cd" * 32, filename="seal.png",
                    width=600, height=600, has_alpha=True)
    letters.bus.handle(UploadSeal(upload, "admin:admin"))  # the eco sub-bureau's seal
    assign_and_schedule(letters, "insp-eco", issuers=True)
    assign_and_schedule(letters, "insp-market", a_joint_team("SCJG"), lead="SCJG", issuers=True)
    assert _letters(letters, "insp-eco")[0].content["seal"] == f"seal/{'cd' * 32}.png"
    assert _letters(letters, "insp-market")[0].content["seal"] is None


def test_a_visit_scheduled_event_is_delivered_as_the_time_command(letters):
    from shared import events
    letters.bus.handle(issue())
    inspection = an_inspection()
    data = {"inspection_id": "insp-1", "scheduled_at": "2026-12-03T01:30:00Z", "local_time": "2026-12-03 09:30",
            "version": 1, "previous_at": None, "reason": None, "scheduled_by": "inspector:INS-001",
            "plan": inspection["plan"], "company": inspection["company"], "window": inspection["window"],
            "inspectors": issue().inspectors}
    _id, body = events.build("draw", "visit.scheduled", data, "insp-1", letters.clock.now())
    assert contract_errors("VisitScheduled", json.loads(body)) == []
    event = events.parse(body)
    assert letters.deliver("letters.visit.scheduled", event).value == "processed"
    assert letters.deliver("letters.visit.scheduled", event).value == "duplicate"
    assert len(_documents(letters)) == 4


def _text(pdf: bytes) -> str:
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as parsed:
        return "".join("".join((page.extract_text() or "").split()) for page in parsed.pages)


def test_a_market_regulation_led_set_as_printed(tmp_path):
    """The real renderer: the lead issues, the partner is asked to take part, every department's members with
    their certificate numbers, the leader marked, and the fixed time on the letter, the notice and the field
    record — never a sentence asking the lead to send people to its own visit."""
    from services.letters.queries import DocumentPdf
    runtime = letters_runtime(tmp_path, real_renderer=True)
    try:
        assign_and_schedule(runtime, team=a_joint_team("SCJG"), lead="SCJG", issuers=True)
        texts = {d.kind: _text(runtime.bus.handle(DocumentPdf(d.id, CLERK))[1]) for d in _documents(runtime)}
    finally:
        runtime.dispose()
    letter = texts["joint_letter"]
    assert letter.startswith(MARKET_NAME + "黄市监联函〔2026〕1号"), letter[:60]
    assert f"{ECO_NAME}：" in letter and f"由{MARKET_NAME}牵头，{ECO_NAME}配合" in letter
    assert "定于2026年12月3日9:30对" in letter and "二、检查时间2026年12月3日9:30。" in letter
    assert "2026年12月1日至" not in letter, "the window is not the visit time"
    for name, certificate in (("赵市监（组长）", "37021100011"), ("钱市监", "37021100012"),
                              ("王建国", "37021100001"), ("李海燕", "37021100002")):
        assert f"{name}{certificate}" in letter, name
    assert letter.index(f"{MARKET_NAME}（牵头）") < letter.index("37021100011") \
        < letter.index(f"{ECO_NAME}（配合）") < letter.index("37021100001"), "grouped by department, the lead first"
    assert "请贵单位按时派员参加" not in letter and f"请{MARKET_NAME}" not in letter
    assert f"请{ECO_NAME}通知本单位上列检查人员按时到场" in letter
    assert "2026年12月3日9:30" in texts["notice"] and "2026年12月3日9:30" in texts["field_record"]
    assert "2026年12月3日9:30" in texts["checklist"]
