"""Reorderable modifiers: slot phrases that the golden utterances say in several orders
("for {party_size} people at {time}" and "at {time} for {party_size} people") become one
class, said in any order, each phrase at most once.

A *unit* is a slot with the words that cling to it: at most two words before it that the
data often puts before its slot type, starting with a word that links two slots
elsewhere ("at", "in the"), and one word after it ("people"). Units one directly after
another make a *run*. Two slot types are reordered when runs show each before the other.
The class holds the reordered types that are mostly introduced by a linking word, and
the types introduced so that a run says together with them (their order is implied).
Every run of two or more class units in a golden utterance becomes one symbol,
`$modifiers`, that the automaton merges like any other: "book a table $modifiers"
learns from every order at once.

`$modifiers` is written as a choice of a first unit, then optionally the rule of the
units still allowed: each type at most once (no phrase repeats), only types the data
says together in one utterance (party sizes in words and in digits never meet), and no
more units than the longest run seen. The rules are indexed by the set of types still
allowed, so the language is finite and small: at most one rule per such set.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..grm import ast as g
from .automaton import Symbol
from .incorporate import as_name
from .search import Step
from .writer import alternation, sequence

Path = tuple[Symbol, ...]
MIN_USES = 2  # a clinging word is one the data puts beside the slot type this often
SHORTEST = 2  # units in a run that becomes the class: where the data shows an order
MOST_TYPES = 6  # slot types in the class, the most frequent (bounds the rules written)
NAME = "modifiers"


@dataclass(frozen=True)
class Unit:
    """A slot and the words clinging to it, at `start` .. `end` of its path."""

    before: tuple[str, ...]
    slot: str
    after: tuple[str, ...]
    start: int
    end: int


@dataclass
class Modifiers:
    """The class learned for one intent: its units' phrasings with counts, which types
    meet in an utterance, the longest run, and how often a run goes on after k units."""

    phrasings: dict[str, Counter[tuple[tuple[str, ...], tuple[str, ...]]]]
    meets: dict[str, set[str]]
    longest: int
    orders: Counter[tuple[str, ...]]  # the runs seen, as their types in order
    goes_on: list[float] = field(default_factory=list)  # by units said so far, from 1


def learn(paths: Sequence[Path]) -> Modifiers | None:
    """The class of reordered slot types in `paths`, or None when no two are reordered:
    the types runs show in both orders, and the prepositional ones ("in {city}") that a
    run says together with another (their order is implied)."""
    clinging = _Clinging(paths)
    runs = [run for path in paths for run in _runs(clinging.units(path))]
    seen = {(a.slot, b.slot) for run in runs for a, b in zip(run, run[1:])}
    reordered = {a for a, b in seen if a != b and (b, a) in seen}
    introduced, units = Counter(), Counter()
    for run in runs:
        units.update(u.slot for u in run)
        introduced.update(u.slot for u in run if u.before)
    prepositional = {slot for slot, n in introduced.items() if 2 * n >= units[slot]}
    reordered &= prepositional
    if not reordered:
        return None
    mates = {
        u.slot
        for run in runs
        if sum(v.slot in prepositional for v in run) > 1
        for u in run
        if u.slot in prepositional
    }
    uses = Counter(u.slot for run in runs for u in run if u.slot in reordered | mates)
    kept = set(sorted(uses, key=lambda s: (-uses[s], s))[:MOST_TYPES])
    phrasings: dict[str, Counter] = {slot: Counter() for slot in sorted(kept)}
    meets: dict[str, set[str]] = {slot: set() for slot in kept}
    orders: Counter[tuple[str, ...]] = Counter()
    for path in paths:
        units_here = [u for u in clinging.units(path) if u.slot in kept]
        for u in units_here:
            meets[u.slot] |= {v.slot for v in units_here if v.slot != u.slot}
        for run in _class_runs(clinging.units(path), kept, SHORTEST):
            orders[tuple(u.slot for u in run)] += 1
            for u in run:
                phrasings[u.slot][u.before, u.after] += 1
    if not orders:
        return None
    lengths = Counter({size: 0 for size in range(1, max(map(len, orders)) + 1)})
    for order, n in orders.items():
        lengths[len(order)] += n
    longest = max(lengths)
    goes_on = [
        sum(n for size, n in lengths.items() if size > k)
        / sum(n for size, n in lengths.items() if size >= k)
        for k in range(1, longest)
    ]
    return Modifiers(phrasings, meets, longest, orders, goes_on)


def rewrite(
    paths: Sequence[Path], modifiers: Modifiers, symbol_for: Callable[[frozenset[str]], Symbol]
) -> list[Path]:
    """`paths` with every run of class units replaced by the symbol of the types it may
    say (`symbol_for`): its own, and for the first run of a path the types the path says
    nowhere, so that a path says no type twice that its golden utterance says once ("for
    {size} people at a restaurant $modifiers" would say "for 4 people at a restaurant for
    2 people")."""
    clinging = _Clinging(paths)
    kept = frozenset(modifiers.phrasings)
    rewritten = []
    for path in paths:
        free = kept - {s.name for s in path if s.slot and not s.rule}
        out: list[Symbol] = []
        position = 0
        for run in _class_runs(clinging.units(path), kept, SHORTEST):
            out += [*path[position : run[0].start], symbol_for(free | {u.slot for u in run})]
            position, free = run[-1].end, frozenset()
        rewritten.append((*out, *path[position:]))
    return rewritten


def induce_modifiers(
    paths: dict[str, list[Path]],
    reserve: Callable[[str], str],
    trace: Callable[[Step], None],
    holds: dict[Symbol, list[str]],
) -> tuple[dict[str, list[Path]], list[g.Rule]]:
    """Each intent's paths with its modifiers as one symbol, and the rules that say them.
    `reserve` turns a wanted rule name into a free one; `holds` gets each symbol's slot
    types."""
    rules: list[g.Rule] = []
    out = {}
    for intent, mine in paths.items():
        modifiers = learn(mine)
        if modifiers is None:
            out[intent] = mine
            continue
        written = _Writer(modifiers, reserve)
        out[intent] = rewrite(mine, modifiers, functools.partial(_symbol, written, holds))
        rules += written.rules
        types = ", ".join(f"{{{slot}}}" for slot in modifiers.phrasings)
        trace(
            Step(
                "reorder",
                intent,
                f"{types} in any order, at most {modifiers.longest} → ${written.top}",
            )
        )
    return out, rules


def _symbol(written: _Writer, holds: dict[Symbol, list[str]], allowed: frozenset[str]) -> Symbol:
    """The symbol of the rule that says a run of types of `allowed` (in `holds`)."""
    symbol = Symbol(written.start(allowed), slot=True, rule=True)
    holds[symbol] = sorted(allowed)
    return symbol


class _Clinging:
    """The words the data puts right before and right after each slot type."""

    def __init__(self, paths: Sequence[Path]):
        before: Counter[tuple[str, tuple[str, ...]]] = Counter()
        after: Counter[tuple[str, str]] = Counter()
        for path in paths:
            for i, symbol in enumerate(path):
                if not symbol.slot:
                    continue
                words = _words_before(path, i)
                for size in (1, 2):
                    if len(words) >= size:
                        before[symbol.name, words[-size:]] += 1
                if i + 1 < len(path) and not path[i + 1].slot:
                    after[symbol.name, path[i + 1].name] += 1
        # words that link two slots ("{city} in {state}"): prepositions, not verbs
        linking = {
            path[i].name
            for path in paths
            for i in range(1, len(path) - 1)
            if path[i - 1].slot and path[i + 1].slot and not path[i].slot
        }
        # two words between two slots ("{value} out of {best}") link them too
        gaps = {
            (path[i - 1].name, path[i].name)
            for path in paths
            for i in range(2, len(path) - 1)
            if path[i - 2].slot and path[i + 1].slot and not (path[i - 1].slot or path[i].slot)
        }
        self.before = {
            key
            for key, n in before.items()
            if n >= MIN_USES and _spoken(key[1]) and (key[1][0] in linking or key[1] in gaps)
        }
        self.after = {
            key
            for key, n in after.items()
            if n >= MIN_USES and _spoken((key[1],)) and key[1] not in linking
        }

    def units(self, path: Path) -> list[Unit]:
        """The units of `path`, left to right. The words before a slot go to it first
        ("out of {best}"), except a word that clings to the slot before ("people")."""
        slots = [i for i, symbol in enumerate(path) if symbol.slot]
        befores: dict[int, tuple[str, ...]] = {}
        for n, i in enumerate(slots):
            words = _words_before(path, i)
            previous = path[slots[n - 1]].name if n and slots[n - 1] == i - len(words) - 1 else None
            for size in (2, 1):
                candidate = words[-size:] if len(words) >= size else ()
                if (path[i].name, candidate) in self.before and not (
                    size == len(words) and (previous, candidate[0]) in self.after
                ):
                    befores[i] = candidate
                    break
        units: list[Unit] = []
        for n, i in enumerate(slots):
            before = befores.get(i, ())
            after: tuple[str, ...] = ()
            following = path[i + 1] if i + 1 < len(path) else None
            taken = (
                n + 1 < len(slots) and slots[n + 1] - len(befores.get(slots[n + 1], ())) <= i + 1
            )
            if following and not taken and (path[i].name, following.name) in self.after:
                after = (following.name,)
            units.append(Unit(before, path[i].name, after, i - len(before), i + 1 + len(after)))
        return units


def _spoken(words: tuple[str, ...]) -> bool:
    """Whether every word has a letter or digit: punctuation clings to no slot."""
    return all(any(c.isalnum() for c in word) for word in words)


def _words_before(path: Path, i: int) -> tuple[str, ...]:
    """The words right before position `i`, back to the slot before it."""
    start = i
    while start > 0 and not path[start - 1].slot:
        start -= 1
    return tuple(s.name for s in path[start:i])


def _runs(units: list[Unit]) -> list[list[Unit]]:
    """Maximal chains of units, each starting where the one before ends."""
    runs: list[list[Unit]] = []
    for unit in units:
        if runs and runs[-1][-1].end == unit.start:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    return runs


def _class_runs(units: list[Unit], kept: set[str], shortest: int) -> list[list[Unit]]:
    """The runs of class units of `shortest` units or more, each type once: a run that
    says a type twice stays as the data says it (the class never repeats a phrase)."""
    return [
        run
        for run in _runs([u for u in units if u.slot in kept])
        if len(run) >= shortest and len({u.slot for u in run}) == len(run)
    ]


class _Writer:
    """The rules of a class: one per slot type (its phrasings) and one per set of types
    still allowed, from the top rule down."""

    def __init__(self, modifiers: Modifiers, reserve: Callable[[str], str]):
        self.modifiers, self.reserve = modifiers, reserve
        self.rules: list[g.Rule] = []
        self.phrase = {
            slot: reserve(as_name(f"{slot.casefold()}_phrase")) for slot in modifiers.phrasings
        }
        self.rest: dict[tuple[frozenset[str], int], str] = {}
        self.top = reserve(NAME)
        everything = frozenset(modifiers.phrasings)
        orders = modifiers.orders
        once = sum(n == 1 for n in orders.values())
        if once == len(orders):
            top = self._choice(self.top, everything, 0, "in any order, each once")
        else:
            # Good-Turing: runs in an order seen once say how often an unseen order comes
            seen = g.RuleRef(self.reserve(f"{NAME}_as_seen"))
            anyhow = g.RuleRef(self.reserve(f"{NAME}_in_any_order"))
            ranked = sorted(orders, key=lambda o: (-orders[o], o))
            as_seen = [
                (sequence([g.RuleRef(self.phrase[slot]) for slot in order]), orders[order])
                for order in ranked
            ]
            self.rules.insert(0, self._choice(anyhow.name, everything, 0, "each once"))
            self.rules.insert(0, g.Rule(seen.name, alternation(as_seen), comment="as said"))
            top = g.Rule(
                self.top,
                alternation([(seen, orders.total() - once), (anyhow, max(once, 1))]),
                comment="in the orders seen, or in any order",
            )
        self.rules.insert(0, top)  # after the rules it uses were added: readers meet it first
        for slot, counts in modifiers.phrasings.items():
            self.rules.append(self._phrasings(slot, counts))

    def _choice(self, name: str, allowed: frozenset[str], said: int, comment: str) -> g.Rule:
        """`name`: one unit of `allowed`, then maybe the rule of what may follow it."""
        options = []
        for slot in sorted(allowed, key=lambda s: (-self._uses(s), s)):
            items: list[g.Expr] = [g.RuleRef(self.phrase[slot])]
            left = frozenset(allowed & self.modifiers.meets[slot]) - {slot}
            if left and said + 1 < self.modifiers.longest:
                more = g.RuleRef(self._rest(left, said + 1))
                items.append(g.OptionalPart(more, probability=_chance(self.modifiers, said + 1)))
            options.append((sequence(items), self._uses(slot)))
        return g.Rule(name, alternation(options), comment=comment)

    def start(self, allowed: frozenset[str]) -> str:
        """The rule that says a run of types of `allowed`: the top rule when that is every
        type, else one of its own (for a place where the others are said already)."""
        return self.top if allowed == set(self.modifiers.phrasings) else self._rest(allowed, 0)

    def _rest(self, allowed: frozenset[str], said: int) -> str:
        key = (allowed, said)
        if key not in self.rest:
            words = "_".join(sorted(s.casefold() for s in allowed))
            name = self.rest[key] = self.reserve(as_name(f"{'then' if said else NAME}_{words}"))
            comment = f"{' or '.join(sorted(allowed))}, each once"
            self.rules.append(self._choice(name, allowed, said, comment))
        return self.rest[key]

    def _uses(self, slot: str) -> int:
        return self.modifiers.phrasings[slot].total()

    def _phrasings(self, slot: str, counts: Counter) -> g.Rule:
        options = [
            (sequence([*map(g.Word, before), g.SlotRef(slot), *map(g.Word, after)]), n)
            for (before, after), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return g.Rule(self.phrase[slot], alternation(options), comment=f"{counts.total()} uses")


def _chance(modifiers: Modifiers, said: int) -> float:
    """The probability that a run goes on after `said` units, kept inside (0, 1)."""
    return min(max(round(modifiers.goes_on[said - 1], 3), 0.001), 0.999)
