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

from ..errors import OpenFstError

ARC_TYPE = "log"
SUBSET_STEPS = 25  # per state of a budget: the steps a determinization may take (`subsets_fit`)
# A definition determinizes to at most this many states, or this many per state of its own
# (`optimize`): beyond, its subsets grow exponentially, `(a | b){0,20} a (a | b){20}`
OPTIMIZE_STATES = 20_000
OPTIMIZE_GROWTH = 8
FST_MAGIC = 2125659606  # OpenFst's, at the head of every serialized FST
SYMBOLS_MAGIC = 2125658996  # OpenFst's, at the head of a serialized symbol table
HAS_INPUT_SYMBOLS = 0x1  # an FST header's flag: its input symbol table follows it
K_ERROR = 0x4  # OpenFst's kError property: an FST read with it fails every operation


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
    labels merge and their probabilities add (log semiring). A definition whose
    determinization would grow exponentially (more subsets than OPTIMIZE_STATES, or
    OPTIMIZE_GROWTH per state of its own) is kept epsilon-free only: the same weighted
    language, larger but made at once, where OpenFst ran out of memory and aborted.
    """
    fst = fst.copy().rmepsilon()
    mapper = pynini.EncodeMapper(ARC_TYPE, True, False)
    fst.encode(mapper)
    if subsets_fit(fst, max(OPTIMIZE_STATES, OPTIMIZE_GROWTH * fst.num_states())):
        fst = pynini.determinize(fst).minimize()
    fst.decode(mapper)
    return fst.topsort()


def subsets_fit(fst: pynini.Fst, budget: int) -> bool:
    """Whether determinizing `fst` makes fewer than `budget` subsets of its states in at
    most SUBSET_STEPS x `budget` steps (a step: one arc of one state of a subset). OpenFst
    bounds the subsets only, and an ambiguous acceptor's subsets each hold thousands of
    states: a repetition of a repetition (`$r = x{1,100}`, `$r{1,100}`) has 10,000 of
    them, which OpenFst determinizes in 14 s. The subsets are made here without their
    weights and dropped; only a deterministic acceptor is taken as it is."""
    if fst.properties(pynini.I_DETERMINISTIC, True) == pynini.I_DETERMINISTIC:
        return True
    arcs = arrays(fst)
    if arcs.start < 0:
        return True
    bounds, labels, targets = arcs.arc_start.tolist(), arcs.ilabel.tolist(), arcs.nextstate.tolist()
    steps = SUBSET_STEPS * budget
    first = frozenset([arcs.start])
    made, todo = {first}, [first]
    while todo:
        moves: dict[int, set[int]] = {}
        for state in todo.pop():
            steps -= bounds[state + 1] - bounds[state]
            for arc in range(bounds[state], bounds[state + 1]):
                moves.setdefault(labels[arc], set()).add(targets[arc])
        if steps < 0:
            return False
        for move in moves.values():
            subset = frozenset(move)
            if subset not in made:
                made.add(subset)
                todo.append(subset)
        if len(made) >= budget:
            return False
    return True


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


def every_path(fst: pynini.Fst) -> Iterator[list[tuple[int, int]]]:
    """The (input, output) label pairs of every path of an acyclic FST, depth first in arc
    order; a stack rather than recursion, for paths longer than Python's recursion."""
    arcs = arrays(fst)
    if arcs.start < 0:
        return
    bounds, targets = arcs.arc_start.tolist(), arcs.nextstate.tolist()
    pairs = list(zip(arcs.ilabel.tolist(), arcs.olabel.tolist()))
    final = (arcs.final < math.inf).tolist()
    if final[arcs.start]:
        yield []
    path: list[tuple[int, int]] = []
    stack = [[arcs.start, bounds[arcs.start]]]  # a state and its next arc
    while stack:
        top = stack[-1]
        state, arc = top
        if arc == bounds[state + 1]:
            stack.pop()
            if stack:
                path.pop()
            continue
        top[1] = arc + 1
        path.append(pairs[arc])
        if final[targets[arc]]:
            yield list(path)
        stack.append([targets[arc], bounds[targets[arc]]])


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
    through Python objects would take seconds. (Converting records the FST's properties
    in it: its own serialization may change, never its meaning.)"""
    if fst.input_symbols() is not None or fst.output_symbols() is not None:
        fst = fst.copy()
        fst.set_input_symbols(None)
        fst.set_output_symbols(None)
    return const_arrays(pywrapfst.convert(fst, "const").write_to_string())


def const_arrays(data: bytes | memoryview) -> Arrays:
    """The arrays of a ConstFst's bytes, which may come from anyone's archive: every size
    is checked against the data before it is used (a ValueError otherwise)."""
    start, (states, arcs), at = _header(data, b"const", 0)
    if len(data) != at + states * _CONST_STATE.itemsize + arcs * _CONST_ARC.itemsize:
        raise ValueError("the FST's size does not match its header")
    table = np.frombuffer(data, _CONST_STATE, states, at)
    arc = np.frombuffer(data, _CONST_ARC, arcs, at + states * _CONST_STATE.itemsize)
    arc_start = np.concatenate(([0], np.cumsum(table["narcs"], dtype=np.int64)))
    if (table["pos"] != arc_start[:-1]).any() or arc_start[-1] != arcs:
        raise ValueError("the FST's arcs are not where its states say")
    if not -1 <= start < max(states, 1) or (states and start < 0):
        raise ValueError("the FST starts at no state of its own")
    nextstate = arc["next"]
    if arcs and (nextstate.min() < 0 or nextstate.max() >= states):
        raise ValueError("an arc of the FST leads to no state of its own")
    return Arrays(  # labels and states are views of the bytes (int32): no copy of them
        int(start),
        table["final"].astype(np.float64),
        arc_start,
        arc["ilabel"],
        arc["olabel"],
        arc["weight"].astype(np.float64),
        nextstate,
    )


_VECTOR_STATE = np.dtype([("final", "<f4"), ("narcs", "<i8")])  # a VectorFst's state, no arcs


def check_holder(data: bytes | memoryview) -> None:
    """Raise a ValueError unless `data` is a VectorFst without arcs that carries an input
    symbol table (an archive's `.symbols`), every size in it within the bytes present:
    OpenFst makes room for what a size says before it reads, so a count of 2^40 states
    or -1 symbols aborted the process, and a name of 2^31 - 1 bytes took 2 GB."""
    _, (states, arcs), at = _header(data, b"vector", HAS_INPUT_SYMBOLS)
    at = _symbols_end(data, at)
    if arcs or len(data) != at + states * _VECTOR_STATE.itemsize:
        raise ValueError("the FST's size does not match its header")
    if (np.frombuffer(data, _VECTOR_STATE, states, at)["narcs"] != 0).any():
        raise ValueError("the FST's states have arcs its header does not count")


def _header(data: bytes | memoryview, kind: bytes, flags: int) -> tuple[int, tuple[int, int], int]:
    """Start state, (states, arcs), and where the tables after the header begin, of the
    bytes of an FST of type `kind` (log or standard arcs) whose header has exactly
    `flags`: the sizes OpenFst would trust are checked, and the kError property refused."""
    try:
        magic, at = struct.unpack_from("<i", data, 0)[0], 4
        kinds = []
        for _ in range(2):  # the FST type and the arc type, as length-prefixed strings
            end = _string_end(data, at)
            if end - at > 4 + 64:
                raise ValueError("not an FST")
            kinds.append(bytes(data[at + 4 : end]))
            at = end
        version, found, properties, start, states, arcs = struct.unpack_from("<iiQqqq", data, at)
    except struct.error:
        raise ValueError("not an FST: too short") from None
    if magic != FST_MAGIC or kinds[0] != kind or kinds[1] not in (b"log", b"standard"):
        raise ValueError(f"not a {kind.decode().capitalize()}Fst of log or standard arcs")
    if version != 2:  # what OpenFst writes; it refuses an older one, naming no file
        raise ValueError(f"unexpected FST version {version}")
    if found != flags:  # symbol tables or alignment the writer did not write
        raise ValueError(f"unexpected FST header flags {found:#x}")
    if properties & K_ERROR:
        raise ValueError("the FST is marked as the result of a failed operation")
    if not (0 <= states < 2**31 and 0 <= arcs < 2**31):
        raise ValueError("impossible FST sizes")
    return start, (states, arcs), at + 40


def _symbols_end(data: bytes | memoryview, at: int) -> int:
    """Where the symbol table serialized at `at` ends, its name, count and every symbol
    checked against the bytes present (a ValueError otherwise)."""
    try:
        if struct.unpack_from("<i", data, at)[0] != SYMBOLS_MAGIC:
            raise ValueError("no symbol table where the FST's header says")
        at = _string_end(data, at + 4) + 8  # the name, then the next free key
        size = struct.unpack_from("<q", data, at)[0]
        at += 8
        if not 0 <= size <= (len(data) - at) // 12:  # a symbol: its length, bytes, key
            raise ValueError("impossible symbol table size")
        for _ in range(size):
            at = _string_end(data, at) + 8
    except struct.error:
        raise ValueError("the symbol table is cut short") from None
    if at > len(data):
        raise ValueError("the symbol table is cut short")
    return at


def _string_end(data: bytes | memoryview, at: int) -> int:
    """Where the length-prefixed string at `at` ends, its length checked against the data."""
    size = struct.unpack_from("<i", data, at)[0]
    if not 0 <= size <= len(data) - at - 4:
        raise ValueError("a string longer than the bytes present")
    return at + 4 + size


def from_arrays(fst: Arrays) -> pynini.Fst:
    """The FST of `fst`'s arrays (states in order, arcs grouped by state), written in
    OpenFst's ConstFst layout and read back: a million arcs without a Python loop."""
    states, arcs = fst.num_states(), len(fst.ilabel)
    head = b"".join(
        [
            struct.pack("<i", FST_MAGIC),
            *(struct.pack("<i", len(s)) + s for s in (b"const", ARC_TYPE.encode())),
            struct.pack("<iiQqqq", 2, 0, 0, fst.start, states, arcs),  # ConstFst version 2
        ]
    )
    table = np.zeros(states, _CONST_STATE)
    table["final"] = fst.final
    table["pos"] = fst.arc_start[:-1]
    table["narcs"] = np.diff(fst.arc_start)
    epsilon = np.repeat(np.arange(states), np.diff(fst.arc_start))
    table["ie"] = np.bincount(epsilon[fst.ilabel == 0], minlength=states)
    table["oe"] = np.bincount(epsilon[fst.olabel == 0], minlength=states)
    arc = np.zeros(arcs, _CONST_ARC)
    arc["ilabel"], arc["olabel"] = fst.ilabel, fst.olabel
    arc["weight"], arc["next"] = fst.weight, fst.nextstate
    return pynini.Fst.read_from_string(head + table.data + arc.data)  # one copy, not three


def trie(paths: np.ndarray, lengths: np.ndarray, final: np.ndarray) -> pynini.Fst:
    """A deterministic tree of label-pair paths: row r of `paths` holds path r's codes
    (`ilabel << 32 | olabel`, padded past `lengths[r]`), `final[r]` its weight (-log p).
    Paths are sorted, a state is made for every distinct prefix, and equal paths add
    their probabilities; the leaves share one end state per weight. States are numbered
    parents first, so the FST is topologically sorted, and a state's arcs come in label
    order, which parsing looks up by bisection."""
    rows, width = paths.shape
    order = np.lexsort(paths.T[::-1])
    paths, lengths, final = paths[order], lengths[order], final[order]
    inside = np.arange(width) < lengths[:, None]
    new = inside.copy()  # where a row's prefix differs from the row above: a new state
    if rows > 1:
        same = (paths[1:] == paths[:-1]) & inside[1:] & inside[:-1]
        new[1:] &= ~np.logical_and.accumulate(same, axis=1)
        del same
    number = np.zeros((rows, width), dtype=np.int32)  # states numbered from 1 (0: start)
    number[new] = np.arange(1, int(new.sum()) + 1, dtype=np.int32)
    code = paths[new]
    del paths
    state = np.maximum.accumulate(number, axis=0)  # a shared prefix's state, from above
    above = np.zeros_like(state)
    above[:, 1:] = state[:, :-1]
    child, parent = number[new], above[new]
    del number, above
    by_parent = np.lexsort((child, parent))  # children were numbered in label order
    parent, child, code = parent[by_parent], child[by_parent], code[by_parent]
    states = int(child.max(initial=0)) + 1
    log_p = np.full(states, -np.inf)
    np.logaddexp.at(log_p, state[np.arange(rows), lengths - 1], -final)
    # the leaves, half the states of a catalogue, become one end state per final weight
    leaf = np.bincount(parent, minlength=states) == 0
    leaf[0] = False
    ends, end_of = np.unique(log_p[leaf], return_inverse=True)
    kept = np.flatnonzero(~leaf)
    renumber = np.empty(states, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    renumber[leaf] = len(kept) + end_of
    weights = np.concatenate((-log_p[kept], -ends))
    parent, child = renumber[parent], renumber[child]
    return from_arrays(
        Arrays(
            0,
            weights,
            np.concatenate(([0], np.cumsum(np.bincount(parent, minlength=len(weights))))),
            code >> 32,
            code & 0xFFFFFFFF,
            np.zeros(len(code)),
            child,
        )
    )
