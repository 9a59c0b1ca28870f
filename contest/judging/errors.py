"""Errors of the judging operations; each carries a message for the user (Vietnamese msgid)."""

from __future__ import annotations

from ..errors import UserError


class JudgingError(UserError):
    """A judging operation was refused; ``message`` is for the user."""


class NotAssigned(JudgingError):
    """The judge is not assigned this entry in this round (or is conflicted with it)."""

    status = 403


class WindowClosed(JudgingError):
    """The judging window of the edition is not open at the time of the write."""


class SheetLocked(JudgingError):
    """The sheet was submitted: only an organizer can reopen it."""


class StaleSheet(JudgingError):
    """The sheet changed since the page was loaded (another tab or device saved it)."""

    status = 409


class InvalidPoints(JudgingError):
    """Points out of range, not a multiple of 0.5, or for a criterion not on the sheet."""
