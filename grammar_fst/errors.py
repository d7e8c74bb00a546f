"""Errors that reach the user as one line: where it happened, what, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a source file; line and column count from 1, columns in characters."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


class GrammarFstError(Exception):
    """Base of every error a user can cause; the CLI prints it and exits with status 2."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class GrammarError(GrammarFstError):
    """A malformed or inconsistent grammar."""


class FarError(GrammarFstError):
    """A file that is not a readable grammar-fst archive."""


class OpenFstError(GrammarFstError):
    """An OpenFst operation failed; the message is OpenFst's own."""


class OutputError(GrammarFstError):
    """An output that could not be written (a full disk); the file it would have
    replaced is kept as it was."""


class UsageError(GrammarFstError):
    """A request that cannot be met (unknown intent, bad argument value)."""
