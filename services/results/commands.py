"""results' write use cases, one frozen dataclass each (the API, the pages and the consumers build the same ones)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.uploads import Upload


@dataclass(frozen=True)
class RecordAssignment:
    """`inspectors.assigned`: who may record results for the visit and what it covers."""
    inspection_id: str
    draw_id: str
    inspectors: tuple[dict, ...]
    inspection: dict


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
    """A result being written, saved again and again until the round's result is submitted (an upsert)."""
    inspection_id: str
    inspector_id: str
    body: dict


@dataclass(frozen=True)
class SubmitResult:
    """S8: the round's one result, with the company's confirmation or its refusal (S9). `evidence` are files sent
    with the result (the page's form): stored in the same transaction, so a refused result keeps none of them."""
    inspection_id: str
    inspector_id: str
    actor: str
    visit_date: date
    category: str
    items: tuple[dict, ...]
    company_confirmation: dict
    evidence: tuple[Upload, ...] = ()


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
    """S8: approval voids the result and opens a re-inspection round for the same team; rejection keeps it."""
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

