"""Semantic patterns and how much of the output each one gets.

An utterance's *word pattern* is its sequence of slot types and the runs of other words
between them (`other + ArtistName`); its *semantic pattern* is its intent with the set of
its slot types, order-free (`PlayMusic: ArtistName + SongName`). The size of a pattern's
share of a generated data set is what this module decides.

- The entropy of a slot type, in bits, is the Shannon entropy of its value distribution:
  the values seen, by how often they were seen, and each value of its catalogue (when
  one is given) counted once. Many evenly used values: high entropy; one value: zero.
- A pattern's complexity is the entropy of its carrier phrases (the texts around its
  slots) plus the entropies of its slot types: under independence, the entropy of the
  whole utterance, about log2 of how many different ones the pattern can give.
- `allocate` splits a budget in proportion to weights (complexity, input counts, or one
  each), with a floor per pattern, so that no pattern of the input vanishes, and a cap,
  so that no pattern is given more than it can say.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import UsageError
from ..grm.syntax import written_name
from .records import Utterance

OTHER = "other"


@dataclass(frozen=True, order=True)
class SemanticPattern:
    """A semantic pattern: an intent and the set of its slot types."""

    intent: str
    slots: tuple[str, ...]  # sorted, distinct

    def __str__(self) -> str:
        """`PlayMusic: artist + genre`; names as a grammar writes them, so that two
        patterns never read the same (`"a + b"` is one slot, `a + b` two)."""
        slots = " + ".join(map(written_name, self.slots))
        return f"{written_name(self.intent)}: {slots or '(no slot)'}"


def semantic_pattern(utterance: Utterance) -> SemanticPattern:
    return SemanticPattern(utterance.intent, tuple(sorted({s.slot for s in utterance.slots})))


def word_pattern(utterance: Utterance) -> str:
    """`other + ArtistName + other`: slot types in order, runs of other words between."""
    parts, pos = [], 0
    for slot in utterance.slots:
        if utterance.text[pos : slot.start].strip():
            parts.append(OTHER)
        parts.append(slot.slot)
        pos = slot.end
    if utterance.text[pos:].strip():
        parts.append(OTHER)
    return " + ".join(parts)


def carrier(utterance: Utterance, folded: bool = False) -> str:
    """The utterance's text with each slot value replaced by `{slot}`; `folded`, as
    utterances are told apart (its words case-folded, single spaces; the slots' names as
    they are)."""
    said = str.casefold if folded else str
    parts, pos = [], 0
    for slot in utterance.slots:
        parts += [said(utterance.text[pos : slot.start]), "{", slot.slot, "}"]
        pos = slot.end
    parts.append(said(utterance.text[pos:]))
    return " ".join("".join(parts).split()) if folded else "".join(parts)


def entropy(counts: Iterable[float]) -> float:
    """Shannon entropy in bits of a distribution given by counts (zeros ignored)."""
    counts = [c for c in counts if c > 0]
    total = sum(counts)
    return max(0.0, -sum(c / total * math.log2(c / total) for c in counts)) if total else 0.0


def slot_entropies(
    utterances: Sequence[Utterance], catalogues: dict[str, Iterable[str]] | None = None
) -> dict[str, float]:
    """Per slot type, the entropy of its values: those seen, by count, and those of its
    catalogue not seen, once each."""
    seen: dict[str, Counter] = {}
    for u in utterances:
        for slot in u.slots:
            seen.setdefault(slot.slot, Counter())[slot.value] += 1
    for slot, values in (catalogues or {}).items():
        counter = seen.setdefault(slot, Counter())
        for value in values:
            counter[value] = counter[value] or 1
    return {slot: entropy(counter.values()) for slot, counter in seen.items()}


@dataclass
class PatternStats:
    """What the allocation table shows for one pattern."""

    pattern: SemanticPattern
    count: int  # utterances of the input with this pattern
    carrier_entropy: float
    complexity: float


def pattern_stats(
    utterances: Sequence[Utterance], slot_entropy: dict[str, float]
) -> list[PatternStats]:
    """The patterns of `utterances`, sorted, with their counts and complexities (carriers
    told apart as utterances are: "Play {x}" and "play {x}" are one)."""
    carriers: dict[SemanticPattern, Counter] = {}
    for u in utterances:
        carriers.setdefault(semantic_pattern(u), Counter())[carrier(u, folded=True)] += 1
    stats = []
    for pattern in sorted(carriers):
        h = entropy(carriers[pattern].values())
        complexity = h + sum(slot_entropy.get(s, 0.0) for s in pattern.slots)
        stats.append(PatternStats(pattern, sum(carriers[pattern].values()), h, complexity))
    return stats


ALLOCATIONS = ("entropy", "source", "uniform")


def weights(stats: Sequence[PatternStats], how: str) -> list[float]:
    """Each pattern's weight for `allocate`: its complexity, its input count, or 1."""
    if how == "entropy":
        return [s.complexity for s in stats]
    if how == "source":
        return [float(s.count) for s in stats]
    if how == "uniform":
        return [1.0] * len(stats)
    raise UsageError(f"allocation must be one of {', '.join(ALLOCATIONS)}, not {how!r}")


def allocate(
    n: int, weights: Sequence[float], floors: Sequence[int], caps: Sequence[float]
) -> list[int]:
    """`n` split into whole shares: share i is at least `floors[i]` (unless `caps[i]` is
    smaller) and at most `caps[i]`, and what is above the floors goes in proportion to
    `weights` (evenly among zero weights once the others are full). The shares add up
    to `n`, or to the sum of the caps when that is smaller (the floors win over `n`).

    Water-filling: a share that its weight would push past its cap is held at the cap and
    the rest is spread again over the others; whole numbers by largest remainders.
    """
    floors = [min(f, c) for f, c in zip(floors, caps)]
    exact = [float(f) for f in floors]
    open_ = [i for i in range(len(floors)) if caps[i] > floors[i]]
    left = max(n - sum(floors), 0)
    while left > 1e-9 and open_:
        weight = [max(weights[i], 0.0) for i in open_]
        if sum(weight) == 0:
            weight = [1.0] * len(open_)
        total = sum(weight)
        full = [i for i, w in zip(open_, weight) if exact[i] + left * w / total >= caps[i]]
        if not full:
            for i, w in zip(open_, weight):
                exact[i] += left * w / total
            left = 0
            break
        for i in full:
            left -= caps[i] - exact[i]
            exact[i] = float(caps[i])
        open_ = [i for i in open_ if i not in full]
    shares = [math.floor(x + 1e-9) for x in exact]
    target = min(max(n, sum(floors)), math.floor(sum(exact) + 1e-9))
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order:
        if sum(shares) >= target:
            break
        if shares[i] < caps[i]:
            shares[i] += 1
    return shares


def table(rows: Sequence[tuple[str, int | None, float, float, int]]) -> str:
    """The allocation table: pattern, input count (None: no input), carrier entropy,
    complexity, allocated count; and the totals."""
    width = max([48, *(len(r[0]) for r in rows)])
    lines = [
        f"{'pattern':{width}} {'input':>6} {'carrier H':>9} {'complexity':>10} {'allocated':>9}"
    ]
    for name, count, carrier_h, complexity, allocated in rows:
        shown = "" if count is None else count
        lines.append(
            f"{name:{width}} {shown:>6} {carrier_h:>9.2f} {complexity:>10.2f} {allocated:>9}"
        )
    counts = [r[1] for r in rows if r[1] is not None]
    total = sum(counts) if counts else ""
    lines.append(f"{'total':{width}} {total:>6} {'':>9} {'':>10} {sum(r[4] for r in rows):>9}")
    return "\n".join(lines) + "\n"
