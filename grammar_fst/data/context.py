"""The context gate: whether a slot value fits the words around a slot occurrence, as the
data itself shows, in any language.

Every slot occurrence has a left neighbour (the word before it, `<s>` at the start of the
sentence, or `{slot}` when another slot comes first) and a right neighbour (the word after
it, `</s>`, or `{slot}`). A value has *edges*: its first word, its last word, and the
ending of its last word (its last two characters: `'s`, `ay`, `ny`), which shows
possessives and word classes when the word itself is too rare to tell. The gate counts,
over the slot occurrences of the data, how often each neighbour and each edge were seen
together on six sides: left neighbour + first word, last word + right neighbour, both
neighbours with the ending, and each neighbour with the edge at the value's far end
(left neighbour + last word, first word + right neighbour). The far sides tell values of
one slot type but of different kinds apart where the near edge is shared: "at" precedes
"ten" in "at ten pm" and "for" in "for ten minutes", but "at" and a value ending in
"minutes" were never seen together, so "at ten minutes" is not made. Which end of a
value carries its kind (its head word) differs between languages; both are tried.

A value is kept out of an occurrence when, on one side, its edge and the occurrence's
neighbour were never seen together although at least `evidence` times were expected,
were they independent (the neighbour's count times the edge's, over all pairs): "on"
precedes many dates and "next" starts many, never together, so "on next week" is not
made. An edge seen once tells nothing, and a word pair that the data's text says
anywhere (outside slots too) is never blocked. The counts are kept per slot type (over
every intent) and over all slot types together, so that a pair no slot type shows (a
value starting with "the" after "the") is blocked even in a slot type too small to tell.

No list of words of any language is involved: "the", "el", "de" or "'s" block or let
values through because the data uses them often, in some places only. Where two slots
touch, the gate sees the other slot only as `{slot}`; how their values meet is the join
gate's (`joins`).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..text import tokens
from . import forms
from .records import Utterance

START, END = "<s>", "</s>"
ALL = ""  # the counts over every slot type
# `~`: with the last word's ending; `^`: across the value, with the edge at its other end
SIDES = ("before", "after", "before~", "after~", "before^", "after^")
DEFAULT_EVIDENCE = 2.0  # chosen on SLURP with the join gate and the kinds: see docs/resampling.md
FORM, REPEAT = "form", "repeat"  # the evidence beyond the sides (`ContextGate.beyond`)


@functools.lru_cache(maxsize=65536)
def folded_words(text: str) -> tuple[str, ...]:
    """The words of `text`, case-folded (kept: every gate reads the same texts and their
    parts around the slots again)."""
    return tuple(tokens.words(text.casefold()))


@functools.lru_cache(maxsize=65536)
def edges(value: str) -> tuple[str, str, str]:
    """A value's first word, last word, and the ending of its last word ('-' and its last
    two characters), case-folded."""
    words = folded_words(value) or [""]
    return words[0], words[-1], "-" + words[-1][-2:]


def neighbours(utterance: Utterance) -> list[tuple[str, str]]:
    """Each slot's (left, right) neighbour: a word, `<s>` / `</s>`, or `{slot}` for an
    adjacent slot."""
    text, slots = utterance.text, utterance.slots
    found = []
    for i, slot in enumerate(slots):
        before = folded_words(text[slots[i - 1].end if i else 0 : slot.start])
        after = folded_words(text[slot.end : slots[i + 1].start if i + 1 < len(slots) else None])
        left = before[-1] if before else (f"{{{slots[i - 1].slot}}}" if i else START)
        last = i + 1 == len(slots)
        right = after[0] if after else (END if last else f"{{{slots[i + 1].slot}}}")
        found.append((left, right))
    return found


def pairs(left: str, right: str, value: str) -> tuple[tuple[str, str], ...]:
    """The (neighbour, edge) pair of each side of `SIDES`."""
    first, last, ending = edges(value)
    near = (left, first), (right, last), (left, ending), (right, ending)
    return (*near, (left, last), (right, first))


@dataclass
class Side:
    """The counts of one side: (neighbour, edge) pairs, each neighbour and each edge."""

    pairs: Counter = field(default_factory=Counter)
    neighbours: Counter = field(default_factory=Counter)
    edges: Counter = field(default_factory=Counter)
    total: int = 0

    def update(self, pairs: list[tuple[str, str]]) -> None:
        """Count (neighbour, edge) `pairs` (counted at once: a Counter counts a list in C)."""
        self.pairs.update(pairs)
        self.neighbours.update([neighbour for neighbour, _ in pairs])
        self.edges.update([edge for _, edge in pairs])
        self.total += len(pairs)
        self.__dict__.pop("by_count", None)

    @functools.cached_property
    def by_count(self) -> list[tuple[int, str]]:
        """The edges seen twice or more, most seen first (made again after an `update`)."""
        return sorted(((-c, e) for e, c in self.edges.items() if c >= 2))

    def unseen(self, neighbour: str, at_least: float) -> Iterator[str]:
        """The edges expected at least `at_least` times with `neighbour` but never seen
        with it."""
        times = self.neighbours.get(neighbour, 0)
        if not times:
            return
        bound = at_least * self.total / times
        for count, edge in self.by_count:
            if -count < bound:
                return
            if (neighbour, edge) not in self.pairs:
                yield edge

    def expected(self, neighbour: str, edge: str) -> float:
        """How often the pair would be seen if neighbour and edge were independent (0 for
        an edge seen once: a word seen once tells nothing about where else it may go)."""
        times = self.edges.get(edge, 0)
        if times < 2:
            return 0.0
        return self.neighbours.get(neighbour, 0) * times / self.total


_NONE = Side()  # the counts of a slot type never seen


class Evidence(NamedTuple):
    """One side of a fit: its (neighbour, edge) pair, the times it was seen, the times it
    was expected, and whose counts say so: the slot type's, or all slot types' (`ALL`)
    when none of them saw the pair and they expect it more often."""

    side: str
    neighbour: str
    edge: str
    seen: int
    expected: float
    within: str

    @property
    def score(self) -> tuple[int, float]:
        return self.seen, round(self.expected, 3)


@dataclass(frozen=True)
class Fit:
    """Whether a value fits an occurrence: the evidence of each side, and those that
    block it."""

    sides: tuple[Evidence, ...]
    blocked: tuple[Evidence, ...]

    def __bool__(self) -> bool:
        return not self.blocked

    @property
    def scores(self) -> dict[str, tuple[int, float]]:
        """The gate's scores: per side, (times seen, times expected)."""
        return {e.side: e.score for e in self.sides}


def describe(token: str) -> str:
    """A neighbour or edge as a reason names it."""
    return {START: "the start of the sentence", END: "the end of the sentence"}.get(
        token, f"'{token}'"
    )


@dataclass
class ContextGate:
    """The counts of each side at the slot edges of some data, per slot type and over all
    (`ALL`), and the word bigrams of its text; it blocks at `evidence`."""

    evidence: float = DEFAULT_EVIDENCE
    counts: dict[tuple[str, str], Side] = field(default_factory=dict)  # (side, slot)
    bigrams: set[tuple[str, str]] = field(default_factory=set)
    _fits: dict[tuple, Fit] = field(default_factory=dict)
    _scores: dict[tuple, dict[str, tuple[int, float]]] = field(default_factory=dict)
    _known: dict[tuple[str, str, str, str], Evidence] = field(default_factory=dict)
    _blocked: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)

    def update(self, utterances: Iterable[Utterance]) -> None:
        """Count the slot edges and the bigrams of `utterances`."""
        found: dict[tuple[str, str], list[tuple[str, str]]] = {}  # per (side, slot), its pairs
        for utterance in utterances:
            words = [START, *folded_words(utterance.text), END]
            self.bigrams.update(zip(words, words[1:]))
            for slot, (left, right) in zip(utterance.slots, neighbours(utterance)):
                for side, pair in zip(SIDES, pairs(left, right, slot.value)):
                    for within in (slot.slot, ALL):
                        found.setdefault((side, within), []).append(pair)
        for key, counted in found.items():
            counts = self.counts.get(key)
            if counts is None:
                counts = self.counts[key] = Side()
            counts.update(counted)
        self._fits.clear()
        self._scores.clear()
        self._blocked.clear()
        self._known.clear()
        self.__dict__.pop("_forms", None)

    @functools.cached_property
    def _forms(self) -> tuple[dict[str, str], dict[tuple[str, str], set[str]]]:
        """The marked words of the data's text with their endings (`forms`), and per (slot
        type, right neighbour) the endings of the marked last words of the values seen
        before it (made again after an `update`)."""
        marks = forms.endings({w for pair in self.bigrams for w in pair} - {START, END})
        before: dict[tuple[str, str], set[str]] = {}
        for (side, slot), counted in self.counts.items():
            if side == "after" and slot != ALL:
                for right, last in counted.pairs:
                    if last in marks:
                        before.setdefault((slot, right), set()).add(marks[last])
        return marks, before

    def _marked_before(self, slot: str, right: str) -> set[str]:
        """The endings of marked words that values of `slot` end with before `right` in
        the data (a possessive ends many a value before many a word: over all slot types,
        nearly anything goes)."""
        return self._forms[1].get((slot, right), set())

    def beyond(self, slot: str, value: str, left: str, right: str) -> tuple[Evidence, ...]:
        """What keeps `value` out of an occurrence beyond the sides: its last word is a
        marked form (`forms`) whose ending no value of `slot` ends with before `right`;
        or a word would be said twice across an edge, which the data's text never does
        ("this this")."""
        first, last, _ = edges(value)
        ending = self._forms[0].get(last)
        if ending is None and first != left and last != right:
            return ()  # most values: no marked form, no word said twice
        found = []
        if ending is not None and ending not in self._marked_before(slot, right):
            found.append(Evidence(FORM, right, "-" + ending, 0, 0.0, slot))
        for neighbour, edge, pair in ((left, first, (left, first)), (right, last, (last, right))):
            if neighbour == edge and pair not in self.bigrams:
                found.append(Evidence(REPEAT, neighbour, edge, 0, 0.0, slot))
        return tuple(found)

    def _evidence(self, side: str, slot: str, neighbour: str, edge: str) -> Evidence:
        key = (side, slot, neighbour, edge)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._count(side, slot, neighbour, edge)
        return found

    def _count(self, side: str, slot: str, neighbour: str, edge: str) -> Evidence:
        own = self.counts.get((side, slot), _NONE)
        pair = (neighbour, edge)
        seen, expected = own.pairs.get(pair, 0), own.expected(neighbour, edge)
        every = self.counts.get((side, ALL), _NONE)
        if not seen and pair not in every.pairs:
            overall = every.expected(neighbour, edge)
            if expected < overall:
                return Evidence(side, neighbour, edge, 0, overall, ALL)
        return Evidence(side, neighbour, edge, seen, expected, slot)

    def _blocks(self, e: Evidence) -> bool:
        if e.seen or e.expected < self.evidence or not e.expected:
            return False
        in_text = {"before": (e.neighbour, e.edge), "after": (e.edge, e.neighbour)}.get(e.side)
        return in_text not in self.bigrams

    def blocked_edges(self, side: str, slot: str, neighbour: str) -> frozenset[str]:
        """The edges that `_blocks` keeps away from `neighbour` on `side` of `slot`."""
        key = (side, slot, neighbour)
        if key not in self._blocked:
            own = self.counts.get((side, slot), _NONE)
            every = self.counts.get((side, ALL), _NONE)
            candidates = {*own.unseen(neighbour, self.evidence)}
            candidates.update(e for e in every.unseen(neighbour, self.evidence))
            self._blocked[key] = frozenset(
                e for e in candidates if self._blocks(self._evidence(side, slot, neighbour, e))
            )
        return self._blocked[key]

    def fitting(self, slot: str, left: str, right: str, values: Iterable[str]) -> list[bool]:
        """Whether `fit` lets each of `values` in (quicker, from the edges each neighbour
        blocks, fetched once)."""
        blocked = [
            self.blocked_edges(side, slot, neighbour)
            for side, (neighbour, _) in zip(SIDES, pairs(left, right, ""))
        ]
        # the edge each side of `pairs` holds: first, last, ending, ending, last, first
        firsts, lasts = blocked[0] | blocked[5], blocked[1] | blocked[4]
        endings = blocked[2] | blocked[3]
        return [
            not (first in firsts or last in lasts or ending in endings)
            and not self.beyond(slot, value, left, right)
            for value in values
            for first, last, ending in (edges(value),)
        ]

    def fits(self, slot: str, value: str, left: str, right: str) -> bool:
        """Whether `fit` lets `value` in."""
        return self.fitting(slot, left, right, (value,))[0]

    def scores(self, slot: str, value: str, left: str, right: str) -> dict:
        """`fit(...).scores`, quicker (made once per slot, neighbours and edges; do not
        change it)."""
        key = (slot, left, right, edges(value))
        found = self._scores.get(key)
        if found is None:
            found = self._scores[key] = {
                side: self._evidence(side, slot, *pair).score
                for side, pair in zip(SIDES, pairs(left, right, value))
            }
        return found

    def fit(self, slot: str, value: str, left: str, right: str) -> Fit:
        """How `value` fits an occurrence of `slot` between `left` and `right`."""
        key = (slot, left, right, edges(value))
        if key not in self._fits:
            sides = tuple(
                self._evidence(side, slot, *pair)
                for side, pair in zip(SIDES, pairs(left, right, value))
            )
            blocked = tuple(e for e in sides if self._blocks(e))
            self._fits[key] = Fit(sides, blocked + self.beyond(slot, value, left, right))
        return self._fits[key]

    @staticmethod
    def reason(slot: str, fit: Fit) -> str:
        """Why a value that does not `fit` an occurrence is blocked: "'on' never comes
        before a value of date starting with 'next' (1.2 times expected)". A far side
        that repeats a near one (a value of one word) is named once."""
        why = []
        near = {(e.side[0], e.neighbour, e.edge) for e in fit.blocked if e.side[-1] != "^"}
        for e in fit.blocked:
            if e.side.endswith("^") and (e.side[0], e.neighbour, e.edge) in near:
                continue
            if e.side == FORM:
                why.append(
                    f"no value of {slot} ending in {e.edge} comes before "
                    f"{describe(e.neighbour)} in the data"
                )
                continue
            if e.side == REPEAT:
                why.append(f"{describe(e.edge)} would be said twice, which the data never does")
                continue
            value = f"a value of {slot}" if e.within != ALL else "a value of any slot"
            order = "before" if e.side.startswith("before") else "after"
            if e.side.endswith("~"):
                edge = f"ending in -{e.edge[1:]}"
            elif e.side.endswith("^"):
                edge = f"{'ending' if order == 'before' else 'starting'} with {describe(e.edge)}"
            else:
                edge = f"{'starting' if order == 'before' else 'ending'} with {describe(e.edge)}"
            why.append(
                f"{describe(e.neighbour)} never comes {order} {value} {edge} "
                f"({e.expected:.1f} times expected)"
            )
        return "; ".join(why)


def learn(utterances: Sequence[Utterance], evidence: float = DEFAULT_EVIDENCE) -> ContextGate:
    """The gate the slot edges of `utterances` show, blocking at `evidence`."""
    gate = ContextGate(evidence)
    gate.update(utterances)
    return gate
