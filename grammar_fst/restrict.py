"""Semantic patterns of a compiled grammar, for `sample --allocate`: which sets of slot
types each intent can produce, the intent restricted to one set, and the entropies that
size each pattern's share (as `distribution` does for annotated data).

An intent restricted to a pattern is the intent composed with an acceptor on its output
tape that lets each slot type of the pattern in at least once and no other slot type.
Its probability mass is the pattern's probability; the sampler renormalizes it, so
sampling the restricted intent is sampling the intent given the pattern.

Entropies are those of the path distributions, exactly: for an acyclic FST whose choice
probabilities are pushed (the sampler's table), the entropy is the sum over states of
the probability of reaching the state times the entropy of its choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pynini

from . import labels, openfst
from .compiler import CompiledFsts
from .distribution import Pattern
from .sampler import Walker


@dataclass
class GrammarPattern:
    """An intent restricted to one set of slot types, and how varied it is."""

    pattern: Pattern
    fst: pynini.Fst
    carrier_entropy: float  # of the restricted intent, slots taken as single symbols
    complexity: float  # carrier entropy plus the entropies of the slot classes


def slot_sets(fst: pynini.Fst, opens: dict[int, str]) -> list[tuple[str, ...]]:
    """The sets of slot types (sorted tuples) the paths of `fst` open, sorted."""
    if fst.start() < 0:
        return []
    zero = pynini.Weight.zero(fst.weight_type())
    seen, stack, found = set(), [(fst.start(), frozenset())], set()
    while stack:
        state, slots = stack.pop()
        if (state, slots) in seen:
            continue
        seen.add((state, slots))
        if fst.final(state) != zero:
            found.add(tuple(sorted(slots)))
        for arc in fst.arcs(state):
            name = opens.get(arc.olabel)
            stack.append((arc.nextstate, slots | {name} if name else slots))
    return sorted(found)


def restricted(fst: pynini.Fst, opens: dict[int, str], wanted: tuple[str, ...]) -> pynini.Fst:
    """`fst` with only the paths whose slot types are exactly `wanted`: composed with an
    acceptor that lets no other slot type in, then with one per wanted slot type that
    needs it at least once. One composition at a time keeps only the reachable part of the
    product, where a single filter over all subsets would have 2^len(wanted) states."""
    symbols = {arc.olabel for state in fst.states() for arc in fst.arcs(state)} - {0}
    allowed = sorted(s for s in symbols if s not in opens or opens[s] in wanted)
    one = pynini.Weight.one(fst.weight_type())

    def needing(slot: str | None) -> pynini.Fst:
        """Paths over `allowed` (that open `slot` at least once, if given)."""
        acceptor = pynini.Fst(arc_type=fst.arc_type())
        acceptor.add_states(1 if slot is None else 2)
        acceptor.set_start(0)
        acceptor.set_final(acceptor.num_states() - 1)
        for state in acceptor.states():
            for symbol in allowed:
                opened = slot is not None and opens.get(symbol) == slot
                acceptor.add_arc(state, pynini.Arc(symbol, symbol, one, 1 if opened else state))
        return acceptor.arcsort("ilabel")

    with openfst.captured(f"restricting to the slots {', '.join(wanted) or 'none'}"):
        result = pynini.compose(fst, needing(None))
        for slot in wanted:
            result = pynini.compose(result, needing(slot))
            result.connect()
        return openfst.optimize(result)


def path_entropy(walker: Walker, start: int) -> float:
    """Entropy in bits of the path distribution from `start` (one FST of the table)."""
    if start < 0:
        return 0.0
    reach = {start: 1.0}
    total = 0.0
    for state in reversed(openfst.post_order(start, walker.successors)):
        p = reach.get(state, 0.0)
        if p == 0:
            continue
        first, last = walker.choice_start[state], walker.choice_start[state + 1]
        log_p = walker.log_prob[first:last]
        live = log_p > -math.inf
        q = np.exp(log_p[live])
        total += p * float(-(q * log_p[live]).sum()) / math.log(2)
        arcs = walker.choice_arc[first:last][live]
        for arc, share in zip(arcs.tolist(), q.tolist()):
            if arc >= 0:  # into a slot class, the walk goes on after it: classes apart
                nxt = int(walker.nextstate[arc])
                reach[nxt] = reach.get(nxt, 0.0) + p * share
    return total


def grammar_patterns(
    fsts: CompiledFsts, walker: Walker, intents: list[str]
) -> list[GrammarPattern]:
    """Every (intent, set of slot types) the chosen intents can produce, with complexity
    (`walker` is the grammar's own; each intent's patterns are made once per grammar)."""
    slot_entropy = {
        n: fsts.memo("entropy", n, lambda n=n: path_entropy(walker, walker.class_start[n]))
        for n in fsts.slots
    }
    # a restricted intent needs only the slot classes' masses, not their paths
    masses = {
        name: openfst.chain([], -mass) if mass > -math.inf else openfst.empty()
        for name, mass in walker.class_log_mass.items()
    }
    found = []
    for intent in intents:
        for pattern, fst, h in fsts.memo(
            "patterns", intent, lambda i=intent: _patterns(fsts, i, masses)
        ):
            complexity = h + sum(slot_entropy[s] for s in pattern.slots)
            found.append(GrammarPattern(pattern, fst, h, complexity))
    return found


def _patterns(fsts: CompiledFsts, intent: str, masses: dict[str, pynini.Fst]) -> list:
    """(pattern, restricted intent, its carrier entropy) for each pattern of `intent`."""
    opens = {fsts.symbols.find(labels.slot_open(n)): n for n in fsts.slots}
    found = []
    for wanted in slot_sets(fsts.intents[intent], opens):
        fst = restricted(fsts.intents[intent], opens, wanted)
        alone = Walker(CompiledFsts(fsts.symbols, {intent: fst}, masses))
        if alone.has_paths(intent):  # not only through options weighted <0>
            found.append((Pattern(intent, wanted), fst, path_entropy(alone, alone.start[intent])))
    return found
