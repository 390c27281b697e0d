"""draw's write use cases as commands (imperative, frozen): what the API, the pages, the CLI, the demo, the
periodic job and the event entrypoints ask draw to do. Each has exactly one handler (handlers/)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.auth import Principal
from shared.department_tokens import RecordDepartmentToken  # noqa: F401  (the shared message, routed here too)

from .commands_accounts import ChangePassword, EndSession, Login  # noqa: F401  (account commands, issue 13)
from .commands_batches import NameOfficersForVisits, ScheduleVisits  # noqa: F401  (batch commands, issue 15)

# --- draws (N2–N4, S6, S7) --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawInspectors:
    """On `inspection.ready`: draw the visit's team (or park it as blocked / waiting for a matching)."""
    inspection: dict = field(compare=False)


@dataclass(frozen=True)
class RetryDraw:
    """The clerk's 重新抽取: draw the parts of a visit that have no draw yet (never a second draw, N4)."""
    inspection_id: str
    actor: str


@dataclass(frozen=True)
class NameOfficers:
    """A department that keeps its officers in its own system names its part of a visit's team (匹配, N2):
    `officers` are dicts {name, certificate_no, certificate_expiry (date), unit?}."""
    inspection_id: str
    department: str
    officers: tuple = field(compare=False)
    actor: str
    actor_role: str = "department"
    actor_department: str | None = None


@dataclass(frozen=True)
class DrawTargets:
    """S6: draw a plan's targets for one period, stratum by stratum, under the given quota rules."""
    plan_id: str
    period: str
    library: str
    rules: tuple  # of dicts as QuotaRule takes them
    items: tuple[str, ...]
    actor: str


@dataclass(frozen=True)
class MatchComprehensive:
    """S7: a clerk matches the team of a comprehensive-enforcement visit directly (no lottery)."""
    inspection_id: str
    inspector_ids: tuple[str, ...]
    reason: str
    actor: str


@dataclass(frozen=True)
class EnterRandomness:
    """External public randomness (issue 13): the winning `numbers` of a named public lottery (`source`, `issue`)
    drawn at `drawn_at` (text: local "YYYY-MM-DD HH:MM[:SS]" or ISO 8601 with an offset). It draws every
    commitment made before `drawn_at` that is still waiting. Tests, the demo and benchmarks enter it by script
    with a `source` that says so (e.g. 测试脚本录入（非真实开奖）)."""
    numbers: tuple[int, ...]
    source: str
    issue: str
    drawn_at: str
    actor: str


# --- replacements (S13) and recusal (N3) --------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestReplacement:
    draw_id: str
    inspector_id: str
    reason: str
    text: str
    actor: str


@dataclass(frozen=True)
class DecideReplacement:
    """An approver approves (choosing `replacement_inspector_id` from the eligible list) or rejects."""
    replacement_id: str
    approve: bool
    text: str
    actor: str
    actor_role: str = "approver"
    replacement_inspector_id: str | None = None


@dataclass(frozen=True)
class DeclareInterest:
    """N3: an inspector declares an interest in a company (or a clerk records it)."""
    inspector_id: str
    company_uscc: str
    reason: str
    actor: str


@dataclass(frozen=True)
class ApplyForRecusal:
    """A company's recusal application, recorded by the brigade office."""
    company_uscc: str
    company_name: str
    inspector_id: str
    inspection_id: str | None
    reason: str
    actor: str


@dataclass(frozen=True)
class DecideRecusal:
    application_id: str
    approve: bool
    reason: str
    actor: str


# --- the inspector library (S5) and accounts ---------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterInspector:
    """A new officer in the library. `department_code`/`department_name` default to the drawing department."""
    id: str
    name: str
    unit: str
    certificate_no: str
    certificate_expiry: date | None
    actor: str
    reason: str
    certificate_issuer: str = ""
    on_duty: bool = True
    established: bool = True
    jurisdiction: str = "370211"
    expertise: tuple[str, ...] = ()
    phone: str = ""
    department_code: str | None = None
    department_name: str | None = None


@dataclass(frozen=True)
class ChangeInspector:
    inspector_id: str
    changes: dict = field(compare=False)
    actor: str
    reason: str


@dataclass(frozen=True)
class AddStatusPeriod:
    inspector_id: str
    kind: str
    start: date
    end: date
    note: str
    actor: str


@dataclass(frozen=True)
class ImportInspectors:
    """Excel import: the valid rows are written only when no row fails; otherwise nothing is written and the
    answer is the preview (a dry run on purpose is the query `PreviewInspectorImport`)."""
    data: bytes = field(repr=False)
    reason: str
    actor: str
    department_name: str | None = None


@dataclass(frozen=True)
class CreateAccount:
    """Someone who logs in. Give `password` (hashed here) or an already made werkzeug `password_hash`."""
    username: str
    role: str
    display_name: str
    password: str | None = field(default=None, repr=False)
    password_hash: str | None = field(default=None, repr=False)
    department_code: str | None = None
    inspector_id: str | None = None
    actor: str = "system:accounts"


@dataclass(frozen=True)
class FileReport:
    """S5: the quarter's inspector changes (`inspector_changes`, 2026Q4) or the headcount (`headcount`, 2027)."""
    kind: str
    period: str
    actor: str


# --- target libraries (S4) --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeLocalTargets:
    rows: tuple = field(compare=False)
    reason: str
    actor: str


@dataclass(frozen=True)
class ImportProvinceLibrary:
    """Replace a province-maintained library from its xlsx file, only when every row is valid (checking alone is
    the query `CheckProvinceLibrary`)."""
    library: str
    data: bytes = field(repr=False)
    filename: str
    actor: str


# --- one visit time (issue #11) -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordTeamForScheduling:
    """On draw's own `inspectors.assigned` / `inspectors.replaced`: keep the team (and its leader) whose visit time
    is to be fixed. `as_of` is the event's time: an older announcement never overwrites a newer team."""
    inspection: dict = field(compare=False)
    team: tuple = field(compare=False)  # asyncapi Inspector dicts
    as_of: datetime
    leader_id: str | None = None


@dataclass(frozen=True)
class ScheduleVisit:
    """The team leader or a clerk fixes (or changes, with a reason) the visit's local time "YYYY-MM-DD HH:MM"."""
    inspection_id: str
    local_time: str
    by: Principal
    reason: str = ""
