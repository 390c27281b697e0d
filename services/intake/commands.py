"""intake's write use cases as commands (imperative, frozen): what the API, the pages, the CLI, the periodic
job and the event entrypoints ask intake to do. Each has exactly one handler (handlers/)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class SubmitTask:
    """One department's task (N5): merged into the (plan, company) visit. `body` is what was sent, kept with a
    refusal so nothing a department sent is silently dropped."""
    department: str
    plan_id: str
    external_id: str
    company_uscc: str
    company_name: str
    company_address: str
    items: tuple[str, ...]
    window_start: date | None
    window_end: date | None
    upstream_draw_ref: str | None
    request_hash: str
    actor: str
    channel: str = "http"
    uscc_override_reason: str | None = None
    body: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class UnreadableTask:
    """A row of a batch (or a message) that failed the request schema: refused with its reasons, still recorded."""
    department: str
    channel: str
    body: dict
    fields: dict
    plan_id: str | None
    external_id: str | None


@dataclass(frozen=True)
class SubmitBatch:
    """Up to 1,000 tasks in one transaction, one savepoint each, answered per task in order."""
    rows: tuple[SubmitTask | UnreadableTask, ...]


@dataclass(frozen=True)
class ReceiveTask:
    """A `task.submitted` message: the broker user names the department (the AMQP task path)."""
    event_id: str
    sender: str | None
    body: dict


@dataclass(frozen=True)
class WithdrawTask:
    task_id: str
    department: str | None  # None: a clerk, who may withdraw any task
    actor: str
    reason: str


@dataclass(frozen=True)
class OverrideUscc:
    """N9: accept a task refused only for its USCC check digit, with the clerk's reason."""
    rejection_id: str
    actor: str
    reason: str


@dataclass(frozen=True)
class CreatePlan:
    number: str
    name: str
    module: str
    lead_department: str
    partners: tuple[str, ...]
    period_start: date
    period_end: date
    intake_deadline: date
    publish: bool
    actor: str
    acting_department: str | None = None  # a department's own system may only open plans it leads


@dataclass(frozen=True)
class PublishPlan:
    plan_id: str
    actor: str


@dataclass(frozen=True)
class DispatchPlan:
    """Close intake: each visit still collecting is emitted once as `inspection.ready` (S6, S12)."""
    plan_id: str
    actor: str
    department: str | None = None  # a department may dispatch only the plans it leads


@dataclass(frozen=True)
class DispatchDuePlans:
    """The deadline job: every open plan whose intake deadline has passed is dispatched."""


@dataclass(frozen=True)
class LoadCatalog:
    """Upsert departments and items from the catalog data file (idempotent)."""
    data: dict
    actor: str
    reason: str = "载入抽查事项清单"


@dataclass(frozen=True)
class CreateItem:
    code: str
    values: dict  # department_code, name, target, key_points, method, item_class, basis, active
    actor: str
    reason: str


@dataclass(frozen=True)
class ChangeItem:
    code: str
    changes: dict
    actor: str
    reason: str


@dataclass(frozen=True)
class RotateDepartmentToken:
    """Issue a new API token (returned once; only its hash is kept). `token` None: a fresh random one."""
    code: str
    actor: str
    token: str | None = None


# --- partners (issue #12): each department's event log and its webhooks ---------------------------------------

@dataclass(frozen=True)
class RecordPartnerEvent:
    """A partner-facing event (`letter.issued.<dept>` …) kept in that department's log exactly as received."""
    department: str
    event_id: str
    event_type: str
    body: bytes


@dataclass(frozen=True)
class RecordBroadcastEvent:
    """An event for every department (`audit.checkpoint`): kept, exactly as received, in each department's log."""
    event_id: str
    event_type: str
    body: bytes


@dataclass(frozen=True)
class RegisterWebhook:
    department: str
    url: str
    secret: str
    actor: str
    viewer: str | None  # the acting department (None: staff)


@dataclass(frozen=True)
class RemoveWebhook:
    department: str
    webhook_id: str
    actor: str
    viewer: str | None


@dataclass(frozen=True)
class RedeliverWebhook:
    """A failed delivery is tried again, with a fresh retry window."""
    department: str
    delivery_id: str
    actor: str
    viewer: str | None


@dataclass(frozen=True)
class ClaimDueDeliveries:
    """The sender's first step: take the due deliveries (moving them past a lease) and commit, then send."""


@dataclass(frozen=True)
class RecordDeliveryAttempt:
    """The sender's last step, in a new unit of work: the attempt's outcome, and what happens next."""
    delivery_id: str
    attempted_at: datetime
    status_code: int | None
    error: str | None
    latency_ms: int


@dataclass(frozen=True)
class DispatchNextChunk:
    """The background half of dispatch (issue 15): one chunk of one plan marked `dispatching`, in its own
    transaction; the periodic job repeats it until no plan is left dispatching."""
