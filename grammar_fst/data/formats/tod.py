"""The TSV layout of the multilingual task-oriented dialog data (Schuster et al., 2019):
one utterance a line, five tab-separated columns.

    alarm/set_alarm<TAB>14:38:datetime<TAB>ตั้งนาฬิกาปลุกสำหรับ 6 โมงเช้า<TAB>th_TH<TAB>{...}

1. the intent (`domain/intent`); 2. the slots as comma-separated `start:end:slot`,
character offsets into the text (empty when there is none); 3. the text as written (Thai
without spaces between words); 4. the locale (`th_TH`, `es_XX`); 5. the publisher's
tokenization (JSON), which is one segmentation among others and is not read.

Read only. The text keeps its inner spacing; whitespace around it, and around a slot's
span, is left out (offsets follow). A row with too few columns, an offset that is not a
number, a span outside the text or one that cuts a word written with spaces is a bad
record, located at its line and column.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...text import tokens
from ..records import SlotValue, Utterance
from ._common import FormatError, Parsed, Source, problem, reader

COLUMNS = ("intent", "slots", "text", "locale")


def parse(source: Source) -> Iterator[Parsed]:
    for _, pos, line in source.lines():
        if not line.strip():
            continue
        yield source.bad_bytes(pos, pos + len(line)) or _row(source, pos, line)


def _row(source: Source, pos: int, line: str) -> Parsed:
    cells = line.split("\t")
    if len(cells) < len(COLUMNS):
        return source.error(
            f"expected {len(COLUMNS)} tab-separated columns ({', '.join(COLUMNS)}[, "
            f"tokenization]), found {len(cells)}",
            pos,
        )
    intent, spans, written = cells[0].strip(), cells[1], cells[2]
    at = pos + len(cells[0]) + 1  # where the slots column starts
    if not intent:
        return source.error("empty intent", pos)
    text = written.strip()
    shift = len(written) - len(written.lstrip())
    slots = []
    for span in filter(None, spans.split(",")):
        try:
            slots.append(_slot(span, text, shift))
        except FormatError as err:
            return source.error(f"slot {span!r}: {err.message}", at + spans.index(span))
    utterance = Utterance(text, intent, tuple(sorted(slots, key=lambda s: s.start)))
    message = problem(utterance)
    return source.error(message, at) if message else utterance


def _slot(span: str, text: str, shift: int) -> SlotValue:
    """One `start:end:slot` span of the text (offsets into the row's text column)."""
    fields = span.strip().split(":", 2)
    if len(fields) != 3 or not fields[2].strip():
        raise FormatError("expected start:end:slot")
    try:
        start, end = int(fields[0]) - shift, int(fields[1]) - shift
    except ValueError:
        raise FormatError("offsets must be whole numbers") from None
    if not 0 <= start < end <= len(text):
        raise FormatError(f"offsets {fields[0]}..{fields[1]} are outside the text")
    value = text[start:end]
    start += len(value) - len(value.lstrip())
    end -= len(value) - len(value.rstrip())
    if start >= end:
        raise FormatError("the span holds only spaces")
    if tokens.inside_word(text, start) or tokens.inside_word(text, end):
        raise FormatError(f"the span {text[start:end]!r} cuts a word of {text!r}")
    return SlotValue(fields[2].strip(), text[start:end], start, end)


def locale_read(path: str) -> str | None:
    """The locale column of the file's first row."""
    for _, _, line in Source.open(path).lines():
        cells = line.split("\t")
        if len(cells) >= len(COLUMNS) and cells[3].strip():
            return cells[3].strip()
    return None


read = reader(parse)
