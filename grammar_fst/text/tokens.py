"""The one word tokenizer of grammar-fst: grammars, sentences, catalogues and the parser
all use it, so they agree on what a word is.

Text is put in Unicode NFC (the same sentence typed composed or decomposed gives the same
words) without the invisible characters pasted text carries (`INVISIBLE`), split at
whitespace, and each run holding a script written without spaces (Thai,
Chinese, Japanese, ...) is segmented into words (`segmentation`). Punctuation that
touches a word (`scripts`: closing marks after it, opening ones before it) is a word of
its own: `music.` is `music` and `.`, `¿qué` is `¿` and `qué`; inside a word it stays
(`7.30`, `don't`), and so does the full stop of an abbreviation (`p.m.`). `join` writes words back
as the script writes them (`scripts`): `words(join(ws))` gives `ws` back wherever the
segmenter agrees with the words, as it does on the words it made.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from . import scripts, segmentation

_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters with no width that change no letter around them: the zero-width space, the
# word joiner, the byte order mark, the direction marks and embeddings. Pasted text
# carries them unseen, and a word holding one would not be the same word without it.
# (The zero-width joiner and non-joiner change how Indic and Persian letters join: kept.)
INVISIBLE = re.compile("[\u200b\u200e\u200f\u061c\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


# The control characters that are not white space (a NUL, an escape): no word holds one,
# grammar's or catalogue's; a sentence saying it would carry it unseen (white space of
# any kind, U+001C and U+0085 too, only parts words).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def control(text: str) -> re.Match | None:
    """The first control character of `text` that no word may hold (`_CONTROL`), or
    None."""
    return _CONTROL.search(text)


def surrogate(text: str) -> int:
    """Where `text` holds its first lone surrogate, or -1. No text holds one: Python
    makes them of bytes that are not UTF-8 (a file name, a command-line argument) or
    of an escape such as `\\udc80`, and they cannot be written as UTF-8."""
    found = _SURROGATE.search(text)
    return -1 if found is None else found.start()


def normalize(text: str) -> str:
    """Return `text` in Unicode NFC without its INVISIBLE characters: the form every
    word is stored in."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", INVISIBLE.sub("", text))


def words(text: str) -> list[str]:
    """The normalized words of `text`: whitespace-separated, and segmented where the
    script uses no spaces."""
    out: list[str] = []
    for chunk in normalize(text).split():
        if scripts.unspaced(chunk):
            out += segmentation.segment(chunk)
        else:
            out += _unglued(chunk)
    return out


def _unglued(chunk: str) -> list[str]:
    """A whitespace-free chunk as its words: opening punctuation at its start and closing
    punctuation at its end split off, unless the chunk is all punctuation."""
    if chunk[0].isalnum() and chunk[-1].isalnum():  # no punctuation at either end
        return [chunk]
    start, end = 0, len(chunk)
    while start < end and scripts.script(chunk[start]) == scripts.OPENING:
        start += 1
    while end > start and scripts.script(chunk[end - 1]) == scripts.CLOSING:
        end -= 1
    if start == end or (start == 0 and end == len(chunk)):
        return [chunk]
    if chunk[end:].startswith(".") and "." in chunk[start:end]:
        end += 1  # an abbreviation keeps its full stop: p.m., u.s.
    return [part for part in (chunk[:start], chunk[start:end], chunk[end:]) if part]


def join(tokens: Sequence[str]) -> str:
    """The text of `tokens` as the script writes it: a space between two words only where
    their scripts use one (see `scripts`)."""
    if not tokens:
        return ""
    parts = [tokens[0]]
    for left, right in zip(tokens, tokens[1:]):
        parts.append(" " + right if scripts.gap(left, right) else right)
    return "".join(parts)


def spelled(groups: Sequence[Sequence[str]]) -> tuple[str, list[tuple[int, int]]]:
    """The text of consecutive groups of words (the pieces of a sentence between its slot
    edges, the slot values) joined as `join` does, with each group's (start, end)."""
    text, spans, last = "", [], ""
    for group in groups:
        piece = join(group)
        if text and piece and scripts.gap(last, group[0]):
            text += " "
        spans.append((len(text), len(text) + len(piece)))
        text += piece
        last = group[-1] if group else last
    return text, spans


def spans(text: str, cuts: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The (start, end) of each word of `text` (NFC text, as every writer gets it), with a
    word boundary at each offset of `cuts` (slot edges) whatever the segmenter says."""
    edges = sorted({0, len(text), *cuts})
    found = []
    for a, b in zip(edges, edges[1:]):
        for chunk in re.finditer(r"\S+", text[a:b]):
            at, written = a + chunk.start(), chunk.group()
            # a chunk not in NFC is one word: its words' lengths would not be its own
            for word in words(written) if normalize(written) == written else [written]:
                found.append((at, at + len(word)))
                at += len(word)
    return found


def inside_word(text: str, at: int) -> bool:
    """Whether offset `at` cuts a word of a script written with spaces (`play|rock`): a
    cut between two Thai letters, or at a change of script or before punctuation, does not."""
    if not 0 < at < len(text):
        return False
    left, right = text[at - 1], text[at]
    kinds = (scripts.SPACED, scripts.LETTERS)
    spaced = scripts.script(left) in kinds and scripts.script(right) in kinds
    return spaced and _letter(left) and _letter(right)


def _letter(ch: str) -> bool:
    """A letter, digit or combining mark: what a word of a spaced script is made of."""
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"
