"""The webhook sender, a periodic job (issue #12): claim the due deliveries (one short transaction), send them with
no transaction open, record each attempt in a unit of work of its own. Deliveries are rows, so a restart resumes
them; the path that produced an event only ever added rows."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from shared.runtime import ServiceRuntime

from .commands import ClaimDueDeliveries, RecordDeliveryAttempt

log = logging.getLogger(__name__)
SENDERS = 8  # one slow receiver must not hold up the others


def send_due_webhooks(runtime: ServiceRuntime) -> int:
    """One round; answers how many attempts were made."""
    jobs = runtime.bus.handle(ClaimDueDeliveries())
    if not jobs:
        return 0
    send = runtime.bus.deps["send_webhook"]

    def attempt(job) -> None:
        attempted_at = runtime.clock.now()
        outcome = send(job.url, job.secret, job.body)
        runtime.bus.handle(RecordDeliveryAttempt(job.delivery_id, attempted_at, outcome.status_code, outcome.error,
                                                 outcome.latency_ms))

    with ThreadPoolExecutor(max_workers=min(SENDERS, len(jobs)), thread_name_prefix="webhook") as pool:
        for future in [pool.submit(attempt, job) for job in jobs]:
            try:
                future.result()
            except Exception:
                log.exception("webhook attempt could not be recorded; it is tried again after its lease")
    return len(jobs)
