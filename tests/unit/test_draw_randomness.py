"""Draws an insider cannot bend (issue 13, N4, design §4): a fresh seed is committed and published (`draw.committed`)
and the pool frozen right after; the draw runs only when public randomness drawn AFTER the commitment is entered, and
one entry serves every draw committed before it. Grinding seeds does not help, a rewritten commitment or pool is
caught by `scripts/verify_draw.py` against the published event, and ids that could smuggle a separator are refused."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from services.draw.adapters.db import DrawRecord, SeedCommitment
from services.draw.commands import (
    ChangeLocalTargets,
    DrawInspectors,
    DrawTargets,
    EnterRandomness,
    RegisterInspector,
)
from services.draw.domain.verifiable import make_verifiable_draw, seed_hash
from services.draw.queries import GetDraw, GetTeamParts, VerifyDraw
from shared import rfc3797
from shared.errors import Conflict, Invalid
from shared.uscc import random_uscc
from tests.support.contract import contract_errors
from tests.support.draw import SCRIPTED_SOURCE, an_inspection, enter_randomness, lead_record, staff
from tests.support.outbox import emitted, outbox_rows

pytestmark = pytest.mark.unit
VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"


def local_library(draw) -> None:
    """Eight key and twelve general units in the local target library (S4)."""
    rng = random.Random(13)
    rows = [{"uscc": random_uscc(rng), "name": f"{kind}单位{n}", "unit_class": kind, "credit_class": "B"}
            for kind, count in (("重点", 8), ("一般", 12)) for n in range(count)]
    draw.bus.handle(ChangeLocalTargets(tuple(rows), "对象库更新", "clerk:clerk01"))


def a_target_draw(plan_id: str) -> DrawTargets:
    rules = ({"unit_class": "重点", "kind": "percent", "value": 25}, {"unit_class": "一般", "kind": "percent",
                                                                      "value": 25})
    return DrawTargets(plan_id, "2026Q4", "随机抽查库", rules, ("STHJ-01",), "clerk:clerk01")


def committed_events(runtime) -> list[dict]:
    return [json.loads(row.body) for row in outbox_rows(runtime, prefix="draw.committed")]


def commitments(runtime) -> list[SeedCommitment]:
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.execute(select(SeedCommitment).order_by(SeedCommitment.id)).scalars().all()


def enter(runtime, drawn_at, issue="2026137", source="中国福利彩票双色球", numbers=(3, 9, 15, 22, 27, 31, 12)):
    return runtime.bus.handle(EnterRandomness(numbers, source, issue, drawn_at.isoformat(), "clerk:clerk01"))


def test_phase_one_commits_and_publishes_and_draws_nothing(draw):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    assert lead_record(draw, "insp-1") is None and emitted(draw, prefix="inspectors.assigned") == []
    (part,) = draw.bus.handle(GetTeamParts("insp-1"))
    assert (part.status, part.reason[:7]) == ("randomness", "等待公开随机数")
    (event,) = committed_events(draw)
    (row,) = outbox_rows(draw, prefix="draw.committed")
    assert row.routing_key == "draw.committed", "one message for every department (like audit.checkpoint)"
    assert contract_errors("DrawCommitted", event) == []
    data, (commitment,) = event["data"], commitments(draw)
    assert data["seed_hash"] == seed_hash(commitment.seed) == commitment.seed_hash
    assert data["pool_hash"] == rfc3797.pool_hash(commitment.pool) and data["pool_size"] == len(commitment.pool) == 18
    assert data["committed_at"] < data["pool_frozen_at"] and (data["purpose"], data["department"]) == (
        "inspectors", "STHJ")
    assert "INS-001" not in json.dumps(event), "who is in a visit's pool stays confidential"


def test_phase_two_draws_from_the_frozen_pool_with_the_entered_numbers(draw):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    (commitment,) = commitments(draw)
    entered = enter(draw, draw.clock.now())
    (record,) = entered.draws
    expected = make_verifiable_draw(commitment.pool, 2, commitment.seed, [[3, 9, 15, 22, 27, 31, 12]], "sha256")
    assert (record.pool, record.sources, record.selected) == (commitment.pool, expected.sources, expected.selected)
    (part,) = draw.bus.handle(GetTeamParts("insp-1"))
    assert part.status == "complete" and part.inspector_ids == record.selected
    assert len(emitted(draw, prefix="inspectors.assigned")) == 1
    shown = draw.bus.handle(GetDraw(record.id, staff()))
    assert shown["randomness"]["source"] == "中国福利彩票双色球" and shown["randomness"]["issue"] == "2026137"
    assert draw.bus.handle(VerifyDraw(record.id)).verified is True


def test_grinding_seeds_no_longer_picks_the_team(draw):
    """The insider's attack: try 15 seeds for one that draws a chosen officer. The team now also depends on numbers
    drawn after the commitment, so no seed fixes it — each candidate seed gives different teams for different
    lottery results, and the seed itself comes from the OS CSPRNG inside the commitment, never from a caller."""
    pool = [f"INS-{n:03d}" for n in range(1, 19)]
    results = [[n, n + 7, n + 13, 31] for n in range(1, 13)]
    for seed in range(15):
        teams = {tuple(make_verifiable_draw(pool, 2, seed, [numbers], "sha256").selected) for numbers in results}
        assert len(teams) > 3, f"seed {seed} would let an insider predict the team"
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    draw.bus.handle(DrawInspectors(an_inspection("insp-2")))
    first, second = commitments(draw)
    assert first.seed != second.seed and first.seed_hash != second.seed_hash


def test_one_entry_serves_every_draw_committed_before_it(draw):
    """A day's dispatch waits for one evening's numbers: two visits and a target draw's strata, one entry."""
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    draw.bus.handle(DrawInspectors(an_inspection("insp-2")))
    local_library(draw)
    target_draw = draw.bus.handle(a_target_draw("plan-1"))
    assert emitted(draw, prefix="targets.drawn") == [] and target_draw.targets == []
    entered = enter(draw, draw.clock.now())
    assert len(entered.draws) == 2 + len(target_draw.strata) == len(commitments(draw))
    assert {r.randomness["id"] for r in entered.draws} == {entered.entry.id}
    assert len(emitted(draw, prefix="inspectors.assigned")) == 2 and len(emitted(draw, prefix="targets.drawn")) == 1
    assert all(draw.bus.handle(VerifyDraw(r.id)).verified for r in entered.draws)


def test_an_entry_drawn_before_a_commitment_does_not_serve_it(draw):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    between = draw.clock.now()
    draw.bus.handle(DrawInspectors(an_inspection("insp-2")))
    entered = enter(draw, between)
    assert [r.inspection_id for r in entered.draws] == ["insp-1"]
    (waiting,) = draw.bus.handle(GetTeamParts("insp-2"))
    assert waiting.status == "randomness" and lead_record(draw, "insp-2") is None
    with pytest.raises(Conflict) as refused:  # an older lottery result serves nothing that is still waiting
        enter(draw, between - timedelta(minutes=5), issue="2026136")
    assert refused.value.code == "nothing_pending"
    later = enter(draw, draw.clock.now(), issue="2026138")
    assert [r.inspection_id for r in later.draws] == ["insp-2"]


@pytest.mark.parametrize("change, field", [
    (dict(drawn_at="future"), "drawn_at"),
    (dict(drawn_at="yesterday evening"), "drawn_at"),
    (dict(numbers=()), "numbers"),
    (dict(numbers=(-1, 3)), "numbers"),
    (dict(source=" "), "source"),
    (dict(issue=""), "issue"),
])
def test_an_entry_that_nobody_could_check_is_refused_in_chinese(draw, change, field):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    values = dict(numbers=(1, 2, 3), source="中国福利彩票双色球", issue="2026137",
                  drawn_at=draw.clock.now().isoformat())
    values.update(change)
    if values["drawn_at"] == "future":
        values["drawn_at"] = (draw.clock.now() + timedelta(hours=1)).isoformat()
    with pytest.raises(Invalid) as refused:
        draw.bus.handle(EnterRandomness(actor="clerk:clerk01", **values))
    assert field in refused.value.fields and refused.value.fields[field][0].isascii() is False
    assert lead_record(draw, "insp-1") is None


def test_the_same_lottery_issue_is_entered_once(draw):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    enter(draw, draw.clock.now())
    draw.bus.handle(DrawInspectors(an_inspection("insp-2")))
    with pytest.raises(Conflict) as refused:
        enter(draw, draw.clock.now())
    assert refused.value.code == "already_entered" and "2026137" in refused.value.message


def test_a_target_draw_waits_for_the_randomness_too(draw):
    local_library(draw)
    target_draw = draw.bus.handle(a_target_draw("plan-1"))
    assert all(s["commitment_id"] and s["draw_id"] is None for s in target_draw.strata)
    assert len(committed_events(draw)) == len(target_draw.strata)
    assert [e["data"]["subject_kind"] for e in committed_events(draw)] == ["target_draw"] * len(target_draw.strata)
    enter_randomness(draw)
    (event,) = [json.loads(r.body) for r in outbox_rows(draw, prefix="targets.drawn")]
    assert contract_errors("TargetsDrawn", event) == [] and event["data"]["targets"]
    assert all(t["name"] for t in event["data"]["targets"])


def test_the_scripted_helper_marks_its_entries_as_not_a_real_lottery(draw):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    entered = enter_randomness(draw)
    assert entered["source"] == SCRIPTED_SOURCE == "测试脚本录入（非真实开奖）"
    assert enter_randomness(draw) is None, "nothing left waiting"


@pytest.mark.parametrize("bad_id", ["INS-1\nINS-2", "INS 1", "INS-1,2", "执法-1", "INS/1", ""])
def test_an_id_that_could_hide_a_separator_is_refused_in_chinese(draw, bad_id):
    with pytest.raises(Invalid) as refused:
        draw.bus.handle(RegisterInspector(id=bad_id, name="测试", unit="第一中队", certificate_no="37021100999",
                                          certificate_expiry=draw.clock.today_local() + timedelta(days=400),
                                          actor="clerk:clerk01", reason="测试"))
    assert "英文字母、数字" in refused.value.fields["id"][0]


def test_an_import_row_whose_id_could_hide_a_separator_is_refused_and_nothing_is_written(draw):
    import io

    from openpyxl import Workbook

    from services.draw.commands import ImportInspectors
    book = Workbook()
    book.active.append(["人员编号", "姓名", "中队", "执法证号", "发证机关", "证件有效期至", "在编", "在岗"])
    book.active.append(["INS-060 INS-061", "好同志", "第一中队", "3702110060", "", "2029-01-01", "是", "是"])
    book.active.append(["INS-062", "好同志", "第一中队", "3702110062", "", "2029-01-01", "是", "是"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = draw.bus.handle(ImportInspectors(buffer.getvalue(), "人员调整", "clerk:clerk01"))
    assert answer["dry_run"] is True and answer["errors"] == 1
    assert any(p.startswith("人员编号不符合要求：编号只能由英文字母、数字") for p in answer["rows"][0]["problems"])


def _published_and_record(draw, tmp_path):
    draw.bus.handle(DrawInspectors(an_inspection("insp-1")))
    (event,) = committed_events(draw)
    kept = tmp_path / "committed.json"
    kept.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    enter_randomness(draw)
    return kept, lead_record(draw, "insp-1")


def _verify(draw, tmp_path, record_id: str, kept: Path) -> subprocess.CompletedProcess:
    shown = draw.bus.handle(GetDraw(record_id, staff()))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", "-S", str(VERIFIER), str(path), "--commitment", str(kept)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_the_published_commitment_verifies_the_honest_record(draw, tmp_path):
    kept, record = _published_and_record(draw, tmp_path)
    result = _verify(draw, tmp_path, record.id, kept)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_commitment_row_rewritten_with_a_ground_seed_is_caught_by_the_published_event(draw, tmp_path):
    """The insider with database access rewrites seed, seed_hash and the record consistently: draw's own check
    passes, the department's kept `draw.committed` does not."""
    kept, record = _published_and_record(draw, tmp_path)
    with draw.unit_of_work() as uow:
        row = uow.get(DrawRecord, record.id)
        commitment = uow.get(SeedCommitment, row.commitment_id)
        commitment.seed += 1
        commitment.seed_hash = seed_hash(commitment.seed)
        redrawn = make_verifiable_draw(row.pool, row.count, commitment.seed, row.sources[1:], row.algorithm)
        row.sources, row.key, row.selected = redrawn.sources, redrawn.key, redrawn.selected
        uow.commit()
    assert draw.bus.handle(VerifyDraw(record.id)).verified is True, "consistent on its own…"
    result = _verify(draw, tmp_path, record.id, kept)
    assert result.returncode == 1 and "seed_hash" in result.stdout


def test_an_officer_removed_from_the_pool_and_the_hash_recomputed_is_caught(draw, tmp_path):
    kept, record = _published_and_record(draw, tmp_path)
    with draw.unit_of_work() as uow:
        row = uow.get(DrawRecord, record.id)
        commitment = uow.get(SeedCommitment, row.commitment_id)
        pool = [i for i in row.pool if i not in row.selected[:1]]
        redrawn = make_verifiable_draw(pool, row.count, commitment.seed, row.sources[1:], row.algorithm)
        row.pool, row.pool_hash, row.selected = pool, redrawn.pool_hash, redrawn.selected
        commitment.pool, commitment.pool_hash = pool, redrawn.pool_hash
        uow.commit()
    assert draw.bus.handle(VerifyDraw(record.id)).verified is True, "consistent on its own…"
    result = _verify(draw, tmp_path, record.id, kept)
    assert result.returncode == 1 and "pool_hash" in result.stdout


def test_a_target_draw_command_is_refused_once_committed(draw):
    """N4 still holds in phase one: a plan's period is committed once; a second attempt is refused."""
    local_library(draw)
    draw.bus.handle(a_target_draw("plan-x"))
    with pytest.raises(Conflict):
        draw.bus.handle(a_target_draw("plan-x"))
