"""Data incorporation: golden utterances as paths of symbols, one list per intent.

A slot value becomes one slot symbol, so a multi-word entity stays whole and becomes a
catalogue slot of the grammar; the values seen are kept to define the slot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import tokens
from ..syntax import is_name, name_char
from ..utterance import Utterance
from .automaton import Symbol


class Names:
    """Grammar names for the data's intent or slot names, given in order of appearance:
    two names that sanitize alike (`Play-Music`, `Play_Music`) stay two (`Play_Music`,
    `Play_Music_2`)."""

    def __init__(self) -> None:
        self.given: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self.given:
            taken = set(self.given.values())
            name = base = as_name(text)
            suffix = 2
            while name in taken:
                name, suffix = f"{base}_{suffix}", suffix + 1
            self.given[text] = name
        return self.given[text]


@dataclass
class Golden:
    """The golden utterances as symbol paths per intent, the values of each slot, and the
    grammar names given to the data's intents and slots."""

    paths: dict[str, list[tuple[Symbol, ...]]] = field(default_factory=dict)
    values: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: int = 0  # utterances without a word
    intent_name: Names = field(default_factory=Names)
    slot_name: Names = field(default_factory=Names)


def incorporate(utterances: Iterable[Utterance], fold: bool, default_intent: str) -> Golden:
    """Turn each utterance into its path; `fold` case-folds words and values."""
    change = str.casefold if fold else str
    golden = Golden()
    for u in utterances:
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
