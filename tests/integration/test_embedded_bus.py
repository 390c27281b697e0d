"""The embedded transport (design §3.7): same outbox rows, same handlers, same inbox; dead letters after
the delivery limit."""
from __future__ import annotations

import pytest

from shared import events, topology
from tests.support.events import assigned_payload

pytestmark = pytest.mark.integration


def _emit_assigned(system, inspection_id="insp-x") -> str:
    """Put one `inspectors.assigned` row in draw's outbox, as the draw handler would."""
    with system.runtime("draw").unit_of_work() as uow:
        event_id = uow.emit("inspectors.assigned", assigned_payload(inspection_id), subject=inspection_id)
        uow.commit()
    return event_id


def _rows(system, service, model_name, **filters):
    """A service's messaging rows, or (for results) one of its own tables."""
    runtime = system.runtime(service)
    if model_name not in runtime.models:
        from tests.support.results import rows
        return rows(runtime, model_name, **filters)
    with runtime.unit_of_work(read_only=True) as uow:
        return uow.session.query(runtime.models[model_name]).filter_by(**filters).all()


def test_topic_matching_follows_amqp_rules():
    assert topology.topic_matches("result.published.*", "result.published.SCJG")
    assert topology.topic_matches("*.SCJG", "task.SCJG")
    assert not topology.topic_matches("*.SCJG", "result.published.SCJG")
    assert topology.topic_matches("#.SCJG", "result.published.SCJG")
    assert not topology.topic_matches("inspection.ready", "inspection.ready.x")


def test_a_redelivered_event_has_no_second_effect(system):
    """Design §3.3: delivering the same event id to the same queue twice changes nothing the second time."""
    _emit_assigned(system)
    system.bus.drain()
    results = system.runtime("results")
    row = _rows(system, "draw", "Outbox")[0]
    outcome = results.deliver("results.inspectors.assigned", events.parse(row.body))
    assert outcome.value == "duplicate"
    assert len(_rows(system, "results", "Assignment")) == 1


def test_a_failing_handler_is_dead_lettered_after_the_limit_and_others_still_get_the_event(system):
    attempts = []

    def always_fails(event):
        attempts.append(event.id)
        raise RuntimeError("handler bug")

    system.runtime("results").consumers["inspectors.assigned"] = always_fails
    event_id = _emit_assigned(system)
    system.bus.drain()
    assert len(attempts) == 3  # DELIVERY_LIMIT=3 in the test settings
    dead = _rows(system, "results", "DeadLetter", queue="results.inspectors.assigned")
    assert [d.event_id for d in dead] == [event_id] and "handler bug" in dead[0].error
    assert _rows(system, "letters", "Inbox", event_id=event_id), "letters still processed it"
    assert all(row.published_at for row in _rows(system, "draw", "Outbox"))


def test_a_failure_rolls_back_the_handlers_partial_writes(system):
    """Effects and the inbox row commit together: a handler that fails half-way leaves nothing behind."""
    from services.results.commands import RecordAssignment
    from services.results.handlers.assignments import record_assignment

    def fails_after_writing(command, uow):
        record_assignment(command, uow)
        uow.session.flush()
        raise RuntimeError("crash after the write")

    system.runtime("results").bus.handlers[RecordAssignment] = fails_after_writing
    _emit_assigned(system)
    system.bus.drain()
    assert _rows(system, "results", "Inbox") == []
    assert _rows(system, "results", "Assignment") == []


def test_embedded_dead_letters_can_be_replayed(system):
    from services.results.consumers import inspectors_assigned
    from shared import dead_letters_embedded as dead_letters
    results = system.runtime("results")
    results.consumers["inspectors.assigned"] = lambda event: (_ for _ in ()).throw(RuntimeError("not yet"))
    _emit_assigned(system)
    system.bus.drain()
    assert len(dead_letters.pending_embedded(results)) == 1
    results.consumers["inspectors.assigned"] = inspectors_assigned
    assert dead_letters.replay_embedded(results) == 1
    assert dead_letters.pending_embedded(results) == []
    assert len(_rows(system, "results", "Assignment")) == 1
