"""The partner feed on PostgreSQL (issue #12): events recorded concurrently still give each department gapless
cursors in commit order, and two senders never claim the same delivery."""
from __future__ import annotations

import threading

import pytest

from services.intake.bootstrap import webhook_deps
from services.intake.commands import ClaimDueDeliveries, RegisterWebhook
from services.intake.domain.webhooks import WebhookPolicy
from services.intake.queries import PartnerEvents
from shared.config import load_settings
from tests.support.intake import load_reference
from tests.support.partners import deliver, partner_event, public_resolver

pytestmark = pytest.mark.integration


@pytest.fixture
def intake_pg(pg_env, tmp_path):
    from services import registry
    from services.intake.bootstrap import bootstrap
    settings = load_settings("intake", {**pg_env, "JOINTINSPECT_VAR": str(tmp_path), "SECRET_KEY": "pg-secret"})
    registry.migrate("intake", settings)
    runtime = bootstrap(settings, **webhook_deps(WebhookPolicy(), resolver=public_resolver))
    load_reference(runtime)
    yield runtime
    runtime.dispose()


def test_concurrent_events_get_gapless_cursors_and_each_delivery_is_claimed_once(intake_pg):
    runtime = intake_pg
    runtime.bus.handle(RegisterWebhook("SCJG", "https://partner.example.gov.cn/", "secret-scjg", "t", "SCJG"))
    sent = [partner_event("result.published", "SCJG", result_id=f"r{n}") for n in range(24)]
    barrier = threading.Barrier(8)

    def record(chunk):
        barrier.wait()
        for event in chunk:
            deliver(runtime, event)

    threads = [threading.Thread(target=record, args=(sent[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page = runtime.bus.handle(PartnerEvents("SCJG", "SCJG", 0, 1000))
    assert [e.seq for e in page.events] == list(range(1, 25))
    assert sorted(e.event_id for e in page.events) == sorted(e.id for e in sent)
    claimed: list = []
    claim = threading.Barrier(3)

    def sender():
        claim.wait()
        claimed.extend(job.delivery_id for job in runtime.bus.handle(ClaimDueDeliveries()))

    senders = [threading.Thread(target=sender) for _ in range(3)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    assert len(claimed) == len(set(claimed)) == 24
