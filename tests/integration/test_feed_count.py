"""Issue 15, Deliver 5: the public results feed counts with its own WHERE and nothing else — no subquery of every
column — pages with NOT EXISTS (an anti-join that stops after a page), leaves the same rows out of both, and its
indexes exist after migrating, on SQLite and PostgreSQL alike; `page_of` keeps the page/total contract."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import event, inspect, select

from services.results.adapters.db import Publication, Result, ResultVoid, VisitSchedule
from services.results.queries import PublicResults
from shared.schemas import count_of
from tests.conftest import pg_url
from tests.support.results import at, results_runtime

TODAY = date(2026, 12, 10)


def a_publication(uow, n: int, department: str, plan: str, visit_date: date) -> None:
    result_id = f"res-{n}"
    uow.add(Result(id=result_id, inspection_id=f"insp-{n}", department=department, round=1, category="未发现问题",
                   visit_date=visit_date, items=[], submitted_by="INS-001", submitted_at=uow.now))
    uow.session.flush()  # no ORM relationship orders the two inserts
    uow.add(Publication(result_id=result_id, inspection_id=f"insp-{n}", department=department,
                        department_name=department, company_name=f"单位{n}", company_uscc=f"91370211MA3C{n:06d}",
                        plan_id=plan, plan_name=plan, visit_date=visit_date, category="未发现问题", items=[],
                        published_at=uow.now))


@pytest.fixture(params=["sqlite", "postgresql"])
def results(request, tmp_path):
    """results, migrated, with 12 publications over 12 days (market supervision the even ones, plan B every
    third), one of them voided, one whose fixed time is still ahead and one visiting tomorrow."""
    env = {}
    if request.param == "postgresql":
        env = {"RESULTS_DATABASE_URL": pg_url(request.getfixturevalue("pg_base_url")(f"feed_{uuid.uuid4().hex[:6]}"))}
    runtime = results_runtime(tmp_path, env, clock=at(TODAY))
    with runtime.unit_of_work() as uow:
        for n in range(12):
            a_publication(uow, n, "SCJG" if n % 2 == 0 else "STHJ", "plan-b" if n % 3 == 0 else "plan-a",
                          TODAY - timedelta(days=11 - n))
        a_publication(uow, 12, "SCJG", "plan-a", TODAY + timedelta(days=1))
        uow.session.flush()
        uow.add(ResultVoid(result_id="res-4", correction_id="cor-1", voided_by="approver01", voided_at=uow.now))
        uow.add(VisitSchedule(inspection_id="insp-11", scheduled_at=uow.now + timedelta(hours=3), local_time="—",
                              version=1, scheduled_by="INS-001", updated_at=uow.now))
        uow.commit()
    yield runtime
    runtime.dispose()


def shown(results, **query) -> tuple[list[str], int]:
    records, total = results.bus.handle(PublicResults(**query))
    return [r.publication.result_id for r in records], total


def test_the_feed_leaves_out_voided_future_and_not_yet_visited_rows(results):
    ids, total = shown(results, per_page=5)
    assert total == 10 and ids == ["res-10", "res-9", "res-8", "res-7", "res-6"]
    assert shown(results, page=2, per_page=5) == (["res-5", "res-3", "res-2", "res-1", "res-0"], 10)


def test_the_feed_filters_count_what_they_show(results):
    assert shown(results, department="SCJG") == (["res-10", "res-8", "res-6", "res-2", "res-0"], 5)
    assert shown(results, plan="plan-b") == (["res-9", "res-6", "res-3", "res-0"], 4)


def test_the_count_reads_no_subquery_of_the_rows_and_the_page_stops_early(results):
    statements = []
    event.listen(results.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    shown(results, department="SCJG")
    feed = [s for s in statements if "FROM publication" in s]
    counts = [s for s in feed if "count(" in s.lower()]
    pages = [s for s in feed if " LIMIT " in s.upper()]
    assert len(counts) == 1 and "publication.items" not in counts[0] and "(SELECT publication" not in counts[0]
    assert len(pages) == 1 and pages[0].count("NOT (EXISTS") == 2 and " NOT IN " not in pages[0]


def test_the_feeds_indexes_exist_after_migrating(results):
    """On PostgreSQL each also carries the ids the feed leaves rows out by, so the total is counted off the index."""
    indexes = {index["name"]: index for index in inspect(results.engine).get_indexes("publication")}
    feed = ("ix_publication_feed", "ix_publication_department_feed", "ix_publication_plan_feed")
    assert set(feed) <= set(indexes)
    if results.engine.dialect.name == "postgresql":
        assert all(indexes[name]["dialect_options"]["postgresql_include"] == ["result_id", "inspection_id"]
                   for name in feed)


def test_a_distinct_query_is_still_counted_over_its_rows(results):
    """`count_of` falls back to the subquery where rows are not one per FROM row."""
    departments = select(Publication.department).distinct()
    with results.unit_of_work(read_only=True) as uow:
        assert uow.session.execute(count_of(departments)).scalar_one() == 2
        assert uow.session.execute(count_of(select(Publication).order_by(Publication.id))).scalar_one() == 13
