"""draw's reads as queries (read-only units of work): what the API, the pages, the CLI and the login form need.
`viewer` is the caller's principal (or None for the public): N4 decides names by who asks and when."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.auth import Principal
from shared.bus import Query
from shared.department_tokens import DepartmentOfToken  # noqa: F401  (the shared message, routed here too)

from .commands_accounts import Login  # noqa: F401  (a command since it counts failures; imported here before)


@dataclass(frozen=True)
class ListDraws(Query):
    """Public draw records, newest first; answers (records as this viewer may see them, total)."""
    page: int = 1
    per_page: int = 50
    viewer: Principal | None = None


@dataclass(frozen=True)
class GetDraw(Query):
    """One public draw record (N4 names rule applied); NotFound if there is none."""
    draw_id: str
    viewer: Principal | None = None


@dataclass(frozen=True)
class VerifyDraw(Query):
    """Recompute a stored draw from its public record alone; answers `DrawVerification`; NotFound if none."""
    draw_id: str
    viewer: Principal | None = None


@dataclass(frozen=True)
class ListSeedCommitments(Query):
    """The seed commitments, newest first; a used seed only where this viewer may see its draw (N4)."""
    limit: int = 200
    viewer: Principal | None = None


@dataclass(frozen=True)
class ListRandomness(Query):
    """The public randomness entries (issue 13), newest first, each with how many draws it made."""
    limit: int = 100


@dataclass(frozen=True)
class ListBlocked(Query):
    """Department parts of visits whose team is not complete: cannot be drawn (too few eligible, with what would
    unblock it), wait for a comprehensive-enforcement matching, or wait for a department to name its officers."""


@dataclass(frozen=True)
class ListMissingParts(Query):
    """Departments that have not named their officers by the deadline: for the clerk and for the reports."""


@dataclass(frozen=True)
class ListNamingTasks(Query):
    """The parts a department still has to name officers for (its own only)."""
    department: str


@dataclass(frozen=True)
class GetTeamParts(Query):
    """A visit's department parts as they stand; NotFound if the visit never reached draw."""
    inspection_id: str


@dataclass(frozen=True)
class ListInspectors(Query):
    pass


@dataclass(frozen=True)
class InspectorLibraryOverview(Query):
    """The clerk's library page: inspectors (with certificate expiry flags), status periods, blocked visits."""


@dataclass(frozen=True)
class ExportInspectors(Query):
    """The library as an xlsx file (bytes)."""


@dataclass(frozen=True)
class PreviewInspectorImport(Query):
    """The dry run of an Excel import: what each row would do, failing rows with their problems; nothing written."""
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class ListRecusals(Query):
    pass


@dataclass(frozen=True)
class QuarterChanges(Query):
    """S5: the quarter's library changes (from the audit log) before filing; answers {period, due_on, changes}."""
    period: str


@dataclass(frozen=True)
class ListFilings(Query):
    """S5: the filings received by the detachment, newest first."""


@dataclass(frozen=True)
class ListReplacements(Query):
    pass


@dataclass(frozen=True)
class ReplacementCandidates(Query):
    """S13: the officers an approver may choose from, and who is excluded and why."""
    replacement_id: str


@dataclass(frozen=True)
class ReplacementQueue(Query):
    """The approver's page: each pending request with its inspector and candidates, and the latest decided."""


@dataclass(frozen=True)
class ListTargets(Query):
    library: str
    by_class: bool = False


@dataclass(frozen=True)
class CheckProvinceLibrary(Query):
    """The dry run of a province library import: (valid rows, problems in Chinese)."""
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class GetTargetDraw(Query):
    """A target draw as this viewer may see it: its companies only for staff, or once all were visited (N4)."""
    target_draw_id: str
    viewer: Principal | None = None


@dataclass(frozen=True)
class ListMatchings(Query):
    """Direct matchings (S7), newest first; the officers only for staff, or once the visit's time has come (N4)."""
    limit: int = 200
    viewer: Principal | None = None


@dataclass(frozen=True)
class GetVisitSchedule(Query):
    """One visit's team, window and fixed time (if any), for whoever may see it (staff, its team, its departments)."""
    inspection_id: str
    viewer: Principal | None = None


@dataclass(frozen=True)
class MyVisitsToSchedule(Query):
    """The visits this officer leads, those still without a time first."""
    inspector_id: str


@dataclass(frozen=True)
class UnscheduledVisits(Query):
    """The clerk's list: visits with a team but no fixed time yet, earliest window first."""
