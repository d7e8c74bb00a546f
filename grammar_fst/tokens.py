"""The one word tokenizer of grammar-fst: grammars, sentences and catalogues all use it.

Words are maximal runs of non-space characters after Unicode NFC normalization, so the
same sentence typed in composed or decomposed form gives the same words, in any script.
"""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Return `text` in Unicode NFC, the form every word is stored in."""
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    """Split `text` into normalized words (whitespace-separated)."""
    return normalize(text).split()


def join(tokens: list[str]) -> str:
    """The sentence text for `tokens`: words separated by one space."""
    return " ".join(tokens)
