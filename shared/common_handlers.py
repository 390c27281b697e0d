"""Queries every service answers the same way, registered on each bus by `build_runtime`."""
from __future__ import annotations

from dataclasses import dataclass

from .audit import verify_chain
from .bus import Query
from .uow import UnitOfWork


@dataclass(frozen=True)
class VerifyAuditChain(Query):
    """S1: recompute the service's audit hash chain; answers (ok, entries checked, first problem)."""


def verify_audit_chain(query: VerifyAuditChain, uow: UnitOfWork) -> tuple[bool, int, str | None]:
    return verify_chain(uow.session, uow.models["AuditEntry"])


COMMON_HANDLERS = {VerifyAuditChain: verify_audit_chain}
