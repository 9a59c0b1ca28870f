"""Who acts on the command line: the account named by ``--actor EMAIL``, else the
operating-system user. Every ``contest`` command that changes data accepts ``--actor``
(FORMATS.md); :func:`contest.audit.operations.record` falls back to this actor when an
operation is called with no user, so no audit entry is ever anonymous."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

_current: ContextVar[CliActor | None] = ContextVar("cli_actor", default=None)


class RoleRow(Protocol):
    """One role of an account: the role's name and the area it is bound to (if any)."""

    @property
    def role(self) -> str: ...
    @property
    def area_id(self) -> int | None: ...


class Actor(Protocol):
    """A person acting, as the packages below ``accounts`` see a ``User``: its id and its
    roles (they never import the account model itself)."""

    @property
    def id(self) -> int: ...
    @property
    def roles(self) -> Sequence[RoleRow]: ...


@dataclass(frozen=True)
class CliActor:
    """The person behind a command: ``user`` (a User) when ``--actor`` named one."""

    user: Any
    os_user: str


def os_user() -> str:
    """The operating-system user running the command ("?" when it cannot be told)."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "?"


def current():
    """The command line's actor, if a command is running."""
    return _current.get()


def current_user_or_none():
    """The User named by ``--actor`` in the running command, if any."""
    actor = _current.get()
    return actor.user if actor is not None else None


def activate(actor: CliActor):
    """Make ``actor`` the running command's actor; returns the token for :func:`deactivate`."""
    return _current.set(actor)


def deactivate(token) -> None:
    _current.reset(token)
