"""A sentence as the parser compares it with a grammar's words, and the way back to it.

A sentence may be typed otherwise than its grammar is written: decomposed (NFD, as macOS
writes file names), in the full-width forms Japanese input methods type (`７時`,
`Ｔａｙｌｏｒ`), in half-width katakana (`ｼﾞｬｽﾞ`), with invisible characters pasted in
(a zero-width space, a direction mark). `folded` gives the text the parser reads: in NFC,
the width forms as NFKC writes them (ASCII letters, digits and signs; full-width
katakana; a space), the invisible characters (`tokens.INVISIBLE`) left out; and, for
each of its offsets, where a word starting or ending there starts or ends in the text as
given, so that a record keeps the sentence as typed and its slots' offsets in it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from . import tokens


class Folded(NamedTuple):
    """The folded `text`; `starts[k]` and `ends[k]`: the offset in the text as given of
    a word that starts, or ends, at offset k of `text` (the same for a text unchanged)."""

    text: str
    starts: list[int]
    ends: list[int]


def width(text: str) -> str:
    """`text` with its full-width and half-width forms (and the ideographic space) as
    NFKC writes them, nothing else changed: `７時` is `7時`, `ｼﾞｬｽﾞ` is `ジャズ`."""
    if text.isascii():
        return text
    return unicodedata.normalize(
        "NFC", "".join(unicodedata.normalize("NFKC", c) if _width_form(c) else c for c in text)
    )


def loose(word: str) -> str:
    """`word` as a word the grammar lacks is looked up: its width forms folded
    (`width`), case-folded, without the joiners (ZWJ, ZWNJ) that change only how its
    letters are drawn."""
    folded = width(word).casefold()
    return folded if folded.isascii() else folded.replace("\u200c", "").replace("\u200d", "")


# letters below here (Latin, Greek, Cyrillic) lose their accents in `bare`; the marks of
# the scripts after them (Devanagari's vowel signs, Thai's tone marks) spell other words
_ACCENTED_BELOW = 0x0530


def bare(word: str) -> str:
    """`loose(word)` without the accents of its Latin, Greek and Cyrillic letters, as a
    word the grammar lacks both as written and case-folded is looked up last: `como`
    for `cómo`, `ano` for `año`, typed without them."""
    folded = loose(word)
    if folded.isascii():
        return folded
    kept, base = [], ""
    for ch in unicodedata.normalize("NFD", folded):
        if unicodedata.combining(ch):
            if base and ord(base) < _ACCENTED_BELOW:
                continue
        else:
            base = ch
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def folded(text: str) -> Folded:
    """The text the parser reads for `text` (see the module), with the offsets back."""
    identity = list(range(len(text) + 1))
    if text.isascii() or (unicodedata.is_normalized("NFC", text) and not _changes(text)):
        return Folded(text, identity, identity)
    # what each character becomes, and where it came from
    pieces: list[tuple[str, int]] = []
    for at, ch in enumerate(text):
        if tokens.INVISIBLE.fullmatch(ch):
            continue
        pieces.append((unicodedata.normalize("NFKC", ch) if _width_form(ch) else ch, at))
    # clusters NFC composes within and never across; each maps to the characters it is of
    clusters: list[tuple[str, int, int]] = []  # (text before NFC, first, last given offset)
    for piece, at in pieces:
        if clusters and not _starts_cluster(clusters[-1][0], piece):
            before, first, _ = clusters[-1]
            clusters[-1] = (before + piece, first, at)
        else:
            clusters.append((piece, at, at))
    out, starts, ends = [], [], [0]
    for before, first, last in clusters:
        piece = unicodedata.normalize("NFC", before)
        out.append(piece)
        starts += [first] * len(piece)
        ends += [last + 1] * len(piece)
    starts.append(len(text))
    return Folded("".join(out), starts, ends)


def _width_form(ch: str) -> bool:
    return ch == "\u3000" or "\uff00" <= ch <= "\uffef"


# a width form or an invisible character: what folding changes in NFC text
_CHANGED = re.compile("[\u3000\uff00-\uffef" + tokens.INVISIBLE.pattern[1:])


def _changes(text: str) -> bool:
    """Whether folding changes this NFC text."""
    return _CHANGED.search(text) is not None


def _starts_cluster(before: str, piece: str) -> bool:
    """Whether NFC leaves `piece` apart from the cluster `before` it: it starts with a
    character of combining class 0 that composes with nothing before it (a combining
    mark, a voiced sound mark, a Hangul vowel would; marks may also be reordered)."""
    if unicodedata.combining(piece[0]):
        return False
    joined = unicodedata.normalize("NFC", before + piece)
    return joined == unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", piece)
