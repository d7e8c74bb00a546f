"""Punctuation at the edges of golden utterances, learned apart from their words.

The tokenizer makes punctuation its own word (`music.` is `music` and `.`: see
`tokens`). Left in the paths, a final full stop would be one more word for merging to
align, and "music ." and "music" would be two phrasings. So the closing marks at the end
of each utterance (`.`, `?`, `!`, `...`) and the opening ones at its start (`¿`, `¡`,
`(`) are taken off before merging and counted per intent; the writer puts them back as
optional parts with the golden proportions, and sampled text attaches them to the words
as people write them (`scripts`). Punctuation inside an utterance (`hey, play`) stays a
word of the phrasing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text import scripts
from .automaton import Symbol

Path = tuple[Symbol, ...]
Marks = tuple[str, ...]


@dataclass
class Edges:
    """How often each run of marks began and ended an intent's utterances (the empty run
    counting those without)."""

    leads: Counter[Marks] = field(default_factory=Counter)
    trails: Counter[Marks] = field(default_factory=Counter)


def strip(paths: Sequence[Path]) -> tuple[list[Path], Edges]:
    """The paths without their edge punctuation, and the punctuation counted. A path of
    punctuation alone keeps it."""
    bare, edges = [], Edges()
    for path in paths:
        start, end = 0, len(path)
        while start < end and _mark(path[start], scripts.OPENING):
            start += 1
        while end > start and _mark(path[end - 1], scripts.CLOSING):
            end -= 1
        if start == end:
            start, end = 0, len(path)
        bare.append(path[start:end])
        edges.leads[tuple(s.name for s in path[:start])] += 1
        edges.trails[tuple(s.name for s in path[end:])] += 1
    return bare, edges


def _mark(symbol: Symbol, kind: int) -> bool:
    """Whether `symbol` is a word of punctuation of `kind` (OPENING or CLOSING)."""
    return not symbol.slot and all(scripts.script(ch) == kind for ch in symbol.name)
