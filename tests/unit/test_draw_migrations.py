"""Revision 0005 of draw: existing draw records learn what they were for (an inspection's team, or one stratum of
a target draw that used to hide in `inspection_id`), and the way back restores them."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from shared.migrations import alembic_config

pytestmark = pytest.mark.unit
COLUMNS = ("algorithm, sources, key, pool, pool_hash, excluded, count, selected, commitment_id, operator, "
           "visit_start, inspectors, inspection, created_at")
VALUES = "'sha256', '[]', '', '[]', '', '[]', 0, '[]', 1, 'system:draw', '2026-12-01', '[]', '{}', '2026-11-28'"


def _rows(url):
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, subject_kind, subject_id, inspection_id FROM draw_record "
                                       "ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_existing_records_are_given_their_subject_and_target_draws_leave_inspection_id(tmp_path):
    url = f"sqlite:///{tmp_path / 'draw.db'}"
    command.upgrade(alembic_config("draw", url), "0004")
    engine = create_engine(url)
    with engine.begin() as connection:
        for draw_id, subject, purpose in (("d1", "insp-1", "inspectors"), ("d2", "td-1", "targets:重点/全部"),
                                          ("d3", "td-1", "targets:一般/A")):
            connection.execute(text(f"INSERT INTO draw_record (id, inspection_id, purpose, {COLUMNS}) "
                                    f"VALUES ('{draw_id}', '{subject}', '{purpose}', {VALUES})"))
    engine.dispose()
    command.upgrade(alembic_config("draw", url), "head")
    assert _rows(url) == [("d1", "inspection", "insp-1", "insp-1"), ("d2", "target_draw", "td-1", None),
                          ("d3", "target_draw", "td-1", None)]
    command.downgrade(alembic_config("draw", url), "0004")
    engine = create_engine(url)
    with engine.connect() as connection:
        back = connection.execute(text("SELECT id, inspection_id FROM draw_record ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in back] == [("d1", "insp-1"), ("d2", "td-1"), ("d3", "td-1")]


def test_blocked_visits_become_blocked_parts_and_drawn_teams_complete_parts_and_the_way_back_keeps_them(tmp_path):
    """Revision 0007 (issue #11): the visits waiting in `draw_blocked` become department parts that are retried; a
    team drawn before becomes a complete part whose record names its department; downgrading restores the
    blocked list."""
    import json
    url = f"sqlite:///{tmp_path / 'draw.db'}"
    command.upgrade(alembic_config("draw", url), "0006")
    inspection = {"inspection_id": "insp-b", "lead_department": "STHJ",
                  "departments": [{"code": "STHJ", "name": "生态环境分局", "lead": True}]}
    drawn = {**inspection, "inspection_id": "insp-d"}
    people = json.dumps([{"id": "INS-001", "department": "STHJ"}, {"id": "INS-002", "department": "STHJ"}])
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO draw_blocked (inspection_id, reason, inspection, created_at) VALUES "
                                "('insp-b', '少于所需', :inspection, '2026-11-28')"),
                           {"inspection": json.dumps(inspection, ensure_ascii=False)})
        connection.execute(text(f"INSERT INTO draw_record (id, subject_kind, subject_id, inspection_id, purpose, "
                                f"{COLUMNS}) VALUES ('d1', 'inspection', 'insp-d', 'insp-d', 'inspectors', "
                                f"'sha256', '[]', '', '[]', '', '[]', 2, '[\"INS-001\", \"INS-002\"]', 1, "
                                f"'system:draw', '2026-12-01', :people, :inspection, '2026-11-28')"),
                           {"people": people, "inspection": json.dumps(drawn, ensure_ascii=False)})
    engine.dispose()
    command.upgrade(alembic_config("draw", url), "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        parts = connection.execute(text("SELECT inspection_id, department, status, via, draw_id FROM department_part "
                                        "ORDER BY inspection_id")).all()
        department = connection.execute(text("SELECT department FROM draw_record WHERE id = 'd1'")).scalar()
    engine.dispose()
    assert [tuple(p) for p in parts] == [("insp-b", "STHJ", "blocked", None, None),
                                         ("insp-d", "STHJ", "complete", "draw", "d1")]
    assert department == "STHJ"
    command.downgrade(alembic_config("draw", url), "0006")
    engine = create_engine(url)
    with engine.connect() as connection:
        back = connection.execute(text("SELECT inspection_id FROM draw_blocked")).scalars().all()
    engine.dispose()
    assert back == ["insp-b"]
