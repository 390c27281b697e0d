"""letters' write use cases (S12, S13, N10): every way its state changes, as a command for the bus."""
from __future__ import annotations

from dataclasses import dataclass

from shared.department_tokens import RecordDepartmentToken  # noqa: F401  (the shared message, routed here too)
from shared.uploads import Upload


@dataclass(frozen=True)
class IssueJointLetter:
    """Record a visit's whole team (from `inspectors.assigned`: every department's members, `leader_id` leads);
    the set is issued as soon as the visit's fixed time is known too (`visit.scheduled`, either order). A second
    event for the same team is a no-op. `inspection` and `inspectors` are as the event carries them."""
    inspection_id: str
    inspection: dict
    inspectors: list
    leader_id: str | None = None


@dataclass(frozen=True)
class RecordVisitTime:
    """The fixed visit time (from `visit.scheduled`): issues the set once the team is known; a later version (the
    time changed) revokes the current set and issues a new one; a stale or repeated version does nothing."""
    inspection_id: str
    scheduled_at: str  # UTC ISO
    version: int
    reason: str | None = None
    scheduled_by: str = ""


@dataclass(frozen=True)
class ReissueAfterReplacement:
    """S13 (from `inspectors.replaced`): revoke the set naming the old team and issue one naming the new."""
    inspection_id: str
    inspection: dict
    inspectors: list
    old_name: str
    new_name: str
    reason: str


@dataclass(frozen=True)
class RetryFailedIssue:
    """A clerk issues again a set that could not be typeset, once the font or the name is corrected."""
    inspection_id: str


@dataclass(frozen=True)
class UploadSeal:
    """The bureau's admin uploads its seal image; documents issued from then on carry it."""
    upload: Upload
    actor: str
