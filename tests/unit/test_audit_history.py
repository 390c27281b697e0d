"""History that cannot be rewritten quietly (S1, S8, N4; issue 13): the audit chain seals the immutable business
rows, signed checkpoints pin its head, and one check (VerifyAuditChain, `jointinspect audit verify`) catches an
edited entry, a rewrite-and-rehash, a truncation, a changed result / draw record / letter, a deleted or smuggled
row, and a forged checkpoint. Each service alone on SQLite, no Flask."""
from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, text

from shared.audit import entry_hash
from shared.checkpoints import signed_message
from shared.common_handlers import ListCheckpoints, MakeCheckpoint, VerifyAuditChain
from shared.signing import generate_key_text
from tests.support.results import at, inspection, results_runtime, team

pytestmark = pytest.mark.unit
VISIT = date(2026, 11, 30)
KEY = generate_key_text()


@pytest.fixture
def results(tmp_path):
    runtime = results_runtime(tmp_path, env={"AUDIT_SIGNING_KEY": KEY}, clock=at(VISIT))
    yield runtime
    runtime.dispose()


def submitted_result(runtime, inspection_id: str = "insp-1"):
    from services.results.commands import RecordAssignment, SubmitResult
    runtime.bus.handle(RecordAssignment(inspection_id, "draw-1", team(), inspection(inspection_id)))
    items = tuple({"item_code": code, "outcome": "未发现问题", "method": "实地检查", "findings": "", "measures": "",
                   "follow_up": "无需后续处置", "evidence": []} for code in ("STHJ-01", "SCJG-01", "SCJG-02"))
    return runtime.bus.handle(SubmitResult(
        inspection_id=inspection_id, inspector_id="INS-001", actor="inspector:INS-001", visit_date=VISIT,
        category="未发现问题", items=items, company_confirmation={"name": "王经理", "confirmed_at": "现场签字"}))


def verify(runtime, **published):
    return runtime.bus.handle(VerifyAuditChain(**published))


def execute(runtime, sql: str, **params) -> None:
    """Behind the system's back: straight SQL, as an insider with database access would."""
    with runtime.engine.begin() as connection:
        connection.execute(text(sql), params)


def rehash_from(runtime, first_seq: int) -> None:
    """Recompute every link from `first_seq` on, so the chain is self-consistent again (the cover-up)."""
    model = runtime.models["AuditEntry"]
    with runtime.unit_of_work() as uow:
        rows = uow.session.execute(select(model).order_by(model.seq)).scalars().all()
        prev = next((r.hash for r in reversed(rows) if r.seq < first_seq), "0" * 64)
        for row in (r for r in rows if r.seq >= first_seq):
            row.prev_hash = prev
            row.hash = prev = entry_hash(prev, row.actor, row.action, row.object, row.before, row.after, row.reason,
                                         row.at)
        uow.commit()


def result_ids(runtime) -> list[str]:
    with runtime.unit_of_work(read_only=True) as uow:
        return list(uow.session.execute(text("SELECT id FROM result")).scalars())


def audit_rows(runtime) -> list:
    model = runtime.models["AuditEntry"]
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(model).order_by(model.seq)).scalars().all()


def test_a_clean_history_verifies_with_its_seals_and_checkpoint(results):
    submitted_result(results)
    made = results.bus.handle(MakeCheckpoint())
    report = verify(results)
    assert report.ok, report.problems
    results_written = len(result_ids(results))
    assert results_written >= 1 and report.sealed_rows == results_written
    assert report.checkpoints == 1 and report.entries == made["seq"]
    assert "哈希链完整" in report.summary()


def test_each_submitted_result_is_sealed_by_content_hash_in_the_chain(results):
    submitted_result(results)
    seals = [row for row in audit_rows(results) if row.action == "row.sealed"]
    assert sorted(seal.object for seal in seals) == sorted(f"result:{i}" for i in result_ids(results))
    assert all(len(seal.after["sha256"]) == 64 and "category" in seal.after["columns"] for seal in seals)


def test_a_changed_result_category_is_detected(results):
    submitted_result(results)
    execute(results, "UPDATE result SET category = '发现问题经责令已改正'")
    report = verify(results)
    assert not report.ok and any("result:" in p and "改动" in p for p in report.problems), report.problems


def test_a_deleted_result_is_detected(results):
    submitted_result(results)
    execute(results, "DELETE FROM publication")
    execute(results, "DELETE FROM result")
    report = verify(results)
    assert any("已被删除" in p for p in report.problems), report.problems


def test_a_row_written_behind_the_systems_back_is_detected(results):
    submitted_result(results)
    execute(results, "INSERT INTO result (id, inspection_id, department, round, status, category, visit_date, items,"
                     " submitted_by, submitted_at, published_late) VALUES ('forged', 'insp-9', 'STHJ', 1, 'submitted',"
                     " '未发现问题', '2026-11-30', '[]', 'inspector:INS-001', '2026-11-30 02:00:00', 0)")
    report = verify(results)
    assert any("result:forged" in p and "没有封存" in p for p in report.problems), report.problems


def test_an_edited_audit_entry_is_detected(results):
    submitted_result(results)
    execute(results, "UPDATE audit_log SET reason = 'changed' WHERE seq = 2")
    report = verify(results)
    assert any("第 2 条" in p for p in report.problems), report.problems


def test_a_middle_entry_rewritten_and_the_rest_rehashed_is_detected_by_the_checkpoint(results):
    submitted_result(results)
    submitted_result(results, "insp-2")
    checkpoint = results.bus.handle(MakeCheckpoint())
    middle = checkpoint["seq"] // 2
    execute(results, "UPDATE audit_log SET actor = 'clerk:someone-else' WHERE seq = :seq", seq=middle)
    rehash_from(results, middle)
    report = verify(results)
    assert not report.ok
    assert any("链被改写" in p for p in report.problems), report.problems
    assert not any("不衔接" in p or "与其哈希不符" in p for p in report.problems), "the cover-up is self-consistent"


def test_the_last_five_entries_deleted_are_detected_by_the_checkpoint(results):
    submitted_result(results)
    submitted_result(results, "insp-2")
    checkpoint = results.bus.handle(MakeCheckpoint())
    last = checkpoint["seq"]
    execute(results, "DELETE FROM audit_log WHERE seq > :cut", cut=last - 5)
    report = verify(results)
    assert any(f"审计链只到第 {last - 5} 条" in p and "链尾" in p for p in report.problems), report.problems


def test_a_forged_checkpoint_signature_is_detected(results):
    submitted_result(results)
    checkpoint = results.bus.handle(MakeCheckpoint())
    forged = base64.b64encode(b"\x01" * 64).decode()
    execute(results, "UPDATE audit_checkpoint SET signature = :s WHERE seq = :seq", s=forged, seq=checkpoint["seq"])
    report = verify(results)
    assert any("签名无效" in p for p in report.problems), report.problems


def test_a_checkpoint_signed_with_another_key_is_not_trusted(results):
    from shared.signing import Signer, parse_private_key
    submitted_result(results)
    checkpoint = results.bus.handle(MakeCheckpoint())
    other = Signer(parse_private_key(generate_key_text()))
    signature = other.sign(signed_message("results", checkpoint["seq"], checkpoint["head_hash"], checkpoint["at"],
                                          other.key_id))
    execute(results, "UPDATE audit_checkpoint SET key_id = :k, public_key = :p, signature = :s",
            k=other.key_id, p=other.public_key, s=signature)
    assert any("签名" in p for p in verify(results).problems)


def test_a_saved_copy_of_the_published_checkpoints_still_catches_a_truncation_after_the_stored_ones_are_wiped(
        results):
    submitted_result(results)
    results.bus.handle(MakeCheckpoint())
    saved = results.bus.handle(ListCheckpoints())
    execute(results, "DELETE FROM audit_checkpoint")
    execute(results, "DELETE FROM audit_log WHERE seq > 3")
    assert verify(results).problems == [] or True  # the stored history alone may now look fine …
    keys = {k["key_id"]: k["public_key"] for k in saved["public_keys"]}
    report = verify(results, published=tuple(saved["checkpoints"]), public_keys=keys)
    assert any("链尾" in p for p in report.problems), report.problems  # … the saved copy does not


def test_checkpoints_are_made_only_when_the_head_moved(results):
    submitted_result(results)
    assert results.bus.handle(MakeCheckpoint()) is not None
    assert results.bus.handle(MakeCheckpoint()) is None
    submitted_result(results, "insp-2")
    assert results.bus.handle(MakeCheckpoint()) is not None
    assert len(results.bus.handle(ListCheckpoints())["checkpoints"]) == 2


def test_a_partner_verifies_a_checkpoint_with_the_published_recipe_and_key_alone(results):
    """What docs/asyncapi.yaml tells partners: Ed25519 over the canonical JSON of the five signed fields."""
    submitted_result(results)
    results.bus.handle(MakeCheckpoint())
    document = json.loads(json.dumps(results.bus.handle(ListCheckpoints()), ensure_ascii=False))
    checkpoint = document["checkpoints"][0]
    body = {field: checkpoint[field] for field in document["signed_fields"]}
    message = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    key = next(k["public_key"] for k in document["public_keys"] if k["key_id"] == checkpoint["key_id"])
    Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(base64.b64decode(checkpoint["signature"]),
                                                                       message)  # raises if wrong


def test_the_checkpoint_is_sent_to_every_department_as_an_event(results):
    from tests.support.contract import contract_errors
    from tests.support.outbox import outbox_rows
    submitted_result(results)
    made = results.bus.handle(MakeCheckpoint())
    rows = [row for row in outbox_rows(results) if row.routing_key == "audit.checkpoint"]
    assert len(rows) == 1
    body = json.loads(rows[0].body)
    assert body["data"] == made and not contract_errors("AuditCheckpoint", body)


def test_a_changed_letter_number_is_detected(tmp_path):
    from tests.support.letters import assign_and_schedule, letters_runtime
    runtime = letters_runtime(tmp_path, AUDIT_SIGNING_KEY=KEY)
    try:
        assert assign_and_schedule(runtime)
        assert verify(runtime).ok
        execute(runtime, "UPDATE document SET number = '青环西联函〔2026〕999号'")
        report = verify(runtime)
        assert any("document:" in p and "改动" in p for p in report.problems), report.problems
    finally:
        runtime.dispose()


def test_revoking_a_letter_is_not_mistaken_for_tampering(tmp_path):
    from tests.support.letters import assign_and_schedule, letters_runtime
    runtime = letters_runtime(tmp_path, AUDIT_SIGNING_KEY=KEY)
    try:
        assign_and_schedule(runtime)
        execute(runtime, "UPDATE document SET status = 'revoked', revoked_reason = '人员变更'")
        assert verify(runtime).ok, verify(runtime).problems
    finally:
        runtime.dispose()


def test_a_changed_draw_selection_is_detected(tmp_path):
    from services.draw.adapters.db import DrawRecord
    from tests.support.draw import draw_runtime
    runtime = draw_runtime(tmp_path, AUDIT_SIGNING_KEY=KEY)
    try:
        with runtime.unit_of_work() as uow:
            uow.add(DrawRecord(id="draw-1", subject_kind="inspection", subject_id="insp-1", department="STHJ",
                               inspection_id="insp-1", purpose="inspectors", algorithm="sha256", sources=[[1, 2]],
                               key="1.2./", pool=["INS-001", "INS-002", "INS-003"], pool_hash="0" * 64, excluded=[],
                               count=2, selected=["INS-001", "INS-003"], commitment_id=1, operator="system:draw",
                               visit_start=VISIT, inspectors=[], inspection={},
                               created_at=datetime(2026, 11, 28, 2, tzinfo=timezone.utc)))
            uow.commit()
        assert verify(runtime).ok, verify(runtime).problems
        execute(runtime, """UPDATE draw_record SET selected = '["INS-001", "INS-002"]'""")
        report = verify(runtime)
        assert any("draw_record:draw-1" in p and "改动" in p for p in report.problems), report.problems
    finally:
        runtime.dispose()


def test_the_embedded_demo_generates_its_signing_key_once(tmp_path):
    from shared.config import load_settings
    from shared.signing import signer_for
    settings = load_settings("results", {"JOINTINSPECT_VAR": str(tmp_path)})
    first, second = signer_for(settings), signer_for(settings.with_(service="draw"))
    assert first.public_key == second.public_key
    assert (tmp_path / "audit_signing_key").stat().st_mode & 0o777 == 0o600


def test_distributed_mode_refuses_to_sign_without_a_configured_key(tmp_path):
    from shared.config import SettingsError, load_settings
    from shared.signing import require_signing_key
    settings = load_settings("results", {"JOINTINSPECT_VAR": str(tmp_path), "AMQP_URL": "amqp://localhost"})
    with pytest.raises(SettingsError, match="AUDIT_SIGNING_KEY"):
        require_signing_key(settings)
    with pytest.raises(SettingsError, match="AUDIT_SIGNING_KEY"):
        require_signing_key(settings.with_(audit_signing_key="not-a-key"))
    assert require_signing_key(settings.with_(audit_signing_key=KEY))


def test_a_checkpoint_of_any_service_reaches_every_departments_feed_once(tmp_path, results):
    from services.intake.adapters.db import Department
    from services.intake.queries import PartnerEvents
    from shared import events
    from shared.runtime import Outcome
    from shared.topology import queue_name
    from tests.support.outbox import outbox_rows
    from tests.support.partners import partner_runtime
    submitted_result(results)
    results.bus.handle(MakeCheckpoint())
    body = next(row.body for row in outbox_rows(results) if row.routing_key == "audit.checkpoint")
    intake = partner_runtime(tmp_path / "intake")
    try:
        event, queue = events.parse(body), queue_name("intake", "audit.checkpoint")
        assert intake.deliver(queue, event) is Outcome.PROCESSED
        assert intake.deliver(queue, event) is Outcome.DUPLICATE
        with intake.unit_of_work(read_only=True) as uow:
            codes = uow.session.execute(select(Department.code)).scalars().all()
        assert len(codes) >= 2
        for code in codes:
            assert [e.body for e in intake.bus.handle(PartnerEvents(code, code)).events] == [body], code
    finally:
        intake.dispose()


def test_a_correction_and_the_void_it_causes_are_sealed_and_its_decisions_are_not_tampering(results):
    from services.results.commands import AddEvidence, ApplyForCorrection, DecideCorrection, DetachmentDecision
    [first, *_] = submitted_result(results)
    scan = results.bus.handle(AddEvidence("insp-1", "INS-001", "inspector:INS-001", "申请.pdf",
                                          b"%PDF-1.4\n% signed\n%%EOF\n")).sha256
    correction = results.bus.handle(ApplyForCorrection(first.id, "误录", scan, "inspector:INS-001", "INS-001"))
    results.bus.handle(DecideCorrection(correction.id, True, "同意", "approver:approver01"))
    results.bus.handle(DetachmentDecision(correction.id, True, "同意删除", "detachment:zhidui01"))
    sealed = {row.object.split(":")[0] for row in audit_rows(results) if row.action == "row.sealed"}
    assert {"result", "correction", "result_void"} <= sealed
    assert verify(results).ok, verify(results).problems
    execute(results, "UPDATE correction SET reason = '另有原因'")
    assert any("correction:" in p for p in verify(results).problems)


def test_checkpoints_signed_before_a_key_change_count_when_the_old_public_key_is_configured(tmp_path):
    from shared.signing import Signer, parse_private_key
    old_key, new_key = generate_key_text(), generate_key_text()
    first = results_runtime(tmp_path, env={"AUDIT_SIGNING_KEY": old_key}, clock=at(VISIT))
    submitted_result(first)
    first.bus.handle(MakeCheckpoint())
    first.dispose()
    rotated = results_runtime(tmp_path, env={"AUDIT_SIGNING_KEY": new_key}, clock=at(VISIT))
    assert any("签名" in p for p in verify(rotated).problems)  # the old checkpoint: signed by an unknown key
    rotated.dispose()
    old_public = Signer(parse_private_key(old_key)).public_key
    remembering = results_runtime(tmp_path, env={"AUDIT_SIGNING_KEY": new_key,
                                                 "AUDIT_PREVIOUS_PUBLIC_KEYS": old_public}, clock=at(VISIT))
    try:
        assert verify(remembering).ok, verify(remembering).problems
    finally:
        remembering.dispose()


def test_rows_written_before_sealing_existed_are_sealed_once_on_request(results):
    from shared.common_handlers import SealExistingRows
    submitted_result(results)
    execute(results, "DELETE FROM audit_log WHERE action = 'row.sealed'")  # as a database from before issue 13
    rehash_from(results, 1)
    assert any("没有封存" in p for p in verify(results).problems)
    assert results.bus.handle(SealExistingRows("cli:audit-seal-existing"))["result"] == len(result_ids(results))
    assert results.bus.handle(SealExistingRows("cli:audit-seal-existing"))["result"] == 0
    assert verify(results).ok, verify(results).problems


def test_a_distributed_worker_refuses_to_start_without_the_signing_key(monkeypatch, tmp_path, capsys):
    from services.cli import main
    monkeypatch.setenv("JOINTINSPECT_VAR", str(tmp_path))
    monkeypatch.setenv("AMQP_URL", "amqp://guest:guest@127.0.0.1:1/%2F")
    monkeypatch.setenv("SECRET_KEY", "worker-secret")
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)
    assert main(["worker", "results"]) == 2
    assert "AUDIT_SIGNING_KEY" in capsys.readouterr().err


def test_a_two_phase_target_and_inspector_draw_verifies_and_a_rewritten_selection_does_not(draw):
    """The target draw's strata fill in at phase two (not tampering); its draw records are sealed when made."""
    import random

    from services.draw.commands import ChangeLocalTargets, DrawInspectors, DrawTargets
    from shared.uscc import random_uscc
    from tests.support.draw import an_inspection, enter_randomness
    rng = random.Random(13)
    draw.bus.handle(ChangeLocalTargets(tuple({"uscc": random_uscc(rng), "name": f"{kind}单位{n}", "unit_class": kind,
                                              "credit_class": "B"} for kind in ("重点", "一般") for n in range(8)),
                                       "对象库更新", "clerk:clerk01"))
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    rules = tuple({"unit_class": kind, "kind": "percent", "value": 25} for kind in ("重点", "一般"))
    draw.bus.handle(DrawTargets("plan-1", "2026Q4", "随机抽查库", rules, ("STHJ-01",), "clerk:clerk01"))
    assert enter_randomness(draw)["draws"]
    report = verify(draw)
    assert report.ok and report.sealed_rows >= 4, report.problems  # a target draw, its strata, the visit's team
    execute(draw, """UPDATE draw_record SET selected = '["X"]' WHERE subject_kind = 'target_draw'""")
    assert any("draw_record:" in p and "改动" in p for p in verify(draw).problems)
