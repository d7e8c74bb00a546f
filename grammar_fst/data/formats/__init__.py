"""Formats of utterance records: one registry of format objects.

Each module below is one format: its reader and writers; its docstring says what its
files look like and what it cannot carry. `FORMATS` is the registry, a `Format` (see
`_format`) a line: its names, file endings, what it carries and which functions of its
module read and write it. Adding a format is its module plus one line there. Everything
else here (guessing a file's format, reading, the utterances a format can write, the
lists the command line offers) is asked of the format objects, and a format's module is
imported only when one of its functions is used: `sample` imports the one it writes.

Readers: `read(path, on_error="stop"|"skip") -> Records`: an iterator of Utterances; a bad
record raises a FormatError `FILE:LINE:COL: message` ("stop"), or is logged as a warning
on the "grammar_fst" logger and listed in `Records.skipped` ("skip"). Writers: see
`Format.line_writer` and `Format.document_writer`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ...errors import Location, choice_argument, not_a_folder, path_argument
from ..records import Utterance
from ._common import ON_ERROR, FormatError, OnError, Records, Source, stopped_at
from ._format import Format

log = logging.getLogger("grammar_fst")

# The registry: one line per format, naming its module and the module's functions.
FORMATS: tuple[Format, ...] = (
    Format("bio", "bio", read="read", line="line", suffixes=(".conll", ".bio"), bulk="Bio"),
    Format(
        "jsonl", "jsonl", read="read", line="line", suffixes=(".jsonl",),
        provenance="line_with_provenance", bulk="Jsonl", canonical=True,
    ),
    Format(
        "massive", "massive", read="read", line="line", suffixes=(".jsonl",),
        recognise="recognise", recognised_by="by its first record", options=("locale",),
        read_locale="locale_read", locale_of="locale_of", bulk="Massive",
    ),
    Format(
        "parquet", "parquet", write_file="write_output", suffixes=(".parquet",),
        requires="the parquet extra", canonical=True,
    ),
    Format(
        "rasa", "rasa", read="read", document="write_document", suffixes=(".yml", ".yaml"),
        training_set=True, canonical=True,
    ),
    Format(
        "snips-benchmark", "snips", read="read", document="write_document", suffixes=(".json",),
        aliases=("snips",),
    ),
    Format(
        "snips-nlu", "snips_nlu", read="read", document="write_document", suffixes=(".json",),
        recognise="is_dataset", recognised_by="by its first key", training_set=True,
        options=("language", "locale"), read_locale="locale_read", locale_of="locale_of",
        canonical=True,
    ),
    Format("text", "text", read="read", line="line", suffixes=(".txt",), bulk="Text"),
    Format("tod", "tod", read="read", suffixes=(".tsv",), read_locale="locale_read"),
)  # fmt: skip
MODULES = tuple(dict.fromkeys(fmt.module for fmt in FORMATS))
_BY_NAME = {name: fmt for fmt in FORMATS for name in fmt.names}


def __getattr__(name: str):
    """A format's module, as `formats.jsonl`, imported when first named."""
    if name in MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def names(which: Callable[[Format], object] = lambda fmt: True) -> list[str]:
    """The names (and older names) of the formats `which` holds for, sorted."""
    return sorted(name for fmt in FORMATS if which(fmt) for name in fmt.names)


READABLE = names(lambda fmt: fmt.has("read"))  # what --from and --format DATA take
WRITABLE = names(lambda fmt: fmt.writes)  # what --to and sample's --format take


def get(name: str) -> Format:
    """The format named `name` (or by one of its older names)."""
    if name not in _BY_NAME:
        raise FormatError(f"unknown format '{name}'; known: {', '.join(sorted(_BY_NAME))}")
    return _BY_NAME[name]


def described(which: Callable[[Format], object], last: str = " and ") -> str:
    """The (main) names of the formats `which` holds for, in the registry's order, for the
    help: `described(lambda f: f.training_set)` -> 'rasa and snips-nlu'."""
    said = [fmt.name for fmt in FORMATS if which(fmt)]
    return ", ".join(said[:-1]) + last + said[-1] if len(said) > 1 else "".join(said)


def requirements() -> str:
    """What writing a format needs installed, for the help: `; parquet needs ...`."""
    return "".join(f"; {fmt.name} needs {fmt.requires}" for fmt in FORMATS if fmt.requires)


def endings() -> str:
    """What a data file's ending says, for the help: `.conll/.bio = bio, .jsonl = massive or
    jsonl (by its first record), ...`."""
    groups: dict[tuple[str, ...], list[Format]] = {}
    for fmt in FORMATS:
        if fmt.has("read") and fmt.suffixes:
            groups.setdefault(fmt.suffixes, []).append(fmt)
    said = []
    for suffixes, group in groups.items():
        group.sort(key=lambda fmt: not fmt.has("recognise"))  # those that look first
        how = "".join(f" ({fmt.recognised_by})" for fmt in group if fmt.recognised_by)
        said.append(f"{'/'.join(suffixes)} = {' or '.join(f.name for f in group)}{how}")
    return ", ".join(said)


def is_data_file(path: str | Path) -> bool:
    """Whether the name of `path` ends as a data file of some format does."""
    suffix = Path(path).suffix.lower()
    return any(suffix in fmt.suffixes for fmt in FORMATS if fmt.has("read"))


def guess(path: str | Path) -> str:
    """The format of a data file, from its name and, when formats share its ending, from
    the start of the file (a `.jsonl` of MASSIVE records, a `.json` Snips NLU dataset)."""
    path = Path(path)
    suffix = path.suffix.lower()
    not_a_folder(path, "a data file", FormatError)
    claims = [fmt for fmt in FORMATS if fmt.has("read") and suffix in fmt.suffixes]
    if not claims and (written := [fmt.name for fmt in FORMATS if suffix in fmt.suffixes]):
        raise FormatError(
            f"{written[0]} is a format grammar-fst writes but does not read; give the data "
            "it was written from, or read it with pyarrow",
            Location(str(path)),
        )
    if not claims:
        known = ", ".join(sorted({s for fmt in FORMATS if fmt.has("read") for s in fmt.suffixes}))
        raise FormatError(
            f"cannot tell the format from the name (known endings: {known}); name it with "
            f"the command's format option ({', '.join(READABLE)})",
            Location(str(path)),
        )
    if len(claims) > 1:
        head = _head(path)
        for fmt in claims:
            if fmt.has("recognise") and fmt.recognise(head):
                return fmt.name
    return next(fmt.name for fmt in claims if not fmt.has("recognise"))


def _head(path: Path, size: int = 65536) -> str:
    try:
        with path.open("rb") as file:
            return file.read(size).decode("utf-8", errors="replace")
    except OSError as err:
        raise FormatError(
            f"cannot read the file: {err.strerror or err}", Location(str(path))
        ) from None


def locale_read(path: str, fmt: str | None) -> str | None:
    """The locale a data file names (MASSIVE's `locale` field), if its format has one."""
    found = get(fmt or guess(path))
    return found.read_locale(path) if found.has("read_locale") else None


def writable(
    utterances: Iterable[Utterance], fmt: str, on_error: OnError, where: str, skipped: list
) -> Iterator[Utterance]:
    """The utterances format `fmt` can write. One it cannot (BIO needs slots on whole
    words, Rasa no spaces around an example, ...) raises a FormatError naming `where` and
    its number (on_error="stop"), or is logged as a warning and listed in `skipped`.
    `on_error` is checked at the call."""
    choice_argument(on_error, "on_error", ON_ERROR)
    return _writable(utterances, get(fmt), on_error, where, skipped)


def _writable(
    utterances: Iterable[Utterance], target: Format, on_error: OnError, where: str, skipped: list
) -> Iterator[Utterance]:
    for number, utterance in enumerate(utterances, 1):
        try:
            target.check(utterance, number - 1)
        except FormatError as err:
            error = FormatError(f"record {number}: {err.message}", Location(where))
            if on_error == "stop":
                raise stopped_at(error) from None
            log.warning("%s (record skipped)", error)
            skipped.append(error)
            continue
        yield utterance


def read(path: str | Path, format: str | None = None, on_error: OnError = "stop") -> Records:
    """The utterances of a data file in `format` (guessed from the name when None)."""
    path_argument(path)
    choice_argument(on_error, "on_error", ON_ERROR)
    name = format or guess(path)
    if name not in READABLE:
        raise FormatError(f"unknown format '{name}'; known: {', '.join(READABLE)}")
    reader = get(name).read
    assert reader is not None  # READABLE holds formats with a reader
    return reader(path, on_error)


__all__ = [
    "FORMATS",
    "MODULES",
    "READABLE",
    "WRITABLE",
    "Format",
    "FormatError",
    "Records",
    "Source",
    "described",
    "endings",
    "get",
    "guess",
    "is_data_file",
    "locale_read",
    "names",
    "read",
    "requirements",
    "writable",
]
