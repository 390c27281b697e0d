"""letters' write use cases (S12, S13, N10): every way its state changes, as a command for the bus."""
from __future__ import annotations

from dataclasses import dataclass

from shared.uploads import Upload


@dataclass(frozen=True)
class IssueJointLetter:
    """Issue the set for a drawn team (from `inspectors.assigned`); a second event for the same team is a no-op.
    `inspection` and `inspectors` are as the event carries them (docs/asyncapi.yaml)."""
    inspection_id: str
    inspection: dict
    inspectors: list


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
