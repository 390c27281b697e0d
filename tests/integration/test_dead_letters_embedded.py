"""Embedded mode's dead letters (issue 14, Deliver 3): the `dead_letter` tables listed with the same columns as the
broker's `<queue>.dead`, and replayed once per invocation — through the library and through the CLI."""
from __future__ import annotations

import json

import pytest

from shared import dead_letters_embedded as embedded
from shared import events
from tests.support.dead_letters import audit_entries, failing
from tests.support.events import assigned_payload

pytestmark = pytest.mark.integration


def _dead_in_embedded(system, count: int) -> list[str]:
    results = system.runtime("results")
    results.consumers["inspectors.assigned"] = failing([])
    ids = []
    for n in range(count):
        with system.runtime("draw").unit_of_work() as uow:
            ids.append(uow.emit("inspectors.assigned", assigned_payload(f"emb-{n}"), subject=f"emb-{n}"))
            uow.commit()
    system.bus.drain()
    return ids


def test_embedded_list_and_replay_once_per_invocation(system):
    results = system.runtime("results")
    ids = _dead_in_embedded(system, 2)
    listed = embedded.list_embedded(results)
    assert [letter.event_id for letter in listed] == ids
    assert listed[0].reason == "RuntimeError: handler bug on emb-0" and listed[0].attempts == 3  # DELIVERY_LIMIT
    assert listed[0].routing_key == "inspectors.assigned" and listed[0].deaths == 1
    assert listed[0].type == events.event_type("inspectors.assigned") and listed[0].first_failure_at is not None
    done = embedded.replay_embedded_letters(results)  # still failing: each tried once, dead once more
    assert done.replayed == ids and done.failed_again == ids
    again = embedded.list_embedded(results)
    assert [letter.event_id for letter in again] == ids and {letter.deaths for letter in again} == {2}
    assert again[0].reason == "RuntimeError: handler bug on emb-0" and again[0].attempts == 1
    assert again[0].first_failure_at == listed[0].first_failure_at
    assert len(audit_entries(results, "dead_letter.replayed")) == 2


def test_embedded_replay_by_id_through_the_cli(system, embedded_env, monkeypatch, capsys):
    from services.cli import main
    from services.results.consumers import inspectors_assigned
    for variable, value in embedded_env.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("AMQP_URL", raising=False)
    first, second = _dead_in_embedded(system, 2)
    system.runtime("results").consumers["inspectors.assigned"] = inspectors_assigned  # the cause is fixed
    capsys.readouterr()
    assert main(["dead-letters", "list", "results", "--json"]) == 0
    assert [row["event_id"] for row in json.loads(capsys.readouterr().out)] == [first, second]
    assert main(["dead-letters", "replay", "--service", "results", "--id", second]) == 0
    assert "已重新投递 1 条。" in capsys.readouterr().out
    assert [letter.event_id for letter in embedded.list_embedded(system.runtime("results"))] == [first]
