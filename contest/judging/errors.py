"""Errors of the judging operations; each carries a message for the user (Vietnamese msgid)."""

from __future__ import annotations


class JudgingError(Exception):
    """A judging operation was refused; ``message`` is for the user."""

    def __init__(self, message) -> None:
        self.message = message
        super().__init__(str(message))


class NotAssigned(JudgingError):
    """The judge is not assigned this entry in this round (or is conflicted with it)."""


class WindowClosed(JudgingError):
    """The judging window of the edition is not open at the time of the write."""


class SheetLocked(JudgingError):
    """The sheet was submitted: only an organizer can reopen it."""


class StaleSheet(JudgingError):
    """The sheet changed since the page was loaded (another tab or device saved it)."""


class InvalidPoints(JudgingError):
    """Points out of range, not a multiple of 0.5, or for a criterion not on the sheet."""
