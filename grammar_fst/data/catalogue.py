"""Catalogues: files listing the values a slot can take, read into plain Python values.

The suffix picks the format: `.txt` (one value per line), `.tsv` (a header row naming the
columns `value`, `weight`, `canonical`) or `.json` (an Alexa interaction model; pick a slot
type with `model.json#TypeName`). Values are tokenized with `tokens.words`, so a value typed
in decomposed Unicode or with extra spaces matches the same words in a sentence.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .. import collector, json_input
from ..errors import (
    CatalogueError,
    Location,
    UsageError,
    names_argument,
    not_a_folder,
    read_text,
)
from ..grm.sources import split_spec
from ..text import scripts, tokens

log = logging.getLogger("grammar_fst")

SUFFIXES = (".txt", ".tsv", ".json")
TSV_COLUMNS = ("value", "weight", "canonical")
ALEXA_PATH = ("interactionModel", "languageModel", "types")
JSON_KINDS = {dict: "JSON object", list: "JSON list", str: "string"}


class Entry(NamedTuple):
    """One way of saying a slot value: its `words` (a tuple of words, or in Python one
    string, split at white space), a `weight` (a finite number of 0 or more; None:
    unweighted) and, for a synonym, the `canonical` words it stands for (a named tuple:
    catalogues have millions of entries, and a tuple is made fastest)."""

    words: tuple[str, ...]
    weight: float | None = None
    canonical: tuple[str, ...] | None = None
    line: int = 0


# An entry with where it was read (a line number, or "types[0].values[2].name.value"),
# kept until duplicates have been reported.
Placed = tuple[Entry, int | str]


@dataclass(frozen=True)
class Columns:
    """A catalogue's entries as arrays: entry k says the words `vocabulary[i]` for i in
    `tokens[bounds[k]:bounds[k + 1]]`, weighs `weights[k]` (NaN: unweighted), was read at
    line `lines[k]` (0: not from a line) and, if a synonym, means `canonical[k]`. A million
    entries are a few arrays rather than a million objects: compiling reads these."""

    vocabulary: tuple[str, ...]
    tokens: np.ndarray
    bounds: np.ndarray
    weights: np.ndarray
    lines: np.ndarray
    canonical: dict[int, tuple[str, ...]]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Columns:
        entries = list(entries)
        vocabulary: dict[str, int] = {}
        ids = [vocabulary.setdefault(w, len(vocabulary)) for e in entries for w in e.words]
        lengths = np.fromiter((len(e.words) for e in entries), np.int64, len(entries))
        return cls(
            tuple(vocabulary),
            np.array(ids, dtype=np.int32),
            np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
            np.array([np.nan if e.weight is None else e.weight for e in entries]),
            np.array([e.line for e in entries], dtype=np.int64),
            {k: e.canonical for k, e in enumerate(entries) if e.canonical},
        )

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def words_of(self, k: int) -> tuple[str, ...]:
        return tuple(self.vocabulary[i] for i in self.tokens[self.bounds[k] : self.bounds[k + 1]])

    def entries(self) -> tuple[Entry, ...]:
        weights = [None if w != w else w for w in self.weights.tolist()]
        return tuple(
            Entry(self.words_of(k), weights[k], self.canonical.get(k), line)
            for k, line in enumerate(self.lines.tolist())
        )


class Catalogue:
    """The entries of one catalogue, held as `Columns`; the `entries` as Entry values and
    the value sets are built on first use, once (compiling needs neither).

    Entries made in Python are read as a file's lines are: each `words` (a tuple of
    words, or one string) is split at white space as a `.txt` line is, a weight is a
    finite number of 0 or more (or None), a repeated entry is left out with a warning,
    and an empty catalogue, or an entry of no words, is a CatalogueError."""

    def __init__(self, path: str, entries: Iterable[Entry] = (), columns: Columns | None = None):
        self.path = path
        if columns is None:
            entries = _checked(entries, path)
            self.__dict__["entries"] = entries
            columns = Columns.of(entries)
        self.columns = columns

    @classmethod
    def of_values(cls, values: Iterable[str], name: str = "<values>") -> Catalogue:
        """A catalogue of these values (strings of one or more words), unweighted."""
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise UsageError(f"a catalogue's values are a list of strings, not {values!r}")
        return cls(name, [Entry(_value(v, name)) for v in values])

    def __repr__(self) -> str:
        return f"Catalogue({self.path!r}, {len(self.columns)} entries)"

    @functools.cached_property
    def entries(self) -> tuple[Entry, ...]:
        return self.columns.entries()

    def words(self) -> set[str]:
        """Every word of the catalogue, surface and canonical."""
        meant = self.columns.canonical.values()
        return set(self.columns.vocabulary).union(*meant)

    @functools.cached_property
    def _surface(self) -> frozenset[str]:
        return frozenset(" ".join(e.words) for e in self.entries)

    @functools.cached_property
    def _canonical(self) -> frozenset[str]:
        return frozenset(" ".join(e.canonical or e.words) for e in self.entries)

    def surface_values(self) -> frozenset[str]:
        """Every way a value is written, words joined by one space (built on first use:
        compiling a catalogue does not need it)."""
        return self._surface

    def canonical_values(self) -> frozenset[str]:
        """The values the entries mean: a synonym's canonical value, else its own words."""
        return self._canonical


def read_catalogue(spec: str | Path) -> Catalogue:
    """Read the catalogue that `spec` names: a file, or `model.json#TypeName`."""
    file, type_name = split_spec(str(spec))
    suffix = Path(file).suffix.lower()
    not_a_folder(file, "a catalogue file", CatalogueError)
    if suffix not in SUFFIXES:
        raise CatalogueError(
            f"unsupported catalogue format '{suffix or '(no suffix)'}'; "
            "use .txt, .tsv or .json (an Alexa model, optionally model.json#TypeName)",
            Location(file),
        )
    text = read_text(file, CatalogueError)
    if suffix != ".json":  # a JSON string writes its control characters escaped
        _refuse_control_characters(text, file)
    # a million entries are millions of new tuples, and each collection walked them all
    # again (a third of the time)
    with collector.paused():
        if suffix == ".txt":
            columns = _txt_columns(text, file)
        elif suffix == ".tsv":
            columns = Columns.of(_merge(_tsv_entries(text, file), file))
        else:
            columns = Columns.of(_merge(_alexa_entries(text, file, type_name), file))
        if not len(columns):
            raise CatalogueError("the catalogue is empty; add at least one value", Location(file))
        return Catalogue(str(spec), columns=columns)


def _refuse_control_characters(text: str, file: str) -> None:
    """A value holding a control character would be written into every sentence that
    says it, where no one sees it: an error at the character, as in a grammar."""
    found = tokens.control(text)
    if found is not None:
        at = found.start()
        line_start = text.rfind("\n", 0, at) + 1
        raise CatalogueError(
            f"a value cannot hold a control character (here U+{ord(found.group()):04X}); "
            "remove it",
            Location(file, text.count("\n", 0, at) + 1, at - line_start + 1),
        )


def catalogue_of(value: object) -> Catalogue:
    """What every catalogue argument takes: a Catalogue, a file (a path, or
    `model.json#TypeName`), or values (a list of strings)."""
    if isinstance(value, Catalogue):
        return value
    if isinstance(value, (str, Path)):
        return read_catalogue(value)
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return Catalogue.of_values(value)
    raise UsageError(
        f"a catalogue is a Catalogue, a file or a list of values, not {type(value).__name__}"
    )


def _value(value: object, name: str) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise UsageError(f"{name}: a catalogue value is a string, not {value!r}")
    return (value,)


def _checked(entries: Iterable[Entry], name: str) -> tuple[Entry, ...]:
    """Entries made in Python, read as a file's lines are (see `Catalogue`)."""
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Iterable):
        raise UsageError(f"{name}: a catalogue's entries are a list of Entry, not {entries!r}")
    placed: list[Placed] = []
    for k, entry in enumerate(entries):
        where = f"entry {k}"
        if not isinstance(entry, Entry):
            raise UsageError(f"{name}: {where} is {entry!r}, not an Entry")
        words = _words(entry.words, name, where)
        if not words:
            raise CatalogueError(f"{where} has no words: {entry.words!r}", Location(name))
        weight = entry.weight
        if weight is not None and (
            isinstance(weight, bool) or not isinstance(weight, (int, float))
            or not math.isfinite(weight) or weight < 0
        ):  # fmt: skip
            raise CatalogueError(
                f"{where}: bad weight {weight!r}: a weight is a finite number of 0 or more, "
                "or None",
                Location(name),
            )
        canonical = None if entry.canonical is None else _words(entry.canonical, name, where)
        placed.append((_entry(words, weight, canonical, entry.line), where))
    if not placed:
        raise CatalogueError("the catalogue is empty; add at least one value", Location(name))
    return _merge(placed, name)


def _words(said: object, name: str, where: str) -> list[str]:
    """The words of an entry's `words` or `canonical` (a string, or a tuple of strings),
    split as a line of a `.txt` catalogue is."""
    if isinstance(said, str):
        said = (said,)
    if not isinstance(said, (tuple, list)) or not all(isinstance(w, str) for w in said):
        raise UsageError(f"{name}: {where}'s words are a tuple of strings, not {said!r}")
    return _clean_words(" ".join(said), where, name)


def _clean_words(text: str, where: str, file: str) -> list[str]:
    """The words of one value that is not a file's line (made in Python, or a JSON
    string, whose control characters come escaped), refused as a line is when it holds
    a control character (`_refuse_control_characters`)."""
    found = tokens.control(text)
    if found is not None:
        raise CatalogueError(
            f"{where}: a value cannot hold a control character (here "
            f"U+{ord(found.group()):04X}); remove it",
            Location(file),
        )
    return tokens.words(text)


def catalogues_containing(values: Iterable[str], catalogues: Mapping[str, Catalogue]) -> list[str]:
    """The names (sorted) of the catalogues knowing every value, as surface or canonical:
    the slots that could have produced these words. A single str is one value (not its
    letters)."""
    given = names_argument(values, "values") or []
    for name, catalogue in catalogues.items():
        if not isinstance(catalogue, Catalogue):
            raise UsageError(
                f"catalogue {name!r} is a {type(catalogue).__name__}, not a Catalogue: "
                "read it with read_catalogue first"
            )
    wanted = {" ".join(tokens.words(value)) for value in given}
    return sorted(
        name
        for name, catalogue in catalogues.items()
        if all(
            value in catalogue.surface_values() or value in catalogue.canonical_values()
            for value in wanted
        )
    )


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines, split on '\\n' only so numbers agree with editors and read_text."""
    for number, line in enumerate(text.split("\n"), 1):
        yield number, line.removesuffix("\r")


def _entry(words: list[str], weight: float | None, canonical: list[str] | None, line: int) -> Entry:
    """An Entry; a canonical value equal to the words is no synonym, so it is dropped."""
    meaning = tuple(canonical) if canonical and canonical != words else None
    return Entry(tuple(words), weight, meaning, line)


def _txt_columns(text: str, file: str) -> Columns:
    """One value per line; blank lines and lines starting with '#' are skipped; a repeated
    value is reported and left out. Read straight into columns, a step for all lines at
    once: the file is normalized once (the same as line by line: a line break is a
    starter), each line split into words, the words numbered in the order they are met."""
    normalized = tokens.normalize(text)
    said, lengths, numbers = _plain_values(normalized) or _values(normalized, file)
    vocabulary = {word: k for k, word in enumerate(dict.fromkeys(said))}
    return Columns(
        tuple(vocabulary),
        np.fromiter(map(vocabulary.__getitem__, said), np.int32, len(said)),
        np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
        np.full(len(lengths), np.nan),
        numbers,
        {},
    )


# what makes a file other than one value on each line, its words one space apart: a
# character other than a letter, a digit, a space and a line break (a comment's '#', white
# space of another kind, punctuation that `tokens.words` splits off), or spaces out of place
_NOT_A_WORD = re.compile(r"[^\w \n]")
_NOT_PLAIN = ("  ", " \n", "\n ", "\n\n")

Words = tuple[list[str], np.ndarray, np.ndarray]  # every value's words, how many, line numbers


def _plain_values(normalized: str) -> Words | None:
    """`_values` of a file whose every line is a value, written as most are (words of
    letters and digits one space apart, no comment, no repeat, no script written without
    spaces), in a few steps over the whole text instead of one per line (a third of the
    time of a 40,000-line catalogue); else None."""
    lines = normalized.removesuffix("\n").split("\n")
    if (
        not normalized or normalized[0] in " \n" or normalized[-1] == " "
        or any(part in normalized for part in _NOT_PLAIN) or _NOT_A_WORD.search(normalized)
        or scripts.unspaced(normalized) or len(set(lines)) < len(lines)
    ):  # fmt: skip
        return None
    # a space and a line break are one byte each in UTF-8, never part of another character
    data = np.frombuffer(normalized.encode("utf-8", "surrogatepass"), np.uint8)
    ends = np.append(np.flatnonzero(data == 10), len(data))[: len(lines)]
    spaces = np.searchsorted(np.flatnonzero(data == 32), ends)
    lengths = np.diff(spaces, prepend=0) + 1
    return normalized.split(), lengths, np.arange(1, len(lines) + 1, dtype=np.int64)


def _values(normalized: str, file: str) -> Words:
    """Every value's words (`tokens.words`, as a grammar's and a sentence's: `st. louis`
    is `st`, `.`, `louis`), line by line, without blank lines, comments and repeats."""
    unspaced = scripts.unspaced(normalized)  # a file of such a script: every line segmented
    lines = [
        tokens.words(line) if unspaced or _NOT_A_WORD.search(line) else line.split()
        for line in normalized.split("\n")
    ]
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # what follows the last line break
    numbers = [n for n, words in enumerate(lines, 1) if words and words[0][0] != "#"]
    values, numbers = _first_of_each([lines[n - 1] for n in numbers], numbers, file)
    lengths = np.fromiter(map(len, values), np.int64, len(values))
    return list(itertools.chain.from_iterable(values)), lengths, np.array(numbers, np.int64)


def _first_of_each(
    values: list[list[str]], numbers: list[int], file: str
) -> tuple[list[list[str]], list[int]]:
    """The values without repeats (each first one kept, the others reported), with their
    line numbers. Words hold no whitespace, so words joined by a space tell values apart."""
    said = list(map(" ".join, values))
    if len(dict.fromkeys(said)) == len(said):
        return values, numbers
    first: dict[str, int] = {}
    kept = []
    for k, value in enumerate(said):
        if value in first:
            _duplicate(file, f"'{value}'", f"line {numbers[k]}", f"line {numbers[first[value]]}")
        else:
            first[value] = k
            kept.append(k)
    return [values[k] for k in kept], [numbers[k] for k in kept]


def _tsv_entries(text: str, file: str) -> list[Placed]:
    """A header row naming the columns, then one entry per row; blank lines are skipped.
    '#' starts no comment here: a spreadsheet cell may well begin with one."""
    rows = [(number, line) for number, line in _lines(text) if line.strip()]
    if not rows:
        return []
    header_line, header = rows[0]
    columns = _tsv_columns(header, header_line, file)
    return [(_tsv_entry(line, number, columns, file), number) for number, line in rows[1:]]


def _cell_starts(cells: list[str]) -> list[int]:
    """The 1-based column where each tab-separated cell starts."""
    starts, col = [], 1
    for cell in cells:
        starts.append(col)
        col += len(cell) + 1
    return starts


def _tsv_columns(header: str, line: int, file: str) -> dict[str, int]:
    """Column name -> cell index; names outside TSV_COLUMNS, repeats or no `value` are errors."""
    cells = header.split("\t")
    columns: dict[str, int] = {}
    for index, (cell, col) in enumerate(zip(cells, _cell_starts(cells))):
        name = cell.strip()
        if name not in TSV_COLUMNS:
            raise CatalogueError(
                f"unknown column '{name}': a .tsv catalogue's first row is a header naming "
                f"its columns among {', '.join(TSV_COLUMNS)} (value is required), e.g. "
                "value<TAB>weight; a list of values without a header is a .txt catalogue",
                Location(file, line, col),
            )
        if name in columns:
            raise CatalogueError(f"column '{name}' appears twice", Location(file, line, col))
        columns[name] = index
    if "value" not in columns:
        raise CatalogueError(
            "no 'value' column; the first row must name the columns, e.g. value<TAB>weight",
            Location(file, line, 1),
        )
    return columns


def _tsv_entry(line: str, number: int, columns: dict[str, int], file: str) -> Entry:
    """The entry of one row, checking its cell count, value and weight."""
    cells = line.split("\t")
    starts = _cell_starts(cells)
    if len(cells) != len(columns):
        col = starts[len(columns)] if len(cells) > len(columns) else len(line) + 1
        raise CatalogueError(
            f"{len(cells)} tab-separated cells where the header has {len(columns)} "
            f"({', '.join(columns)}); leave a cell empty rather than dropping it",
            Location(file, number, col),
        )
    index = columns["value"]
    words = tokens.words(cells[index])
    if not words:
        raise CatalogueError(
            "empty value; every row needs a value", Location(file, number, starts[index])
        )
    weight = None
    if "weight" in columns:
        index = columns["weight"]
        weight = _weight(cells[index], Location(file, number, starts[index]))
    canonical = tokens.words(cells[columns["canonical"]]) if "canonical" in columns else None
    return _entry(words, weight, canonical, number)


def _weight(cell: str, where: Location) -> float | None:
    """A finite weight >= 0, or None for an empty cell."""
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise CatalogueError(
            f"bad weight '{text}': a weight is a non-negative number such as 2 or 0.5; "
            "leave the cell empty for no weight",
            where,
        )
    return value


def _alexa_entries(text: str, file: str, type_name: str | None) -> list[Placed]:
    """An entry for each value of the chosen slot type, and one for each of its synonyms."""
    try:
        model = json_input.loads(text)
    except json.JSONDecodeError as err:
        raise CatalogueError(
            f"invalid JSON: {err.msg}", Location(file, err.lineno, err.colno)
        ) from None
    types = model
    for depth, key in enumerate(ALEXA_PATH):
        kind = list if key == "types" else dict
        types = _field(types, key, kind, ".".join(ALEXA_PATH[:depth]), file)
    index = _pick_type(types, type_name, file)
    where = f"types[{index}]"
    values = _field(types[index], "values", list, where, file)
    if not values:
        raise CatalogueError(f"slot type '{types[index]['name']}' is empty", Location(file))
    placed: list[Placed] = []
    for number, value in enumerate(values):
        placed += _alexa_value(value, f"{where}.values[{number}]", file)
    return placed


def _pick_type(types: list[Any], type_name: str | None, file: str) -> int:
    """The index of the type named after '#', or of the only type when none is named."""
    names = [_field(t, "name", str, f"types[{i}]", file) for i, t in enumerate(types)]
    if not names:
        raise CatalogueError(
            "the model has no slot types; add them under interactionModel.languageModel.types",
            Location(file),
        )
    if type_name is None and len(names) == 1:
        return 0
    if type_name is None:
        raise CatalogueError(
            f"{len(names)} slot types ({', '.join(names)}); pick one with {file}#TypeName",
            Location(file),
        )
    if type_name not in names:
        raise CatalogueError(
            f"no slot type '{type_name}'; the types are: {', '.join(names)}", Location(file)
        )
    return names.index(type_name)


def _alexa_value(value: Any, where: str, file: str) -> list[Placed]:
    """The entries of one `values[]` item: its name, then its synonyms meaning that name."""
    name = _field(value, "name", dict, where, file)
    where = f"{where}.name"
    canonical = _alexa_words(_field(name, "value", str, where, file), f"{where}.value", file)
    placed = [(Entry(tuple(canonical)), f"{where}.value")]
    synonyms = _field(name, "synonyms", list, where, file) if "synonyms" in name else []
    for number, synonym in enumerate(synonyms):
        place = f"{where}.synonyms[{number}]"
        if not isinstance(synonym, str):
            raise CatalogueError(f"{place} is not a string", Location(file))
        placed.append((_entry(_alexa_words(synonym, place, file), None, canonical, 0), place))
    return placed


def _alexa_words(text: str, where: str, file: str) -> list[str]:
    """The words of a value or synonym; an empty one is an error, as Alexa rejects it too."""
    words = _clean_words(text, where, file)
    if not words:
        raise CatalogueError(f"{where} is empty; give it a value", Location(file))
    return words


def _field(obj: Any, key: str, kind: type, where: str, file: str) -> Any:
    """`obj[key]`, which must exist and be of `kind`; the error names the JSON path."""
    if not isinstance(obj, dict) or key not in obj:
        raise CatalogueError(
            f"missing '{key}' in {where or 'the top level'}; expected an Alexa interaction "
            "model (interactionModel.languageModel.types[].values[].name.value)",
            Location(file),
        )
    if not isinstance(obj[key], kind):
        raise CatalogueError(
            f"'{key}' in {where or 'the top level'} should be a {JSON_KINDS[kind]}",
            Location(file),
        )
    return obj[key]


def _merge(placed: list[Placed], file: str) -> tuple[Entry, ...]:
    """Drop repeated entries (same words, same canonical), keeping the first: a repeat is a
    slip, while the same words with another canonical are a real ambiguity and stay."""
    first: dict[tuple[tuple[str, ...], tuple[str, ...] | None], int | str] = {}
    kept: list[Entry] = []
    for entry, where in placed:
        key = (entry.words, entry.canonical)
        if key in first:
            _duplicate(file, _describe(entry), _place(where), _place(first[key]))
            continue
        first[key] = where
        kept.append(entry)
    return tuple(kept)


def _duplicate(file: str, value: str, where: str, first: str) -> None:
    log.warning(
        "%s: duplicate value %s at %s (first at %s); keeping the first", file, value, where, first
    )


def _place(where: int | str) -> str:
    """`line 3` for a line number, else the place as written."""
    return f"line {where}" if isinstance(where, int) else where


def _describe(entry: Entry) -> str:
    """The entry as a user would write it, with its meaning if it is a synonym."""
    text = f"'{' '.join(entry.words)}'"
    return f"{text} (meaning '{' '.join(entry.canonical)}')" if entry.canonical else text
