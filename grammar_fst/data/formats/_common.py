"""What every format shares: decoding a file, locating a bad record, stop-or-skip.

A format's parser is a generator over a `Source` that yields an `Utterance` for each good
record and a `FormatError` (not raised) for each bad one; `Records` turns that into the
reader's answer: stop at the first bad record, or log and skip each, counting them.
An error that leaves nothing sensible to read after it (a file that cannot be opened, a
SNIPS document that is not JSON) is raised by the parser itself, whatever `on_error` says.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ... import json_input
from ...errors import (
    DATA_READ_LIMIT,
    FormatError,
    Location,
    UsageError,
    Wording,
    choice_argument,
    items_argument,
    path_argument,
    text_bytes,
)
from ...text import tokens
from ..records import Utterance

OnError = Literal["stop", "skip"]
ON_ERROR = ("stop", "skip")

log = logging.getLogger("grammar_fst")

# json.dumps(x, ensure_ascii=False) builds an encoder on every call; one made once gives
# the same text without that cost (a fifth of a resampled record's line). The records it
# writes are made here, never circular: it does not look for cycles (a sixth of the rest).
to_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

# The characters `surrogateescape` decodes bad bytes to; valid UTF-8 never gives them.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Source:
    """A file's text, with bad bytes kept as escape characters so they can be located."""

    path: str
    text: str
    bom: int = 0  # bytes of a leading byte-order mark removed from `text`

    @classmethod
    def open(cls, path: str | Path) -> Source:
        """Read `path`; a file that cannot be read is a FormatError naming it."""
        data = text_bytes(path, FormatError, DATA_READ_LIMIT)
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        return cls(str(path), data[bom:].decode("utf-8", errors="surrogateescape"), bom)

    def location(self, pos: int) -> Location:
        """The line and column (from 1, in characters) of character `pos` of the text."""
        return Location.of(self.path, self.text, pos)

    def error(self, message: str, pos: int) -> FormatError:
        return FormatError(message, self.location(pos))

    def bad_bytes(self, start: int = 0, end: int | None = None) -> FormatError | None:
        """The error for the first byte of text[start:end] that is not UTF-8, if any.

        The message has the byte and its offset in the file, like grammar files' errors.
        """
        match = _ESCAPED_BYTE.search(self.text, start, len(self.text) if end is None else end)
        if match is None:
            return None
        pos = match.start()
        offset = self.bom + len(self.text[:pos].encode("utf-8", errors="surrogateescape"))
        byte = ord(self.text[pos]) - 0xDC00
        return self.error(
            f"not valid UTF-8 (byte 0x{byte:02X} at offset {offset}); save the file as UTF-8",
            pos,
        )

    def lines(self) -> Iterator[tuple[int, int, str]]:
        """(line number, position of its first character, line without its end) for each
        line; lines end at '\\n' only (a '\\r' before it is dropped), never at the other
        characters `str.splitlines` would split at, which JSON strings may hold as is."""
        pos = 0
        number = 1
        text = self.text
        while pos < len(text):
            end = text.find("\n", pos)
            if end < 0:
                end = len(text)
            line = text[pos:end]
            yield number, pos, line[:-1] if line.endswith("\r") else line
            pos = end + 1
            number += 1


Parsed = Utterance | FormatError
Parser = Callable[[Source], Iterator[Parsed]]


class Records(Iterator[Utterance]):
    """The utterances of one file, read as they are asked for.

    With on_error="stop" the first bad record raises its FormatError (after the good
    records before it have been given). With "skip" each bad record is logged as a
    warning on the "grammar_fst" logger and added to `skipped`, so that a caller can tell
    how many records were left out once the iteration is over.
    """

    def __init__(self, source: Source, parser: Parser, on_error: OnError = "stop"):
        choice_argument(on_error, "on_error", ON_ERROR)
        self.path = source.path
        self.on_error = on_error
        self.skipped: list[FormatError] = []
        self._items = parser(source)

    def __iter__(self) -> Records:
        return self

    def __next__(self) -> Utterance:
        while True:
            item = next(self._items)
            if isinstance(item, Utterance):
                return item
            if self.on_error == "stop":
                raise stopped_at(item) from None
            log.warning("%s (record skipped)", item)
            self.skipped.append(item)


def stopped_at(error: FormatError) -> FormatError:
    """The error of a bad record that stops the run, saying how to go on without it: real
    data often holds a few such records, and the way past them is otherwise only in the
    help."""
    return FormatError(
        Wording("{record}; {on_error:'skip'} leaves such records out", record=error.message),
        error.location,
    )


def reader(parser: Parser) -> Callable[..., Records]:
    """The `read(path, on_error="stop")` function of a format with this parser."""

    def read(path: str | Path, on_error: OnError = "stop") -> Records:
        path_argument(path)
        choice_argument(on_error, "on_error", ON_ERROR)
        return Records(Source.open(path), parser, on_error)

    read.__doc__ = (
        "The utterances of the file at `path`, as a `Records` iterator (its `skipped` "
        "lists the bad records left out when on_error='skip')."
    )
    return read


def lines_document(line: Callable[[Utterance, int], str]) -> Callable[..., str]:
    """`write_document(utterances) -> str` for a format written one line (or block) per
    record: each record's line followed by a newline, as the lines stream."""

    def write_document(utterances: Iterable[Utterance]) -> str:
        return "".join(line(u, i) + "\n" for i, u in enumerate(utterances))

    return write_document


def json_document(document: Callable[..., object]) -> Callable[..., str]:
    """`write_document(utterances, **options) -> str` for a format that is one JSON
    document (`document(utterances, **options)`), indented by two spaces; options (the
    language of a Snips NLU dataset) pass through."""

    def write_document(utterances: Iterable[Utterance], **options) -> str:
        return json.dumps(document(utterances, **options), ensure_ascii=False, indent=2) + "\n"

    return write_document


def json_lines(from_record: Callable[[object], Utterance]) -> Parser:
    """A parser for JSON-lines files: each non-blank line is one record, decoded and
    turned into an utterance by `from_record` (which raises FormatError when bad)."""

    def parse(source: Source) -> Iterator[Parsed]:
        for _, pos, text in source.lines():
            if not text.strip():
                continue
            bad = source.bad_bytes(pos, pos + len(text))
            if bad is not None:
                yield bad
                continue
            try:
                record = json_input.loads(text)
            except json.JSONDecodeError as err:
                yield source.error(f"not a JSON record: {err.msg}", pos + err.pos)
                continue
            try:
                yield from_record(record)
            except FormatError as err:
                yield source.error(err.message, pos)

    return parse


def problem(utterance: Utterance) -> str | None:
    """What makes a record inconsistent, if anything: a text of white space alone, a slot
    without a name or a value, a slot whose offsets do not hold its value, overlapping or
    unordered slots, a slot edge between a letter and its combining mark (a Thai tone
    mark, a Devanagari vowel sign: in any script, no word ends or starts there), or text
    that cannot be written as UTF-8."""
    text = utterance.text
    if not text.strip():
        return "the record says nothing (its text is empty or white space)"
    end = 0
    said = [text, utterance.intent]  # the strings written (a slot's value is in the text)
    for slot in utterance.slots:
        if not slot.slot.strip():
            return "a slot has an empty name"
        if not slot.value.strip():
            return f"slot '{slot.slot}' has an empty value"
        if not (0 <= slot.start <= slot.end <= len(text)):
            return (
                f"slot '{slot.slot}' has offsets {slot.start}..{slot.end} outside the text "
                f"(length {len(text)})"
            )
        if text[slot.start : slot.end] != slot.value:
            return (
                f"slot '{slot.slot}' has value {slot.value!r} but the text at "
                f"{slot.start}..{slot.end} is {text[slot.start : slot.end]!r}"
            )
        if slot.start < end:
            return f"slot '{slot.slot}' at {slot.start}..{slot.end} overlaps the slot before"
        edges = (slot.start, slot.end)
        cut = next((at for at in edges if _cuts_a_letter(text, at)), None)
        if cut is not None:
            first, last = cut - 1, cut + 1
            while first > 0 and _mark(text[first]):
                first -= 1
            while last < len(text) and _mark(text[last]):
                last += 1
            return (
                f"slot '{slot.slot}' at {slot.start}..{slot.end} cuts a letter from its mark "
                f"(U+{ord(text[cut]):04X} at {cut}): {text[first:last]!r} is one letter"
            )
        end = slot.end
        said += (slot.slot, slot.canonical or "")
    if tokens.surrogate("".join(said)) >= 0:  # one search: joining makes no surrogate
        return "a string holds a lone surrogate (an escape like \\udc80), which is not text"
    return None


def _mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _cuts_a_letter(text: str, at: int) -> bool:
    """Whether offset `at` parts a combining mark from the letter (or mark) before it."""
    return 0 < at < len(text) and _mark(text[at]) and not text[at - 1].isspace()


def utterances_argument(value: object, name: str) -> list[Utterance]:
    """`value` as a list of Utterances that hold together (see `problem`); else a
    UsageError naming the parameter `name` and the first that does not, rather than an
    AttributeError, or a result made of a record a reader would refuse."""
    utterances = items_argument(value, name, "Utterances")
    for number, utterance in enumerate(utterances, 1):
        wrong: str | None = "not an Utterance with a tuple of slots"
        if isinstance(utterance, Utterance) and isinstance(utterance.slots, tuple):
            wrong = problem(utterance)
        if wrong:
            raise UsageError(Wording(f"utterance {number} of {{{name}}}: {{wrong}}", wrong=wrong))
    return utterances


def same_length_case_variant(a: str, b: str) -> bool:
    """Whether `a` and `b` differ at most in letter case, character for character."""
    return len(a) == len(b) and all(x == y or x.lower() == y.lower() for x, y in zip(a, b))
