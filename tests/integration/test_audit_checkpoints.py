"""Signed audit checkpoints in public (issue 13): the page and API of every service, the admin's verification, the
`audit.checkpoint` event in every department's feed, `jointinspect audit verify --checkpoints FILE` catching a
truncation after the stored checkpoints were wiped; and the sealing and verification on PostgreSQL."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from shared.common_handlers import MakeCheckpoint, VerifyAuditChain
from shared.signing import generate_key_text
from tests.flow import login

SERVICES = ("intake", "draw", "letters", "results")


def checkpoint_all(system) -> dict:
    return {name: system.runtime(name).bus.handle(MakeCheckpoint()) for name in SERVICES}


def test_every_service_publishes_its_signed_checkpoints_on_a_page_and_in_json(system, reference, http):
    made = checkpoint_all(system)
    for name in ("intake", "draw"):  # the reference data wrote audit entries in these two
        status, document = http.call("GET", f"/{name}/api/v1/audit/checkpoints")
        assert status == 200 and document["service"] == name
        assert document["checkpoints"][0]["head_hash"] == made[name]["head_hash"]
        assert {k["key_id"] for k in document["public_keys"]} == {made[name]["key_id"]}
        status, page = http.call("GET", f"/{name}/audit/checkpoints", raw=True)
        assert status == 200 and "审计链检查点" in page.decode() and made[name]["head_hash"] in page.decode()


def test_the_full_verification_is_for_admins(system, reference, http):
    checkpoint_all(system)
    status, _ = http.call("GET", "/draw/api/v1/audit/verification")
    assert status == 401
    status, _ = http.call("GET", "/draw/api/v1/audit/verification", token=login(http, "clerk01"))
    assert status == 403
    status, body = http.call("GET", "/draw/api/v1/audit/verification", token=login(http, "admin"))
    assert status == 200 and body["ok"] and body["checkpoints"] == 1 and "哈希链完整" in body["summary"], body


def test_every_department_receives_each_services_checkpoint_in_its_feed(system, reference):
    from services.intake.queries import PartnerEvents
    made = checkpoint_all(system)
    system.bus.drain()
    intake = system.runtime("intake")
    for department in reference["departments"]:
        code = department["code"]
        logged = [json.loads(e.body) for e in intake.bus.handle(PartnerEvents(code, code)).events]
        checkpoints = {e["data"]["service"]: e["data"] for e in logged if e["type"].endswith("audit.checkpoint.v1")}
        assert checkpoints == {name: data for name, data in made.items() if data}, code


def test_the_command_line_checks_the_chain_against_a_saved_copy_of_the_checkpoints(system, reference, http,
                                                                                  embedded_env, monkeypatch,
                                                                                  capsys, tmp_path):
    from services.cli import main
    for variable, value in embedded_env.items():
        monkeypatch.setenv(variable, value)
    system.runtime("draw").bus.handle(MakeCheckpoint())
    saved = tmp_path / "draw-checkpoints.json"
    saved.write_text(json.dumps(http.call("GET", "/draw/api/v1/audit/checkpoints")[1], ensure_ascii=False))
    assert main(["audit", "verify", "--service", "draw", "--checkpoints", str(saved)]) == 0
    assert "哈希链完整" in capsys.readouterr().out
    with system.runtime("draw").engine.begin() as connection:  # the insider: cut the tail, drop the evidence
        last = connection.execute(text("SELECT max(seq) FROM audit_log")).scalar()
        connection.execute(text("DELETE FROM audit_log WHERE seq > :cut"), {"cut": last - 5})
        connection.execute(text("DELETE FROM audit_checkpoint"))
    assert main(["audit", "verify", "--service", "draw", "--checkpoints", str(saved)]) == 1
    assert "链尾记录被删除" in capsys.readouterr().out


@pytest.mark.integration
def test_sealing_and_verification_on_postgresql(pg_env, tmp_path):
    from services.results.commands import RecordAssignment, SubmitResult
    from tests.support.results import at, inspection, results_runtime, team
    runtime = results_runtime(tmp_path, env={**pg_env, "AUDIT_SIGNING_KEY": generate_key_text()},
                              clock=at(date(2026, 11, 30)))
    try:
        runtime.bus.handle(RecordAssignment("insp-1", "draw-1", team(), inspection("insp-1")))
        items = tuple({"item_code": code, "outcome": "未发现问题", "method": "实地检查", "findings": "",
                       "measures": "", "follow_up": "无需后续处置", "evidence": []}
                      for code in ("STHJ-01", "SCJG-01", "SCJG-02"))
        runtime.bus.handle(SubmitResult(inspection_id="insp-1", inspector_id="INS-001", actor="inspector:INS-001",
                                        visit_date=date(2026, 11, 30), category="未发现问题", items=items,
                                        company_confirmation={"name": "王经理", "confirmed_at": "现场签字"}))
        runtime.bus.handle(MakeCheckpoint())
        clean = runtime.bus.handle(VerifyAuditChain())
        assert clean.ok and clean.sealed_rows >= 1 and clean.checkpoints == 1, clean.problems
        with runtime.engine.begin() as connection:
            connection.execute(text("UPDATE result SET category = '发现问题经责令已改正'"))
        report = runtime.bus.handle(VerifyAuditChain())
        assert any("result:" in p and "改动" in p for p in report.problems), report.problems
    finally:
        runtime.dispose()
