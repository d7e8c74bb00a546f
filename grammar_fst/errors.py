"""Errors that reach the user as one line: where it happened, what, and how to fix it.

Every error class a user can cause lives here, with the one way files are read, so that a
file that cannot be read, or is not UTF-8, is reported alike whatever kind of file it is.
"""

from __future__ import annotations

import math
import numbers
import os
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# The most bytes of one input file read: far more than any real one holds, and an
# endless file (/dev/zero, a pipe) stops there.
READ_LIMIT = 1 << 30  # bytes of a grammar, catalogue or archive, at most
DATA_READ_LIMIT = 4 << 30  # of a file of annotated data (10 million sampled lines: 2.5 GB)
READ_BLOCK = 1 << 20  # what a pipe or a device is read in


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

    @classmethod
    def of(cls, file: str, text: str, pos: int) -> Location:
        """The line and column of character `pos` of `text`, the text of `file`."""
        line_start = text.rfind("\n", 0, pos) + 1
        return cls(file, text.count("\n", 0, pos) + 1, pos - line_start + 1)


class Wording(str):
    """A message that names parameters of the function that raised it, so that each
    caller reads them in its own terms: in `template`, `{name}` is a parameter and
    `{name:False}` the parameter set to False; any other field is one of `values`. As a
    string it reads as Python names them (`name`, `name=False`); the command line writes
    the options that set them instead (`--name`, `--no-name`)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Wording:
        wording = super().__new__(cls, _spelled(template, values, as_parameter))
        wording.template, wording.values = template, values
        return wording

    def spelled(self, spell: Callable[[str, str], str]) -> str:
        """The message with each parameter written as `spell(name, setting)` (the
        setting is '' for the parameter itself)."""
        return _spelled(self.template, self.values, spell)

    def __reduce__(self):
        return _wording, (self.template, self.values)


def _wording(template: str, values: dict[str, object]) -> Wording:
    return Wording(template, **values)


def _spelled(template: str, values: dict[str, object], spell: Callable[[str, str], str]) -> str:
    parts = []
    for literal, field, setting, _ in string.Formatter().parse(template):
        parts.append(literal)
        if field is not None:
            parts.append(str(values[field]) if field in values else spell(field, setting or ""))
    return "".join(parts)


def as_parameter(name: str, setting: str) -> str:
    """A parameter as Python code names it: `name`, or `name=False`."""
    return f"`{name}={setting}`" if setting else f"`{name}`"


class GrammarFstError(Exception):
    """Base of every error a user can cause; the CLI prints it and exits with status 2.
    A message that names the caller's parameters (a `Wording`) is printed by the CLI
    with its options in their place."""

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


def whole_argument(value: object, name: str, least: int = 0, most: int | None = None) -> None:
    """A UsageError naming the parameter `name` when its `value` is not a whole number of
    `least` or more (a float, a string, None), or is more than `most`, before numpy or
    OpenFst meets it deep in the work."""
    if isinstance(value, numbers.Integral) and most is not None and int(value) > most:
        raise UsageError(Wording(f"{{{name}}} must be at most {most:,}, not {value!r}"))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise UsageError(
            Wording(
                f"{{{name}}} must be a whole number of {least} or more, not {{given}}",
                given=repr(value),
            )
        )


def number_argument(value: object, name: str, least: float = 0.0, most: float = math.inf) -> None:
    """A UsageError naming the parameter `name` when its `value` is not a number from
    `least` to `most` (a string, None, NaN), as the command line's option refuses it."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not least <= float(value) <= most  # NaN is between no two numbers
    ):
        span = f"from {least:g} to {most:g}" if most < math.inf else f"of {least:g} or more"
        raise UsageError(
            Wording(f"{{{name}}} must be a number {span}, not {{given}}", given=repr(value))
        )


def path_argument(value: object, name: str = "path") -> None:
    """A UsageError naming the parameter `name` when its `value` names no file: not a
    str or a path (None, bytes, a number), or empty."""
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise UsageError(
            Wording(f"{{{name}}} names a file (a str or a Path), not {{given}}", given=repr(value))
        )


def flag_argument(value: object, name: str) -> None:
    """A UsageError naming the parameter `name` when its `value` is not True or False: a
    string such as "no" would be taken as True."""
    if not isinstance(value, bool):
        raise UsageError(
            Wording(f"{{{name}}} must be True or False, not {{given}}", given=repr(value))
        )


def choice_argument(value: object, name: str, choices: tuple[str, ...]) -> None:
    """A UsageError naming the parameter `name` when its `value` is none of `choices`,
    rather than a ValueError, or a value taken as another choice."""
    if not isinstance(value, str) or value not in choices:
        wanted = ", ".join(map(repr, choices))
        raise UsageError(
            Wording(f"{{{name}}} must be one of {wanted}, not {{given}}", given=repr(value))
        )


def kind_argument(value: object, name: str, kind: type, wanted: str, how: str = "") -> None:
    """A UsageError naming the parameter `name` when its `value` is not a `kind` (`wanted`
    says what it is, `how` how to make one), before an AttributeError deep inside."""
    if not isinstance(value, kind):
        raise UsageError(
            Wording(f"{{{name}}} must be {wanted}, not {{given}}{how}", given=repr(value))
        )


def items_argument(value: object, name: str, wanted: str) -> list:
    """`value` as a list; a UsageError naming the parameter `name` (which holds a list of
    `wanted`) when it is not a collection: None, a number, or one string (which would
    be read as its letters)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        given = "one string" if isinstance(value, str) else repr(value)
        said = Wording(f"{{{name}}} must be a list of {wanted}, not {{given}}", given=given)
        raise UsageError(said)
    return list(value)


def names_argument(value: object, name: str) -> list[str] | None:
    """The names the parameter `name` gives: a str is one name (not its letters), an
    iterable of str is several, and None or none at all is None; anything else (a number,
    a list of lists) is a UsageError, not a TypeError (unhashable list) deep inside."""
    if value is None or isinstance(value, str):
        return None if value is None else [value]
    names = list(value) if isinstance(value, Iterable) else None
    if names is None or not all(isinstance(item, str) for item in names):
        said = f"{{{name}}} must be a str or an iterable of str, not {{given}}"
        raise UsageError(Wording(said, given=repr(value)))
    return names or None


def callable_argument(value: object, name: str, called: str, count: int) -> None:
    """A UsageError naming the parameter `name` when its `value` is not a function that
    takes the `count` arguments it is given (as `called` shows), found from its signature
    now rather than from a TypeError at its first call, deep in the work (perhaps in
    another process). A builtin whose signature cannot be read is left to its call."""
    if not callable(value):
        said = f"{{{name}}} is called as {called}: a function, not {{given}}"
        raise UsageError(Wording(said, given=repr(value)))
    import inspect  # only here: it takes longer to import than the rest of this module

    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # no signature to read (`str`, some builtins)
        return
    try:
        signature.bind(*range(count))
    except TypeError:
        shown = getattr(value, "__name__", type(value).__name__) + str(signature)
        said = f"{{{name}}} is called as {called}, which {{given}} does not take"
        raise UsageError(Wording(said, given=shown)) from None


def not_a_folder(path: str | Path, wanted: str, error: type[GrammarFstError] = UsageError) -> None:
    """Refuse a folder given where a file is `wanted` ("a catalogue file"), before the
    name is judged by its ending (a folder's name has none): an `error` at `path`."""
    if Path(path).is_dir():
        raise error(f"is a folder; name {wanted}", Location(str(path)))


def catalogues_argument(catalogues: object) -> None:
    """A UsageError when `catalogues` is given and is not a mapping of slot names to
    catalogues (a file name alone would be read as its letters)."""
    from collections.abc import Mapping

    if catalogues is not None and not isinstance(catalogues, Mapping):
        raise UsageError(
            "catalogues maps slot names to catalogue files, such as {'team': 'nba.txt'}, "
            f"not {catalogues!r}"
        )


def read_bytes(
    path: str | Path, error: type[GrammarFstError] = GrammarError, limit: int = READ_LIMIT
) -> bytes:
    """The bytes of `path`; a file that cannot be read, or that holds more than `limit`
    bytes (an endless one such as /dev/zero would take all the memory), is an `error`
    naming it."""
    try:
        with open(path, "rb") as file:
            data = _at_most(file, limit)
    except (OSError, ValueError) as err:  # ValueError: a NUL in the name
        reason = getattr(err, "strerror", None) or err
        raise error(f"cannot read the file: {reason}", Location(str(path))) from None
    except MemoryError:  # under a memory limit (ulimit -v) lower than `limit`
        raise error(
            "cannot read the file: it does not fit in memory", Location(str(path))
        ) from None
    if data is None:
        raise error(
            f"larger than {limit >> 30} GiB, the most grammar-fst reads of one file "
            "(or a file that never ends)",
            Location(str(path)),
        )
    return data


def text_bytes(
    path: str | Path, error: type[GrammarFstError] = GrammarError, limit: int = READ_LIMIT
) -> bytes:
    """The bytes of a text file (`read_bytes`); one in UTF-16 or UTF-32 is an `error`
    for the whole file, which no skipping of records or lines could get past."""
    data = read_bytes(path, error, limit)
    wide = _wide_encoding(data[:4096])
    if wide:
        raise error(f"the file is in {wide}; save it as UTF-8", Location(str(path)))
    return data


# byte-order marks of the encodings whose characters are wider than a byte, longest first
_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (it starts with the byte-order mark FF FE 00 00)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (it starts with the byte-order mark 00 00 FE FF)"),
    (b"\xff\xfe", "UTF-16 (it starts with the byte-order mark FF FE)"),
    (b"\xfe\xff", "UTF-16 (it starts with the byte-order mark FE FF)"),
)


def _wide_encoding(head: bytes) -> str | None:
    """The wide encoding that the first bytes of a file are in, said as the message
    should say it, or None: a byte-order mark, or (without one) a NUL byte in every
    other place, as UTF-16 writes ASCII."""
    for mark, name in _WIDE_MARKS:
        if head.startswith(mark):
            return name
    pairs = len(head) // 2
    if pairs >= 2 and max(head[0::2].count(0), head[1::2].count(0)) > 0.9 * pairs:
        return "UTF-16 (every other byte is NUL, as UTF-16 writes ASCII)"
    return None


def _at_most(file: BinaryIO, limit: int) -> bytes | None:
    """The bytes of `file`, or None past `limit` of them: a regular file is read at once
    (its size is known), a pipe or a device (which has none) a block at a time."""
    known = os.fstat(file.fileno()).st_size
    if known > limit:
        return None
    blocks, left = [], limit + 1
    while left > 0 and (block := file.read(min(left, max(known + 1, READ_BLOCK)))):
        blocks.append(block)
        left -= len(block)
    return b"".join(blocks) if left > 0 else None


def read_text(path: str | Path, error: type[GrammarFstError] = GrammarError) -> str:
    """The UTF-8 text of `path`, without a byte-order mark; a missing file or a bad byte is
    a located `error`, and so is text in UTF-16 or UTF-32 (`text_bytes`)."""
    data = text_bytes(path, error)
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
