"""The public results feed on PostgreSQL (issue 15, Deliver 5): one page of 20 out of N publications — unfiltered,
by department, by plan — through the real handler, against the same-run baseline of the query it replaced: the
total counted over a subquery of every column and voided / not-yet-visited rows left out with NOT IN.

Usage: python bench/feed_page.py [--publications 100000] [--runs 7]
"""
from __future__ import annotations

import argparse
import tempfile

from sqlalchemy import func, select, text
from support import median_seconds, scratch_postgres

GOAL = "a page of 20 of the public feed in ≤ 50 ms on PostgreSQL, whatever the number of publications"


def seed(runtime, n: int) -> None:
    """N publications over ~3 years, 4 departments, 50 plans; 1 % voided, 1 % with a fixed time still ahead."""
    sql = f"""
    INSERT INTO result (id, inspection_id, department, round, status, category, visit_date, items, submitted_by,
                        submitted_at, published_late)
    SELECT 'r' || g, 'i' || g, (ARRAY['SCJG','STHJ','YJGL','SWJ'])[1 + g % 4], 1, 'submitted', '未发现问题',
           DATE '2026-11-01' - (g % 1000), '[]', 'bench', now(), false FROM generate_series(1, {n}) g;
    INSERT INTO publication (result_id, inspection_id, department, department_name, company_name, company_uscc,
                             plan_id, plan_name, visit_date, category, items, published_at)
    SELECT 'r' || g, 'i' || g, (ARRAY['SCJG','STHJ','YJGL','SWJ'])[1 + g % 4], '部门', '企业' || g,
           lpad(g::text, 18, '9'), 'plan-' || (g % 50), '计划', DATE '2026-11-01' - (g % 1000), '未发现问题',
           '[{{"code": "SCJG-01", "name": "登记事项检查", "outcome": "未发现问题"}}]', now()
    FROM generate_series(1, {n}) g;
    INSERT INTO result_void (result_id, correction_id, voided_by, voided_at)
    SELECT 'r' || g, 'c' || g, 'bench', now() FROM generate_series(1, {n}, 100) g;
    INSERT INTO visit_schedule (inspection_id, scheduled_at, local_time, version, scheduled_by, updated_at)
    SELECT 'i' || g, now() + interval '1 day', '—', 1, 'bench', now() FROM generate_series(50, {n}, 100) g"""
    with runtime.engine.begin() as connection:
        for statement in sql.split(";"):
            connection.execute(text(statement))
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load, for both queries


def old_page(runtime, department: str | None, plan: str | None):
    """The replaced query, as it was: NOT IN subqueries and the count over a subquery of every column."""
    from services.results.adapters.db import Publication, ResultVoid, VisitSchedule
    with runtime.unit_of_work(read_only=True) as uow:
        ahead = select(VisitSchedule.inspection_id).where(VisitSchedule.scheduled_at > uow.now)
        feed = (select(Publication).where(Publication.result_id.not_in(select(ResultVoid.result_id)),
                                          Publication.visit_date <= uow.today(),
                                          Publication.inspection_id.not_in(ahead))
                .order_by(Publication.visit_date.desc(), Publication.id.desc()))
        if department:
            feed = feed.where(Publication.department == department)
        if plan:
            feed = feed.where(Publication.plan_id == plan)
        total = uow.session.execute(select(func.count()).select_from(feed.order_by(None).subquery())).scalar_one()
        rows = uow.session.execute(feed.limit(20)).scalars().all()
        return rows, total


def new_page(runtime, department: str | None, plan: str | None):
    """The same two statements as the handler now runs them (its own helpers), nothing else."""
    from services.results.adapters.db import Publication
    from services.results.handlers.publication import _ahead, _counted, _voided
    from shared.schemas import page_of
    with runtime.unit_of_work(read_only=True) as uow:
        feed = select(Publication).where(Publication.visit_date <= uow.today())
        if department:
            feed = feed.where(Publication.department == department)
        if plan:
            feed = feed.where(Publication.plan_id == plan)
        return page_of(feed.where(~_voided(), ~_ahead(uow.now))
                       .order_by(Publication.visit_date.desc(), Publication.id.desc()),
                       1, 20, uow.session, counted=_counted(feed, uow.now))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publications", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from services import registry
    from services.results.queries import PublicResults
    from shared.config import load_settings
    print(f"goal: {GOAL}")
    with scratch_postgres() as url:
        settings = load_settings("results", {"RESULTS_DATABASE_URL": url, "JOINTINSPECT_VAR": tempfile.mkdtemp()})
        registry.migrate("results", settings)
        runtime = registry.bootstrap("results", settings)
        try:
            seed(runtime, args.publications)
            for label, department, plan in (("all", None, None), ("one department", "SCJG", None),
                                            ("one plan", None, "plan-7")):
                query = PublicResults(department=department, plan=plan, page=1, per_page=20)
                new_total = runtime.bus.handle(query)[1]
                old_total = old_page(runtime, department, plan)[1]
                assert new_total == old_total, (new_total, old_total)
                new = median_seconds(lambda d=department, p=plan: new_page(runtime, d, p), args.runs)
                old = median_seconds(lambda d=department, p=plan: old_page(runtime, d, p), args.runs)
                whole = median_seconds(lambda q=query: runtime.bus.handle(q), args.runs)
                print(f"{label:<15s} total {new_total:>7d}: baseline (old statements) {old * 1000:7.1f} ms   "
                      f"now {new * 1000:7.1f} ms   ratio {new / old:.2f}   (whole handler {whole * 1000:.1f} ms)")
        finally:
            runtime.dispose()


if __name__ == "__main__":
    main()
