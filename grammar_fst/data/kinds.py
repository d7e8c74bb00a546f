"""Kinds of values: the first and last words of a slot type's values grouped by where
they are seen and by the words next to them inside the values, so that a value takes the
place only of a value of its own kind.

One slot type often holds values of several kinds: SLURP's `date` holds days ("today",
"tuesday"), periods ("this week", "next month") and calendar dates ("march seventh"), its
`time` clock times ("five pm") and durations ("ten minutes"). The word that tells the kind
sits at one end of the value (its last word in English, "pm", "minutes", "week"; its first
word in many other languages), and words of one kind are alike in two ways:

- the values they start or end are seen in the same places: "minutes" and "hours" end
  durations after "for" and "in", "pm" and "am" end clock times after "at";
- the words next to them inside the values are alike: "week", "month" and "year" follow
  "this", "next" and "last", ordinals follow month names.

Neither alone tells the kinds apart (clock times and durations both follow a number; days
and periods are both seen after "for" and at the end of a sentence), both together do.
Each edge word of a slot type seen `MIN_SEEN` times or more (case-folded, over every
intent; first words and last words apart) gets two bags, of the neighbours of its values and of the
words next to it inside them, each grouped as sub-types group values
(`subtypes.groups`, cosine at least `similarity`); words that share both groups are a
*kind*, and a word that shares them with no other is a kind of its own: seen that often
and like no other ("week" among SLURP's days), it tells a kind by itself. A word seen
fewer times has none: its places are too few to tell.

A value's kinds are those of its first and last words. It may take the place of a value
when each end of that value that has a kind is of the same kind in it: "friday" may
replace "today" (both days), "next week" may not, nor may "five minutes" replace "eight
am", though both start with a number, nor "ten minutes" (its last word too rare to have a
kind: its kind cannot be told where the slot type's values are known to be of several).
An end of no kind in the value it replaces takes any value; a value with no kind at either
end replaces only a value with none. No word list of any language is involved: the words
and their groups are the data's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import subtypes as sub
from .records import Utterance

DEFAULT_SIMILARITY = 0.3  # chosen on SLURP: see docs/resampling.md
MIN_SEEN = 8  # times an edge word is seen before it may have a kind; chosen on SLURP
FIRST, LAST = "^", "$"  # where a word sits in a value: kind labels read `date$2`
Kinds = tuple[str | None, str | None]  # of a value's first and last words


@dataclass(frozen=True)
class ValueKinds:
    """Each (slot type, position, edge word)'s kind, and the words of each kind."""

    labels: dict[tuple[str, str, str], str]
    members: dict[str, list[str]]
    _known: dict[tuple[str, str], Kinds] = field(default_factory=dict, compare=False, repr=False)

    def kinds(self, slot: str, value: str) -> Kinds:
        """The kinds of the first and last words of `value` in `slot` (None: none)."""
        key = (slot, value)
        if key not in self._known:
            words = sub.norm(value).split(" ")
            first = self.labels.get((slot, FIRST, words[0]))
            self._known[key] = first, self.labels.get((slot, LAST, words[-1]))
        return self._known[key]

    def compatible(self, slot: str, place: Kinds, value: str) -> bool:
        """Whether `value` may take the place of a value of kinds `place`: each end of the
        place that has a kind is of that kind in `value` ("five minutes" and "ten minutes",
        whose last word has no kind, do not take the place of "eight am", though all start
        with a number)."""
        (first, last), (value_first, value_last) = place, self.kinds(slot, value)
        return (first is None or first == value_first) and (last is None or last == value_last)

    def describe(self, label: str) -> str:
        """A kind as a reason names it: its label and its first words."""
        return sub.described(label, self.members[label])


Neighbours = Callable[[Utterance], list[tuple[str, str]]]
Bags = dict[tuple[str, str], tuple[dict[str, Counter], dict[str, Counter]]]


def _bags(utterances: Iterable[Utterance], neighbours: Neighbours) -> Bags:
    """Per (slot type, position), each edge word's bags: of its values' neighbours
    ('<' + left, '>' + right), and of the word next to it inside them ('=' alone for a
    value of one word)."""
    bags: Bags = {}
    for u in utterances:
        for slot, (left, right) in zip(u.slots, neighbours(u)):
            words = sub.norm(slot.value).split(" ")
            one = len(words) == 1
            for position, word, inner in (
                (FIRST, words[0], "" if one else words[1]),
                (LAST, words[-1], "" if one else words[-2]),
            ):
                around, within = bags.setdefault((slot.slot, position), ({}, {}))
                bag = around.setdefault(word, Counter())
                bag["<" + left] += 1
                bag[">" + right] += 1
                within.setdefault(word, Counter())["=" + inner] += 1
    return bags


def _numbers(groups: list[list[str]]) -> dict[str, int]:
    """Each word's group number."""
    return {word: number for number, group in enumerate(groups) for word in group}


def learn(
    utterances: Iterable[Utterance],
    neighbours: Neighbours,
    similarity: float = DEFAULT_SIMILARITY,
    min_seen: int = MIN_SEEN,
) -> ValueKinds:
    """The kinds of the edge words of `utterances` (their neighbours by `neighbours`,
    `context.neighbours`) seen `min_seen` times or more, grouped at `similarity`."""
    labels: dict[tuple[str, str, str], str] = {}
    members: dict[str, list[str]] = {}
    for (slot, position), (around, within) in sorted(_bags(utterances, neighbours).items()):
        times = {w: sum(bag.values()) // 2 for w, bag in around.items()}  # two neighbours each
        seen = sorted((w for w, n in times.items() if n >= min_seen), key=lambda w: -times[w])
        by_around = _numbers(sub.groups({w: around[w] for w in seen}, similarity))
        by_within = _numbers(sub.groups({w: within[w] for w in seen}, similarity))
        together: dict[tuple[int, int], list[str]] = {}
        for word in seen:
            if word in by_around and word in by_within:
                together.setdefault((by_around[word], by_within[word]), []).append(word)
        found = list(together.values())
        for number, group in enumerate(found, 1):
            label = f"{slot}{position}{number}"
            members[label] = group
            labels.update(((slot, position, word), label) for word in group)
    return ValueKinds(labels, members)
