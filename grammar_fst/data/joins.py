"""The join gate: two slots side by side must meet as the data's words meet.

When two slot occurrences touch (no word between them: "at [time] [date]"), each value's
context gate sees the other only as a slot (`{date}`), so each value can fit its place
while the two clash where they meet: "eleven am" then "evening", "friday" then
"tonight". The words that meet at such a *join* are the last word of the first value and
the first word of the second, and whether people put them side by side is in the data's
text: every bigram of it, inside values, across slot edges and outside slots.

A join is let through when its two words were seen side by side in the data; when one of
them is seen fewer than `rare` times in the data's text, it carries no evidence (as an
edge seen once tells the context gate nothing) and the join is let through too: a name or
date seen once may meet anything. No list of words of any language is involved, and the
words are the tokenizer's, so text written without spaces (Thai) is joined as it is
segmented.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .context import edges, folded_words
from .records import Utterance

V = TypeVar("V")

DEFAULT_RARE = 2  # chosen on SLURP: see docs/resampling.md


def touching(utterance: Utterance) -> list[int]:
    """The numbers `i` of the slots that touch the next one (slot `i` and `i + 1` have no
    word between them)."""
    text, slots = utterance.text, utterance.slots
    return [
        i
        for i in range(len(slots) - 1)
        if not folded_words(text[slots[i].end : slots[i + 1].start])
    ]


@dataclass(frozen=True)
class Join:
    """Where two values meet: the last word of the first and the first word of the
    second, how often the data shows them side by side, how often it shows the rarer of
    the two at all, and whether the gate lets the join through."""

    last: str
    first: str
    seen: int
    rarer: int
    fits: bool

    @property
    def score(self) -> tuple[int, int]:
        return self.seen, self.rarer

    def reason(self) -> str:
        return (
            f"{self.last!r} never comes before {self.first!r} in the data, although the "
            f"rarer of them is seen {self.rarer} times"
        )


@dataclass
class JoinGate:
    """The word bigrams and word counts of some data's text; a join of words seen at
    least `rare` times each must be one of its bigrams."""

    rare: int = DEFAULT_RARE
    bigrams: Counter = field(default_factory=Counter)
    words: Counter = field(default_factory=Counter)
    _joins: dict[tuple[str, str], Join] = field(default_factory=dict)
    _before: dict[str, set[str]] | None = None  # per word, the words seen right before it

    def add(self, utterance: Utterance) -> None:
        """Count the words and bigrams of `utterance`, its text cut at the slot edges as
        the values' own words are (two values written together, "7pm", are two words
        here, as `edges` reads them: a source's own join is always seen)."""
        text = utterance.text
        cuts = sorted({0, len(text), *(at for s in utterance.slots for at in (s.start, s.end))})
        found = [w for a, b in zip(cuts, cuts[1:]) for w in folded_words(text[a:b])]
        self.words.update(found)
        self.bigrams.update(zip(found, found[1:]))
        self._joins.clear()
        self._before = None

    def join(self, first_value: str, second_value: str) -> Join:
        """How `first_value` meets `second_value` when the second follows the first."""
        return self.meeting(edges(first_value)[1], edges(second_value)[0])

    def meeting(self, last: str, first: str) -> Join:
        """How a value ending with the word `last` meets one starting with `first`."""
        key = (last, first)
        if key not in self._joins:
            seen = self.bigrams.get(key, 0)
            rarer = min(self.words.get(last, 0), self.words.get(first, 0))
            self._joins[key] = Join(last, first, seen, rarer, bool(seen) or rarer < self.rare)
        return self._joins[key]

    def meets(self, last: str, first: str) -> bool:
        """Whether `meeting(last, first)` lets the join through (quicker)."""
        words, rare = self.words, self.rare
        return (
            (last, first) in self.bigrams or words.get(last, 0) < rare or words.get(first, 0) < rare
        )

    def reaches(self, ways: Mapping[str, int], firsts: Iterable[str]) -> dict[str, int]:
        """Per word of `firsts`, the sum of `ways` (a count per last word) over the words
        that `meets` lets meet it, quicker than asking it of each pair: a rare word meets
        anything, a word seen often only the words seen right before it."""
        words, rare = self.words, self.rare
        if self._before is None:
            self._before = {}
            for last, word in self.bigrams:
                self._before.setdefault(word, set()).add(last)
        total = sum(ways.values())
        common = {last: n for last, n in ways.items() if words.get(last, 0) >= rare}
        rare_ways = total - sum(common.values())
        found = {}
        for first in firsts:
            before = self._before.get(first, set())
            if words.get(first, 0) < rare:
                found[first] = total
            elif len(before) < len(common):
                found[first] = rare_ways + sum(common.get(last, 0) for last in before)
            else:
                found[first] = rare_ways + sum(n for last, n in common.items() if last in before)
        return found

    def following(self, value: str, values: Sequence[V], text: Callable[[V], str]) -> list[V]:
        """The `values` (their text by `text`) whose first word may follow `value`'s last
        (as `meets` says, quicker)."""
        last, words, rare = edges(value)[1], self.words, self.rare
        if words.get(last, 0) < rare:
            return list(values)
        firsts = [edges(text(v))[0] for v in values]
        return [
            v
            for v, first in zip(values, firsts)
            if (last, first) in self.bigrams or words.get(first, 0) < rare
        ]

    def leading(
        self, choosing: list[list[V]], touching: Iterable[int], text: Callable[[V], str]
    ) -> list[list[V]]:
        """`choosing` (what each slot may take, in order), where a slot touches the next,
        without the values that no value of the next may follow: draws then meet no dead
        end. A slot's own value stays (its own next value follows it in the data)."""
        found = list(choosing)
        for i in touching:
            firsts = {edges(text(v))[0] for v in choosing[i + 1]}
            lasts = {edges(text(v))[1] for v in choosing[i]}
            going = {w for w in lasts if any(self.meets(w, f) for f in firsts)}
            found[i] = [v for v in choosing[i] if edges(text(v))[1] in going]
        return found


def learn(utterances: Iterable[Utterance], rare: int = DEFAULT_RARE) -> JoinGate:
    """The join gate the text of `utterances` shows, words seen fewer than `rare` times
    carrying no evidence."""
    gate = JoinGate(rare)
    for u in utterances:
        gate.add(u)
    return gate
