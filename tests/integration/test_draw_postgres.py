"""draw on PostgreSQL through its bus (no Flask): the inspector draw with its seed taken `FOR UPDATE SKIP LOCKED`,
a target draw of several strata, a replacement; and revision 0005's backfill of what each record was for."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from services.draw.commands import (
    ChangeLocalTargets,
    DecideReplacement,
    DrawInspectors,
    DrawTargets,
    RequestReplacement,
)
from services.draw.queries import GetDraw, ListDraws, VerifyDraw
from shared.migrations import alembic_config
from tests.support.draw import an_inspection, draw_runtime, draw_targets, lead_record, register_library

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_draw(pg_base_url, tmp_path):
    from tests.conftest import pg_url
    runtime = draw_runtime(tmp_path, DRAW_DATABASE_URL=pg_url(pg_base_url("draw_handlers")))
    register_library(runtime)
    yield runtime
    runtime.dispose()


def test_draws_targets_and_replacements_work_on_postgresql(pg_draw):
    """Issue 13 on PostgreSQL: the waiting commitments are taken `FOR UPDATE SKIP LOCKED` by the one entry that draws
    them all."""
    pg_draw.bus.handle(DrawInspectors(an_inspection()))
    rows = tuple({"uscc": f"9137021100000000{n:02d}", "name": f"单位{n}", "unit_class": "重点"} for n in range(8))
    pg_draw.bus.handle(ChangeLocalTargets(rows, "建库", "clerk:clerk01"))
    target_draw = draw_targets(pg_draw, DrawTargets("plan-1", "2026Q4", "随机抽查库",
                                                    ({"unit_class": "重点", "kind": "percent", "value": 25},),
                                                    ("STHJ-01",), "clerk:clerk01"))
    record = lead_record(pg_draw, "insp-r")
    assert pg_draw.bus.handle(VerifyDraw(record.id)).verified is True
    assert record.randomness["id"] == pg_draw.bus.handle(GetDraw(target_draw.strata[0]["draw_id"]))[
        "randomness"]["id"], "one entry drew both"
    stratum = pg_draw.bus.handle(GetDraw(target_draw.strata[0]["draw_id"]))
    assert (stratum["subject_kind"], stratum["subject_id"], stratum["count"]) == ("target_draw", target_draw.id, 2)
    asked = pg_draw.bus.handle(RequestReplacement(record.id, record.selected[0], "健康状况", "住院", "clerk:clerk01"))
    chosen = next(i for i in ("INS-001", "INS-002", "INS-003") if i not in record.selected)
    decided = pg_draw.bus.handle(DecideReplacement(asked.id, True, "同意", "approver:approver01", "approver", chosen))
    assert decided.status == "approved" and pg_draw.bus.handle(ListDraws(1, 50))[1] == 2


def test_revision_0005_backfills_the_subject_on_postgresql(pg_base_url):
    from tests.conftest import pg_url
    url = pg_url(pg_base_url("draw_backfill"))
    command.upgrade(alembic_config("draw", url), "0004")
    engine = create_engine(url)
    with engine.begin() as connection:
        for draw_id, subject, purpose in (("d1", "insp-1", "inspectors"), ("d2", "td-1", "targets:重点/全部")):
            connection.execute(text(
                "INSERT INTO draw_record (id, inspection_id, purpose, algorithm, sources, key, pool, pool_hash, "
                "excluded, count, selected, commitment_id, operator, visit_start, inspectors, inspection, created_at) "
                "VALUES (:id, :subject, :purpose, 'sha256', '[]', '', '[]', '', '[]', 0, '[]', 1, 'system:draw', "
                "'2026-12-01', '[]', '{}', now())"), {"id": draw_id, "subject": subject, "purpose": purpose})
    command.upgrade(alembic_config("draw", url), "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, subject_kind, subject_id, inspection_id FROM draw_record "
                                       "ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("d1", "inspection", "insp-1", "insp-1"), ("d2", "target_draw", "td-1", None)]
