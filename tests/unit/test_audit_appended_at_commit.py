"""S1 with issue 15: audit entries are collected in the transaction and appended to the chain once, at the commit,
in record order; a savepoint that rolls back takes its entries with it; a rolled back transaction leaves none."""
from __future__ import annotations

import pytest

from shared import audit
from tests.support.intake import intake_runtime


@pytest.fixture
def runtime(tmp_path):
    runtime = intake_runtime(tmp_path / "var")
    yield runtime
    runtime.dispose()


def actions(runtime) -> list[str]:
    model = runtime.models["AuditEntry"]
    with runtime.unit_of_work(read_only=True) as uow:
        return [e.action for e in uow.session.query(model).order_by(model.seq)]


def test_entries_are_written_at_the_commit_in_record_order_and_chained(runtime):
    with runtime.unit_of_work() as uow:
        for n in range(3):
            uow.audit("system:test", f"step.{n}", f"thing:{n}")
        assert [e["action"] for e in audit.pending(uow.session)] == ["step.0", "step.1", "step.2"]
        assert actions(runtime) == []
        uow.commit()
    assert actions(runtime) == ["step.0", "step.1", "step.2"]
    with runtime.unit_of_work(read_only=True) as uow:
        assert audit.verify_chain(uow.session, runtime.models["AuditEntry"])[0]


def test_a_savepoint_rolled_back_takes_its_entries_with_it(runtime):
    with runtime.unit_of_work() as uow:
        uow.audit("system:test", "kept.before", "thing:1")
        with pytest.raises(RuntimeError):
            with uow.savepoint():
                uow.audit("system:test", "dropped", "thing:2")
                with uow.savepoint():
                    uow.audit("system:test", "dropped.inner", "thing:3")
                raise RuntimeError("refused")
        with uow.savepoint():
            uow.audit("system:test", "kept.released", "thing:4")
        uow.commit()
    assert actions(runtime) == ["kept.before", "kept.released"]


def test_a_rolled_back_transaction_leaves_no_entry_for_the_next(runtime):
    with runtime.unit_of_work() as uow:
        uow.audit("system:test", "rolled.back", "thing:1")
        uow.rollback()
        uow.audit("system:test", "committed", "thing:2")
        uow.commit()
    assert actions(runtime) == ["committed"]
