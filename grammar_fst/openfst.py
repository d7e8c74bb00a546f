"""A thin layer over pynini: OpenFst's stderr messages turned into exceptions, and the
few FST constructions the compiler needs, all in the log semiring so that weights stay
probabilities through determinization.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator

import pynini
from _pywrapfst import FstError

from .errors import OpenFstError

ARC_TYPE = "log"


@contextlib.contextmanager
def captured(action: str, strict: bool = False) -> Iterator[None]:
    """Run OpenFst work; if it fails, raise OpenFstError with OpenFst's own stderr text.

    OpenFst reports failures only on the C++ stderr (Python sees "Operation failed"),
    so file descriptor 2 is redirected to a temporary file for the duration. `strict`:
    an ERROR line is a failure too (writing an archive fails without an exception).
    """
    sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        failure: Exception | None = None
        try:
            yield
        except FstError as err:
            failure = err
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            said = sink.read().decode("utf-8", errors="replace").strip()
    if failure is None and strict and "ERROR:" in said:
        failure = FstError(said)
    if failure is not None:
        detail = "; ".join(dict.fromkeys(line.strip() for line in said.splitlines()))
        detail = detail or str(failure)
        raise OpenFstError(f"{action} failed: {detail}") from None
    if said:
        sys.stderr.write(said + "\n")


def empty() -> pynini.Fst:
    """An FST with no path."""
    fst = pynini.Fst(arc_type=ARC_TYPE)
    fst.set_start(fst.add_state())
    return fst


def chain(pairs: list[tuple[int, int]], weight: float = 0.0) -> pynini.Fst:
    """One path through the given (input, output) label pairs, with weight -log p."""
    fst = pynini.Fst(arc_type=ARC_TYPE)
    state = fst.add_state()
    fst.set_start(state)
    one = pynini.Weight.one(ARC_TYPE)
    for ilabel, olabel in pairs:
        nxt = fst.add_state()
        fst.add_arc(state, pynini.Arc(ilabel, olabel, one, nxt))
        state = nxt
    fst.set_final(state, pynini.Weight(ARC_TYPE, weight))
    return fst


def choice(branches: list[tuple[pynini.Fst, float]]) -> pynini.Fst:
    """The union of `branches`, each taken with its probability (zero ones dropped)."""
    weighted = [pynini.concat(chain([], -math.log(p)), fst) for fst, p in branches if p > 0]
    if not weighted:
        return empty()
    return pynini.union(*weighted) if len(weighted) > 1 else weighted[0]


def optimize(fst: pynini.Fst) -> pynini.Fst:
    """A small equivalent FST: epsilon-free, deterministic over label pairs, minimal.

    Labels are encoded as pairs but weights are not, so paths that carry the same
    labels merge and their probabilities add (log semiring).
    """
    fst = fst.copy().rmepsilon()
    mapper = pynini.EncodeMapper(ARC_TYPE, True, False)
    fst.encode(mapper)
    fst = pynini.determinize(fst).minimize()
    fst.decode(mapper)
    return fst.topsort()


def post_order(start: int, successors: Callable[[int], Iterable[int]]) -> list[int]:
    """States reachable from `start`, each after all of its successors (acyclic graphs)."""
    order: list[int] = []
    if start < 0:
        return order
    seen = {start}
    stack = [(start, iter(successors(start)))]
    while stack:
        state, pending = stack[-1]
        for nxt in pending:
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(successors(nxt))))
                break
        else:
            stack.pop()
            order.append(state)
    return order


def single_path(fst: pynini.Fst) -> list[tuple[int, int]]:
    """The (input, output) label pairs of a one-path FST, such as `shortestpath` returns."""
    pairs, state = [], fst.start()
    while state >= 0 and fst.num_arcs(state):
        arc = next(iter(fst.arcs(state)))
        pairs.append((arc.ilabel, arc.olabel))
        state = arc.nextstate
    return pairs
