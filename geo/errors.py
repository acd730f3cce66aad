"""Exceptions raised by flashpoints.

They subclass built-in exceptions so that callers can catch either. The CLI
turns each into one line on standard error and a non-zero exit code.
"""

from __future__ import annotations

__all__ = ["DataSourceError", "FlashpointsError", "InputError", "ValidationError"]


class FlashpointsError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(FlashpointsError, ValueError):
    """A user-supplied file or frame cannot be read as asked.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    source : str, optional
        The file (or "frame") the problem is in.
    row : int, optional
        1-based data row number (the header is row 0), when the problem is in one row.
    """

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None):
        self.source = source
        self.row = row
        self.reason = message
        where = ""
        if source is not None:
            where = f"{source}"
            if row is not None:
                where += f", row {row}"
            where += ": "
        super().__init__(where + message)


class ValidationError(InputError):
    """One or more input rows are invalid (raised with ``errors="raise"``)."""


class DataSourceError(FlashpointsError, RuntimeError):
    """A data source (bundled file, land source, download) is missing or broken."""
