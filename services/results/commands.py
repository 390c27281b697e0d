"""results' write use cases, one frozen dataclass each (the API, the pages and the consumers build the same ones)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.department_tokens import RecordDepartmentToken  # noqa: F401  (the shared message, routed here too)
from shared.uploads import Upload


@dataclass(frozen=True)
class RecordAssignment:
    """`inspectors.assigned`: who may record results for the visit, per department (`parts`), and what it covers.
    Without parts (the shape before issue 11) every member records for every department."""
    inspection_id: str
    draw_id: str
    inspectors: tuple[dict, ...]
    inspection: dict
    leader_id: str | None = None
    parts: tuple[dict, ...] = ()


@dataclass(frozen=True)
class RecordSchedule:
    """`visit.scheduled`: the fixed visit time (a later version replaces an earlier one)."""
    inspection_id: str
    scheduled_at: str  # UTC ISO
    local_time: str  # Beijing, "2026-12-03 09:30"
    version: int
    scheduled_by: str


@dataclass(frozen=True)
class RecordReplacement:
    """`inspectors.replaced` (S13): the new team records the results from now on, the old member not."""
    inspection_id: str
    draw_id: str
    inspectors: tuple[dict, ...]
    inspection: dict
    old_inspector: str
    new_inspector: str


@dataclass(frozen=True)
class SaveDraft:
    """A department's result being written, saved again and again until that department's result is submitted
    (an upsert); `department` None: the inspector's own department."""
    inspection_id: str
    inspector_id: str
    body: dict
    department: str | None = None


@dataclass(frozen=True)
class SubmitResult:
    """S8: a department's one result of its round, by its members. `department` None: the departments of the
    items given (each must be the inspector's). `category` None: derived from each department's items. The
    company's confirmation (S9) is given here by the first department to submit, or recorded before with
    RecordConfirmation. `evidence` are files sent with the result (the page's form): stored in the same
    transaction, so a refused result keeps none of them."""
    inspection_id: str
    inspector_id: str | None
    actor: str
    visit_date: date
    items: tuple[dict, ...]
    category: str | None = None
    company_confirmation: dict | None = None
    department: str | None = None
    evidence: tuple[Upload, ...] = ()


@dataclass(frozen=True)
class RecordConfirmation:
    """S9: the company's signature on the record (or its refusal and why), once for the whole visit, by any team
    member (or a clerk); `department` names a department's re-inspection sitting after a correction."""
    inspection_id: str
    inspector_id: str | None
    actor: str
    confirmation: dict
    department: str | None = None


@dataclass(frozen=True)
class AddEvidence:
    """A photo or scan for a visit (S9, S14), checked from its bytes; `inspector_id` None for staff."""
    inspection_id: str
    inspector_id: str | None
    actor: str
    filename: str
    body: bytes | None


@dataclass(frozen=True)
class ApplyForCorrection:
    """S8: a written application, signed by the department head (its scan), to correct a submitted result."""
    result_id: str
    reason: str
    application_scan: str
    actor: str
    inspector_id: str | None


@dataclass(frozen=True)
class DecideCorrection:
    """S8, first step: the sub-bureau's approver agrees (the application goes to the detachment) or refuses."""
    correction_id: str
    approve: bool
    note: str
    actor: str


@dataclass(frozen=True)
class DetachmentDecision:
    """S8, the decision (由大队综合科报支队后予以删除): the detachment voids the department's result, which that
    department inspects again as its next round; or refuses, and the result stands."""
    correction_id: str
    approve: bool
    note: str
    actor: str


@dataclass(frozen=True)
class UpdateRectification:
    """S10: a progress entry (after the deadline with the reason for the delay); `completed=True` is the last
    one, which completes the rectification (evidence required)."""
    rectification_id: str
    note: str
    delay_reason: str | None
    completed: bool
    evidence: tuple[str, ...]
    actor: str
    inspector_id: str | None


@dataclass(frozen=True)
class WriteSummary:
    """N8, issue 13: the department's approver writes (or rewrites, as a new version) the public summary of one of
    the department's results; `release` makes this version public at once. Free-text findings are never public
    themselves."""
    result_id: str
    text: str
    actor: str
    approver_department: str | None
    release: bool = False


@dataclass(frozen=True)
class ReleaseSummary:
    """N8: the approver releases the latest written version of a result's summary to the public (masked)."""
    result_id: str
    actor: str
    approver_department: str | None
