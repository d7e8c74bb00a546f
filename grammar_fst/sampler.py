"""Weighted random paths through a compiled grammar, many at a time, and exhaustive
enumeration.

All FSTs of a grammar (intents and slot classes) become one table of choices: per state,
its arcs and then "stop" (the final weight), each with the probability of taking it.
Arc weights are pushed toward the start in the log semiring (a backward pass over the
acyclic FST), so a walk that picks locally picks each distinct sentence with its grammar
probability, however the FST was optimized; a slot nonterminal's arc carries its class's
total mass, and the walk enters the class FST there and comes back when it stops.

A batch of walks advances in lock step with numpy: each step draws one uniform number per
live walk and finds its choice by one `searchsorted` over the keys `state + cumulative
probability`, which increase across the whole table. Randomness comes from the caller's
numpy Generator, so the same seed and FSTs give the same paths, whether the FSTs were just
compiled or read from a `.far`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from . import labels, openfst
from .compiler import CompiledFsts

DEFAULT_SEED = 0
Path = list[tuple[int, int]]
_STOP = -1
_EMPTY = -2  # `Walker.call` of an arc into a slot class that has no value


def _entered(call: int) -> float:
    """The log mass an arc that is not into a live class adds: none, or all of it."""
    return -math.inf if call == _EMPTY else 0.0


@dataclass
class Walks:
    """Paths as concatenated label arrays: path i is `ilabel[ends[i-1]:ends[i]]` (from 0
    for the first) on the input side, and the same range of `olabel` on the output."""

    ilabel: np.ndarray
    olabel: np.ndarray
    ends: np.ndarray

    def begins(self) -> np.ndarray:
        return np.concatenate(([0], self.ends[:-1])).astype(np.int64)

    def keys(self) -> list[bytes]:
        """Per path, its input words as bytes: equal keys, equal texts (words hold no
        spaces), so repeats can be found before anything is spelled."""
        words = self.ilabel != 0
        buffer = self.ilabel[words].astype(np.int32).tobytes()
        counts = np.concatenate(([0], np.cumsum(words)))
        ends = (4 * counts[self.ends]).tolist()
        return [buffer[a:b] for a, b in zip((4 * counts[self.begins()]).tolist(), ends)]

    @classmethod
    def of(cls, paths: list[Path]) -> Walks:
        """Walks from lists of (input, output) label pairs."""
        ends = np.cumsum([len(p) for p in paths], dtype=np.int64)
        pairs = np.array([pair for p in paths for pair in p], dtype=np.int64).reshape(-1, 2)
        return cls(pairs[:, 0], pairs[:, 1], ends)

    @classmethod
    def concat(cls, parts: list[Walks]) -> Walks:
        """The walks of `parts`, one after the other."""
        offsets = np.cumsum([0] + [len(p.ilabel) for p in parts[:-1]])
        return cls(
            np.concatenate([p.ilabel for p in parts]),
            np.concatenate([p.olabel for p in parts]),
            np.concatenate([p.ends + o for p, o in zip(parts, offsets)]).astype(np.int64),
        )

    def take(self, chosen: np.ndarray) -> Walks:
        """The walks at the positions `chosen`, in that order."""
        begins, lengths = self.begins()[chosen], (self.ends - self.begins())[chosen]
        ends = np.cumsum(lengths)
        index = np.arange(ends[-1] if len(ends) else 0) + np.repeat(
            begins - ends + lengths, lengths
        )
        return Walks(self.ilabel[index], self.olabel[index], ends)


class Walker:
    """Random and exhaustive paths through the intents of compiled FSTs.

    Arrays (global state and arc numbering, intents first, then slot classes):
    `choice_start[s]` is state s's first choice; its choices are its arcs in order, then
    stop. `keys[c] = s + P(choices of s up to and including c)`; `choice_arc[c]` is the arc
    of choice c, or -1 for stop; `log_prob[c]` its log probability.
    Per arc: `ilabel`, `olabel`, `nextstate`, and `call`: the start state of the slot
    class the arc enters, or -1.
    """

    def __init__(self, fsts: CompiledFsts):
        symbols = fsts.symbols
        class_label = {symbols.find(labels.slot_class(n)): n for n in fsts.slots}
        order = [*fsts.intents.values(), *fsts.slots.values()]
        offsets, total = [], 0
        for fst in order:
            offsets.append(total)
            total += fst.num_states()
        ilabel, olabel, nextstate, call_label, weight = [], [], [], [], []
        arc_start = [0]
        final_w = []
        for base, fst in zip(offsets, order):
            for state in range(fst.num_states()):
                final_w.append(float(fst.final(state)))
                for arc in fst.arcs(state):
                    ilabel.append(arc.ilabel)
                    olabel.append(arc.olabel)
                    nextstate.append(base + arc.nextstate)
                    is_call = arc.olabel in class_label and arc.ilabel == arc.olabel
                    call_label.append(class_label[arc.olabel] if is_call else None)
                    weight.append(float(arc.weight))
                arc_start.append(len(ilabel))
        self.ilabel = np.array(ilabel, dtype=np.int64)
        self.olabel = np.array(olabel, dtype=np.int64)
        self.nextstate = np.array(nextstate, dtype=np.int64)
        self.arc_start = np.array(arc_start, dtype=np.int64)
        starts = [b + f.start() if f.start() >= 0 else -1 for b, f in zip(offsets, order)]
        self.start = dict(zip(fsts.intents, starts))
        self.class_start = dict(zip(fsts.slots, starts[len(fsts.intents) :]))
        # -1: not a slot; -2: a slot whose class has no value (its arcs are never taken)
        self.call = np.array(
            [
                -1 if c is None else self.class_start[c] if self.class_start[c] >= 0 else _EMPTY
                for c in call_label
            ],
            dtype=np.int64,
        )
        # a slot class's mass (log) is added to the arcs that enter it: classes first
        beta = [-math.inf] * total
        calls = self.call.tolist()
        for start in [*self.class_start.values(), *self.start.values()]:
            self._backward(start, nextstate, weight, calls, final_w, beta)
        self.log_mass = {name: _mass(beta, s) for name, s in self.start.items()}
        self.class_log_mass = {name: _mass(beta, s) for name, s in self.class_start.items()}
        self._choices(np.array(weight), np.array(final_w), np.array(beta))

    def _arcs(self, state: int) -> range:
        return range(self.arc_start[state], self.arc_start[state + 1])

    def successors(self, state: int) -> list[int]:
        """The states the arcs of `state` lead to."""
        return self.nextstate[self.arc_start[state] : self.arc_start[state + 1]].tolist()

    def _backward(self, start, nextstate, weight, calls, final_w, beta: list[float]) -> None:
        """beta[s]: log of the probability mass of all paths from s to the end (plain
        lists: this visits every arc once, in Python)."""
        arc_start = self.arc_start.tolist()

        def successors(state: int) -> list[int]:
            return nextstate[arc_start[state] : arc_start[state + 1]]

        for state in openfst.post_order(start, successors):
            terms = [-final_w[state]]
            for a in range(arc_start[state], arc_start[state + 1]):
                entered = beta[calls[a]] if calls[a] >= 0 else _entered(calls[a])
                terms.append(-weight[a] + entered + beta[nextstate[a]])
            beta[state] = _logsumexp(terms)

    def _choices(self, weight: np.ndarray, final_w: np.ndarray, beta: np.ndarray) -> None:
        """The table of choices (see the class docstring), built for all states at once."""
        states = len(final_w)
        arcs = len(weight)
        self.choice_start = self.arc_start + np.arange(states + 1)
        state_of_arc = np.repeat(np.arange(states), np.diff(self.arc_start))
        arc_choice = np.arange(arcs) + state_of_arc
        stop_choice = self.arc_start[1:] + np.arange(states)
        self.choice_arc = np.full(arcs + states, _STOP, dtype=np.int64)
        self.choice_arc[arc_choice] = np.arange(arcs)
        entered = np.where(
            self.call >= 0,
            beta[np.maximum(self.call, 0)],
            np.where(self.call == _EMPTY, -math.inf, 0.0),
        )
        live = beta > -math.inf
        with np.errstate(invalid="ignore"):  # -inf - -inf in dead states, masked below
            arc_log_p = -weight + entered + beta[self.nextstate] - beta[state_of_arc]
            stop_log_p = -final_w - beta
        self.log_prob = np.full(arcs + states, -math.inf)
        self.log_prob[arc_choice] = np.where(live[state_of_arc], arc_log_p, -math.inf)
        self.log_prob[stop_choice] = np.where(live, stop_log_p, -math.inf)
        self.log_prob[np.isnan(self.log_prob)] = -math.inf
        # cumulative probabilities within each state, normalized to end at exactly 1
        cumulative = np.cumsum(np.exp(self.log_prob))
        before = np.concatenate(([0.0], cumulative))[self.choice_start[:-1]]
        state_of_choice = np.repeat(np.arange(states), np.diff(self.choice_start))
        within = cumulative - before[state_of_choice]
        total = within[stop_choice]
        scale = np.where(total > 0, total, 1.0)[state_of_choice]
        within = np.where(total[state_of_choice] > 0, within / scale, 0.0)
        within[stop_choice[total > 0]] = 1.0  # the next state's keys start at state + 1
        self.keys = state_of_choice + within

    def has_paths(self, intent: str) -> bool:
        return self.log_mass[intent] > -math.inf

    def walk(self, starts: np.ndarray, rng: np.random.Generator) -> Walks:
        """One random path from each start state, slots filled; label-free arcs are left
        out."""
        n = len(starts)
        walker = np.arange(n)  # the walks still going, in order
        state = np.asarray(starts, dtype=np.int64).copy()
        back = np.full(n, -1, dtype=np.int64)  # where a walk inside a slot class returns
        walkers, arcs = [], []
        while len(walker):
            choice = np.searchsorted(self.keys, state + rng.random(len(walker)), side="right")
            arc = self.choice_arc[choice]
            ends, emits = self._advance(state, back, arc)
            walkers.append(walker[emits])
            arcs.append(arc[emits])
            walker, state, back = walker[~ends], state[~ends], back[~ends]
        who = np.concatenate(walkers) if walkers else np.zeros(0, dtype=np.int64)
        taken = np.concatenate(arcs) if arcs else np.zeros(0, dtype=np.int64)
        taken = taken[np.argsort(who, kind="stable")]
        ends = np.cumsum(np.bincount(who, minlength=n))
        return Walks(self.ilabel[taken], self.olabel[taken], ends)

    def _advance(
        self, state: np.ndarray, back: np.ndarray, arc: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move walks (in place) along their chosen `arc`s (-1: stop): into a slot class,
        out of one, or on. Returns which walks ended, and the positions of those that
        took an arc with labels."""
        stops = arc < 0
        known = np.where(stops, 0, arc)
        call = np.where(stops, -1, self.call[known])
        calls = call >= 0
        ends = stops & (back < 0)
        returns = stops & (back >= 0)
        state[returns], back[returns] = back[returns], -1
        back[calls], state[calls] = self.nextstate[known[calls]], call[calls]
        moves = ~stops & ~calls
        state[moves] = self.nextstate[known[moves]]
        labelled = (self.ilabel[known] != 0) | (self.olabel[known] != 0)
        return ends, np.flatnonzero(moves & labelled)

    def every_path(self, intent: str) -> Enumeration:
        """Every path of `intent`, slots filled, with its probability, all at once:
        breadth first, a layer of choices per step for all partial paths together. For
        languages that fit in memory; `all_paths` streams."""
        parent, taken = [np.array([-1])], [np.array([-1])]
        nodes = 1  # node 0 is the empty prefix; each emitting arc taken adds one
        state = np.array([self.start[intent]], dtype=np.int64)
        back = np.full(1, -1, dtype=np.int64)
        log_p = np.zeros(1)
        node = np.zeros(1, dtype=np.int64)
        length = np.zeros(1, dtype=np.int64)  # arcs emitted so far
        words = np.zeros((1, 2), dtype=np.uint64)  # a hash of the input labels so far
        done = [(node[:0], log_p[:0], length[:0], words[:0])]  # no path, when there is none
        while len(state) and self.has_paths(intent):
            first = self.choice_start[state]
            count = self.choice_start[state + 1] - first
            which = np.repeat(np.arange(len(state)), count)
            choice = (
                first[which] + np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count)
            )
            live = self.log_prob[choice] > -math.inf
            which, choice = which[live], choice[live]
            arc = self.choice_arc[choice]
            state, back, node, length = state[which], back[which], node[which], length[which]
            words = words[which]
            log_p = log_p[which] + self.log_prob[choice]
            ends, emits = self._advance(state, back, arc)
            done.append((node[ends], log_p[ends], length[ends], words[ends]))
            parent.append(node[emits])
            taken.append(arc[emits])
            node[emits] = nodes + np.arange(len(emits))
            length[emits] += 1
            nodes += len(emits)
            said = emits[self.ilabel[arc[emits]] != 0]
            words[said] = words[said] * _HASH + self.ilabel[arc[said]].astype(np.uint64)[:, None]
            keep = ~ends
            state, back, log_p = state[keep], back[keep], log_p[keep]
            node, length, words = node[keep], length[keep], words[keep]
        last, log_p, length, words = (np.concatenate(column) for column in zip(*done))
        return Enumeration(
            self, np.concatenate(parent), np.concatenate(taken), last, length, np.exp(log_p), words
        )

    def all_paths(self, intent: str) -> Iterator[Path]:
        """Every path of `intent` with slots expanded, depth first in arc order: a fixed
        order, streamed."""
        start = self.start[intent]
        if start >= 0 and self.has_paths(intent):
            yield from self._paths(start, {})

    def _paths(self, state: int, class_paths: dict[int, list[Path]]) -> Iterator[Path]:
        first = int(self.choice_start[state])
        arcs = self._arcs(state)
        if self.log_prob[first + len(arcs)] > -math.inf:
            yield []
        for c, arc in zip(range(first, first + len(arcs)), arcs):
            if self.log_prob[c] == -math.inf:
                continue
            call = int(self.call[arc])
            if call >= 0:
                if call not in class_paths:
                    class_paths[call] = list(self._paths(call, class_paths))
                heads = class_paths[call]
            else:
                heads = [[(int(self.ilabel[arc]), int(self.olabel[arc]))]]
            for head in heads:
                for tail in self._paths(int(self.nextstate[arc]), class_paths):
                    yield head + tail


_HASH = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)  # odd multipliers


@dataclass
class Enumeration:
    """Every path of an intent as a tree of prefixes: per node its parent and the arc
    that ends it; per path its last node, its number of arcs, its probability, and two
    64-bit polynomial hashes of its input labels, which tell which paths spell the same
    sentence (a 128-bit collision among a language's sentences is not to be expected)."""

    walker: Walker
    parent: np.ndarray
    arc: np.ndarray
    last: np.ndarray
    length: np.ndarray
    probability: np.ndarray
    words: np.ndarray  # (paths, 2) uint64

    def sentences(self) -> tuple[np.ndarray, np.ndarray]:
        """A sentence number for each path, and each sentence's first path."""
        order = np.lexsort((self.words[:, 1], self.words[:, 0]))  # stable: first path first
        ordered = self.words[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        sentence = np.empty(len(order), dtype=np.int64)
        sentence[order] = np.cumsum(new) - 1
        return sentence, order[new]

    def walks(self, chosen: np.ndarray) -> Walks:
        """The paths numbered `chosen`, in that order, spelled out from the tree."""
        lengths = self.length[chosen]
        ends = np.cumsum(lengths)
        arcs = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        at, cursor = ends - 1, self.last[chosen]
        for _ in range(int(lengths.max()) if len(lengths) else 0):
            live = cursor > 0
            arcs[at[live]] = self.arc[cursor[live]]
            at, cursor = at - 1, np.where(live, self.parent[cursor], 0)
        return Walks(self.walker.ilabel[arcs], self.walker.olabel[arcs], ends)


def _mass(beta: list[float], start: int) -> float:
    """The log probability mass of the FST starting at `start` (-inf: no path)."""
    return float(beta[start]) if start >= 0 else -math.inf


def _logsumexp(terms: list[float]) -> float:
    top = max(terms)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(t - top) for t in terms))
