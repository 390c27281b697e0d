"""results' reads: what the API, the pages and the reports need, each answered on a read-only unit of work."""
from __future__ import annotations

from dataclasses import dataclass

from shared.bus import Query
from shared.department_tokens import DepartmentOfToken  # noqa: F401  (the shared message, routed here too)


@dataclass(frozen=True)
class VisitResults(Query):
    """Every round of a visit, voided ones marked (S8); an inspector only for a visit of their team; a department
    (`reader_department`) only its own rows of a visit it takes part in; `department` one department's rows."""
    inspection_id: str
    inspector_id: str | None = None
    reader_department: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class GetResult(Query):
    result_id: str


@dataclass(frozen=True)
class ReadResult(Query):
    """(result, its void mark or None); an inspector only of their team's visit, a department
    (`reader_department`) only its own."""
    result_id: str
    inspector_id: str | None = None
    reader_department: str | None = None


@dataclass(frozen=True)
class GetDraft(Query):
    inspection_id: str
    inspector_id: str
    department: str | None = None


@dataclass(frozen=True)
class VisitProgress(Query):
    """Where a visit stands per department (submitted, waiting, late), its fixed time and the confirmation; a
    department (`reader_department`) only for a visit it takes part in."""
    inspection_id: str
    inspector_id: str | None = None
    reader_department: str | None = None


@dataclass(frozen=True)
class GetEvidence(Query):
    """A stored file; an inspector only of their team's visit, a department only what its own results and
    rectifications name."""
    sha256: str
    inspector_id: str | None = None
    reader_department: str | None = None


@dataclass(frozen=True)
class CorrectionQueue(Query):
    """The approver's and the detachment's queue, newest first, each application with the result it would
    correct; `status` pending (the approver's step) or approved (the detachment's)."""
    status: str | None = None


@dataclass(frozen=True)
class Rectifications(Query):
    """Reminders (S14): by deadline; filters as the API offers them."""
    status: str | None = None
    department: str | None = None
    overdue: bool = False
    squadron: str | None = None
    inspector_id: str | None = None
    reader_department: str | None = None


@dataclass(frozen=True)
class PublicResults(Query):
    """N8: the public feed, paged and filtered."""
    company: str | None = None
    department: str | None = None
    plan: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class MyVisits(Query):
    """The inspector's visits, newest first, each department's state and whether the inspector's own departments
    still need their result."""
    inspector_id: str


@dataclass(frozen=True)
class ResultForm(Query):
    """What a department's result form shows: the assignment, the department's round's result if submitted, else
    the inspector's draft; the fixed time and the confirmation on file. `department` None: the inspector's own."""
    inspection_id: str
    inspector_id: str
    department: str | None = None


@dataclass(frozen=True)
class DeadlineDashboard(Query):
    """Open rectifications by deadline and visits whose results are due or late (N7, S14)."""


@dataclass(frozen=True)
class Report(Query):
    """S11, S15: `monthly` + `2026-11` or `quarterly` + `2026Q4`, as of today."""
    kind: str
    key: str
    reader_department: str | None = None


@dataclass(frozen=True)
class DepartmentVisits(Query):
    """本部门的联合检查 (issue 12): the visits `department` takes part in, newest first, a page at a time; each with
    its fixed time, team, every department's state, and the department's own results and rectifications."""
    department: str
    page: int = 1
    per_page: int = 10
    reader_department: str | None = None


@dataclass(frozen=True)
class ResultSummaries(Query):
    """The approver's page (issue 13): the department's results that count (not voided), newest first, each with
    its findings (for the approver's eyes) and its summary versions; `result_id` narrows to one."""
    department: str | None
    result_id: str | None = None


@dataclass(frozen=True)
class PublicVisits(Query):
    """N8 "tasks (after the visit)": visits whose fixed time has passed, newest first; a visit without a fixed time,
    or before it, is not public (N4: nobody is warned)."""
    page: int = 1
    per_page: int = 20
