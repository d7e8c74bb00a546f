"""Exact sizes of a grammar's language: distinct surface sentences, counted as paths of
a minimal deterministic acceptor (so an ambiguous grammar counts each sentence once),
and the readings per sentence, which is how ambiguity is found.
"""

from __future__ import annotations

import math

import pynini

from . import openfst
from .compiler import CompiledFsts, flatten


def sentences(fsts: CompiledFsts, intent: str) -> pynini.Fst:
    """A minimal deterministic unweighted acceptor of the intent's surface sentences
    (cached with the grammar's FSTs)."""

    def build() -> pynini.Fst:
        flat = flatten(fsts, intent)
        with openfst.captured(f"counting intent {intent}"):
            fst = pynini.arcmap(flat, map_type="rmweight")
            return openfst.optimize(fst.project("input"))

    return fsts.memo("sentences", intent, build)


def count_strings(acceptor: pynini.Fst) -> int:
    """The number of paths of an acyclic deterministic acceptor (exact, any size)."""
    if acceptor.start() < 0:
        return 0
    zero = pynini.Weight.zero(acceptor.weight_type())
    paths: dict[int, int] = {}
    for state in openfst.post_order(
        acceptor.start(), lambda s: [a.nextstate for a in acceptor.arcs(s)]
    ):
        total = 1 if acceptor.final(state) != zero else 0
        for arc in acceptor.arcs(state):
            total += paths[arc.nextstate]
        paths[state] = total
    return paths[acceptor.start()]


def counts(fsts: CompiledFsts, intents: list[str]) -> tuple[dict[str, int], int]:
    """Distinct sentences per intent, and in all (a sentence in two intents counts once)."""
    acceptors = {name: sentences(fsts, name) for name in intents}
    per_intent = {name: count_strings(a) for name, a in acceptors.items()}
    with openfst.captured("counting all intents"):
        union = openfst.optimize(pynini.union(*acceptors.values()))
    return per_intent, count_strings(union)


def most_readings(fsts: CompiledFsts, intent: str) -> tuple[str | None, int]:
    """The sentence of `intent` with the most distinct readings, and how many it has.

    Every distinct (input, output) path gets probability 1; determinizing the input
    projection in the log semiring then sums them, so a sentence's weight is
    -log(number of readings) and the shortest path is the most ambiguous sentence.
    """
    with openfst.captured(f"looking for ambiguity in intent {intent}"):
        pairs = openfst.optimize(pynini.arcmap(flatten(fsts, intent), map_type="rmweight"))
        pairs = pynini.arcmap(pairs, map_type="rmweight").project("input").rmepsilon()
        per_sentence = pynini.determinize(pairs)
        best = pynini.shortestpath(pynini.arcmap(per_sentence, map_type="to_std"))
    if best.start() < 0:
        return None, 0
    weight = float(pynini.shortestdistance(best, reverse=True)[best.start()])
    return path_text(best, fsts.symbols), round(math.exp(-weight))


def path_text(path: pynini.Fst, symbols: pynini.SymbolTable) -> str:
    """The input words of a one-path FST (as shortestpath returns), as text."""
    return " ".join(symbols.find(i) for i, _ in openfst.single_path(path) if i)
