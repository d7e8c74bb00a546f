"""Errors that reach the user as one line: where it happened, what, and how to fix it.

Every error class a user can cause lives here, with the one way files are read, so that a
file that cannot be read, or is not UTF-8, is reported alike whatever kind of file it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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


class CatalogueError(GrammarFstError):
    """A catalogue file that cannot be read as a list of slot values."""


class FormatError(GrammarFstError):
    """A file, or one record of it, that its format's reader cannot read; or an utterance
    that a writer cannot express in its format."""


class FarError(GrammarFstError):
    """A file that is not a readable grammar-fst archive."""


class OpenFstError(GrammarFstError):
    """An OpenFst operation failed; the message is OpenFst's own."""


class OutputError(GrammarFstError):
    """An output that could not be written (a full disk); the file it would have
    replaced is kept as it was."""


class UsageError(GrammarFstError):
    """A request that cannot be met (unknown intent, bad argument value)."""


def read_bytes(path: str | Path, error: type[GrammarFstError] = GrammarError) -> bytes:
    """The bytes of `path`; a file that cannot be read is an `error` naming it."""
    try:
        return Path(path).read_bytes()
    except (OSError, ValueError) as err:  # ValueError: a NUL in the name
        reason = getattr(err, "strerror", None) or err
        raise error(f"cannot read the file: {reason}", Location(str(path))) from None


def read_text(path: str | Path, error: type[GrammarFstError] = GrammarError) -> str:
    """The UTF-8 text of `path`, without a byte-order mark; a missing file or a bad byte is
    a located `error`."""
    data = read_bytes(path, error)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", errors="replace")) + 1
        raise error(
            f"not valid UTF-8 (byte 0x{data[err.start]:02X} at offset {err.start}); "
            "save the file as UTF-8",
            Location(str(path), line, col),
        ) from None
