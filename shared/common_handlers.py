"""Messages every service answers the same way, registered on each bus by `build_runtime`: the audit history's
verification and its signed checkpoints (S1, issue 13)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import checkpoints
from .audit_verify import AuditVerification, verify_history
from .bus import Query
from .config import Settings
from .sealing import seal_existing
from .signing import Signer, previous_keys
from .uow import UnitOfWork


@dataclass(frozen=True)
class VerifyAuditChain(Query):
    """S1: recompute the chain, every sealed business row and every checkpoint. `published` are checkpoints as a
    verifier saved them (None: the stored ones); `public_keys` (key id → key) are trusted besides the service's
    own."""
    published: tuple[dict, ...] | None = None
    public_keys: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MakeCheckpoint:
    """Sign and publish the chain head now (the periodic job, or `jointinspect audit checkpoint`)."""


@dataclass(frozen=True)
class SealExistingRows:
    """Once after upgrading (`jointinspect audit seal-existing`): seal the business rows written before sealing."""
    actor: str


@dataclass(frozen=True)
class ListCheckpoints(Query):
    limit: int | None = None


def verify_audit_chain(query: VerifyAuditChain, uow: UnitOfWork, audit_signer: Callable[[], Signer],
                       settings: Settings) -> AuditVerification:
    keys = {**query.public_keys, **_service_keys(audit_signer, settings)}
    published = None if query.published is None else list(query.published)
    return verify_history(uow.session, uow.models, uow.service, published, keys)


def make_checkpoint(command: MakeCheckpoint, uow: UnitOfWork, audit_signer: Callable[[], Signer]) -> dict | None:
    checkpoint = checkpoints.make(uow, audit_signer())
    return None if checkpoint is None else checkpoints.payload(uow.service, checkpoint)


def seal_existing_rows(command: SealExistingRows, uow: UnitOfWork) -> dict[str, int]:
    return seal_existing(uow.session, uow.models["AuditEntry"], command.actor, uow.now)


def list_checkpoints(query: ListCheckpoints, uow: UnitOfWork, audit_signer: Callable[[], Signer],
                     settings: Settings) -> dict:
    """The public document: the checkpoints (newest first) and the keys that verify them."""
    rows = checkpoints.listing(uow.session, uow.models["AuditCheckpoint"], uow.service, query.limit)
    return checkpoints.document(uow.service, rows, _service_keys(audit_signer, settings))


def _service_keys(audit_signer, settings: Settings) -> dict[str, str]:
    """Key id → public key: the signing key's, and those of AUDIT_PREVIOUS_PUBLIC_KEYS."""
    keys = previous_keys(settings)
    try:
        own = audit_signer()
    except ValueError:  # SettingsError: a web process of the distributed mode may run without the private key
        return keys
    return {**keys, own.key_id: own.public_key}


COMMON_HANDLERS = {VerifyAuditChain: verify_audit_chain, MakeCheckpoint: make_checkpoint,
                   SealExistingRows: seal_existing_rows,
                   ListCheckpoints: list_checkpoints}


def checkpoint_job(runtime) -> None:
    """Periodic job (every AUDIT_CHECKPOINT_MINUTES): idempotent, as periodic jobs must be."""
    runtime.bus.handle(MakeCheckpoint())
