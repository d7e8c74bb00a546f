"""Data incorporation: golden utterances as paths of symbols, one list per intent.

A slot value becomes one slot symbol, so a multi-word entity stays whole and becomes a
catalogue slot of the grammar; the values seen are kept to define the slot.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..data.records import Utterance
from ..errors import UsageError
from ..grm.syntax import is_name, name_char
from ..text import tokens
from .automaton import Symbol

log = logging.getLogger("grammar_fst")

# words (a slot value counting as one) of an utterance learned from at most: the merge
# search grows with the square of an utterance's length (1,000 repeated words: 9 s)
MAX_WORDS = 500


class Names:
    """Grammar names for the data's intent or slot names. A name that is already a grammar
    name keeps it; another is sanitized (`Play-Music` becomes `Play_Music`), and numbered
    when that name is taken (`Play_Music_2`), with a warning."""

    def __init__(self, names: Iterable[str]):
        names = list(dict.fromkeys(names))
        self.given = {name: name for name in names if is_name(name)}
        taken = set(self.given.values())
        for name in names:
            if name in self.given:
                continue
            wanted = chosen = as_name(name)
            suffix = 2
            while chosen in taken:
                chosen, suffix = f"{wanted}_{suffix}", suffix + 1
            if chosen != wanted:
                log.warning("'%s' of the data is named %s: %s is taken", name, chosen, wanted)
            self.given[name] = chosen
            taken.add(chosen)

    def __call__(self, name: str) -> str:
        """The grammar name of `name` (one not in the data is sanitized alone)."""
        return self.given.get(name) or as_name(name)


@dataclass
class Golden:
    """The golden utterances as symbol paths per intent, the values of each slot, and the
    grammar names given to the data's intents and slots."""

    paths: dict[str, list[tuple[Symbol, ...]]] = field(default_factory=dict)
    values: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: int = 0  # utterances without a word
    intent_name: Names = field(default_factory=lambda: Names([]))
    slot_name: Names = field(default_factory=lambda: Names([]))


def incorporate(utterances: Iterable[Utterance], fold: bool, default_intent: str) -> Golden:
    """Turn each utterance into its path; `fold` case-folds words and values."""
    change = str.casefold if fold else str
    utterances = list(utterances)
    golden = Golden(
        intent_name=Names(u.intent or default_intent for u in utterances),
        slot_name=Names(s.slot for u in utterances for s in u.slots),
    )
    for number, u in enumerate(utterances, 1):
        path: list[Symbol] = []
        position = 0
        for slot in u.slots:
            path += [Symbol(change(w)) for w in tokens.words(u.text[position : slot.start])]
            name = golden.slot_name(slot.slot)
            value = " ".join(change(w) for w in tokens.words(slot.value))
            golden.values.setdefault(name, Counter())[value] += 1
            path.append(Symbol(name, slot=True))
            position = slot.end
        path += [Symbol(change(w)) for w in tokens.words(u.text[position:])]
        if not path:
            golden.skipped += 1
            continue
        if len(path) > MAX_WORDS:
            raise UsageError(
                f"utterance {number} has {len(path):,} words, more than the {MAX_WORDS} "
                f"induction learns from in one utterance ('{' '.join(u.text.split()[:5])} "
                "...'): split it into sentences, or leave it out"
            )
        intent = golden.intent_name(u.intent or default_intent)
        golden.paths.setdefault(intent, []).append(tuple(path))
    return golden


def as_name(text: str, fallback: str = "x") -> str:
    """`text` as a grammar name: characters that cannot be in a name become '_', and a
    name must start with a letter."""
    name = "".join(ch if name_char(ch) else "_" for ch in text).strip("_")
    while "__" in name:
        name = name.replace("__", "_")
    return name if is_name(name) else f"{fallback}_{name}" if name else fallback
