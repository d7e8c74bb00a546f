"""Data incorporation: golden utterances as paths of symbols, one list per intent.

A slot value becomes one slot symbol, so a multi-word entity stays whole and becomes a
catalogue slot of the grammar; the values seen are kept to define the slot. A value that
begins or ends the utterance is kept without the punctuation at that edge, which is the
sentence's (`punctuation`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..data.formats._common import problem
from ..data.records import Utterance
from ..errors import GrammarError, UsageError, items_argument
from ..grm.syntax import is_name, label, name_char
from ..text import scripts, tokens
from .automaton import Symbol
from .punctuation import edges, only

log = logging.getLogger("grammar_fst")

# words (a slot value counting as one) of an utterance learned from at most: the merge
# search grows with the square of an utterance's length (1,000 repeated words: 9 s)
MAX_WORDS = 500


class Names:
    """Grammar names for the data's intent or slot names: the data's own, verbatim
    (`alarm/set_alarm`, `B-PER`; the grammar quotes what is not a bare name). Like every
    name of a grammar they are in Unicode NFC: a name that is not is written in NFC with a
    warning, and two that differ only so become one. A name no grammar can hold (a control
    character, a space at either end) is an error that names it."""

    def __init__(self, names: Iterable[str], kind: str = "name"):
        self.kind = kind
        self.given: dict[str, str] = {}
        first: dict[str, str] = {}  # grammar name -> the data's name that took it
        for name in dict.fromkeys(names):
            chosen = self(name)
            if chosen != name:
                log.warning(
                    "%s '%s' of the data is not in Unicode NFC: named '%s'", kind, name, chosen
                )
            if first.setdefault(chosen, name) != name:
                log.warning(
                    "%ss '%s' and '%s' of the data differ only in Unicode normalization: both "
                    "are %s '%s'",
                    kind,
                    first[chosen],
                    name,
                    kind,
                    chosen,
                )

    def __call__(self, name: str) -> str:
        """The grammar name of `name`."""
        if name not in self.given:
            try:
                self.given[name] = label(name)
            except GrammarError as err:
                raise UsageError(
                    f"{self.kind} {name!r} of the data cannot be a grammar name: {err.message}"
                ) from None
        return self.given[name]


@dataclass
class Golden:
    """The golden utterances as symbol paths per intent, the values of each slot, and the
    grammar names given to the data's intents and slots."""

    paths: dict[str, list[tuple[Symbol, ...]]] = field(default_factory=dict)
    values: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: int = 0  # utterances without a word
    intent_name: Names = field(default_factory=lambda: Names([], "intent"))
    slot_name: Names = field(default_factory=lambda: Names([], "slot"))


def incorporate(utterances: Iterable[Utterance], fold: bool, default_intent: str) -> Golden:
    """Turn each utterance into its path; `fold` case-folds words and values."""
    change = str.casefold if fold else str
    given = items_argument(utterances, "utterances", "Utterances or strings")
    utterances = [_utterance(u, number) for number, u in enumerate(given, 1)]
    golden = Golden(
        intent_name=Names((u.intent or default_intent for u in utterances), "intent"),
        slot_name=Names((s.slot for u in utterances for s in u.slots), "slot"),
    )
    for number, u in enumerate(utterances, 1):
        path: list[Symbol] = []
        position = 0
        for slot in u.slots:
            path += [Symbol(change(w)) for w in tokens.words(u.text[position : slot.start])]
            name = golden.slot_name(slot.slot)
            said = [change(w) for w in tokens.words(slot.value)]
            start, end = edges(said)  # at the sentence's edges its marks are the sentence's
            if start and not only(tokens.words(u.text[: slot.start]), scripts.OPENING):
                start = 0
            if end < len(said) and not only(tokens.words(u.text[slot.end :]), scripts.CLOSING):
                end = len(said)
            golden.values.setdefault(name, Counter())[" ".join(said[start:end])] += 1
            path += [*map(Symbol, said[:start]), Symbol(name, slot=True), *map(Symbol, said[end:])]
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


def _utterance(given: Utterance | str, number: int) -> Utterance:
    """`given`, a plain sentence being an utterance without intent or slots; anything else,
    or an utterance whose slots do not fit its text (made by hand: readers refuse them),
    is a clear error, not an AttributeError or a wrong grammar."""
    if isinstance(given, str):
        return Utterance(given, "")
    if not isinstance(given, Utterance):
        raise UsageError(
            f"utterance {number} is a {type(given).__name__}, not an Utterance or a string"
        )
    for part in ("text", "intent"):
        if not isinstance(getattr(given, part), str):
            kind = type(getattr(given, part)).__name__
            raise UsageError(f"utterance {number}: its {part} is a {kind}, not a string")
    if (wrong := problem(given)) is not None:
        raise UsageError(f"utterance {number}: {wrong}")
    return given


NAME_CHARS = 48  # the longest rule name made: names of names grew to 92, lines past 100


def as_name(text: str, fallback: str = "x") -> str:
    """`text` as a bare grammar name, for the names of rules, which no record carries:
    characters that cannot be in a name become '_', a name starts with a letter, and a
    name of more than NAME_CHARS characters loses its last words."""
    name = "".join(ch if name_char(ch) else "_" for ch in text).strip("_")
    while "__" in name:
        name = name.replace("__", "_")
    name = name if is_name(name) else f"{fallback}_{name}" if name else fallback
    if len(name) > NAME_CHARS:
        cut = name.rfind("_", 0, NAME_CHARS + 1)
        name = name[: cut if cut > 0 else NAME_CHARS].rstrip("_")
    return name
