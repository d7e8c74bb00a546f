"""Sub-types of a slot type: its values grouped by the words around them in the data, so
that a value takes the place only of values of its own kind.

One slot type often holds values of several kinds: SLURP's `time` holds clock times ("five
pm") and durations ("ten minutes"), its `date` weekdays and deictic days ("tomorrow",
"this week") and calendar dates ("march first"). The edges of a one-word value do not tell
its kind, but the places it was seen in do: clock times follow "at" and "wake me up at",
durations "for" and "in". Each value of a slot type (case-folded, over every intent) is
described by the bag of its neighbours in the data, left and right (`context.neighbours`),
each weighted by how rare it is among the slot type's values (a neighbour every value has,
such as the end of the sentence, tells little; one that a single value has tells nothing).
Values are then grouped, most seen first: a value joins the group whose mean bag is most
like its own (cosine) when that likeness reaches `similarity`, else starts a group.

A value alone in its group, or with no neighbour that another value shares, has no
sub-type: it was seen too rarely to tell, and only the context gate decides where it may
go, as for catalogue values. No word of any language is named: the data's own neighbours,
as the project's tokenization splits them, make the groups.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import context as ctx
from .records import Utterance

DEFAULT_SIMILARITY = 0.3  # as measured; sub-types are off by default: see docs/resampling.md


@functools.lru_cache(maxsize=65536)
def norm(value: str) -> str:
    """A value as sub-types tell values apart: its case-folded words, as the project's
    tokenization splits them (in any script), one space between."""
    return " ".join(ctx.folded_words(value))


@dataclass(frozen=True)
class SubTypes:
    """Each (slot type, value)'s sub-type, and the values of each sub-type, most seen
    first."""

    kinds: dict[tuple[str, str], str]  # (slot, normed value) -> sub-type label
    members: dict[str, list[str]]  # label -> its values

    def kind(self, slot: str, value: str) -> str | None:
        """The sub-type of `value` in `slot` (None: seen too rarely to tell)."""
        return self.kinds.get((slot, norm(value)))

    def compatible(self, slot: str, place: str | None, value: str) -> bool:
        """Whether `value` may take the place of a value of sub-type `place`: the same
        sub-type, or either has none."""
        kind = self.kind(slot, value)
        return place is None or kind is None or kind == place

    def describe(self, label: str) -> str:
        """A sub-type as a reason names it: its label and its first values."""
        return described(label, self.members[label])


def described(label: str, members: Sequence[str], shown: int = 3) -> str:
    """A group as a reason names it: `label ('a', 'b', 'c', ...)`."""
    more = ", ..." if len(members) > shown else ""
    return f"{label} ({', '.join(map(repr, members[:shown]))}{more})"


def _bags(utterances: Iterable[Utterance]) -> dict[str, dict[str, Counter]]:
    """Per slot type, each value's neighbours: '<' + left, '>' + right, with counts."""
    bags: dict[str, dict[str, Counter]] = {}
    for u in utterances:
        for slot, (left, right) in zip(u.slots, ctx.neighbours(u)):
            bag = bags.setdefault(slot.slot, {}).setdefault(norm(slot.value), Counter())
            bag["<" + left] += 1
            bag[">" + right] += 1
    return bags


def _vectors(bags: dict[str, Counter]) -> dict[str, dict[str, float]]:
    """Each value's bag weighted by rarity (log(1 + values / values with it); a neighbour
    of one value only is dropped), scaled to length 1; values with nothing left are
    left out."""
    having = Counter(k for bag in bags.values() for k in bag)
    total = len(bags)
    found = {}
    for value, bag in bags.items():
        weights = {
            k: n * math.log(1 + total / having[k]) for k, n in sorted(bag.items()) if having[k] > 1
        }
        length = math.sqrt(sum(w * w for w in weights.values()))
        if length:
            found[value] = {k: w / length for k, w in weights.items()}
    return found


def groups(bags: dict[str, Counter], similarity: float) -> list[list[str]]:
    """The values grouped, most seen first, each joining the most alike group's mean bag
    when the cosine reaches `similarity`."""
    vectors = _vectors(bags)
    order = sorted(vectors, key=lambda v: (-sum(bags[v].values()), v))
    sums: list[dict[str, float]] = []
    lengths: list[float] = []
    found: list[list[str]] = []
    for value in order:
        vector = vectors[value]
        best, where = 0.0, -1
        for i, (total, length) in enumerate(zip(sums, lengths)):
            cosine = sum(w * total.get(k, 0.0) for k, w in vector.items()) / length
            if cosine > best:
                best, where = cosine, i
        if where < 0 or best < similarity:
            sums.append(dict(vector))
            lengths.append(1.0)
            found.append([value])
            continue
        total = sums[where]
        for k, w in vector.items():
            total[k] = total.get(k, 0.0) + w
        lengths[where] = math.sqrt(sum(w * w for w in total.values()))
        found[where].append(value)
    return found


def learn(utterances: Sequence[Utterance], similarity: float = DEFAULT_SIMILARITY) -> SubTypes:
    """The sub-types of every slot type of `utterances`, values grouped at `similarity`."""
    kinds: dict[tuple[str, str], str] = {}
    members: dict[str, list[str]] = {}
    for slot, bags in sorted(_bags(utterances).items()):
        found = [g for g in groups(bags, similarity) if len(g) > 1]
        for number, group in enumerate(found, 1):
            label = f"{slot}/{number}"
            members[label] = group
            kinds.update(((slot, value), label) for value in group)
    return SubTypes(kinds, members)
