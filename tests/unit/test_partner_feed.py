"""Each department's own event log and its pull feed (issue #12), on intake's bus: no Flask app."""
from __future__ import annotations

import json

import pytest

from services.intake.commands import RecordPartnerEvent
from services.intake.consumers import on_partner_event
from services.intake.queries import PartnerEvents
from shared import events
from shared.errors import Forbidden, NotFound
from shared.runtime import Outcome
from shared.topology import topic_matches
from tests.support.partners import T0, MovingClock, deliver, partner_event, partner_runtime


@pytest.fixture
def intake(tmp_path):
    runtime = partner_runtime(tmp_path / "var", MovingClock(T0))
    yield runtime
    runtime.dispose()


def test_intake_listens_for_every_partner_facing_event_of_any_department():
    from services.intake.consumers import CONSUMERS
    for key in ("letter.issued.SCJG", "visit.scheduled.STHJ", "result.published.YJGL", "result.voided.SCJG",
                "rectification.updated.SCJG"):
        assert [p for p in CONSUMERS if topic_matches(p, key)], key
    for key in ("visit.scheduled", "task.accepted.SCJG", "letter.issued"):
        assert not [p for p in CONSUMERS if "*" in p and topic_matches(p, key)], key


def test_an_event_is_logged_once_with_its_body_exactly_as_received(intake):
    event = partner_event("letter.issued", "SCJG", number="青环西联函〔2026〕1号")
    assert deliver(intake, event) is Outcome.PROCESSED
    assert deliver(intake, event) is Outcome.DUPLICATE
    assert intake.bus.handle(RecordPartnerEvent("SCJG", event.id, event.type, event.body)) is None  # already there
    page = intake.bus.handle(PartnerEvents("SCJG", "SCJG"))
    assert [e.body for e in page.events] == [event.body]
    assert page.next == 1


def test_the_whole_team_visit_scheduled_without_a_department_is_not_logged():
    _, body = events.build("draw", "visit.scheduled", {"inspection_id": "i", "members": []}, "i", T0)
    assert on_partner_event(events.parse(body)) is None


def test_the_feed_is_in_order_with_stable_cursors_and_no_gaps(intake):
    sent = {"SCJG": [], "STHJ": []}
    for n in range(5):
        for department in (("SCJG", "STHJ") if n < 2 else ("SCJG",)):
            event = partner_event("result.published", department, result_id=f"r{n}")
            deliver(intake, event)
            sent[department].append(event.id)
    seen, after, cursors = [], 0, []
    while True:
        page = intake.bus.handle(PartnerEvents("SCJG", "SCJG", after=after, limit=2))
        if not page.events:
            assert page.next == after  # an empty page keeps the cursor
            break
        seen += [json.loads(e.body)["id"] for e in page.events]
        cursors += [e.seq for e in page.events]
        after = page.next
    assert seen == sent["SCJG"] and cursors == [1, 2, 3, 4, 5]
    again = intake.bus.handle(PartnerEvents("SCJG", "SCJG", after=2, limit=2))
    assert [e.event_id for e in again.events] == sent["SCJG"][2:4]  # the same cursor answers the same events
    other = intake.bus.handle(PartnerEvents("STHJ", "STHJ"))
    assert [e.event_id for e in other.events] == sent["STHJ"] and other.next == 2


def test_the_limit_is_capped_at_one_thousand(intake):
    deliver(intake, partner_event("letter.issued", "SCJG"))
    assert len(intake.bus.handle(PartnerEvents("SCJG", None, limit=5000)).events) == 1


def test_another_department_is_refused_in_chinese(intake):
    deliver(intake, partner_event("letter.issued", "SCJG"))
    with pytest.raises(Forbidden) as refused:
        intake.bus.handle(PartnerEvents("SCJG", "STHJ"))
    assert refused.value.status == 403 and "本部门" in refused.value.message


def test_staff_read_any_department_but_not_one_that_does_not_exist(intake):
    deliver(intake, partner_event("letter.issued", "YJGL"))
    assert len(intake.bus.handle(PartnerEvents("YJGL", None)).events) == 1
    with pytest.raises(NotFound):
        intake.bus.handle(PartnerEvents("NOPE", None))
