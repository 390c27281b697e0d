"""Issue 15, Deliver 5: the clerk's letters portal is paged in SQL — newest set first, whole sets, who may see what
(N4) decided before the limit, on SQLite and PostgreSQL alike — and the page shows the total and a pager."""
from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event

from services.letters.adapters.db import Document, Visit
from services.letters.queries import PortalDocuments
from shared.auth import Principal
from tests.conftest import pg_url
from tests.support.letters import ISSUED_AT, letters_runtime

KINDS = ("joint_letter", "notice", "checklist", "field_record")
CLERK = Principal("clerk", "clerk01")
INSPECTOR = Principal("inspector", "INS-001")
MARKET, SAFETY = Principal("department", "SCJG", "SCJG"), Principal("department", "YJGL", "YJGL")


def a_visit(uow, n: int, team: tuple[str, ...], departments: tuple[str, ...], visit_row: bool = True) -> None:
    """Visit n's current set (issued n minutes after the first), its older revoked set, and letters' Visit row
    naming its departments (or, without the row, only the letter naming them)."""
    named = {"departments": [{"code": code} for code in departments], "company": {"name": f"单位{n}"}}
    if visit_row:
        uow.add(Visit(inspection_id=f"insp-{n}", inspection=named, inspectors=[{"id": i} for i in team],
                      updated_at=ISSUED_AT))
    for version, status in ((1, "revoked"), (2, "current")):
        for k, kind in enumerate(KINDS):
            uow.add(Document(id=f"doc-{n}-{version}-{kind}", inspection_id=f"insp-{n}", kind=kind,
                             issuer_code="青环西联函", year=2026, seq=n * 10 + version, number=f"{n}号",
                             version=version, status=status,
                             verification_code=f"V{n}X{version}X{k}", inspector_ids=list(team),
                             content=named, created_at=ISSUED_AT + timedelta(minutes=n, seconds=version)))


@pytest.fixture(params=["sqlite", "postgresql"])
def letters(request, tmp_path):
    """letters with 30 visits: INS-001 is on every third team; market supervision takes part in the even ones
    (visits 0–9 know it only from their letter); the safety bureau in none."""
    env = {}
    if request.param == "postgresql":
        env = {"LETTERS_DATABASE_URL": pg_url(request.getfixturevalue("pg_base_url")(f"portal_{uuid.uuid4().hex[:6]}"))}
    runtime = letters_runtime(tmp_path, **env)
    with runtime.unit_of_work() as uow:
        for n in range(30):
            a_visit(uow, n, ("INS-001", "INS-002") if n % 3 == 0 else ("INS-003",),
                    ("STHJ", "SCJG") if n % 2 == 0 else ("STHJ",), visit_row=n >= 10)
        uow.commit()
    yield runtime
    runtime.dispose()


def visits(page) -> list[str]:
    return list(dict.fromkeys(d.inspection_id for d in page.documents))


def test_a_page_holds_whole_current_sets_newest_first(letters):
    page = letters.bus.handle(PortalDocuments(CLERK, 2, 5))
    assert page.total == 30 and page.pages == 6
    assert visits(page) == [f"insp-{n}" for n in range(24, 19, -1)]
    assert [d.kind for d in page.documents] == list(KINDS) * 5
    assert {d.status for d in page.documents} == {"current"}


def test_an_inspector_pages_through_only_their_own_teams_sets(letters):
    first, second = (letters.bus.handle(PortalDocuments(INSPECTOR, n, 5)) for n in (1, 2))
    assert first.total == 10
    assert visits(first) + visits(second) == [f"insp-{n}" for n in range(27, -1, -3)]


def test_a_department_pages_through_the_visits_it_takes_part_in(letters):
    page = letters.bus.handle(PortalDocuments(MARKET, 1, 20))
    assert page.total == 15 and visits(page) == [f"insp-{n}" for n in range(28, -1, -2)]
    assert letters.bus.handle(PortalDocuments(SAFETY, 1, 20)).total == 0


def test_a_page_past_the_last_is_empty_with_the_total(letters):
    page = letters.bus.handle(PortalDocuments(INSPECTOR, 9, 20))
    assert page.documents == [] and page.total == 10


def test_a_page_reads_the_same_few_statements_however_many_sets(letters):
    statements = []
    event.listen(letters.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    letters.bus.handle(PortalDocuments(MARKET, 1, 20))
    reads = [s for s in statements if "document" in s.lower()]
    assert len(reads) == 3  # the page of letters, their count, their sets' members
    assert all(" LIMIT " in s.upper() or "count(" in s.lower() or " IN (" in s.upper() for s in reads)


@pytest.mark.parametrize("per_page", [20, 50, 100])
def test_the_portal_page_shows_the_total_and_the_chosen_page_size(system, reference, per_page):
    from werkzeug.test import Client

    from tests.support.login import page_login
    client = Client(system.wsgi)
    page_login(client, "clerk01")
    page = client.get(f"/letters/portal?per_page={per_page}").get_data(as_text=True)
    assert "共 " in page and "项检查" in page and f'<option value="{per_page}" selected>' in page


class PidRenderer:
    """A renderer that says which process laid the batch out (module level: a spawned child unpickles it)."""

    def __call__(self, documents: list[dict], assets: dict | None = None) -> bytes:
        return b"%PDF-fake " + str(os.getpid()).encode()


def test_a_batch_print_is_laid_out_in_a_child_process_as_the_handler_decides(tmp_path):
    """P7: the web worker never holds a layout's memory; who may print what is still the handler's to say (N4)."""
    from services.letters.batch_printing import batch_pdf_apart
    from services.letters.queries import BatchPdf
    runtime = letters_runtime(tmp_path, renderer=PidRenderer())
    with runtime.unit_of_work() as uow:
        a_visit(uow, 1, ("INS-001",), ("STHJ",))
        uow.commit()
    chosen = (f"doc-1-2-{KINDS[0]}", f"doc-1-2-{KINDS[1]}")
    try:
        pdf = batch_pdf_apart(runtime, BatchPdf(chosen, INSPECTOR))
        assert pdf.startswith(b"%PDF") and int(pdf.split()[-1]) not in (os.getpid(), 0)
        assert batch_pdf_apart(runtime, BatchPdf(chosen, Principal("inspector", "INS-009"))) is None
    finally:
        runtime.dispose()
