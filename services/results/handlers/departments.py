"""Department API tokens (issue 12): intake issues them and tells, by hash only (`department.token_rotated`);
results keeps the current hash per department, so a department's token is honoured here too."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from shared.clock import utc
from shared.uow import UnitOfWork

from ..adapters.db import DepartmentToken
from ..commands import RecordDepartmentToken
from ..queries import DepartmentOfToken


def record_department_token(cmd: RecordDepartmentToken, uow: UnitOfWork) -> None:
    """The newest rotation wins: the old token stops working here as it does in intake."""
    at = utc(datetime.fromisoformat(cmd.rotated_at.replace("Z", "+00:00")))
    row = uow.get(DepartmentToken, cmd.department)
    if row is not None and utc(row.rotated_at) >= at:
        return
    if row is None:
        row = DepartmentToken(department=cmd.department)
        uow.add(row)
    row.token_hash, row.rotated_at = cmd.token_hash, at


def department_of_token(query: DepartmentOfToken, uow: UnitOfWork) -> str | None:
    return uow.session.execute(select(DepartmentToken.department)
                               .where(DepartmentToken.token_hash == query.token_hash)).scalar()
