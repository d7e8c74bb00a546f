"""The format object: everything the rest of the package asks of a format, in one place.

The registry (`formats/__init__.py`) declares each format as a `Format`: its names, its
file endings, whether it is a training set, the writer options it takes, ..., and which
functions of its module read and write it, by name. The module is imported when one of
those functions is first asked for: every command lists all the formats in its help, and
imports only the one it reads or writes. The command line and resampling ask the object
(`fmt.has("line")`, `fmt.line_writer(locale=...)`, `fmt.provenance`) and never branch on
a format's name.

A format writes in one of three ways: a record at a time (`line`: the lines stream, and
its document is its lines), as one text document once every utterance is known
(`document`: the SNIPS formats and Rasa group utterances by intent), or as a binary file
of its own (`write_file`: Parquet). It reads with `read`, or not at all.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records import Utterance
from ._common import OnError, Records, lines_document

LineWriter = Callable[[Utterance, int], str]
DocumentWriter = Callable[[Iterable[Utterance]], str]
Reader = Callable[[str | Path, OnError], Records]
FileWriter = Callable[[Iterable[list[Utterance]], str | None], int]

# The writer options a format may take, as the command line gives them: `locale` (a
# record's locale field, MASSIVE) and `language` (the language a Snips NLU dataset declares).
OPTIONS = ("locale", "language")
LANGUAGE = "en"  # the `language` option's default, and the languages of snips-nlu 0.20
LANGUAGES = ("de", "en", "es", "fr", "it", "ja", "ko", "pt_br", "pt_pt")
WRITERS = ("line", "document", "write_file")


def locale_key(tag: str) -> str:
    """What two spellings of one locale share (`th_TH`, `th-TH`, `TH-th`): a locale is
    compared by this, and written as the data or the grammar spells it."""
    return tag.replace("_", "-").casefold()


class _Function:
    """A function of the format's module, named where the format is declared: the module
    is imported when the function is first asked for, and the function kept on the format
    (so a writer asked for it per record finds it at once). None when the format has none."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, fmt: Format | None, owner: type | None = None) -> Any:
        if fmt is None:
            return self
        named = fmt.functions.get(self.name)
        found = None if named is None else getattr(fmt.imported(), named)
        fmt.__dict__[self.name] = found  # found before this descriptor from now on
        return found


class Format:
    """One data format: its names, file endings, reader and writer, and what it carries.

    Its functions are named (`read="read"`), found in module `grammar_fst.data.formats.
    MODULE` when first used; `fmt.has("read")` says whether it has one without importing.

    Attributes:
        name: what the format options take (`--format`, `--from`, `--to`).
        module: the module of `grammar_fst.data.formats` that reads and writes it.
        read: `read(path, on_error)` -> Records; None for a format written only.
        line: `line(utterance, index, **options)`: one record, without its newline.
        document: `document(utterances, **options)`: the whole file, for a format
            that is one document.
        write_file: `write_file(blocks, output)`: a binary file (or a folder of shards
            when `output` ends with /), for a format that is neither lines nor text.
        suffixes: the file endings that name the format (lower case, with the dot).
        recognise: for a format sharing an ending with others, whether the start of a
            file (its first 64 KiB as text) is this format; None for the one taken
            when no other recognises the file.
        recognised_by: what `recognise` looks at, for the help ("its first key").
        aliases: older names still accepted.
        training_set: sampling it gives no repeated sentence unless told otherwise.
        options: the writer options (of OPTIONS) its writers take.
        canonical: whether it keeps a slot's canonical value beside the value said.
        read_locale: the locale a file of this format names, if it names one.
        locale_of: the format's locale for a grammar's language tag (MASSIVE's `th-TH`
            for `th`), for a format with a `locale` option.
        provenance: `provenance(utterance, index, where_from)`: one record with a
            resampled utterance's provenance (`where_from`, the text of a JSON object),
            for a format with room for it.
        requires: what must be installed to write it, for the help.
        bulk: for a line format, the writer in `_bulk.py` (its class name) that gives
            the same lines for a whole block of sampled sentences at once.
    """

    read = _Function()
    line = _Function()
    document = _Function()
    write_file = _Function()
    recognise = _Function()
    read_locale = _Function()
    locale_of = _Function()
    provenance = _Function()
    FUNCTIONS = ("read", *WRITERS, "recognise", "read_locale", "locale_of", "provenance")

    def __init__(
        self,
        name: str,
        module: str,
        *,
        suffixes: tuple[str, ...] = (),
        recognised_by: str = "",
        aliases: tuple[str, ...] = (),
        training_set: bool = False,
        options: tuple[str, ...] = (),
        requires: str = "",
        bulk: str = "",
        canonical: bool = False,
        **functions: str,
    ):
        self.name, self.module, self.suffixes = name, module, suffixes
        self.canonical = canonical
        self.recognised_by, self.aliases, self.training_set = recognised_by, aliases, training_set
        self.options, self.requires, self.bulk = options, requires, bulk
        self.functions = functions
        unknown = set(functions) - set(self.FUNCTIONS)
        if unknown:
            raise ValueError(f"format {name}: unknown functions {sorted(unknown)}")
        unknown = set(options) - set(OPTIONS)
        if unknown:
            raise ValueError(f"format {name}: unknown writer options {sorted(unknown)}")
        if sum(self.has(writer) for writer in WRITERS) > 1:
            raise ValueError(f"format {name}: one of line, document or write_file")
        if self.has("recognise") != bool(recognised_by):
            raise ValueError(f"format {name}: recognise and recognised_by go together")

    def __repr__(self) -> str:
        return f"Format({self.name!r})"

    def has(self, function: str) -> bool:
        """Whether the format has `function` (one of FUNCTIONS), without importing it."""
        return function in self.functions

    def imported(self):
        """The format's module (imported now if it was not)."""
        return importlib.import_module(f".{self.module}", __package__)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def writes(self) -> bool:
        return any(self.has(writer) for writer in WRITERS)

    @property
    def shards(self) -> bool:
        """Whether it can be written as a folder of shards, a file per block."""
        return self.has("line") or self.has("write_file")

    @property
    def shard_suffix(self) -> str:
        """The ending of its shards: its name where that is one of its files' endings
        (`.jsonl`, `.bio`), else its first one (MASSIVE's `.jsonl`, text's `.txt`), so that
        a shard is read back as what it holds."""
        own = f".{self.name}"
        return own if own in self.suffixes or not self.suffixes else self.suffixes[0]

    def _options(self, given: dict) -> dict:
        """The options of `given` this format takes, without those left unset (None)."""
        return {k: v for k, v in given.items() if k in self.options and v is not None}

    def line_writer(self, **options) -> Lines | None:
        """`line(utterance, index)` with the options it takes bound; None when the format
        is not written a record at a time."""
        if not self.has("line"):
            return None
        return Lines(self.line, self._options(options), self.bulk)

    def document_writer(self, **options) -> DocumentWriter | None:
        """`document(utterances) -> str` with the options it takes bound: the lines, each
        with its newline, for a line format; None for a binary format."""
        line = self.line_writer(**options)
        if line is not None:
            return lines_document(line)
        if not self.has("document"):
            return None
        return functools.partial(self.document, **self._options(options))

    def check(self, utterance: Utterance, index: int = 0) -> None:
        """Raise the writer's FormatError if it cannot write `utterance`. A binary format
        holds any utterance: its typed columns take any string."""
        if self.has("line"):
            self.line(utterance, index)
        elif self.has("document"):
            self.document([utterance])


@dataclass(frozen=True)
class Lines:
    """A line format's writer with its options bound: called as `line(utterance, index)`, one
    record, and `block_writer(symbols, tags)` what writes a block of sentences sampled over a
    symbol table at once, with the same bytes (see `_bulk.py`), when the format has one."""

    line: Callable[..., str]
    options: dict = field(default_factory=dict)
    bulk: str = ""

    def __call__(self, utterance: Utterance, index: int) -> str:
        return self.line(utterance, index, **self.options)

    def block_writer(self, symbols: Sequence[str], tags: Sequence):
        """The format's bulk writer (`_bulk.BulkWriter`) for a symbol table and its tags
        (`(kind, name)` of a tag, None for a word), or None: the format has none, or some
        sentence over these symbols must be written by `line` itself."""
        if not self.bulk:
            return None
        from . import _bulk as bulk  # numpy: only when sampling writes blocks

        return getattr(bulk, self.bulk).made(symbols, tags, **self.options)
