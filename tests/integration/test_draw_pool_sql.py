"""P6 (issue 15): the draw's pool read in SQL, columns only, gives exactly the pool and the public exclusions the
ORM path gave (the published record lists them and the verifier re-hashes the pool), on SQLite and PostgreSQL, in
three statements whatever the library's size; the chosen officers' names are read when the draw is made."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import event, literal_column, select

from services.draw.adapters.db import DeclaredInterest, Inspector, StatusPeriod, TeamMember
from services.draw.adapters.pool import eligible, visit_of
from services.draw.commands import AddStatusPeriod, DeclareInterest, DrawInspectors, RegisterInspector
from services.draw.domain.eligibility import Candidate, Period, split_pool
from services.draw.domain.policy import DrawPolicy
from shared.ids import new_id
from tests.support.draw import (
    PARTNERS,
    a_joint_inspection,
    an_inspection,
    draw_runtime,
    enter_randomness,
    lead_record,
)

pytestmark = pytest.mark.integration
OTHER_USCC = "91370211MA3C8LXX1B"
KINDS = ("不在岗", "执法证有效期", "不属于本辖区", "与检查时间重叠", "利害关系", "达到上限")  # public reasons


def _kind(reason: str) -> str:
    return next(k for k in KINDS if k in reason)


def legacy_eligible(session, policy, visit, exclude_inspection=None, department=None):
    """The ORM path as it was before issue 15 (every officer a full Inspector), kept here as the reference."""
    inspectors = session.execute(select(Inspector).where(Inspector.department_code == (department or
                                                                                       policy.department),
                                                         Inspector.source == "library")
                                 .order_by(Inspector.id)).scalars().all()
    periods = defaultdict(list)
    # no ORDER BY then: with no index on the dates, the table's physical (recording) order, spelled out here
    physical = literal_column("ctid" if session.get_bind().dialect.name == "postgresql" else "rowid")
    for p in session.execute(select(StatusPeriod).where(StatusPeriod.start <= visit.end,
                                                         StatusPeriod.end >= visit.start)
                             .order_by(physical)).scalars():
        periods[p.inspector_id].append(Period(p.kind, p.start, p.end))
    conflicted = set(session.execute(select(DeclaredInterest.inspector_id)
                                     .where(DeclaredInterest.company_uscc == visit.company_uscc)).scalars())
    load = defaultdict(int)
    overlapping = select(TeamMember.inspector_id).where(TeamMember.until.is_(None),
                                                         TeamMember.visit_start <= visit.end,
                                                         TeamMember.visit_end >= visit.start)
    if exclude_inspection:
        overlapping = overlapping.where(TeamMember.inspection_id != exclude_inspection)
    for inspector_id in session.execute(overlapping).scalars():
        load[inspector_id] += 1
    return split_pool([Candidate(i.id, i.on_duty, i.certificate_no, i.certificate_expiry, i.jurisdiction,
                                 tuple(periods[i.id]), frozenset([visit.company_uscc]) if i.id in conflicted
                                 else frozenset(), load[i.id]) for i in inspectors], visit)


def a_varied_library(runtime) -> None:
    """36 eco officers and 6 of a partner: off duty, expired or soon-expiring certificates, another district, one
    merely named; periods before, across, inside and after the visit (two overlapping for one officer); interests
    with this company and another; team places overlapping or not, ended, or on the visit itself."""
    today = runtime.clock.today_local()
    visit_start, visit_end = today + timedelta(days=3), today + timedelta(days=6)
    handle = runtime.bus.handle
    for n in range(36):
        handle(RegisterInspector(
            id=f"INS-{n:03d}", name=f"执法人员{n}", unit="第一中队", certificate_no=f"3702110{n:03d}",
            certificate_expiry=None if n % 11 == 0 else today + timedelta(days=(-5, 4, 6, 400)[n % 4]),
            on_duty=n % 9 != 4, jurisdiction="370200" if n % 7 == 3 else "370211", actor="system:test",
            reason="建库"))
    for n in range(6):
        handle(RegisterInspector(
            id=f"SCJG-{n:03d}", name=f"市场执法{n}", unit="大队", certificate_no=f"SCJG{n:06d}",
            certificate_expiry=today + timedelta(days=(2, 700)[n % 2]), on_duty=n != 5, jurisdiction="370200",
            department_code="SCJG", department_name=PARTNERS["SCJG"], actor="system:test", reason="建库"))
    for n, (begins, days, kind) in enumerate(((-10, 5, "休假"), (-1, 1, "病假"), (4, 0, "培训"), (6, 9, "借调"),
                                              (7, 3, "休假"), (2, 10, "其他"), (3, 1, "病假"))):
        inspector = "SCJG-000" if n == 6 else f"INS-{n * 5 + 1:03d}"
        handle(AddStatusPeriod(inspector, kind, visit_start + timedelta(days=begins),
                               visit_start + timedelta(days=begins + days), "", "clerk:clerk01"))
    handle(AddStatusPeriod("INS-001", "培训", visit_end, visit_end + timedelta(days=2), "", "clerk:clerk01"))
    handle(AddStatusPeriod("INS-026", "病假", visit_start, visit_start + timedelta(days=1), "", "clerk:clerk01"))
    for inspector, uscc in (("INS-002", an_inspection()["company"]["uscc"]), ("INS-013", OTHER_USCC),
                            ("INS-017", an_inspection()["company"]["uscc"]),
                            ("SCJG-002", an_inspection()["company"]["uscc"])):
        handle(DeclareInterest(inspector, uscc, "亲属任职", "clerk:clerk01"))
    with runtime.unit_of_work() as uow:
        for inspector, inspection, begins, days, ended in (
                ("INS-006", "old-1", -2, 3, False), ("INS-006", "old-2", 0, 0, False),
                ("INS-006", "old-3", 6, 1, False), ("INS-008", "old-1", -2, 3, False),
                ("INS-008", "old-4", 1, 1, True), ("INS-010", "insp-r", 3, 3, False),
                ("INS-010", "old-5", 9, 2, False), ("INS-014", "old-6", -30, 5, False),
                ("SCJG-001", "old-1", 1, 0, False), ("SCJG-001", "old-2", 2, 2, False)):
            uow.add(TeamMember(id=new_id(), inspection_id=inspection, inspector_id=inspector,
                               visit_start=visit_start + timedelta(days=begins),
                               visit_end=visit_start + timedelta(days=begins + days), via="draw", since=uow.now,
                               until=uow.now if ended else None))
        uow.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def library(request, tmp_path):
    env = {}
    if request.param == "postgresql":
        from tests.conftest import pg_url
        env["DRAW_DATABASE_URL"] = pg_url(request.getfixturevalue("pg_base_url")(f"draw_pool_{uuid.uuid4().hex[:6]}"))
    runtime = draw_runtime(tmp_path, **env)
    a_varied_library(runtime)
    yield runtime
    runtime.dispose()


@pytest.mark.parametrize("max_load", [0, 1, 2])
def test_the_pool_and_its_exclusions_are_what_the_orm_path_gave(library, max_load):
    policy = DrawPolicy(max_load=max_load)
    today = library.clock.today_local()
    seen = set()
    with library.unit_of_work(read_only=True) as uow:
        for department in ("STHJ", "SCJG"):
            for exclude in (None, "insp-r"):
                for inspection in (an_inspection(), an_inspection(uscc=OTHER_USCC, today=today + timedelta(days=4)),
                                   an_inspection(today=today - timedelta(days=20))):
                    visit = visit_of(inspection, policy, department)
                    new = eligible(uow.session, policy, visit, exclude, department)
                    assert new == legacy_eligible(uow.session, policy, visit, exclude, department)
                    seen.update(_kind(e["reason"]) for e in new[1])
    assert seen == set(KINDS[:5 + (max_load > 0)]), "the library exercises every kind of exclusion"


def test_the_pool_is_read_in_three_statements_whatever_the_library_size(library):
    policy = DrawPolicy(max_load=2)
    visit = visit_of(an_inspection(), policy)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(library.engine, "before_cursor_execute", count)
    try:
        with library.unit_of_work(read_only=True) as uow:
            uow.session.execute(select(1))  # the transaction begun: only the pool's statements are counted
            statements.clear()
            pool, excluded = eligible(uow.session, policy, visit)
    finally:
        event.remove(library.engine, "before_cursor_execute", count)
    assert len(pool) + len(excluded) == 36
    assert len(statements) == 3, statements


def test_the_record_names_the_chosen_officers_as_the_library_has_them(library):
    library.bus.handle(DrawInspectors(a_joint_inspection("insp-j")))
    enter_randomness(library)
    record = lead_record(library, "insp-j", "SCJG")
    with library.unit_of_work(read_only=True) as uow:
        names = [uow.get(Inspector, i).name for i in record.selected]
    assert [p["name"] for p in record.inspectors] == names and len(names) == 2
