"""Bare sentences, one per line.

Reading gives each non-blank line as an utterance with an empty intent and no slots (the
line as it is, without its line end). Cannot carry: intents, slots, a sentence with a line
break (refused on writing), an empty or all-space sentence (it would read as a blank line,
which is skipped).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..records import Utterance
from ._common import FormatError, Parsed, Source, lines_document, reader


def line(utterance: Utterance, index: int) -> str:
    """The sentence text alone."""
    text = utterance.text
    if "\n" in text or "\r" in text:
        raise FormatError(f"cannot write {text!r} as one line: it holds a line break")
    return text


def parse(source: Source) -> Iterator[Parsed]:
    for _, pos, text in source.lines():
        if not text.strip():
            continue
        bad = source.bad_bytes(pos, pos + len(text))
        yield bad if bad is not None else Utterance(text, "")


write_document = lines_document(line)
read = reader(parse)
