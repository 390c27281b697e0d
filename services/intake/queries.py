"""intake's reads: what a view, a page, the CLI or the token resolver asks. Run on a read-only unit of work."""
from __future__ import annotations

from dataclasses import dataclass

from shared.bus import Query


@dataclass(frozen=True)
class TaskById(Query):
    task_id: str
    department: str | None = None  # a department sees only its own tasks


@dataclass(frozen=True)
class Rejections(Query):
    department: str | None = None
    limit: int = 500


@dataclass(frozen=True)
class Plans(Query):
    """Newest first; drafts only for staff. page None: every plan."""
    include_drafts: bool = False
    page: int | None = None
    per_page: int = 50


@dataclass(frozen=True)
class PlanById(Query):
    plan_id: str
    include_drafts: bool = False


@dataclass(frozen=True)
class PlanVisits(Query):
    """A plan with each of its visits (departments, items, window) and its withdrawn tasks: the clerk's view."""
    plan_id: str


@dataclass(frozen=True)
class InspectionDetail(Query):
    inspection_id: str
    department: str | None = None  # a department sees only visits it takes part in


@dataclass(frozen=True)
class VisitCounts(Query):
    """plan id → number of visits."""


@dataclass(frozen=True)
class CatalogItems(Query):
    department: str | None = None


@dataclass(frozen=True)
class ItemByCode(Query):
    code: str


@dataclass(frozen=True)
class ItemVersions(Query):
    code: str


@dataclass(frozen=True)
class Departments(Query):
    pass


@dataclass(frozen=True)
class DepartmentByToken(Query):
    token: str


@dataclass(frozen=True)
class PartnerEvents(Query):
    """A department's event log after a cursor, in order (the pull feed). `viewer` None: staff."""
    department: str
    viewer: str | None
    after: int = 0
    limit: int = 100


@dataclass(frozen=True)
class Webhooks(Query):
    department: str
    viewer: str | None


@dataclass(frozen=True)
class WebhookDeliveries(Query):
    """A department's deliveries, newest first, each with its attempts; `failed_only` for the failures."""
    department: str
    viewer: str | None
    failed_only: bool = False
    limit: int = 50


@dataclass(frozen=True)
class DispatchProgress(Query):
    """A plan's dispatch progress: visits dispatched / visits to dispatch (issue 15, background dispatch)."""
    plan_id: str
