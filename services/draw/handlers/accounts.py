"""The accounts people log in with, kept beside the personnel library (logging in: handlers/logins.py)."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from shared.auth import ROLES
from shared.errors import Conflict, Invalid
from shared.uow import UnitOfWork

from ..adapters.db import Account
from ..commands import CreateAccount


def create_account(command: CreateAccount, uow: UnitOfWork) -> Account:
    if command.role not in ROLES:
        raise Invalid("角色不正确", fields={"role": ["应为 " + "、".join(ROLES)]})
    if command.role == "department" and not command.department_code:
        raise Invalid("部门账号须指定部门", fields={"department_code": ["请填写部门代码，如 SCJG"]})
    if not (command.password or command.password_hash):
        raise Invalid("缺少密码", fields={"password": ["请设置密码"]})
    if uow.get(Account, command.username) is not None:
        raise Conflict(f"用户名 {command.username} 已存在", fields={"username": ["已被使用"]})
    account = Account(username=command.username, role=command.role, display_name=command.display_name,
                      password_hash=command.password_hash or generate_password_hash(command.password),
                      department_code=command.department_code, inspector_id=command.inspector_id)
    uow.add(account)
    uow.audit(command.actor, "account.created", f"account:{command.username}",
              after={"role": command.role, "inspector": command.inspector_id, "department": command.department_code})
    return account
