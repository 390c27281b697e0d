"""letters' use cases on its bus alone — no Flask, no other service, a fake renderer (S12, S13, N4, N10).
The set is issued once both the team and the fixed time are known: see test_letter_visit_time.py for that rule,
the lead department as issuer and rescheduling."""
from __future__ import annotations

import json

import pytest

from services.letters.commands import ReissueAfterReplacement, RetryFailedIssue, UploadSeal
from services.letters.queries import (
    BatchPdf,
    CurrentSeal,
    DocumentPdf,
    DocumentsOfInspection,
    IssueFailures,
    VerifyDocument,
)
from shared.auth import Principal
from shared.errors import Forbidden, Invalid, NotFound
from shared.uploads import Upload
from tests.support.contract import contract_errors
from tests.support.letters import (
    NO_FONT_HAS,
    FakeRenderer,
    a_team,
    assign_and_schedule,
    issue,
    letters_runtime,
    rows,
    schedule,
)

pytestmark = pytest.mark.unit
CLERK = Principal("clerk", "clerk01")


@pytest.fixture
def renderer():
    return FakeRenderer()


@pytest.fixture
def letters(tmp_path, renderer):
    runtime = letters_runtime(tmp_path, renderer=renderer)
    yield runtime
    runtime.dispose()


def _documents(letters, inspection_id="insp-1", who=CLERK):
    return letters.bus.handle(DocumentsOfInspection(inspection_id, who))


def _replace(inspection_id="insp-1"):
    return ReissueAfterReplacement(inspection_id, issue(inspection_id).inspection, a_team("王建国", "赵敏"),
                                   old_name="李海燕", new_name="赵敏", reason="工作冲突")


def test_an_assigned_and_scheduled_team_gets_the_whole_set_under_one_number(letters):
    assert assign_and_schedule(letters) is True
    documents = _documents(letters)
    assert [d.kind for d in documents] == ["joint_letter", "notice", "checklist", "field_record"]
    assert [d.number for d in documents[:2]] == ["青环西联函〔2026〕1号", "青环西联函〔2026〕1号·检查告知单"]
    assert {d.seq for d in documents} == {1} and len({d.verification_code for d in documents}) == 4
    assert all(d.inspector_ids == ["INS-001", "INS-002"] and d.status == "current" for d in documents)
    assert documents[0].content["verification"]["url"] == \
        f"http://testserver/letters/verify/{documents[0].verification_code}"


def test_each_department_is_told_with_its_own_items_in_the_contract_shape(letters):
    assign_and_schedule(letters)
    outbox = {row.routing_key: json.loads(row.body) for row in rows(letters, "Outbox")}
    assert sorted(outbox) == ["letter.issued.SCJG", "letter.issued.STHJ"]
    scjg = outbox["letter.issued.SCJG"]["data"]
    assert scjg["lead"] is False and [i["code"] for i in scjg["items"]] == ["SCJG-01"]
    assert scjg["number"] == "青环西联函〔2026〕1号" and scjg["scheduled_at"] == "2026-12-03T01:30:00Z"
    assert scjg["issuer"] == {"department": "STHJ", "name": "青岛市生态环境局西海岸新区分局", "code": "青环西联函"}
    assert scjg["inspectors"][0] == {"name": "王建国", "certificate_no": "37021100001", "department": "STHJ"}
    for body in outbox.values():
        assert contract_errors("LetterIssued", body) == []


def test_a_second_assigned_event_for_the_same_team_issues_nothing(letters):
    assign_and_schedule(letters)
    assert letters.bus.handle(issue()) is True
    assert len(_documents(letters)) == 4 and len(rows(letters, "Outbox")) == 2


def test_numbers_follow_each_other_per_issuer_and_year(letters):
    for n in range(3):
        assign_and_schedule(letters, f"insp-{n}")
    letters_ = [d for n in range(3) for d in _documents(letters, f"insp-{n}") if d.kind == "joint_letter"]
    assert [d.number for d in letters_] == [f"青环西联函〔2026〕{n}号" for n in (1, 2, 3)]


def test_a_replacement_revokes_the_set_and_issues_a_new_number_naming_the_new_team(letters):
    assign_and_schedule(letters)
    letters.bus.handle(_replace())
    documents = _documents(letters)
    assert [(d.version, d.status) for d in documents if d.kind == "joint_letter"] == [(1, "revoked"),
                                                                                      (2, "current")]
    new = documents[4]
    assert new.number == "青环西联函〔2026〕2号" and new.inspector_ids == ["INS-001", "INS-002"]
    assert [i["name"] for i in new.content["inspectors"]] == ["王建国", "赵敏"]
    assert new.content["visit_time"] == "2026-12-03 09:30", "the fixed time stays"
    revoked = rows(letters, "AuditEntry", action="letter.revoked")
    assert len(revoked) == 4 and revoked[0].reason == "检查人员更换：李海燕 → 赵敏（工作冲突）"
    old = letters.bus.handle(VerifyDocument(documents[0].verification_code.lower()))
    assert old.status == "revoked" and old.revoked_reason == "检查人员更换：李海燕 → 赵敏（工作冲突）"


def test_a_set_that_cannot_be_typeset_is_recorded_and_takes_no_number(letters):
    letters.bus.handle(issue("insp-x", a_team(f"王{NO_FONT_HAS}", "李海燕")))
    assert letters.bus.handle(schedule("insp-x")) is False
    failures = letters.bus.handle(IssueFailures())
    assert [f.inspection_id for f in failures] == ["insp-x"] and f"U+{ord(NO_FONT_HAS):04X}" in failures[0].reason
    assert _documents(letters, "insp-x") == [] and rows(letters, "Outbox") == []
    assert rows(letters, "NumberSequence") == [] and len(rows(letters, "AuditEntry", action="letter.failed")) == 1
    assign_and_schedule(letters, "insp-next")
    assert _documents(letters, "insp-next")[0].number.endswith("〕1号"), "the failed set took no number"


def test_a_retry_keeps_the_failure_until_the_font_exists_then_issues_and_clears_it(letters, renderer):
    assign_and_schedule(letters, "insp-x", a_team(f"王{NO_FONT_HAS}", "李海燕"))
    assert letters.bus.handle(RetryFailedIssue("insp-x")) is False
    assert len(letters.bus.handle(IssueFailures())) == 1
    renderer.missing = ""  # the operator installed a font that has it
    assert letters.bus.handle(RetryFailedIssue("insp-x")) is True
    assert letters.bus.handle(IssueFailures()) == []
    assert _documents(letters, "insp-x")[0].number == "青环西联函〔2026〕1号"


def test_a_retry_without_a_recorded_failure_is_not_found(letters):
    with pytest.raises(NotFound):
        letters.bus.handle(RetryFailedIssue("insp-none"))


def test_the_issuer_and_its_contact_come_from_the_settings(tmp_path):
    runtime = letters_runtime(tmp_path, LETTERS_ISSUER_CODE="青环测联函", LETTERS_ISSUER_NAME="测试分局",
                              LETTERS_CONTACT_NAME="办公室", LETTERS_CONTACT_PHONE="0532-1")
    try:
        assign_and_schedule(runtime)
        letter = _documents(runtime)[0]
    finally:
        runtime.dispose()
    assert letter.number == "青环测联函〔2026〕1号" and letter.content["issuer"] == "测试分局"
    assert letter.content["contact"] == {"name": "办公室", "phone": "0532-1"}


def test_only_the_team_and_staff_see_a_visits_documents(letters):
    assign_and_schedule(letters)
    assert len(_documents(letters, who=Principal("inspector", "INS-002"))) == 4
    with pytest.raises(Forbidden):
        _documents(letters, who=Principal("inspector", "INS-009"))
    chosen = tuple(d.id for d in _documents(letters)[:2])
    assert letters.bus.handle(BatchPdf(chosen, Principal("inspector", "INS-009"))) is None
    assert letters.bus.handle(BatchPdf(chosen, Principal("inspector", "INS-001"))) == b"%PDF-fake joint_letter,notice"


def _upload(alpha: bool = True) -> Upload:
    return Upload(body=b"\x89PNG-seal", content_type="image/png", sha256="ab" * 32, filename="seal.png",
                  width=600, height=600, has_alpha=alpha)


def test_an_uploaded_seal_is_named_by_documents_issued_afterwards_and_handed_to_the_renderer(letters, renderer):
    assign_and_schedule(letters, "insp-before")
    seal = letters.bus.handle(UploadSeal(_upload(), "admin:admin"))
    assign_and_schedule(letters, "insp-after")
    assert _documents(letters, "insp-before")[0].content["seal"] is None
    assert _documents(letters, "insp-after")[0].content["seal"] == f"seal/{seal.sha256}.png"
    letters.bus.handle(DocumentPdf(_documents(letters, "insp-after")[0].id, CLERK))  # rendered on demand (issue 15)
    assert renderer.calls[-1][1] == {f"seal/{seal.sha256}.png": (b"\x89PNG-seal", "image/png")}
    assert letters.bus.handle(CurrentSeal()).sha256 == seal.sha256
    assert rows(letters, "AuditEntry", action="seal.uploaded")[0].actor == "admin:admin"


def test_a_seal_without_transparency_is_refused_and_nothing_is_stored(letters):
    with pytest.raises(Invalid):
        letters.bus.handle(UploadSeal(_upload(alpha=False), "admin:admin"))
    assert letters.bus.handle(CurrentSeal()) is None and rows(letters, "AuditEntry") == []


def test_an_assigned_event_is_delivered_once_as_the_issue_command(letters):
    from shared import events
    data = {"inspection_id": "insp-1", "draw_id": "d", "inspection": issue().inspection, "inspectors": a_team()}
    _id, body = events.build("draw", "inspectors.assigned", data, "insp-1", letters.clock.now())
    event = events.parse(body)
    assert letters.deliver("letters.inspectors.assigned", event).value == "processed"
    assert letters.deliver("letters.inspectors.assigned", event).value == "duplicate"
    assert _documents(letters) == [], "no set before the visit's time is fixed"
    letters.bus.handle(schedule())
    assert len(_documents(letters)) == 4
