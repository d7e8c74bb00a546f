"""Words of text written without spaces (Thai, Lao, Khmer, Burmese, Chinese, Japanese),
found with ICU's dictionary-based word break iterators (PyICU, the `scripts` extra).

ICU is optional: text in scripts that use spaces never needs it, and a clear error says
how to install it the first time text that does is met.
"""

from __future__ import annotations

import functools

from ..errors import GrammarFstError
from . import scripts

INSTALL = "pip install 'grammar-fst[scripts]'"


class MissingSegmenter(GrammarFstError):
    """Text needs word segmentation and PyICU is not installed."""


@functools.cache
def _iterator():
    """One ICU word break iterator (root locale: ICU picks each script's dictionary)."""
    try:
        import icu
    except ImportError:
        return None
    return icu.BreakIterator.createWordInstance(icu.Locale.getRoot())


def available() -> bool:
    """Whether PyICU is installed, so text in every script can be segmented."""
    return _iterator() is not None


@functools.lru_cache(maxsize=65536)
def segment(chunk: str) -> tuple[str, ...]:
    """The words of `chunk` (text without whitespace that holds an unspaced script):
    ICU's words, each cut again where the spacing script changes (ICU keeps `ปลุก7โมง`
    whole, people and the spacing rules see three words)."""
    breaker = _iterator()
    if breaker is None:
        found = next(scripts.NAMES[scripts.script(c)] for c in chunk if scripts.unspaced(c))
        raise MissingSegmenter(
            f"{found} text is written without spaces and splitting {chunk!r} into words "
            f"needs PyICU: {INSTALL}"
        )
    breaker.setText(chunk)
    at = _code_points(chunk)
    words, start = [], 0
    for end in map(at.__getitem__, breaker):
        words += _by_script(chunk[start:end])
        start = end
    return tuple(words)


def _code_points(chunk: str) -> dict[int, int]:
    """ICU's offsets (UTF-16 code units: an emoji or a rare Han character past U+FFFF is
    two) as offsets in `chunk` (code points)."""
    at, units = {0: 0}, 0
    for k, ch in enumerate(chunk, 1):
        units += 2 if ord(ch) > 0xFFFF else 1
        at[units] = k
    return at


# Thai's repetition mark (เร็ว ๆ, "quickly") is written with or without a space before it,
# and ICU joins it to the word before only sometimes: it is always a word of its own
REPEAT_MARK = "\u0e46"


def _by_script(piece: str) -> list[str]:
    """`piece` cut wherever the spacing script changes, and around Thai's ๆ."""
    kinds = [-1 if ch == REPEAT_MARK else scripts.script(ch) for ch in piece]
    cuts = [k for k in range(1, len(piece)) if kinds[k - 1] != kinds[k] or kinds[k] < 0]
    return [piece[a:b] for a, b in zip([0, *cuts], [*cuts, len(piece)])]

