"""Weighted random paths through a compiled grammar, and exhaustive enumeration.

Each FST becomes a table of per-state choice probabilities: arc weights are pushed
toward the start in the log semiring (a backward pass over the acyclic FST), so a walk
that picks locally picks each distinct sentence with its grammar probability, however
the FST was optimized. A slot nonterminal is filled by a walk through its class FST.
Randomness comes from numpy's PCG64 seeded by the caller: the same seed and FSTs give
the same sentences, whether the FSTs were just compiled or read from a `.far`.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pynini

from . import labels, openfst
from .compiler import CompiledFsts

DEFAULT_SEED = 0
Path = list[tuple[int, int]]


@dataclass
class _Table:
    """One FST as choice lists: per state, its arcs and the cumulative probabilities of
    taking each arc, with stopping (the final weight) as the last choice."""

    start: int
    arcs: list[list[tuple[int, int, int]]]  # (ilabel, olabel, next state)
    cumulative: list[list[float]]
    final: list[bool]
    log_mass: float  # log of the total probability of all paths


def _table(fst: pynini.Fst, class_mass: dict[int, float]) -> _Table:
    """Choice probabilities of `fst`; `class_mass` gives the log mass of nonterminals."""
    n = fst.num_states()
    arcs: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
    weights: list[list[float]] = [[] for _ in range(n)]
    final_w = [math.inf] * n
    for state in fst.states():
        final_w[state] = float(fst.final(state))
        for arc in fst.arcs(state):
            arcs[state].append((arc.ilabel, arc.olabel, arc.nextstate))
            weights[state].append(float(arc.weight) - class_mass.get(arc.olabel, 0.0))
    beta = [-math.inf] * n  # log of the probability mass from each state to the end
    for state in openfst.post_order(fst.start(), lambda s: [a[2] for a in arcs[s]]):
        terms = [-final_w[state]] + [-w + beta[a[2]] for w, a in zip(weights[state], arcs[state])]
        beta[state] = _logsumexp(terms)
    cumulative = []
    for state in range(n):
        probs = [
            math.exp(-w + beta[a[2]] - beta[state]) for w, a in zip(weights[state], arcs[state])
        ]
        probs.append(math.exp(-final_w[state] - beta[state]) if beta[state] > -math.inf else 0.0)
        cumulative.append(list(np.cumsum(probs)))
    start = fst.start()
    mass = beta[start] if start >= 0 else -math.inf
    return _Table(start, arcs, cumulative, [w < math.inf for w in final_w], mass)


def _logsumexp(terms: list[float]) -> float:
    top = max(terms)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(t - top) for t in terms))


class _Uniforms:
    """Uniform draws in [0, 1) from a seeded PCG64, fetched in blocks for speed."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.block: list[float] = []
        self.pos = 0

    def next(self) -> float:
        if self.pos == len(self.block):
            self.block = self.rng.random(4096).tolist()
            self.pos = 0
        self.pos += 1
        return self.block[self.pos - 1]


class Walker:
    """Random and exhaustive paths through the intents of compiled FSTs."""

    def __init__(self, fsts: CompiledFsts):
        symbols = fsts.symbols
        self.classes: dict[int, _Table] = {}
        for name, fst in fsts.slots.items():
            self.classes[symbols.find(labels.slot_class(name))] = _table(fst, {})
        mass = {label: t.log_mass for label, t in self.classes.items()}
        self.intents = {name: _table(fst, mass) for name, fst in fsts.intents.items()}
        self._class_paths: dict[int, list[Path]] = {}

    def has_paths(self, intent: str) -> bool:
        return self.intents[intent].log_mass > -math.inf

    def random_path(self, intent: str, uniforms: _Uniforms) -> Path:
        """One path of `intent`, slots filled, as (input, output) label pairs."""
        path: Path = []
        self._walk(self.intents[intent], uniforms, path)
        return path

    def _walk(self, table: _Table, uniforms: _Uniforms, path: Path) -> None:
        state = table.start
        while True:
            cumulative = table.cumulative[state]
            choice = min(
                bisect.bisect_right(cumulative, uniforms.next() * cumulative[-1]),
                len(cumulative) - 1,
            )
            if choice == len(cumulative) - 1:
                return
            ilabel, olabel, state = table.arcs[state][choice]
            if olabel in self.classes and ilabel == olabel:
                self._walk(self.classes[olabel], uniforms, path)
            else:
                path.append((ilabel, olabel))

    def all_paths(self, intent: str) -> Iterator[Path]:
        """Every path of `intent` with slots expanded, in arc order (deterministic)."""
        table = self.intents[intent]
        if table.start >= 0:
            yield from self._paths(table, table.start)

    def _paths(self, table: _Table, state: int) -> Iterator[Path]:
        if table.final[state]:
            yield []
        for ilabel, olabel, nxt in table.arcs[state]:
            if olabel in self.classes and ilabel == olabel:
                heads = self._class_paths_of(olabel)
            else:
                heads = [[(ilabel, olabel)]]
            for head in heads:
                for tail in self._paths(table, nxt):
                    yield head + tail

    def _class_paths_of(self, label: int) -> list[Path]:
        if label not in self._class_paths:
            table = self.classes[label]
            paths = list(self._paths(table, table.start)) if table.start >= 0 else []
            self._class_paths[label] = paths
        return self._class_paths[label]


def uniforms(seed: int) -> _Uniforms:
    """The random stream for `seed`."""
    return _Uniforms(np.random.default_rng(seed))


def quotas(n: int, intents: list[str], sizes: dict[str, int] | None = None) -> dict[str, int]:
    """`n` split over `intents`: evenly, or in proportion to `sizes` when given.

    Largest remainders: every share is the floor of its exact part, and the leftover
    units go to the largest fractional parts (the first intents on ties), so shares sum
    to `n` and the split is deterministic.
    """
    weights = [1 if sizes is None else sizes[name] for name in intents]
    total = sum(weights) or 1
    exact = [n * w / total for w in weights]
    shares = [int(x) for x in exact]
    leftover = n - sum(shares)
    order = sorted(range(len(intents)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:leftover]:
        shares[i] += 1
    return dict(zip(intents, shares))


def schedule(counts: dict[str, int], rng: np.random.Generator) -> list[str]:
    """The order in which intents take their turns: each as often as its quota, mixed."""
    order = [name for name, k in counts.items() for _ in range(k)]
    return [order[i] for i in rng.permutation(len(order))]
