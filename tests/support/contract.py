"""The partners' contract (design §2 ⚑): validate an event against `docs/asyncapi.yaml`'s message payloads."""
from __future__ import annotations

import functools

CHANNEL_MESSAGES = {"task.submitted": "TaskSubmitted", "task.accepted": "TaskAccepted", "task.rejected": "TaskRejected",
                    "department.token_rotated": "DepartmentTokenRotated",
                    "account.sessions_revoked": "AccountSessionsRevoked",
                    "inspection.ready": "InspectionReady", "inspectors.replaced": "InspectorsReplaced",
                    "inspectors.assigned": "InspectorsAssigned", "targets.drawn": "TargetsDrawn",
                    "letter.issued": "LetterIssued", "result.published": "ResultPublished",
                    "rectification.updated": "RectificationUpdated", "visit.scheduled": "VisitScheduled",
                    "result.voided": "ResultVoided", "audit.checkpoint": "AuditCheckpoint",
                    "draw.committed": "DrawCommitted"}


@functools.cache
def asyncapi() -> dict:
    import yaml

    from shared.config import PROJECT_ROOT
    return yaml.safe_load((PROJECT_ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8"))


def contract_validator(message: str):
    """A JSON Schema validator for one message of the contract (its whole CloudEvent, envelope and data)."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    registry = Registry().with_resource("urn:asyncapi",
                                        Resource.from_contents(asyncapi(), default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:asyncapi#/components/messages/{message}/payload"},
                                registry=registry, format_checker=FormatChecker())


def message_for(routing_key: str) -> str:
    """`result.published.SCJG` → `ResultPublished`."""
    return next(CHANNEL_MESSAGES[c] for c in CHANNEL_MESSAGES if routing_key == c or routing_key.startswith(c + "."))


def contract_errors(message: str, cloud_event: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in contract_validator(message).iter_errors(cloud_event)]
