"""A thin layer over pynini: OpenFst's stderr messages turned into exceptions, and the
few FST constructions the compiler needs, all in the log semiring so that weights stay
probabilities through determinization.
"""

from __future__ import annotations

import contextlib
import math
import os
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pynini
import pywrapfst
from _pywrapfst import FstError

from .errors import OpenFstError

ARC_TYPE = "log"


@contextlib.contextmanager
def captured(action: str) -> Iterator[None]:
    """Run OpenFst work; if it fails, raise OpenFstError with OpenFst's own stderr text.

    OpenFst reports failures only on the C++ stderr (Python sees "Operation failed"),
    so file descriptor 2 is redirected to a temporary file for the duration.
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
    if failure is not None:
        detail = "; ".join(line.strip() for line in said.splitlines()) or str(failure)
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


@dataclass
class Arrays:
    """An FST as flat arrays: state s has the arcs `arc_start[s]:arc_start[s + 1]` and the
    final weight `final[s]` (-log probability; inf where s is not final)."""

    start: int
    final: np.ndarray
    arc_start: np.ndarray
    ilabel: np.ndarray
    olabel: np.ndarray
    weight: np.ndarray
    nextstate: np.ndarray

    def num_states(self) -> int:
        return len(self.final)


_CONST_STATE = np.dtype(
    [("final", "<f4"), ("pos", "<u4"), ("narcs", "<u4"), ("ie", "<u4"), ("oe", "<u4")]
)
_CONST_ARC = np.dtype([("ilabel", "<i4"), ("olabel", "<i4"), ("weight", "<f4"), ("next", "<i4")])


def arrays(fst: pynini.Fst) -> Arrays:
    """The FST's states and arcs as numpy arrays, read in bulk from OpenFst's ConstFst
    layout (a header, a table of states, a table of arcs), where walking a million arcs
    through Python objects would take seconds."""
    if fst.input_symbols() is not None or fst.output_symbols() is not None:
        fst = fst.copy()
        fst.set_input_symbols(None)
        fst.set_output_symbols(None)
    data = pywrapfst.convert(fst.copy(), "const").write_to_string()  # a copy: convert sets properties
    at = 4  # the magic number, then the FST type and arc type as length-prefixed strings
    for _ in range(2):
        at += 4 + struct.unpack_from("<i", data, at)[0]
    _version, flags, _properties, start, states, arcs = struct.unpack_from("<iiQqqq", data, at)
    at += 40
    if flags & 0x7:  # symbol tables or alignment: not written for FSTs without symbols
        raise ValueError(f"unexpected ConstFst header flags {flags:#x}")
    table = np.frombuffer(data, _CONST_STATE, states, at)
    arc = np.frombuffer(data, _CONST_ARC, arcs, at + states * _CONST_STATE.itemsize)
    arc_start = np.concatenate(([0], np.cumsum(table["narcs"], dtype=np.int64)))
    return Arrays(
        int(start),
        table["final"].astype(np.float64),
        arc_start,
        arc["ilabel"].astype(np.int64),
        arc["olabel"].astype(np.int64),
        arc["weight"].astype(np.float64),
        arc["next"].astype(np.int64),
    )
