"""The draw's random sources (design §4): seeds committed (their hashes public) before any pool that will use
them, and published public numbers a clerk adds beside them."""
from __future__ import annotations

from shared.uow import UnitOfWork

from ..adapters import commitments
from ..adapters.db import PublicNumbers
from ..commands import EnsureCommitments, EnterPublicNumbers
from ..domain.policy import DrawPolicy


def ensure_commitments(command: EnsureCommitments, uow: UnitOfWork, policy: DrawPolicy) -> int:
    """Seeds for the coming draws are committed (and their hashes public) before any pool; answers how many."""
    return commitments.ensure_ahead(uow.session, uow.now, policy.commitments_ahead)


def enter_public_numbers(command: EnterPublicNumbers, uow: UnitOfWork) -> PublicNumbers:
    """Published numbers (e.g. a lottery result) that later draws add to their sources; their origin is named
    so anyone can check them."""
    row = PublicNumbers(numbers=list(command.numbers), source=command.source, entered_by=command.actor,
                        entered_at=uow.now)
    uow.add(row)
    uow.session.flush()
    uow.audit(command.actor, "public_numbers.entered", "public_numbers",
              after={"numbers": list(command.numbers), "source": command.source})
    return row
