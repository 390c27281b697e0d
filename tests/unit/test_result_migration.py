"""Migration 0003 on data of the shape before issue 11: one visit-level result with every department's items and
one category becomes one result per department, each with its own items and a category that agrees with them; the
public records, rectifications, voids, corrections, confirmations and drafts follow."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command

from shared.migrations import alembic_config
from tests.support.results import inspection

pytestmark = pytest.mark.unit
T = "2026-11-30 08:00:00.000000"


def test_a_visit_level_result_is_split_per_department(tmp_path):
    url = f"sqlite:///{tmp_path / 'results.db'}"
    command.upgrade(alembic_config("results", url), "0002")
    engine = sa.create_engine(url)
    visit = inspection("insp-old")  # STHJ-01 ; SCJG-01, SCJG-02 — STHJ leads
    items = [{"item_code": "STHJ-01", "outcome": "未发现问题"}, {"item_code": "SCJG-01", "outcome": "未发现问题"},
             {"item_code": "SCJG-02", "outcome": "发现问题", "findings": "标识缺失"}]
    confirmation = {"name": "王经理", "confirmed_at": "16:30"}
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO assignment VALUES ('insp-old', 'd', :ids, '[]', :insp, 1, :t)"),
                   {"ids": json.dumps(["INS-001", "INS-002"]), "insp": json.dumps(visit), "t": T})
        db.execute(sa.text("INSERT INTO result (id, inspection_id, round, status, category, visit_date, items, "
                           "company_confirmation, submitted_by, submitted_at, publication_due, published_late) "
                           "VALUES ('old', 'insp-old', 1, 'submitted', '发现问题待后续处理', '2026-11-30', :items, "
                           ":conf, 'inspector:INS-001', :t, '2026-12-28', 0)"),
                   {"items": json.dumps(items), "conf": json.dumps(confirmation), "t": T})
        for dept in ("STHJ", "SCJG"):
            db.execute(sa.text("INSERT INTO publication (result_id, inspection_id, department, department_name, "
                               "company_name, company_uscc, plan_id, plan_name, visit_date, category, items, "
                               "published_at) VALUES ('old', 'insp-old', :d, :d, '企业', '914403001922038216', 'p', "
                               "'计划', '2026-11-30', '发现问题待后续处理', '[]', :t)"), {"d": dept, "t": T})
        db.execute(sa.text("INSERT INTO rectification VALUES ('rect', 'old', 'insp-old', 'SCJG', 'SCJG-02', 'x', "
                           "'{}', '标识缺失', '2027-02-28', 'open', NULL, :t)"), {"t": T})
        db.execute(sa.text("INSERT INTO correction (id, result_id, inspection_id, reason, application_sha256, "
                           "requested_by, requested_at, status) VALUES ('c', 'old', 'insp-old', '理由', 'x', 'a', "
                           ":t, 'approved')"), {"t": T})
        db.execute(sa.text("INSERT INTO result_void VALUES ('old', 'c', 'approver:a', :t)"), {"t": T})
        db.execute(sa.text("INSERT INTO draft VALUES ('insp-old', 'INS-002', '{}', :t)"), {"t": T})

    command.upgrade(alembic_config("results", url), "head")
    with engine.connect() as db:
        results = {r.department: r for r in db.execute(sa.text("SELECT * FROM result")).all()}
        assert set(results) == {"STHJ", "SCJG"} and results["STHJ"].id == "old"  # the lead keeps the id
        assert [i["item_code"] for i in json.loads(results["SCJG"].items)] == ["SCJG-01", "SCJG-02"]
        assert (results["STHJ"].category, results["SCJG"].category) == ("未发现问题", "发现问题待后续处理")
        assert results["STHJ"].confirmation_id == results["SCJG"].confirmation_id is not None
        assert date.fromisoformat(str(results["SCJG"].visit_date)) == date(2026, 11, 30)
        publications = {p.department: (p.result_id, p.category)
                        for p in db.execute(sa.text("SELECT * FROM publication")).all()}
        assert publications == {"STHJ": ("old", "未发现问题"), "SCJG": (results["SCJG"].id, "发现问题待后续处理")}
        assert db.execute(sa.text("SELECT result_id FROM rectification")).scalar() == results["SCJG"].id
        assert sorted(db.execute(sa.text("SELECT result_id FROM result_void")).scalars()) == \
            sorted(["old", results["SCJG"].id])
        assert db.execute(sa.text("SELECT department, status FROM correction")).one() == ("STHJ", "confirmed")
        assert db.execute(sa.text("SELECT department FROM draft")).scalar() == "STHJ"
        assignment = db.execute(sa.text("SELECT leader_id, parts FROM assignment")).one()
        assert assignment.leader_id == "INS-001"
        assert [p["inspector_ids"] for p in json.loads(assignment.parts)] == [["INS-001", "INS-002"]] * 2
        assert json.loads(db.execute(sa.text("SELECT body FROM confirmation")).scalar()) == confirmation
    engine.dispose()
