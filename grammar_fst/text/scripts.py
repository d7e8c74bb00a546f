"""Which scripts put a space between words, and where text joins two words without one.

Spacing rules, by the script of the last character of one word and the first of the next:

- Thai, Lao, Khmer and Burmese (Myanmar) write no space between two words of the same
  script; a space separates them from a word of another script, a digit or punctuation
  other than the marks below (`ตั้งปลุก 7 โมง`, `เปิด Netflix`), as people write them.
- Chinese and Japanese (Han, Hiragana, Katakana, CJK punctuation, full-width forms) write
  no space next to their own script, Latin letters, digits or punctuation:
  `明日7時にNetflixを見る`; a space separates them from the letters of other scripts
  (`شغل 宇多田ヒカル من فضلك`, `เปิด 宇多田ヒカル ให้หน่อย`).
- Closing punctuation (full stops, commas, colons, question and exclamation marks,
  ellipses, dandas, closing brackets, in any script) takes no space before it, and
  opening punctuation (opening brackets, `¿`, `¡`) none after it: `music.`, `(live)`,
  `¿qué hora es?`, as people write them.
- Every other script (Latin, Cyrillic, Greek, Devanagari, Arabic, Hebrew, Hangul, ...),
  digits and other punctuation (`&`, `-`, `/`, quotes): one space between words.

Scripts are told by Unicode block (a short table; the standard library has no script
property), which is exact for these scripts' letters and marks; punctuation by Unicode
category (Ps, Pe, and the sentence marks of Po, told by their names).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

SPACED, THAI, LAO, KHMER, MYANMAR, CJK, CLOSING, OPENING, LETTERS = range(9)
# LETTERS: the letters of a script written with spaces other than Latin (Greek, Cyrillic,
# Arabic, Hebrew, Devanagari, Hangul, ...): SPACED, but spaced from Chinese and Japanese too
NAMES = {THAI: "Thai", LAO: "Lao", KHMER: "Khmer", MYANMAR: "Burmese", CJK: "Chinese/Japanese"}

# (first, last, script) code point ranges of the scripts written without spaces
_RANGES = sorted(
    [
        (0x0E00, 0x0E7F, THAI),
        (0x0E80, 0x0EFF, LAO),
        (0x1000, 0x109F, MYANMAR),
        (0x1780, 0x17FF, KHMER),
        (0x19E0, 0x19FF, KHMER),
        (0x2E80, 0x2FDF, CJK),  # radicals
        (0x3000, 0x30FF, CJK),  # CJK punctuation, Hiragana, Katakana
        (0x3100, 0x312F, CJK),  # Bopomofo
        (0x31A0, 0x31FF, CJK),
        (0x3400, 0x4DBF, CJK),
        (0x4E00, 0x9FFF, CJK),
        (0xA9E0, 0xA9FF, MYANMAR),
        (0xAA60, 0xAA7F, MYANMAR),
        (0xF900, 0xFAFF, CJK),
        (0xFF00, 0xFFEF, CJK),  # full-width and half-width forms
        (0x20000, 0x3FFFF, CJK),
    ]
)
_FIRSTS = [r[0] for r in _RANGES]
_UNSPACED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b, _ in _RANGES)

# the sentence marks among "other punctuation" (Po), by the words of their Unicode names
_MARKS = ("FULL STOP", "COMMA", "COLON", "QUESTION MARK", "EXCLAMATION MARK", "ELLIPSIS", "DANDA")


def _spaced(a: int, b: int) -> bool:
    if b == CLOSING or a == OPENING:
        return False
    if CJK in (a, b):  # spaced only from the letters of another script than Latin
        return bool({a, b} & {LETTERS, THAI, LAO, KHMER, MYANMAR})
    return not (a == b and a in (THAI, LAO, KHMER, MYANMAR))


# GAP[a][b]: whether a space goes between a word ending in script a and one starting in b
GAP = tuple(tuple(_spaced(a, b) for b in range(9)) for a in range(9))
# the Latin letters past U+0370: phonetic extensions, Latin Extended Additional, C, D, E
_LATIN_LATE = ((0x1D00, 0x1DBF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF),
               (0xAB30, 0xAB6F))  # fmt: skip


@functools.cache  # a text has few distinct characters, each asked for again and again
def script(ch: str) -> int:
    """The spacing script of one character (SPACED or LETTERS for the scripts that use
    spaces)."""
    code = ord(ch)
    k = bisect.bisect_right(_FIRSTS, code) - 1
    if k >= 0 and code <= _RANGES[k][1]:
        return _RANGES[k][2]
    kind = unicodedata.category(ch)[0]
    if kind == "P":
        return _punctuation(ch)
    if code >= 0x0370 and kind in "LM" and not any(a <= code <= b for a, b in _LATIN_LATE):
        return LETTERS
    return SPACED


def punctuation(ch: str) -> int:
    """CLOSING or OPENING for punctuation (of any block, CJK's `。` and `「` too) that
    touches the word before or after it, else SPACED."""
    return _punctuation(ch) if unicodedata.category(ch)[0] == "P" else SPACED


@functools.cache
def _punctuation(ch: str) -> int:
    """CLOSING or OPENING for punctuation that touches the word before or after it, else
    SPACED."""
    category, name = unicodedata.category(ch), unicodedata.name(ch, "")
    if category == "Ps" or (category == "Po" and name.startswith("INVERTED")):
        return OPENING
    if category == "Pe" or (category == "Po" and any(mark in name for mark in _MARKS)):
        return CLOSING
    return SPACED


def unspaced(text: str) -> bool:
    """Whether `text` holds a letter of a script written without spaces."""
    return not text.isascii() and _unspaced().search(text) is not None


def used(text: str) -> set[int]:
    """The scripts written without spaces that `text` holds letters of."""
    return set() if text.isascii() else {script(ch) for ch in _unspaced().findall(text)}


@functools.cache
def _unspaced() -> re.Pattern:
    """A letter of the scripts written without spaces, compiled when text other than ASCII
    first needs it: `re` takes milliseconds over a class of these ranges."""
    return re.compile("[" + _UNSPACED_CLASS + "]")


@functools.cache
def spaced_runs() -> re.Pattern:
    """Runs of two characters or more, neither whitespace nor of a script written
    without spaces: `AC/DC` in `AC/DCをかけて`."""
    return re.compile(r"[^\s" + _UNSPACED_CLASS + "]{2,}")


def edges(word: str) -> tuple[int, int]:
    """The scripts of a word's first and last characters."""
    return (script(word[0]), script(word[-1])) if word else (SPACED, SPACED)


def gap(left: str, right: str) -> bool:
    """Whether a space goes between the words `left` and `right`."""
    return GAP[edges(left)[1]][edges(right)[0]]
