"""Semantic patterns of a compiled grammar, for `sample --allocate`: which sets of slot
types each intent can produce, the intent restricted to one set, and the entropies that
size each pattern's share (as `distribution` does for annotated data).

All of it works on the network, never on a flat intent. Dynamic programming over the rule
DAG, callees first, gives per state of each FST the slot sets (bit masks) its paths to
the end can add, and for each set the probability of those paths and the entropy of
their derivations given the set; an arc into a rule adds any set of the rule's own, with
its figures. So every pattern of an intent comes with its probability and its entropy
without building anything.

Only a pattern that is sampled is built: its intent times the subsets of the pattern
(state `(q, A)`: at q with the slot types A added so far), trimmed to the paths that add
exactly the pattern; an arc into a rule that must add the set T there enters the rule
specialized to T, built the same way once for all the patterns that need it (a rule that
can add only one set is entered as it is). Weights are kept, so the restricted intent's
mass is the pattern's probability; the sampler renormalizes it, so sampling the
restricted intent is sampling the intent given the pattern.

Entropies are those of the derivations, exactly (the chain rule: the sum over states of
the expected visits times the entropy of the state's choice): a walk into a rule goes on
inside it, while slot classes stay apart (taken as single symbols; a pattern's complexity
adds their entropies). Where no two derivations spell the same labels, as in most
grammars, this is the entropy of the sentences; where some do (a rule that may say
nothing, under an optional), it bounds it from above.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pynini

from ..data.distribution import Pattern
from ..fst import labels, openfst
from ..fst.compiler import CompiledFsts, Key, call_order
from .walker import Walker, _heights

LN2 = math.log(2)


@dataclass
class GrammarPattern:
    """An intent restricted to one set of slot types, and how varied it is: `name` is
    its intent in the restricted network (`Patterns.network`)."""

    pattern: Pattern
    name: str
    probability: float  # of the pattern among the intent's sentences
    carrier_entropy: float  # of the restricted intent, slots taken as single symbols
    complexity: float  # carrier entropy plus the entropies of the slot classes


class Patterns:
    """Every pattern of some intents, and the network that holds the restricted ones as
    its intents (built for those asked for, with the rules they need specialized)."""

    def __init__(self, fsts: CompiledFsts, walker: Walker, intents: list[str]):
        self._restrictor = _Restrictor(fsts, walker)
        slot_entropy = slot_entropies(fsts, walker)
        self.patterns: list[GrammarPattern] = []
        self._sources: dict[str, tuple[Key, int]] = {}
        for intent in intents:
            key = ("intent", intent)
            figures = self._restrictor.figures(key)
            for mask, log_mass, h in sorted(zip(*figures), key=lambda f: self._slots(f[0])):
                pattern = Pattern(intent, self._slots(mask))
                carrier = h / LN2
                complexity = carrier + sum(slot_entropy[s] for s in pattern.slots)
                name = str(pattern)
                self.patterns.append(
                    GrammarPattern(pattern, name, math.exp(log_mass), carrier, complexity)
                )
                self._sources[name] = (key, int(mask))

    def _slots(self, mask) -> tuple[str, ...]:
        return self._restrictor.slot_names(mask)

    def network(self, names: Iterable[str]) -> CompiledFsts:
        """The network whose intents are the restricted intents `names`."""
        intents = {}
        for name in names:
            key, mask = self._sources[name]
            intents[name] = self._restrictor.restricted(key, mask)
        restrictor = self._restrictor
        return CompiledFsts(restrictor.symbols, intents, restrictor.fsts.slots, restrictor.rules)


def grammar_patterns(fsts: CompiledFsts, walker: Walker, intents: list[str]) -> Patterns:
    """Every (intent, set of slot types) the chosen intents can produce, with complexity
    (`walker` is the grammar's own; made once per grammar and choice of intents)."""
    return fsts.memo("patterns", "\n".join(intents), lambda: Patterns(fsts, walker, intents))


def slot_entropies(fsts: CompiledFsts, walker: Walker) -> dict[str, float]:
    """Each slot class's entropy in bits (once per grammar)."""
    return fsts.memo(
        "entropy",
        "slots",
        lambda: {n: h for (kind, n), h in entropies(fsts, walker).items() if kind == "slot"},
    )


Figures = tuple[np.ndarray, np.ndarray, np.ndarray]  # masks, log masses, entropies (nats)


class _Restrictor:
    """The slot sets of each FST of a network (bit masks), with their figures, and FSTs
    restricted to one set, with the specialized rules they enter."""

    def __init__(self, fsts: CompiledFsts, walker: Walker):
        self.fsts = fsts
        self.symbols = fsts.symbols.copy()  # plus the specialized rules' nonterminals
        self.slots = sorted(fsts.slots)
        self.mask_type = np.int64 if len(self.slots) < 63 else object
        self.bit = {
            fsts.symbols.find(labels.slot_open(n)): 1 << k for k, n in enumerate(self.slots)
        }
        self.class_mass = {
            fsts.symbols.find(labels.slot_class(n)): walker.class_log_mass[n] for n in self.slots
        }
        self.rule_of = {fsts.symbols.find(labels.rule_call(n)): n for n in fsts.rules}
        self.states: dict[Key, list[Figures]] = {}
        self.rules: dict[str, pynini.Fst] = dict(fsts.rules)
        self.built: dict[tuple[Key, int], pynini.Fst] = {}
        self.special: dict[tuple[str, int], int] = {}  # (rule, set) -> its nonterminal
        for key in call_order(fsts):  # callees first: a rule's arcs add its callees' sets
            if key[0] == "rule":
                self.states[key] = self._analysis(key)

    def slot_names(self, mask) -> tuple[str, ...]:
        return tuple(n for k, n in enumerate(self.slots) if int(mask) >> k & 1)

    def figures(self, key: Key) -> Figures:
        """The slot sets the paths of `key`'s FST can add, each with their log mass and
        the entropy of their derivations given the set."""
        if key not in self.states:
            self.states[key] = self._analysis(key)
        start = self.fsts.fst(key).start()
        return self.states[key][start] if start >= 0 else self._figures([], 0.0)

    def _figures(self, masks: list, log_mass: float) -> Figures:
        count = len(masks)
        return (np.array(masks, dtype=self.mask_type), np.full(count, log_mass), np.zeros(count))

    def _adds(self, ilabel: int, olabel: int) -> Figures:
        """What one arc adds: the slot sets, their log masses and entropies."""
        if olabel in self.bit:
            return self._figures([self.bit[olabel]], 0.0)
        if ilabel == olabel and ilabel in self.rule_of:
            return self.figures(("rule", self.rule_of[ilabel]))
        if ilabel == olabel and ilabel in self.class_mass:  # a class as a single symbol
            mass = self.class_mass[ilabel]
            return self._figures([0] if mass > -math.inf else [], mass)
        return _NOTHING

    def _analysis(self, key: Key) -> list[Figures]:
        """Per state, the figures of its paths to the end, a state after its successors."""
        fst = openfst.arrays(self.fsts.fst(key))
        arc_start, nextstate = fst.arc_start.tolist(), fst.nextstate.tolist()
        ilabel, olabel, weight = fst.ilabel.tolist(), fst.olabel.tolist(), fst.weight.tolist()
        found: list[Figures] = [self._figures([], 0.0)] * fst.num_states()
        final = fst.final.tolist()

        def successors(state: int) -> list[int]:
            return nextstate[arc_start[state] : arc_start[state + 1]]

        for state in openfst.post_order(fst.start, successors):
            parts = [self._figures([0], -final[state])] if final[state] < math.inf else []
            for arc in range(arc_start[state], arc_start[state + 1]):
                if weight[arc] == math.inf:
                    continue
                after = found[nextstate[arc]]
                adds = self._adds(ilabel[arc], olabel[arc])
                if adds is _NOTHING:
                    parts.append((after[0], after[1] - weight[arc], after[2]))
                elif len(adds[0]) and len(after[0]):
                    parts.append(
                        (
                            (adds[0][:, None] | after[0][None, :]).ravel(),
                            (adds[1][:, None] + after[1][None, :]).ravel() - weight[arc],
                            (adds[2][:, None] + after[2][None, :]).ravel(),
                        )
                    )
            found[state] = _grouped(parts, self.mask_type)
        return found

    def restricted(self, key: Key, mask: int) -> pynini.Fst:
        """`key`'s FST restricted to the slot set `mask`, with the specialized rules it
        enters (each built once, without recursion: chains of rules may be deep)."""
        pending: list[tuple[str, int, str]] = []
        if (key, mask) not in self.built:
            self.built[(key, mask)] = self._product(key, mask, pending)
        while pending:
            rule, want, special = pending.pop()
            self.rules[special] = self._product(("rule", rule), want, pending)
        return self.built[(key, mask)]

    def _product(self, key: Key, mask: int, pending: list[tuple[str, int, str]]) -> pynini.Fst:
        """The paths of `key`'s FST that add exactly the slot set `mask`: states (q, A),
        A the set added so far, kept only where the rest of the path can complete A."""
        fst = openfst.arrays(self.fsts.fst(key))
        after = [masks for masks, _, _ in self.states[key]]
        arc_start, nextstate = fst.arc_start.tolist(), fst.nextstate.tolist()
        ilabel, olabel, weight = fst.ilabel.tolist(), fst.olabel.tolist(), fst.weight.tolist()
        final = fst.final.tolist()
        fits: dict[int, np.ndarray] = {}

        def completes(state: int, added: int) -> bool:
            if state not in fits:
                fits[state] = after[state][(after[state] & ~mask) == 0]
            return bool(((fits[state] | added) == mask).any())

        number = {(fst.start, 0): 0}
        queue, arcs, finals = [(fst.start, 0)], [], []
        for source, added in queue:  # grows as states are found
            here = number[(source, added)]
            if added == mask and final[source] < math.inf:
                finals.append((here, final[source]))
            for arc in range(arc_start[source], arc_start[source + 1]):
                if weight[arc] == math.inf:
                    continue
                target = nextstate[arc]
                for adds in self._adds(ilabel[arc], olabel[arc])[0].tolist():
                    if adds & ~mask or not completes(target, added | adds):
                        continue
                    state = (target, added | adds)
                    if state not in number:
                        number[state] = len(queue)
                        queue.append(state)
                    labels_ = (ilabel[arc], olabel[arc])
                    if ilabel[arc] in self.rule_of and ilabel[arc] == olabel[arc]:
                        labels_ = (self._special(self.rule_of[ilabel[arc]], adds, pending),) * 2
                    arcs.append((here, *labels_, weight[arc], number[state]))
        return _fst(len(queue), arcs, finals)

    def _special(self, rule: str, mask: int, pending: list[tuple[str, int, str]]) -> int:
        """The nonterminal of `rule` specialized to add `mask` (the rule itself when it
        can add nothing else), queueing its construction when new."""
        if len(self.figures(("rule", rule))[0]) == 1:
            return self.symbols.find(labels.rule_call(rule))
        if (rule, mask) not in self.special:
            special = f"{rule} {' + '.join(self.slot_names(mask)) or '(no slot)'}"
            self.special[(rule, mask)] = self.symbols.add_symbol(labels.rule_call(special))
            pending.append((rule, mask, special))
        return self.special[(rule, mask)]


_NOTHING: Figures = (np.zeros(1, dtype=np.int64), np.zeros(1), np.zeros(1))  # a word's arc


def _grouped(parts: list[Figures], mask_type) -> Figures:
    """Figures per slot set from the options of one state (each option: the set its
    paths add, their log mass, the entropy of their derivations): masses add, and the
    entropy is that of the choice among the options plus their mean entropy."""
    if not parts:
        return (np.zeros(0, dtype=mask_type), np.zeros(0), np.zeros(0))
    masks = np.concatenate([p[0] for p in parts])
    log_mass = np.concatenate([p[1] for p in parts])
    inner = np.concatenate([p[2] for p in parts])
    sets, which = np.unique(masks, return_inverse=True)
    total = np.full(len(sets), -math.inf)
    np.logaddexp.at(total, which, log_mass)
    log_share = log_mass - total[which]
    entropy = np.zeros(len(sets))
    np.add.at(entropy, which, np.exp(log_share) * (inner - log_share))
    return sets.astype(mask_type), total, entropy


def _fst(states: int, arcs: list, finals: list) -> pynini.Fst:
    """An FST of `states` states (0 the start) from (source, ilabel, olabel, weight,
    target) arcs and (state, weight) finals."""
    fst = pynini.Fst(arc_type=openfst.ARC_TYPE)
    fst.add_states(states)
    fst.set_start(0)
    weights: dict[float, pynini.Weight] = {}

    def weight(w: float) -> pynini.Weight:
        if w not in weights:
            weights[w] = pynini.Weight(openfst.ARC_TYPE, w)
        return weights[w]

    for source, ilabel, olabel, w, target in arcs:
        fst.add_arc(source, pynini.Arc(ilabel, olabel, weight(w), target))
    for state, w in finals:
        fst.set_final(state, weight(w))
    return fst


def entropies(fsts: CompiledFsts, walker: Walker) -> dict[Key, float]:
    """Entropy in bits of the derivations of every FST of the network (`walker` is its
    own): rules entered, slot classes apart."""
    starts = {("intent", n): s for n, s in walker.start.items()}
    starts.update({("slot", n): s for n, s in walker.class_start.items()})
    starts.update({("rule", n): s for n, s in walker.rule_start.items()})
    rule_starts = np.array(sorted(walker.rule_start.values()), dtype=np.int64)
    into_rule = np.isin(walker.call, rule_starts[rule_starts >= 0]) & (walker.call >= 0)
    below = np.zeros(len(walker.arc_start) - 1)  # per state, the entropy of the rest
    found: dict[Key, float] = {}
    for key in [*call_order(fsts), *(("intent", n) for n in fsts.intents)]:
        start = starts[key]
        if start < 0:
            found[key] = 0.0
            continue
        fst = fsts.fst(key)
        first = start - fst.start()  # an FST's states are a block of the walker's table
        states = np.arange(first, first + fst.num_states())
        _entropy_below(walker, states, into_rule, below)
        found[key] = float(below[start])
    return found


def _entropy_below(walker: Walker, states: np.ndarray, into_rule: np.ndarray, below) -> None:
    """Fill `below` for the states of one FST: each state's choice entropy plus, per
    arc, its probability times the entropy of the rule it enters and of its target
    (the rules it enters are done), a height at a time from the end."""
    lo, hi = int(states[0]), int(states[-1]) + 1
    begin, end = walker.choice_start[lo], walker.choice_start[hi]
    choice_state = np.repeat(states, np.diff(walker.choice_start[lo : hi + 1]))
    log_p = walker.log_prob[begin:end]
    taken = log_p > -math.inf
    p = np.where(taken, np.exp(np.where(taken, log_p, 0.0)), 0.0)
    surprise = np.where(taken, -p * np.where(taken, log_p, 0.0), 0.0) / math.log(2)
    own = np.zeros(hi - lo)
    np.add.at(own, choice_state - lo, surprise)
    arc = walker.choice_arc[begin:end]
    is_arc = (arc >= 0) & taken
    arc, p, source = arc[is_arc], p[is_arc], choice_state[is_arc] - lo
    target = walker.nextstate[arc] - lo
    entered = np.where(into_rule[arc], below[np.maximum(walker.call[arc], 0)], 0.0)
    height = _heights(source, target, hi - lo)
    below[lo:hi] = own
    order = np.argsort(height[source], kind="stable")
    bounds = np.searchsorted(height[source][order], np.arange(int(height.max(initial=0)) + 2))
    for level in range(1, len(bounds) - 1):
        chosen = order[bounds[level] : bounds[level + 1]]
        terms = p[chosen] * (entered[chosen] + below[lo + target[chosen]])
        np.add.at(below, lo + source[chosen], terms)
