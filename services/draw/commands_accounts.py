"""draw's account commands (issue 13): logging in counts failures, so it writes; logout and password change revoke
sessions in every service. commands.py re-exports them; each has exactly one handler (handlers/logins.py)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Login:
    """Check a password from a client address; answers the principal every service accepts, or None. Refused with
    429 while the account or the address is locked after too many failures — even with the right password."""
    username: str
    password: str = field(repr=False)
    address: str = ""


@dataclass(frozen=True)
class EndSession:
    """Logout: the login session `session_id` of `subject` stops counting in every service."""
    subject: str
    session_id: str
    actor: str


@dataclass(frozen=True)
class ChangePassword:
    """The account's own password change: the current password proves it; every session issued before ends
    everywhere. Answers the change time (epoch seconds), after which the new session is issued."""
    subject: str
    current_password: str = field(repr=False)
    new_password: str = field(repr=False)
    actor: str = ""
    address: str = ""
