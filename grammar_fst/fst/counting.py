"""How many sentences a grammar has, and how many ways it has of saying each.

Derivations (paths through the network) are counted by dynamic programming over the
rules, callees first: per FST, the paths from each state, a nonterminal arc counting as
many paths as the FST it enters. That never expands a rule, so any grammar is counted
at once. Distinct sentences need determinization: each FST's minimal acceptor, built
on its callees' (see `language`), only where the flat form and each determinization
fit a budget of states, and each determinization a budget of steps
(`openfst.subsets_fit`);
otherwise the number of derivations is given as an upper bound.

Counts are exact Python ints up to `HUGE_BITS` bits and then `Huge`, a base-10
logarithm, so that a grammar of doubling rules gives a figure instead of a number of
millions of digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pynini

from .. import progress
from ..defaults import DEFAULT_BUDGET
from ..text import tokens
from . import openfst
from .compiler import CompiledFsts, Key, call_order, callees, flat_size

HUGE_BITS = 100_000
DECIMAL_DIGITS = 4_300  # Python's limit for int-to-text conversion


@dataclass(frozen=True)
class Huge:
    """A number too large to keep exactly, by its base-10 logarithm; it adds to and
    multiplies with ints and other Huge numbers (approximately)."""

    log10: float

    def __add__(self, other: Number) -> Number:
        low, high = sorted((self.log10, log10(other)))
        return Huge(high + math.log10(1 + 10 ** (low - high)))

    __radd__ = __add__

    def __mul__(self, other: Number) -> Number:
        return 0 if other == 0 else Huge(self.log10 + log10(other))

    __rmul__ = __mul__


Number = int | Huge


def log10(n: Number) -> float:
    """The base-10 logarithm of a count (-inf for 0)."""
    if isinstance(n, Huge):
        return n.log10
    return math.log10(n) if n > 0 else -math.inf


def tamed(n: Number) -> Number:
    """`n`, as a Huge once it has more than HUGE_BITS bits."""
    return Huge(math.log10(n)) if isinstance(n, int) and n.bit_length() > HUGE_BITS else n


def shown(n: Number) -> str:
    """A count as text: decimal, or scientific (3 significant digits) when too long."""
    if isinstance(n, int) and n.bit_length() * math.log10(2) < DECIMAL_DIGITS - 1:
        return str(n)
    exponent = math.floor(log10(n))
    mantissa = f"{10 ** (log10(n) - exponent):.2f}"
    if mantissa == "10.00":  # rounded up to the next power of ten
        mantissa, exponent = "1.00", exponent + 1
    return f"{mantissa}e+{exponent}"


@dataclass(frozen=True)
class Count:
    """A number of distinct sentences: exactly `value`, or, when not `exact`, at most
    `value` (then `why` says what was counted instead and why)."""

    value: Number
    exact: bool = True
    why: str = ""

    def __str__(self) -> str:
        if self.exact:
            return shown(self.value)
        return f"at most {shown(self.value)} ({self.why})"

    def number(self) -> int | float:
        """`value` as a Python number: an int, or infinity for a Huge."""
        return self.value if isinstance(self.value, int) else math.inf


def proportions(counts: dict[str, Count]) -> dict[str, int | float]:
    """The counts as weights to share by: the numbers themselves while they are ints,
    else their ratios to the largest (a Huge has no exact value)."""
    if all(isinstance(c.value, int) for c in counts.values()):
        return {name: c.value for name, c in counts.items()}
    top = max(log10(c.value) for c in counts.values())
    return {name: 10 ** (log10(c.value) - top) for name, c in counts.items()}


def derivations(fsts: CompiledFsts) -> dict[Key, Number]:
    """The number of paths of every intent, rule and slot class, nonterminals entered
    (cached with the grammar's FSTs). Arcs and final states of probability zero do not
    count: the sampler never takes them."""

    def build() -> dict[Key, Number]:
        nonterminals = fsts.memo("nonterminals", "", fsts.nonterminals)
        found: dict[Key, Number] = {}
        for key in [*call_order(fsts), *(("intent", n) for n in sorted(fsts.intents))]:
            found[key] = _paths(openfst.arrays(fsts.fst(key)), nonterminals, found)
        return found

    return fsts.memo("derivations", "", build)


def _paths(fst: openfst.Arrays, nonterminals: dict, counted: dict[Key, Number]) -> Number:
    """Paths from the start of one acyclic FST, an arc into a counted FST taken as many
    ways as it has paths."""
    if fst.start < 0:
        return 0
    ways: list[Number] = np.where(fst.weight < math.inf, 1, 0).tolist()
    calls = np.flatnonzero((fst.ilabel == fst.olabel) & np.isin(fst.ilabel, list(nonterminals)))
    for arc in calls.tolist():
        if ways[arc]:
            ways[arc] = counted[nonterminals[int(fst.ilabel[arc])]]
    final = (fst.final < math.inf).tolist()
    bounds, nextstate = fst.arc_start.tolist(), fst.nextstate.tolist()
    source = np.repeat(np.arange(fst.num_states()), np.diff(fst.arc_start))
    if np.all(fst.nextstate > source):  # topologically sorted, as compiled FSTs are
        order: list[int] = list(range(fst.num_states() - 1, -1, -1))
    else:
        order = openfst.post_order(fst.start, lambda s: nextstate[bounds[s] : bounds[s + 1]])
    paths: list[Number] = [0] * fst.num_states()
    for state in order:
        total: Number = 1 if final[state] else 0
        for arc in range(bounds[state], bounds[state + 1]):
            if ways[arc]:
                total += ways[arc] * paths[nextstate[arc]]
        paths[state] = tamed(total)
    return paths[fst.start]


def sentences(fsts: CompiledFsts, intent: str, budget: int = DEFAULT_BUDGET) -> pynini.Fst | None:
    """A minimal deterministic unweighted acceptor of the intent's surface sentences, or
    None when it does not fit `budget` (see `language`)."""
    return language(fsts, intent, "input", budget)


def readings(fsts: CompiledFsts, intent: str, budget: int = DEFAULT_BUDGET) -> pynini.Fst | None:
    """The intent's distinct readings as an unweighted transducer, one path per (input,
    output) label sequence, or None when it does not fit `budget` (see `language`)."""
    return language(fsts, intent, "pairs", budget)


def language(fsts: CompiledFsts, intent: str, side: str, budget: int) -> pynini.Fst | None:
    """The minimal deterministic unweighted FST of the intent's surface sentences (`side`
    "input") or of its readings ("pairs"), or None when the flat form would exceed
    `budget` states or determinizing a part of it reaches `budget` states.

    The flat form is never made: the intent's rules and slot classes are done callees
    first, each FST with its nonterminal arcs replaced by its callees' minimal FSTs and
    then determinized and minimized (cached for the other intents)."""
    if flat_size(fsts, intent) > budget:
        return None
    made = fsts.memo(f"{side} languages within {budget}", "", dict)
    if ("intent", intent) in made:  # check asks again for each pair of intents
        return made[("intent", intent)]
    nonterminals = fsts.memo("nonterminals", "", fsts.nonterminals)
    root = fsts.symbols.available_key()  # a label no FST uses
    reached = _reached(fsts, ("intent", intent))
    for key in [*call_order(fsts), ("intent", intent)]:
        if key in reached and key not in made:
            with openfst.captured(f"counting the sentences of {key[0]} {key[1]}"):
                made[key] = _language(fsts.fst(key), side, nonterminals, made, root, budget)
    return made[("intent", intent)]


def _reached(fsts: CompiledFsts, first: Key) -> set[Key]:
    """`first` and every rule and slot class its FST enters, directly or not."""
    reached, stack = {first}, [first]
    while stack:
        for callee in callees(fsts, stack.pop()):
            if callee not in reached:
                reached.add(callee)
                stack.append(callee)
    return reached


def _language(
    fst: pynini.Fst,
    side: str,
    nonterminals: dict[int, Key],
    made: dict[Key, pynini.Fst | None],
    root: int,
    budget: int,
) -> pynini.Fst | None:
    """One FST as a minimal unweighted FST of its `side`, its callees from `made`; None
    when a callee is None or determinizing reaches `budget` states."""
    arcs = openfst.arrays(fst)
    entered = set(arcs.ilabel[arcs.ilabel == arcs.olabel].tolist()) & nonterminals.keys()
    parts = {label: made[nonterminals[label]] for label in sorted(entered)}
    if any(part is None for part in parts.values()):
        return None
    fst = pynini.arcmap(fst, map_type="rmweight")
    fst = pynini.arcmap(fst, map_type="to_std")
    if side == "input":
        fst.project("input")
    if parts:
        fst = pynini.replace(
            [(root, fst), *parts.items()],
            call_arc_labeling="neither",
            return_arc_labeling="neither",
        )
    fst.rmepsilon()
    if side == "input":
        return _determinized(fst, budget)
    mapper = pynini.EncodeMapper("standard", True, False)
    fst.encode(mapper)
    fst = _determinized(fst, budget)
    if fst is not None:
        fst.decode(mapper)
    return fst


def _determinized(fst: pynini.Fst, budget: int) -> pynini.Fst | None:
    """The minimal deterministic form of an unweighted tropical acceptor, or None when
    determinizing it reaches `budget` states (OpenFst stops there) or would take more
    than `openfst.SUBSET_STEPS` x `budget` steps (`openfst.subsets_fit`)."""
    if not openfst.subsets_fit(fst, budget):
        return None
    deterministic = pynini.determinize(fst, nstate=budget)
    if deterministic.num_states() >= budget:
        return None
    return deterministic.minimize().topsort()


def count_strings(acceptor: pynini.Fst) -> Number:
    """The number of paths of an acyclic acceptor without nonterminals."""
    return _paths(openfst.arrays(acceptor), {}, {})


def over_budget(budget: int) -> str:
    """Why a count is the number of derivations."""
    return (
        f"derivations: the flat form or its determinization exceeds the budget of {budget:,} "
        "states, so a sentence said in several ways counts more than once"
    )


def counts(
    fsts: CompiledFsts, intents: list[str], budget: int = DEFAULT_BUDGET
) -> tuple[dict[str, Count], Count]:
    """Distinct sentences per intent, and in all (a sentence in two intents counts once);
    exact where the flat forms fit `budget`, else upper bounds."""
    paths = derivations(fsts)
    acceptors = {
        name: sentences(fsts, name, budget)
        for name in progress.steps(intents, len(intents), "intents")
    }
    per_intent = {
        name: Count(paths[("intent", name)], False, over_budget(budget))
        if acceptor is None
        else Count(count_strings(acceptor))
        for name, acceptor in acceptors.items()
    }
    bound: Number = 0
    for count in per_intent.values():
        bound = tamed(bound + count.value)
    if not all(c.exact for c in per_intent.values()):
        return per_intent, Count(bound, False, over_budget(budget))
    with openfst.captured("counting all intents"):
        union = _determinized(pynini.union(*acceptors.values()).rmepsilon(), budget)
    if union is None:
        why = f"the sum over intents: their union exceeds the budget of {budget:,} states"
        return per_intent, Count(bound, False, why)
    return per_intent, Count(count_strings(union))


def most_readings(
    fsts: CompiledFsts, intent: str, budget: int = DEFAULT_BUDGET
) -> tuple[str | None, int] | None:
    """The sentence of `intent` with the most distinct readings, and how many it has;
    None when its readings do not fit `budget` states (see `languages`).

    Every distinct reading is one path of weight 0 (probability 1); determinizing the
    input projection in the log semiring then sums them, so a sentence's weight is
    -log(number of readings) and the shortest path is the most ambiguous sentence.
    Determinizing the words may make exponentially many subsets of the readings' states
    (a thousand uses of one ambiguous slot in a row took 24 GB and half an hour), and
    OpenFst cannot stop a determinization in the log semiring at a number of states: the
    subsets of states are bounded first (`openfst.subsets_fit`; a subset may come back
    with other residual weights, so the states made may be somewhat more), and None is
    the answer beyond `budget`.
    """
    distinct = readings(fsts, intent, budget)
    if distinct is None:
        return None
    with openfst.captured(f"looking for ambiguity in intent {intent}"):
        words = pynini.arcmap(distinct, map_type="to_log").project("input").rmepsilon()
        if not openfst.subsets_fit(words, budget):
            return None
        per_sentence = pynini.determinize(words)
        best = pynini.shortestpath(pynini.arcmap(per_sentence, map_type="to_std"))
    if best.start() < 0:
        return None, 0
    weight = float(pynini.shortestdistance(best, reverse=True)[best.start()])
    return path_text(best, fsts.symbols), round(math.exp(-weight))


def path_text(path: pynini.Fst, symbols: pynini.SymbolTable) -> str:
    """The input words of a one-path FST (as shortestpath returns), as text: spelled as
    sampling spells them (no space where the scripts write none, `tokens.join`), so that
    the sentence a diagnostic shows is one the grammar says."""
    return tokens.join([symbols.find(i) for i, _ in openfst.single_path(path) if i])
