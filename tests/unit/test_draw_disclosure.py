"""N4 by the visit time (issue 13, Deliver 1) on draw's own bus, no Flask: before a visit's fixed time the public sees a
draw's commitment, plan, time, counts and algorithm — no company, no officer id or name, no seed; from that time on
the whole record, verifiable by scripts/verify_draw.py alone, with exclusion reasons as categories only. Staff, the
team and the drawn department see it all at once. Target draws and direct matchings follow the same rule."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from services.draw import views
from services.draw.adapters.db import DrawRecord
from services.draw.commands import AddStatusPeriod, DeclareInterest, DrawInspectors, MatchComprehensive, ScheduleVisit
from services.draw.domain import disclosure as d
from services.draw.domain.eligibility import Candidate, Period, Visit, exclusion_reason
from services.draw.queries import GetDraw, ListDraws, ListMatchings, ListSeedCommitments, VerifyDraw
from shared import events
from shared.auth import Principal
from tests.support.draw import NAMES, UNIT_USCC, an_inspection, enter_randomness, staff
from tests.support.outbox import outbox_rows

pytestmark = pytest.mark.unit
VISIT = "insp-disclosure"
COMPANY = "青岛测试化工有限公司"
VERIFIER = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"
SECRETS = ("INS-0", UNIT_USCC, COMPANY, VISIT, *NAMES, "37021100")  # ids, the company, names, certificate numbers


def drawn(draw) -> DrawRecord:
    """A visit of the demo library drawn (commitment, then scripted public randomness), its team announced to
    draw's own schedule as the bus would."""
    draw.bus.handle(DrawInspectors(an_inspection(VISIT)))
    enter_randomness(draw)
    for row in outbox_rows(draw, prefix="inspectors.assigned"):
        draw.deliver("draw.inspectors.assigned", events.parse(row.body))
    with draw.unit_of_work(read_only=True) as uow:
        record = uow.session.execute(select(DrawRecord).where(DrawRecord.inspection_id == VISIT)).scalar_one()
        uow.session.expunge(record)
    return record


def fix_time(draw, hhmm: str = "09:30") -> datetime:
    """The visit fixed on its window's first day; answers the time (UTC)."""
    first_day = an_inspection(VISIT)["window"]["start"]
    return draw.bus.handle(ScheduleVisit(VISIT, f"{first_day} {hhmm}", staff())).scheduled_at.replace(
        tzinfo=timezone.utc)


def move_to(draw, moment: datetime) -> None:
    draw.clock.at = moment  # the TickingClock reads one second later each time


def leaks(body) -> list[str]:
    text = json.dumps(body, ensure_ascii=False)
    return [secret for secret in SECRETS if secret in text]


def test_before_the_visit_the_public_sees_no_company_no_officer_and_no_seed(draw):
    record = drawn(draw)
    fix_time(draw)
    public = draw.bus.handle(GetDraw(record.id))
    assert leaks(public) == [], "the sealed record names nobody and no company"
    assert public["disclosed"] is False
    for hidden in ("pool", "selected", "sources", "key", "inspectors", "inspection_id", "excluded"):
        assert hidden not in public
    assert "seed" not in public["commitment"] and public["commitment"]["seed_hash"]
    assert (public["pool_size"], public["count"], public["algorithm"]) == (len(record.pool), 2, record.algorithm)
    assert public["excluded_count"] == len(record.excluded) and public["selected_labels"] == ["人员A", "人员B"]
    assert public["plan"] == {"id": "p", "number": "〔2026〕1号", "name": "计划"}
    assert public["visit"]["scheduled_at"] and public["department"] == "STHJ"
    assert leaks(draw.bus.handle(ListDraws(1, 50))[0]) == []
    verification = draw.bus.handle(VerifyDraw(record.id))
    assert verification.verified is True and leaks(verification.record) == []


def test_a_visit_without_a_fixed_time_stays_sealed_even_after_its_window(draw):
    record = drawn(draw)
    move_to(draw, datetime.combine(record.visit_start + timedelta(days=30), datetime.min.time(), timezone.utc))
    public = draw.bus.handle(GetDraw(record.id))
    assert public["disclosed"] is False and leaks(public) == []
    assert public["visit"] == {"scheduled_at": None, "window": an_inspection(VISIT)["window"]}


def test_from_the_visit_time_the_whole_record_is_public_and_verifies_with_the_script(draw, tmp_path):
    record = drawn(draw)
    at = fix_time(draw)
    move_to(draw, at - timedelta(minutes=1))
    assert draw.bus.handle(GetDraw(record.id))["disclosed"] is False, "a minute before: still sealed"
    move_to(draw, at)
    public = draw.bus.handle(GetDraw(record.id))
    assert public["disclosed"] is True
    assert public["company"] == {"uscc": UNIT_USCC, "name": COMPANY} and public["selected"] == record.selected
    assert [p["id"] for p in public["inspectors"]] == record.selected
    assert all(p["name"] and p["certificate_no"] for p in public["inspectors"])
    assert public["commitment"]["seed"] is not None
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(public, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "验证通过" in run.stdout


def test_public_exclusions_are_categories_and_staff_read_the_details(draw):
    today = draw.clock.today_local()
    draw.bus.handle(DeclareInterest("INS-003", UNIT_USCC, "配偶在该企业任职", "clerk:clerk01"))
    draw.bus.handle(AddStatusPeriod("INS-004", "病假", today, today + timedelta(days=40), "手术", "clerk:clerk01"))
    record = drawn(draw)
    move_to(draw, fix_time(draw))
    public = {e["id"]: e for e in draw.bus.handle(GetDraw(record.id))["excluded"]}
    assert public["INS-003"] == {"id": "INS-003", "reason": "回避", "category": "回避"}
    assert public["INS-004"]["reason"] == "不在岗"
    assert public["INS-020"]["reason"] == "执法证有效期" and public["INS-019"]["reason"] == "不在岗"
    text = json.dumps(public, ensure_ascii=False)
    assert "病假" not in text and "利害关系" not in text and str(today) not in text
    clerk = {e["id"]: e for e in draw.bus.handle(GetDraw(record.id, staff()))["excluded"]}
    assert "病假" in clerk["INS-004"]["reason"] and "利害关系" in clerk["INS-003"]["reason"]


@pytest.mark.parametrize("viewer", [staff("clerk"), staff("approver", "approver01"), staff("admin", "admin"),
                                    Principal("detachment", "zhidui01", None), Principal("department", "STHJ", "STHJ")])
def test_staff_and_the_drawn_department_see_everything_before_the_visit(draw, viewer):
    record = drawn(draw)
    shown = draw.bus.handle(GetDraw(record.id, viewer))
    assert shown["disclosed"] is True and shown["selected"] == record.selected
    assert [p["id"] for p in shown["inspectors"]] == record.selected


def test_the_drawn_officers_see_their_draw_and_other_officers_and_departments_do_not(draw):
    record = drawn(draw)
    member = Principal("inspector", record.selected[0], "STHJ", "")
    assert draw.bus.handle(GetDraw(record.id, member))["selected"] == record.selected
    outsider = next(i for i in record.pool if i not in record.selected)
    for viewer in (Principal("inspector", outsider, "STHJ", ""), Principal("department", "SCJG", "SCJG")):
        shown = draw.bus.handle(GetDraw(record.id, viewer))
        assert shown["disclosed"] is False and leaks(shown) == []


def test_a_used_seed_is_listed_only_once_its_draw_is_public(draw):
    record = drawn(draw)
    at = fix_time(draw)

    def listed(viewer=None):
        return next(c for c in draw.bus.handle(ListSeedCommitments(viewer=viewer)) if c["used_by"] == record.id)
    assert "seed" not in listed() and listed(staff())["seed"] is not None
    move_to(draw, at + timedelta(seconds=1))
    assert listed()["seed"] == record.sources[0][0]


def test_a_direct_matching_names_its_officers_in_public_only_from_the_visit_time(draw):
    """S7 has no lottery, but its team is as confidential (N4): /matchings is public."""
    draw.bus.handle(DrawInspectors(an_inspection(VISIT, module="综合执法")))
    draw.bus.handle(MatchComprehensive(VISIT, ("INS-001", "INS-002"), f"专项执法：{COMPANY}", "clerk:clerk01"))
    for row in outbox_rows(draw, prefix="inspectors.assigned"):
        draw.deliver("draw.inspectors.assigned", events.parse(row.body))
    (public,) = draw.bus.handle(ListMatchings())
    assert public.sealed and not draw.bus.handle(ListMatchings(viewer=staff()))[0].sealed
    shown = views.matching_view(public.row, public.sealed)
    assert leaks(shown) == [] and shown["inspector_count"] == 2
    assert leaks(views.matching_view(public.row)) == ["INS-0", COMPANY, VISIT], "the search finds them"
    assert not draw.bus.handle(ListMatchings(viewer=Principal("inspector", "INS-001", "STHJ")))[0].sealed
    move_to(draw, fix_time(draw))
    assert not draw.bus.handle(ListMatchings())[0].sealed


# --- the pure rules ---------------------------------------------------------------------------------------------

VISIT_WINDOW = Visit(company_uscc=UNIT_USCC, start=date(2026, 12, 1), end=date(2026, 12, 4), jurisdiction="370211",
                     max_load=1)


@pytest.mark.parametrize("changes, category", [
    ({"on_duty": False}, "不在岗"),
    ({"periods": (Period("病假", date(2026, 11, 30), date(2026, 12, 9)),)}, "不在岗"),
    ({"periods": (Period("借调", date(2026, 11, 30), date(2026, 12, 9)),)}, "不在岗"),
    ({"jurisdiction": "370202"}, "不在岗"),
    ({"certificate_no": None}, "执法证有效期"),
    ({"certificate_expiry": date(2026, 12, 2)}, "执法证有效期"),
    ({"conflicts": frozenset({UNIT_USCC})}, "回避"),
    ({"load": 1}, "工作量"),
])
def test_every_exclusion_reason_has_one_of_the_four_public_categories(changes, category):
    base = {"id": "INS-100", "on_duty": True, "certificate_no": "C1", "certificate_expiry": date(2028, 1, 1),
            "jurisdiction": "370211"}
    reason = exclusion_reason(Candidate(**{**base, **changes}), VISIT_WINDOW)
    assert d.exclusion_category(reason) == category


def test_an_unknown_reason_is_never_published_as_written():
    assert d.exclusion_category("身份证 370211199001011234 出差") == "不在岗"


def test_labels_follow_the_pick_order_and_go_on_past_z():
    assert d.officer_labels(3) == ["人员A", "人员B", "人员C"]
    labels = d.officer_labels(30)
    assert len(set(labels)) == 30 and labels[24] == "人员AA"


def test_the_visit_is_over_only_once_a_fixed_time_has_come():
    at = datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)
    assert not d.visit_over(None, at + timedelta(days=365))
    assert not d.visit_over(at, at - timedelta(seconds=1)) and d.visit_over(at, at)
    assert d.visit_over(at.replace(tzinfo=None), at), "SQLite's naive UTC counts as UTC"


def test_a_target_draw_names_its_companies_once_the_last_of_them_was_visited():
    first, last = datetime(2026, 12, 1, 1, tzinfo=timezone.utc), datetime(2026, 12, 9, 6, tzinfo=timezone.utc)
    assert d.last_visit_at({"A": first, "B": last}, {"A", "B"}) == last
    assert d.last_visit_at({"A": first, "B": None}, {"A", "B"}) is None, "B's visit has no time yet"
    assert d.last_visit_at({"A": first}, {"A", "B"}) is None, "B has no visit yet"
    assert d.last_visit_at({}, set()) is None


def test_who_sees_what():
    team = {"INS-001"}
    cases = [(None, False, d.SEALED), (None, True, d.PUBLIC), (staff(), False, d.STAFF),
             (Principal("inspector", "INS-001", "STHJ"), False, d.STAFF),
             (Principal("inspector", "INS-002", "STHJ"), False, d.SEALED),
             (Principal("department", "STHJ", "STHJ"), False, d.STAFF),
             (Principal("department", "SCJG", "SCJG"), False, d.SEALED),
             (Principal("department", "SCJG", "SCJG"), True, d.PUBLIC)]
    for viewer, over, level in cases:
        assert d.level_for(viewer, department="STHJ", team=team, visit_over=over) == level, viewer


def test_a_target_stratum_sealed_carries_its_own_id_but_no_company():
    record = SimpleNamespace(id="d1", subject_kind="target_draw", subject_id="td-1", purpose="targets:重点/全部",
                             department=None, algorithm="sha256", count=2, pool=[UNIT_USCC, "91440300708461136T"],
                             excluded=[], created_at=datetime(2026, 11, 28, 2, tzinfo=timezone.utc),
                             inspection={"plan_id": "plan-1"}, selected=[UNIT_USCC])
    commitment = SimpleNamespace(id=7, seed_hash="ab" * 32, committed_at=record.created_at, seed=42)
    sealed = d.public_record(record, commitment, d.SEALED)
    assert sealed["subject_id"] == "td-1" and sealed["plan"] == {"id": "plan-1"} and sealed["selected_labels"] == []
    assert UNIT_USCC not in json.dumps(sealed) and "42" not in json.dumps(sealed["commitment"])
