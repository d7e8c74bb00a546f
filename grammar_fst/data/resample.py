"""Guided resampling: new utterances from annotated ones, by swapping slot values between
compatible slot types, with each semantic pattern's share sized by `distribution`.

Values of a slot type are swappable within one intent. Across two intents, the value sets
of a slot type are compared with the Jaccard index |A ∩ B| / |A ∪ B| (values compared
case-folded); values flow between the two only when it reaches the threshold: "jazz" in
"play jazz music" and "detective" in "read detective books" are both GenreName, but the
two intents share none of their genres, so neither moves. A catalogue bound to a slot
type (`artist`) extends its values in every intent; one bound to an intent's slot type
(`PlayMusic:artist`) adds to that intent's own values, which reach other intents only
through the gate.

A value of the pool fills a slot occurrence only when it fits the words around it: the
context gate (`context`) learns from the data which neighbours go with which edge words
of a value, in any language. And it takes the place only of a value of its own kind: the
kinds (`kinds`) group the edge words of each slot type's values by where they are seen and
by the words next to them inside the values, and the sub-types (`subtypes`) group whole
values by the words seen around them (the kinds are on by default, the sub-types off).
Where two slots touch, the join gate (`joins`) keeps their values from meeting as the
data's words never do.

A new utterance takes a source utterance of the pattern and draws each of its slot values
from what that occurrence may take of its slot's pool (the value it had included); the
text between the slots stays as it was, and offsets are computed from the pieces, never by
searching for a value. Every new utterance records where it came from: its source and
each swap, with the gate's scores.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .. import progress
from ..defaults import DEFAULT_THRESHOLD
from ..errors import (
    UsageError,
    Wording,
    catalogues_argument,
    flag_argument,
    number_argument,
    whole_argument,
)
from ..text import tokens
from . import context as ctx
from . import distribution as dist
from . import formats
from . import joins as jn
from . import kinds as kd
from . import naturalness as nat
from . import subtypes as sub
from .catalogue import Catalogue, catalogue_of
from .draws import Draws, drawing
from .formats import Format
from .formats._common import to_json, utterances_argument
from .records import SlotValue, Utterance

log = logging.getLogger("grammar_fst")

PATIENCE = 50  # draws per wanted utterance before a pattern is taken as exhausted


class Value(NamedTuple):
    """A slot value a swap can put in, and where it was first seen: an input record's
    number, or a catalogue file. A named tuple: a swap's record is found by the values it
    puts in, tens of thousands of times, and a tuple hashes in C."""

    text: str
    source: int | str
    canonical: str | None = None
    intent: str | None = None  # the intent it was seen in (None for a slot-wide catalogue)


@dataclass
class Generated:
    """A resampled utterance, with its provenance (None for an input utterance)."""

    utterance: Utterance
    source: int
    swaps: list[dict] | None = None

    def provenance(self) -> dict:
        """Where it came from, and the patterns it has (see `distribution`)."""
        return {
            "source": self.source,
            "swaps": self.swaps or [],
            "pattern": str(dist.semantic_pattern(self.utterance)),
            "word_pattern": dist.word_pattern(self.utterance),
        }


def provenance_line(generated: Generated, fmt: Format | None = None, index: int = 0) -> str:
    """The record of `generated` in `fmt` (jsonl when None), a format with room for
    provenance (`fmt.provenance`), with its provenance: the input record it came from (by
    number, from 0), its swaps (slot, from, to, and where `to` was seen), and its
    semantic and word patterns."""
    fmt = _with_provenance(fmt)
    return fmt.provenance(generated.utterance, index, to_json(generated.provenance()))


def provenance_lines(generated: Iterable[Generated], fmt: Format | None = None) -> Iterator[str]:
    """`provenance_line` of each of `generated` (numbered from 0), with its newline;
    quicker: a swap's record that several utterances share (`_generate` makes one per
    place and value) is encoded once, and so are the patterns of each input record, which
    the utterances made from it keep (a swap changes values only)."""
    fmt = _with_provenance(fmt)
    encoded: dict[int, tuple[dict, str]] = {}  # by id, the record kept: the id stays its own
    patterns: dict[int, str] = {}  # per input record, its patterns' fields
    for index, g in enumerate(generated):
        swaps = []
        for swap in g.swaps or ():
            known = encoded.get(id(swap))
            if known is None:
                known = encoded[id(swap)] = (swap, to_json(swap))
            swaps.append(known[1])
        if g.source not in patterns:
            where = g.provenance()
            fields = {"pattern": where["pattern"], "word_pattern": where["word_pattern"]}
            patterns[g.source] = to_json(fields)[1:-1]
        where_from = f'"source": {g.source}, "swaps": [{", ".join(swaps)}], {patterns[g.source]}'
        yield fmt.provenance(g.utterance, index, "{" + where_from + "}") + "\n"


def _with_provenance(fmt: Format | None) -> Format:
    """`fmt` (jsonl when None), which must have room for provenance."""
    fmt = fmt or formats.get("jsonl")
    if not fmt.has("provenance"):
        raise ValueError(f"format {fmt.name} has no room for provenance")
    return fmt


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _norm(value: str) -> str:
    """A value or text as values and utterances are told apart: case-folded, single spaces."""
    return " ".join(value.casefold().split())


_value_norm = functools.lru_cache(maxsize=65536)(_norm)  # values recur in draws; texts not


def _key(utterance: Utterance) -> tuple[str, str]:
    return _norm(utterance.text), utterance.intent


@dataclass
class Pools:
    """The values each (intent, slot type) can take, the Jaccard gate behind them, the
    context gate (None: off) that picks those an occurrence may take, the join gate (None:
    off) that checks where two slots touch, and the kinds and sub-types (None: off) that
    keep values to places of their own kind."""

    values: dict[tuple[str, str], list[Value]]
    jaccard: dict[str, dict[tuple[str, str], float]]  # slot -> (intent a, intent b) -> J
    allowed: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    gate: ctx.ContextGate | None = None
    subtypes: sub.SubTypes | None = None
    kinds: kd.ValueKinds | None = None
    joins: jn.JoinGate | None = None
    _choices: dict[tuple, tuple[list[Value], set[str]]] = field(default_factory=dict)
    _gates: dict[tuple[str, str, str, str], list[Value]] = field(default_factory=dict)

    def kind(self, slot: str, value: str) -> str | None:
        """The sub-type of `value` in `slot` (None: none, or sub-types off)."""
        return None if self.subtypes is None else self.subtypes.kind(slot, value)

    def value_kinds(self, slot: str, value: str) -> kd.Kinds | None:
        """The kinds of the edge words of `value` in `slot` (None: kinds off)."""
        return None if self.kinds is None else self.kinds.kinds(slot, value)

    def _gated(self, intent: str, slot: str, left: str, right: str) -> list[Value]:
        """The values of the pool that the context gate lets in between `left` and
        `right` (made once per occurrence context, whatever the value it replaces)."""
        key = (intent, slot, left, right)
        if key not in self._gates:
            pool = self.values[intent, slot]
            if self.gate is not None:
                fits = self.gate.fitting(slot, left, right, (v.text for v in pool))
                pool = [v for v, fit in zip(pool, fits) if fit]
            self._gates[key] = pool
        return self._gates[key]

    def _fitting(
        self,
        intent: str,
        slot: str,
        left: str,
        right: str,
        kind: str | None,
        kinds: kd.Kinds | None,
    ):
        key = (intent, slot, left, right, kind, kinds)
        if key not in self._choices:
            pool = self._gated(intent, slot, left, right)
            if kinds is not None and self.kinds is not None:
                fitting_kinds = self.kinds.compatible
                pool = [v for v in pool if fitting_kinds(slot, kinds, v.text)]
            if kind is not None and self.subtypes is not None:
                compatible = self.subtypes.compatible
                pool = [v for v in pool if compatible(slot, kind, v.text)]
            self._choices[key] = (pool, {_value_norm(v.text) for v in pool})
        return self._choices[key]

    def occurrences(self, utterance: Utterance) -> list[list[Value]]:
        """What each slot of `utterance` may take: the values that fit, of its value's
        kinds and sub-type, and its own value (the data shows it there, even where the
        gate finds such values too rare)."""
        found = []
        for slot, (left, right) in zip(utterance.slots, ctx.neighbours(utterance)):
            kind = self.kind(slot.slot, slot.value)
            kinds = self.value_kinds(slot.slot, slot.value)
            choices, norms = self._fitting(utterance.intent, slot.slot, left, right, kind, kinds)
            if _norm(slot.value) not in norms:
                choices = [*choices, Value(slot.value, -1, slot.canonical)]
            found.append(choices)
        return found

    def index(self, slot: str, a: str, b: str) -> float:
        """The Jaccard index of `slot` between intents `a` and `b` (1 within an intent)."""
        return 1.0 if a == b else self.jaccard[slot][min(a, b), max(a, b)]


def scoped(binding: str, pairs: set[tuple[str, str]]) -> tuple[str | None, str]:
    """A catalogue binding as (intent, slot type), or (None, slot type) for every intent.
    `pairs` are the data's (intent, slot type): a binding that is one of its slot types
    names it whole; else the ':' that splits it into one of its pairs; else the last ':'
    (names may hold ':')."""
    if binding in {slot for _, slot in pairs}:
        return None, binding
    for i, char in enumerate(binding):
        if char == ":" and (binding[:i], binding[i + 1 :]) in pairs:
            return binding[:i], binding[i + 1 :]
    intent, sep, slot = binding.rpartition(":")
    return (intent or None) if sep else None, slot


def _pairs(utterances: Sequence[Utterance]) -> set[tuple[str, str]]:
    return {(u.intent, s.slot) for u in utterances for s in u.slots}


def build_pools(
    utterances: Sequence[Utterance],
    threshold: float = DEFAULT_THRESHOLD,
    catalogues: Mapping[str, Catalogue] | None = None,
    context: float | None = ctx.DEFAULT_EVIDENCE,
    subtypes: float | None = None,
    kinds: float | None = kd.DEFAULT_SIMILARITY,
    joins: int | None = jn.DEFAULT_RARE,
    kinds_seen: int = kd.MIN_SEEN,
) -> Pools:
    """Each (intent, slot)'s own values (with those of its intent-bound catalogue), those
    of the same slot in intents whose value sets reach `threshold` in Jaccard index, and
    its slot-wide catalogue's. Values are told apart case-folded: the first form of a
    value seen in several is the one used. The context gate blocks at evidence `context`,
    the kinds group edge words at similarity `kinds`, the sub-types group values at
    similarity `subtypes`, and the join gate takes words seen fewer than `joins` times as
    no evidence (None: off); an edge word seen fewer than `kinds_seen` times has no kind."""
    own: dict[tuple[str, str], dict[str, Value]] = {}
    for number, u in enumerate(utterances):
        for slot in u.slots:
            pool = own.setdefault((u.intent, slot.slot), {})
            pool.setdefault(_norm(slot.value), Value(slot.value, number, slot.canonical, u.intent))
    everywhere: list[tuple[str, Catalogue]] = []
    pairs = _check_bindings(utterances, catalogues or {})
    for binding, catalogue in (catalogues or {}).items():
        intent, slot = scoped(binding, pairs)
        if intent is None:
            everywhere.append((slot, catalogue))
        else:
            _add(own[intent, slot], catalogue, intent)
    by_slot: dict[str, list[str]] = {}
    for intent, slot in own:
        by_slot.setdefault(slot, []).append(intent)
    matrix: dict[str, dict[tuple[str, str], float]] = {}
    allowed: dict[str, set[tuple[str, str]]] = {}
    pools = {key: dict(values) for key, values in own.items()}
    for slot, intents in sorted(by_slot.items()):
        matrix[slot], allowed[slot] = {}, set()
        for a, b in itertools.combinations(sorted(intents), 2):
            j = jaccard(set(own[a, slot]), set(own[b, slot]))
            matrix[slot][a, b] = j
            if j >= threshold:
                allowed[slot].add((a, b))
                for x, y in ((a, b), (b, a)):
                    for text, value in own[y, slot].items():
                        pools[x, slot].setdefault(text, value)
    for slot, catalogue in everywhere:
        for key in [k for k in pools if k[1] == slot]:
            _add(pools[key], catalogue)
    values = {key: list(pool.values()) for key, pool in pools.items()}
    gate = None if context is None else ctx.learn(utterances, context)
    grouped = None if subtypes is None else sub.learn(utterances, subtypes)
    words = None if kinds is None else kd.learn(utterances, ctx.neighbours, kinds, kinds_seen)
    joined = None if joins is None else jn.learn(utterances, joins)
    return Pools(values, matrix, allowed, gate, grouped, words, joined)


def _add(pool: dict[str, Value], catalogue: Catalogue, intent: str | None = None) -> None:
    """The catalogue's values that `pool` lacks (case-folded), with the catalogue as
    their source."""
    for entry in catalogue.entries:
        text = tokens.join(entry.words)
        canonical = tokens.join(entry.canonical) if entry.canonical else None
        pool.setdefault(_norm(text), Value(text, catalogue.path, canonical, intent))


def swapped(source: Utterance, values: Sequence[Value]) -> Utterance:
    """`source` with its slots' values replaced, in order; offsets from the pieces."""
    text, slots, pos = "", [], 0
    for slot, value in zip(source.slots, values):
        text += source.text[pos : slot.start]
        start = len(text)
        text += value.text
        slots.append(SlotValue(slot.slot, value.text, start, len(text), value.canonical))
        pos = slot.end
    text += source.text[pos:]
    return Utterance(text, source.intent, tuple(slots))


@dataclass
class Plan:
    """The allocation table: one row per pattern."""

    stats: list[dist.PatternStats]
    allocated: list[int]
    capacity: list[float]


def capacity(sources: Iterable[Utterance], pools: Pools) -> float:
    """How many distinct utterances the sources can give at most: per distinct carrier
    phrase, the product of the numbers of values its slots may take (sources that differ
    only in their values give the same utterances; carriers told apart as utterances
    are)."""
    carriers = {dist.carrier(u, folded=True): u for u in sources}
    return sum(_combinations(u, pools) for u in carriers.values())


def _combinations(utterance: Utterance, pools: Pools) -> float:
    """How many ways the slots of `utterance` may be filled: the product of what each may
    take, where slots touch only the pairs of values the join gate lets meet (counted
    through the last word of each value)."""
    occurrences = pools.occurrences(utterance)
    touching = [] if pools.joins is None else jn.touching(utterance)
    if not touching:
        return float(math.prod(map(len, occurrences)))
    joins, total = pools.joins, 1.0
    assert joins is not None
    ways: Counter = Counter()  # the last word of the value drawn so far -> ways to get there
    for i, choices in enumerate(occurrences):
        if i - 1 not in touching:
            total *= sum(ways.values()) if ways else 1.0
            ways = Counter(ctx.edges(v.text)[1] for v in choices)
            continue
        by_first: dict[str, Counter] = {}
        for v in choices:
            first, last, _ = ctx.edges(v.text)
            by_first.setdefault(first, Counter())[last] += 1
        after: Counter = Counter()
        reach = joins.reaches(ways, by_first)
        for first, lasts in by_first.items():
            for last, count in lasts.items():
                after[last] += reach[first] * count
        ways = after
    return total * sum(ways.values())


def plan(
    utterances: Sequence[Utterance],
    n: int,
    pools: Pools,
    allocation: str = "entropy",
    floor: int = 1,
    originals: bool = True,
    catalogues: Mapping[str, Catalogue] | None = None,
    per_intent: bool = False,
) -> Plan:
    """How many utterances of each pattern the output holds (originals included, unless
    not `originals`, when none of them may be made again either). With `per_intent`, `n`
    is first shared evenly among the intents (above their floors; what one cannot give
    goes to the others), so that a classifier trained on the output sees them about as
    often as each other, then among each intent's patterns."""
    extra: dict[str, list[str]] = {}
    pairs = _pairs(utterances)
    for binding, catalogue in (catalogues or {}).items():
        extra.setdefault(scoped(binding, pairs)[1], []).extend(
            tokens.join(e.words) for e in catalogue.entries
        )
    stats = dist.pattern_stats(utterances, dist.slot_entropies(utterances, extra))
    by_pattern: dict[dist.SemanticPattern, list[Utterance]] = {}
    for u in utterances:
        by_pattern.setdefault(dist.semantic_pattern(u), []).append(u)
    inputs = [len(_distinct(by_pattern[s.pattern])) for s in stats]
    caps = [capacity(by_pattern[s.pattern], pools) for s in stats]
    if not originals:  # the output holds no input utterance, even made again
        caps = [cap - given for cap, given in zip(caps, inputs)]
    floors = [max(floor, given if originals else 0) for given in inputs]
    weights = dist.weights(stats, allocation)
    if not per_intent:
        return Plan(stats, dist.allocate(n, weights, floors, caps), caps)
    intents = sorted({s.pattern.intent for s in stats})
    rows = [[i for i, s in enumerate(stats) if s.pattern.intent == intent] for intent in intents]
    shares = dist.allocate(
        n,
        [1.0] * len(rows),
        [sum(min(floors[i], caps[i]) for i in row) for row in rows],
        [sum(caps[i] for i in row) for row in rows],
    )
    allocated = [0] * len(stats)
    for row, share in zip(rows, shares):
        within = dist.allocate(
            share, [weights[i] for i in row], [floors[i] for i in row], [caps[i] for i in row]
        )
        for i, k in zip(row, within):
            allocated[i] = k
    return Plan(stats, allocated, caps)


def _distinct(utterances: Iterable[Utterance]) -> list[Utterance]:
    return list({_key(u): u for u in utterances}.values())


def resample(
    utterances: Sequence[Utterance],
    n: int,
    seed: int = 0,
    threshold: float = DEFAULT_THRESHOLD,
    allocation: str = "entropy",
    floor: int = 1,
    originals: bool = True,
    catalogues: Mapping[str, Catalogue | str] | None = None,
    per_intent: bool = False,
    context: float | None = ctx.DEFAULT_EVIDENCE,
    subtypes: float | None = None,
    kinds: float | None = kd.DEFAULT_SIMILARITY,
    joins: int | None = jn.DEFAULT_RARE,
    kinds_seen: int = kd.MIN_SEEN,
) -> tuple[list[Generated], Plan, Pools]:
    """About `n` distinct utterances (fewer when the patterns cannot give more): the
    input's (unless not `originals`), then new ones, pattern by pattern as planned,
    mixed; deterministic for a seed. `catalogues` (Catalogues, files or lists of values,
    as `catalogue_of` takes them) are keyed by `SLOT` (every intent) or `INTENT:SLOT`
    (that intent's own values, shared through the gate). `per_intent`
    shares `n` evenly among the intents before their patterns (see `plan`). `context` is
    the context gate's evidence, `kinds` the kinds' similarity, `subtypes` the
    sub-types' similarity and `joins` the join gate's rarity (None: off); `kinds_seen`, the
    sightings an edge word needs to have a kind."""
    for value, name in ((n, "n"), (seed, "seed"), (floor, "floor"), (kinds_seen, "kinds_seen")):
        whole_argument(value, name)
    number_argument(threshold, "threshold", 0, 1)
    for value, name, most in ((context, "context", math.inf), (subtypes, "subtypes", 1),
                              (kinds, "kinds", 1)):  # fmt: skip
        if value is not None:  # None: that gate is off
            number_argument(value, name, 0, most)
    if joins is not None:
        whole_argument(joins, "joins")
    flag_argument(originals, "originals")
    flag_argument(per_intent, "per_intent")
    catalogues_argument(catalogues)
    catalogues = {binding: catalogue_of(c) for binding, c in (catalogues or {}).items()}
    # a list: read twice, and an iterator would be empty the second time
    utterances = utterances_argument(utterances, "utterances")
    pools = build_pools(
        utterances, threshold, catalogues, context, subtypes, kinds, joins, kinds_seen
    )
    table = plan(utterances, n, pools, allocation, floor, originals, catalogues, per_intent)
    if sum(table.allocated) > n:
        log.warning(
            "%s",
            Wording(
                "the output holds {count} utterances, more than the {n} asked for: every "
                "pattern gets its input utterances (unless {originals:False}) and at least "
                "{floor}",
                count=sum(table.allocated),
                n=n,
            ),
        )
    if sum(table.allocated) < n:
        log.warning(
            "the patterns of the input can give at most %d distinct utterances (asked for %d)",
            sum(table.allocated),
            n,
        )
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    by_pattern: dict[dist.SemanticPattern, list[tuple[int, Utterance]]] = {}
    for number, u in enumerate(utterances):
        by_pattern.setdefault(dist.semantic_pattern(u), []).append((number, u))
    seen: set[tuple[str, str]] = set()  # the input's, kept or not, and what was made
    kept: list[Generated] = []
    for number, u in enumerate(utterances):
        if _key(u) not in seen:
            seen.add(_key(u))
            kept += [Generated(u, number)] if originals else []
    given = Counter(dist.semantic_pattern(g.utterance) for g in kept)
    new: list[Generated] = []
    with drawing(rng) as draws:
        for stats, wanted in _shown(table, given):
            made = _generate(by_pattern[stats.pattern], wanted, pools, draws, seen)
            if len(made) < wanted:
                log.warning(
                    "pattern %s gives only %d new utterances (asked for %d)",
                    stats.pattern,
                    len(made),
                    wanted,
                )
            new += made
    return kept + [new[i] for i in rng.permutation(len(new))], table, pools


def _shown(table: Plan, given: Counter) -> Iterator[tuple[dist.PatternStats, int]]:
    """The plan's patterns with the new utterances asked of each (its share less the
    originals `given`), under a progress bar (`progress.choose`) counting them: making
    them is the part that grows with -n."""
    steps = [
        (stats, max(0, wanted - given[stats.pattern]))
        for stats, wanted in zip(table.stats, table.allocated)
    ]
    return progress.counted(steps, sum(new for _, new in steps), "utterances", size=lambda s: s[1])


def _check_bindings(
    utterances: Sequence[Utterance], catalogues: Mapping[str, Catalogue]
) -> set[tuple[str, str]]:
    """Each catalogue's slot type (in its intent, when bound to one) is in the data; the
    data's (intent, slot type) pairs."""
    pairs = _pairs(utterances)
    known = sorted({slot for _, slot in pairs})
    for binding in catalogues:
        intent, slot = scoped(binding, pairs)
        if slot not in known:
            raise UsageError(
                f"no slot type '{slot}' in the data to add a catalogue to; "
                f"slot types: {', '.join(known) or 'none'}"
            )
        if intent is not None and (intent, slot) not in pairs:
            having = sorted(i for i, s in pairs if s == slot)
            raise UsageError(
                f"no slot type '{slot}' in intent '{intent}' to add a catalogue to; "
                f"intents with it: {', '.join(having)}"
            )
    return pairs


def measured(generated: Sequence[Generated], utterances: Sequence[Utterance]) -> nat.Measure:
    """The naturalness of the new utterances against the input (each without the utterance
    it was made from) and the diversity of the whole output."""
    new = [g for g in generated if g.swaps is not None]
    found = nat.measure([g.utterance for g in new], utterances, [utterances[g.source] for g in new])
    whole = nat.diversity([g.utterance for g in generated])
    return nat.Measure(found.utterances, found.slots, found.natural, whole)


def explain(utterances: Sequence[Utterance], pools: Pools) -> str:
    """The swaps the gates block, and why: per slot type, the intents whose values stay
    apart (Jaccard gate), its kinds and its sub-types, the joins of touching slots' words
    that the join gate blocks, then per slot occurrence context of
    the input (its neighbours and its value's kinds and sub-type), each value of its pool
    that does not fit it (context gate) or is of other kinds or another sub-type."""
    lines = []
    for slot, pairs in pools.jaccard.items():
        for (a, b), j in sorted(pairs.items()):
            if (a, b) not in pools.allowed[slot]:
                lines.append(
                    f"{slot}: the values of {a} and {b} stay apart: Jaccard index {j:.3f} "
                    "is below the threshold"
                )
    if pools.kinds is not None:
        lines += _kind_lines(pools.kinds)
    if pools.subtypes is not None:
        lines += _subtype_lines(pools.subtypes)
    lines += _join_lines(utterances, pools)
    found = sorted(
        {
            (
                u.intent,
                s.slot,
                left,
                right,
                pools.kind(s.slot, s.value) or "",
                pools.value_kinds(s.slot, s.value),
            )
            for u in utterances
            for s, (left, right) in zip(u.slots, ctx.neighbours(u))
        },
        key=lambda place: (*place[:5], _named(place[5])),
    )
    for intent, slot, left, right, kind, kinds in found:
        pool = pools.values[intent, slot]
        blocked = [
            (v, why) for v in pool if (why := _blocked(pools, slot, v, left, right, kind, kinds))
        ]
        if not blocked:
            continue
        place = "".join(
            f", in place of a value of {what}" for what in (_named(kinds), kind) if what
        )
        lines.append(
            f"{intent}: {slot} between {ctx.describe(left)} and {ctx.describe(right)}{place}: "
            f"{len(blocked)} of {len(pool)} values blocked"
        )
        lines += [f"  {v.text!r}: {why}" for v, why in blocked]
    return "".join(f"{line}\n" for line in lines)


def _join_lines(utterances: Sequence[Utterance], pools: Pools) -> list[str]:
    """Per pair of slot types that touch in the input (in an intent), the joins of their
    values' words that the join gate blocks, and why."""
    joins, touching = pools.joins, jn.touching
    if joins is None:
        return []
    lines = []
    places = sorted(
        {(u.intent, u.slots[i].slot, u.slots[i + 1].slot) for u in utterances for i in touching(u)}
    )
    for intent, first, second in places:
        lasts = sorted({ctx.edges(v.text)[1] for v in pools.values[intent, first]})
        firsts = sorted({ctx.edges(v.text)[0] for v in pools.values[intent, second]})
        meeting = [joins.meeting(last, word) for last in lasts for word in firsts]
        blocked = [j for j in meeting if not j.fits]
        if blocked:
            lines.append(
                f"{intent}: {first} then {second}, touching: {len(blocked)} of "
                f"{len(meeting)} joins of their words blocked"
            )
            lines += [f"  {j.reason()}" for j in blocked]
    return lines


def _named(kinds: kd.Kinds | None) -> str:
    """A value's kinds as `explain` names them: 'date^1 + date$2' ('-' for an end of no
    kind; '': kinds off, or no kind at either end)."""
    return "" if kinds is None or kinds == (None, None) else " + ".join(k or "-" for k in kinds)


def _kind_lines(kinds: kd.ValueKinds) -> list[str]:
    """Each slot type's kinds of first and last words, with their first words."""
    rule = (
        "kind{} of edge words, a value takes the place of one only with the same kind at each "
        "end of it that has one"
    )
    # a label is slot, position, number: `date$2`
    return _group_lines(
        kinds.members, lambda label: label.rstrip("0123456789")[:-1], rule, kinds.describe
    )


def _subtype_lines(subtypes: sub.SubTypes) -> list[str]:
    """Each slot type's sub-types, with their first values."""
    rule = "sub-type{} by context, values swap within their own"
    return _group_lines(
        subtypes.members, lambda label: label.rpartition("/")[0], rule, subtypes.describe
    )


def _group_lines(
    labels: Iterable[str], slot_of: Callable[[str], str], rule: str, describe: Callable
) -> list[str]:
    """One line per slot type: how many groups it has, the `rule` they follow (its `{}`
    the plural's s), and each group described."""
    by_slot: dict[str, list[str]] = {}
    for label in labels:
        by_slot.setdefault(slot_of(label), []).append(label)
    return [
        f"{slot}: {len(group)} {rule.format('s' * (len(group) != 1))}: "
        + "; ".join(describe(label) for label in group)
        for slot, group in by_slot.items()
    ]


def _blocked(
    pools: Pools,
    slot: str,
    value: Value,
    left: str,
    right: str,
    kind: str,
    kinds: kd.Kinds | None,
) -> str:
    """Why `value` may not fill an occurrence of `slot` between `left` and `right` in place
    of a value of sub-type `kind` and of kinds `kinds` ('' when it may)."""
    why = []
    if pools.gate is not None and not (fit := pools.gate.fit(slot, value.text, left, right)):
        why.append(pools.gate.reason(slot, fit))
    if kinds is not None and pools.kinds is not None:
        if not pools.kinds.compatible(slot, kinds, value.text):
            ends = pools.kinds.kinds(slot, value.text)
            shares = any(k is not None and k == e for k, e in zip(kinds, ends))
            other = any(k is not None and e is not None and k != e for k, e in zip(kinds, ends))
            if not other:  # its ends have no kind where the value there has one
                how = "of no kind at an end where there is one in"
            elif shares:
                how = "of another kind at its other end than"
            else:
                how = "sharing no end with"
            own = _named(ends) or "no kind"
            why.append(f"the kinds differ: it is of {own}, {how} {_named(kinds)}")
    subtypes = pools.subtypes
    if kind and subtypes is not None and not subtypes.compatible(slot, kind, value.text):
        other = subtypes.kind(slot, value.text) or ""
        why.append(f"the sub-types differ: it is of {subtypes.describe(other)}, not {kind}")
    return "; ".join(why)


def report(table: Plan, pools: Pools, measure: nat.Measure | None = None) -> str:
    """The Jaccard index of each slot type shared by intents (allowed pairs marked),
    the allocation table, and the output's naturalness and diversity (`measured`)."""
    lines = []
    for slot, pairs in pools.jaccard.items():
        if not pairs:
            continue
        lines.append(f"slot type {slot}: Jaccard index between intents")
        for (a, b), j in sorted(pairs.items()):
            mark = "swaps allowed" if (a, b) in pools.allowed[slot] else "blocked"
            lines.append(f"  {a} ~ {b}: {j:.3f} ({mark})")
    rows = [
        (str(s.pattern), s.count, s.carrier_entropy, s.complexity, k)
        for s, k in zip(table.stats, table.allocated)
    ]
    found = f"\n{measure}" if measure is not None else ""
    return "\n".join([*lines, ""]) + "\n" + dist.table(rows) + found


def _generate(
    sources: list[tuple[int, Utterance]],
    wanted: int,
    pools: Pools,
    draws: Draws,
    seen: set[tuple[str, str]],
) -> list[Generated]:
    made: list[Generated] = []
    attempts = 0
    joins = pools.joins
    follows: dict[tuple[int, int, str], list[Value]] = {}
    places: dict[int, tuple[list[list[Value]], list[tuple[str, str]], list[int]]] = {}
    drawn: set[tuple[int, ...]] = set()  # the record and the picks of each draw so far
    records: dict[tuple, dict] = {}  # a swap's record, per record, slot and values it meets
    while len(made) < wanted and attempts < PATIENCE * max(wanted, 1):
        attempts += 1
        number, source = sources[draws.below(len(sources))]
        if number not in places:
            places[number] = _places(source, number, pools)
        choosing, around, touching = places[number]
        drew = _draw(number, choosing, touching, joins, draws, follows)
        if drew is None or drew[0] in drawn or _repeats(source, drew[1]):  # seen, or a value twice
            continue
        picks, values = drew
        drawn.add(picks)
        utterance = swapped(source, values)
        key = _key(utterance)
        if key in seen:
            continue
        seen.add(key)
        swaps = []
        for i, (slot, value) in enumerate(zip(source.slots, values)):
            if value.text == slot.value:
                continue
            meets = (
                values[i - 1] if i - 1 in touching else None,
                values[i + 1] if i in touching else None,
            )
            place = (number, i, value, meets)
            if place not in records:
                joined = _joined(pools, values, touching, i)
                records[place] = _swap(pools, source.intent, slot, value, around[i], joined)
            swaps.append(records[place])
        made.append(Generated(utterance, number, swaps))
    return made


def _places(
    source: Utterance, number: int, pools: Pools
) -> tuple[list[list[Value]], list[tuple[str, str]], list[int]]:
    """What each slot of `source` (input record `number`) may draw, with the source's own
    value as written in place of the pool's form of it (the same once case-folded); the
    slots' neighbours; the slots that touch the next one."""
    joins = pools.joins
    touching = jn.touching(source) if joins is not None else []
    choosing = pools.occurrences(source)
    if joins is not None:
        choosing = joins.leading(choosing, touching, lambda v: v.text)
    written = []
    for slot, choices in zip(source.slots, choosing):
        own, norm = Value(slot.value, number, slot.canonical, source.intent), _norm(slot.value)
        written.append([own if _value_norm(v.text) == norm else v for v in choices])
    return written, ctx.neighbours(source), touching


def _draw(
    number: int,
    choosing: list[list[Value]],
    touching: list[int],
    joins: jn.JoinGate | None,
    draws: Draws,
    follows: dict[tuple[int, int, str], list[Value]],
) -> tuple[tuple[int, ...], list[Value]] | None:
    """A value for each slot of input record `number`, drawn from what each may take
    (`choosing`), and the draw's picks: the record's number, then the place of each value in what
    its slot drew from (the same picks, the same values). A slot that touches the one
    before it draws only from the values that may follow the value drawn there
    (`follows` keeps them, per record, slot and value). None when none may."""
    picks, values = [number], []
    for i, choices in enumerate(choosing):
        if joins is not None and i - 1 in touching:
            before = values[-1].text
            key = (number, i, _value_norm(before))
            if key not in follows:
                follows[key] = joins.following(before, choices, lambda v: v.text)
            choices = follows[key]
            if not choices:
                return None
        pick = draws.below(len(choices))
        picks.append(pick)
        values.append(choices[pick])
    return tuple(picks), values


def _repeats(source: Utterance, values: Sequence[Value]) -> bool:
    """Whether one value is drawn for two slots of `source` that held different values
    ("what concerts or concerts are on"): the same value twice says nothing twice."""
    if len(values) < 2:
        return False
    drawn = {_value_norm(v.text) for v in values}
    return len(drawn) < len({_value_norm(s.value) for s in source.slots})


def _joined(pools: Pools, values: Sequence[Value], touching: Sequence[int], i: int) -> dict:
    """The join gate's scores of slot `i` where it touches the slot before (`join before`)
    or after it (`join after`): times its words were seen side by side, and times the
    rarer of them was seen."""
    if pools.joins is None or not touching:
        return {}
    found = {}
    if i - 1 in touching:
        found["join before"] = pools.joins.join(values[i - 1].text, values[i].text).score
    if i in touching:
        found["join after"] = pools.joins.join(values[i].text, values[i + 1].text).score
    return found


def _swap(
    pools: Pools,
    intent: str,
    slot: SlotValue,
    value: Value,
    around: tuple[str, str],
    joined: dict,
) -> dict:
    """A swap's provenance: the slot, its value before and after, where the new value was
    seen, the gates' scores: the context gate's (per side, times seen and expected), the
    join gate's where the slot touches another (`_joined`) and the Jaccard index when the
    value comes from another intent; the kinds of the value before and after, and their
    sub-types."""
    record: dict = {"slot": slot.slot, "from": slot.value, "to": value.text, "source": value.source}
    gate = pools.gate.scores(slot.slot, value.text, *around) if pools.gate else {}
    if joined:
        gate = {**gate, **joined}
    if value.intent is not None and value.intent != intent:
        gate = {**gate, "jaccard": round(pools.index(slot.slot, intent, value.intent), 6)}
    if gate:
        record["gate"] = gate
    if pools.kinds is not None:
        record["kinds"] = [
            list(pools.kinds.kinds(slot.slot, slot.value)),
            list(pools.kinds.kinds(slot.slot, value.text)),
        ]
    if pools.subtypes is not None:
        record["subtypes"] = [pools.kind(slot.slot, slot.value), pools.kind(slot.slot, value.text)]
    return record
