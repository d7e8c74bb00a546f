"""Punctuation at the edges of golden utterances, learned apart from their words.

The tokenizer makes punctuation its own word (`music.` is `music` and `.`: see
`tokens`). Left in the paths, a final full stop would be one more word for merging to
align, and "music ." and "music" would be two phrasings. So the closing marks at the end
of each utterance (`.`, `?`, `!`, `...`) and the opening ones at its start (`¿`, `¡`,
`(`) are taken off before merging and counted per intent, each opening run with the
closing run of the same utterance: where the data pairs them (`¿` ... `?`), the grammar
does, and a closing mark the data writes without an opening one keeps its own
proportion. The writer puts them back with the golden proportions, and sampled text
attaches them to the words as people write them (`scripts`). Punctuation inside an
utterance (`hey, play`) stays a word of the phrasing.

The marks of a slot value that begins or ends an utterance are the sentence's, not the
value's (annotators often take the final `?` into the last slot: `[datetime : mañana?]`):
`edges` finds them, and incorporation keeps them out of the value, so that no sentence
says a mark twice. A full stop that is part of a word (`p.m.`, `U.S.A.`) is the word's.
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
    """How often each run of marks began an intent's utterances together with each run
    that ended them (the empty run counting those without)."""

    pairs: Counter[tuple[Marks, Marks]] = field(default_factory=Counter)

    def leads(self) -> Counter[Marks]:
        """How often each opening run began an utterance."""
        counts: Counter[Marks] = Counter()
        for (lead, _), n in self.pairs.items():
            counts[lead] += n
        return counts

    def trails(self, lead: Marks | None = None) -> Counter[Marks]:
        """How often each closing run ended an utterance (one that began with `lead`, when
        given)."""
        counts: Counter[Marks] = Counter()
        for (first, trail), n in self.pairs.items():
            if lead is None or first == lead:
                counts[trail] += n
        return counts


def edges(words: Sequence[str]) -> tuple[int, int]:
    """Where the words between the opening marks at the start of `words` and the closing
    ones at its end begin and end: (0, len) when that would leave no word."""
    start, end = 0, len(words)
    while start < end and _mark(words[start], scripts.OPENING):
        start += 1
    while end > start and _mark(words[end - 1], scripts.CLOSING):
        end -= 1
    return (start, end) if start < end else (0, len(words))


def only(words: Sequence[str], kind: int) -> bool:
    """Whether every one of `words` (none, too) is punctuation of `kind`."""
    return all(_mark(word, kind) for word in words)


def strip(paths: Sequence[Path]) -> tuple[list[Path], Edges]:
    """The paths without their edge punctuation, and the punctuation counted. A path of
    punctuation alone keeps it."""
    bare, counted = [], Edges()
    for path in paths:
        start, end = edges([s.name if not s.slot else "" for s in path])
        bare.append(path[start:end])
        counted.pairs[tuple(s.name for s in path[:start]), tuple(s.name for s in path[end:])] += 1
    return bare, counted


def _mark(word: str, kind: int) -> bool:
    """Whether `word` is punctuation of `kind` (OPENING or CLOSING) alone."""
    return bool(word) and all(scripts.script(ch) == kind for ch in word)
