"""Best-first model merging: repeatedly apply the merge that raises the score most, until
none raises it.

Merging runs in rounds of two phases. First, states that say the same symbols merge
(shared phrasing: "in {city}" at the end of two utterances becomes one path); then
states that say different words but share both a left and a right context (a class:
"pop" and "rock" in "play _ music"). Classes come second because a class merged early
joins two paths and so forbids the merges of their like states that would make a cycle.
Rounds go on while the class phase merges something. After each merge, `fold` keeps the
automaton deterministic.

Gains live in a priority queue. A merge changes few rows, so after each one only the pairs it can
have changed are scored again: the merged state with its neighbours, and the pairs that
now share a context through it. Other entries may be stale; an entry is scored again when
it comes to the top and goes back in the heap if its gain moved, so the merge applied is
always scored on the current model.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass

from .automaton import END, Automaton, Symbol

EPSILON = 1e-9


@dataclass(frozen=True)
class Step:
    """One operation of the trace: what was done and how much it raised the score."""

    operation: str  # merge, fold, widen or chunk
    intent: str
    detail: str
    gain: float | None = None  # None: the operation is not scored (widening)

    def __str__(self) -> str:
        scored = "" if self.gain is None else f"  ({self.gain:+.2f})"
        return f"{self.operation:6} {self.intent}: {self.detail}{scored}"


class OverBudget(Exception):
    """Merging would take more steps than its budget."""


class Steps:
    """A budget of steps (a pair of states considered, or taken from the heap), so that
    merging stops at a known point whatever the utterances. The steps grow with the
    states per distinct word: on SNIPS, SLURP and the Thai and Spanish dialogs a merge
    takes 50 to 750 per state (9,317 states of BookRestaurant_full: 740); utterances that
    say a few words in many places (lines of a hundred "a"s and "b"s) take thousands."""

    def __init__(self, steps: float = math.inf):
        self.left = steps

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise OverBudget


def merge_states(
    model: Automaton, intent: str, trace: Callable[[Step], None], steps: Steps | None = None
) -> None:
    """Merge `model`'s states in rounds of like states, then classes, while a merge raises
    its score; never two states on one path (that would make a cycle). OverBudget when
    that takes more than `steps`."""
    steps = steps or Steps()
    _best_first(model, False, intent, trace, steps)
    while _best_first(model, True, intent, trace, steps):
        _best_first(model, False, intent, trace, steps)


def _best_first(
    model: Automaton,
    classes: bool,
    intent: str,
    trace: Callable[[Step], None],
    steps: Steps,
) -> int:
    """Apply the merges of like states (or with `classes`, of interchangeable ones) best
    first while one raises the score; how many."""
    heap = _Candidates(model.emit, steps)
    merged = 0
    allowed = model.interchangeable if classes else model.alike
    near = model.neighbours if classes else model.like_neighbours
    emit = model.emit

    def consider(groups: Iterable[tuple[int, set[int]]]) -> None:
        """Score each state with the live states grouped with it (a step each, spent by
        whoever found them) and push the merges that may raise the score."""
        for state, others in groups:
            if classes:  # like states are `alike` by construction
                others = model.interchangeable_with(state, others)
            heap.push(state, model.scored(state, others))

    def near_of(state: int) -> tuple[int, set[int]]:
        others = near(state)
        steps.spend(len(others))
        return state, others

    if classes:
        consider(_neighbour_pairs(model, steps))
    else:
        consider(_grouped(model.like_pairs(), steps))
    while (entry := heap.take()) is not None:
        steps.spend()
        stored, a, b = entry
        if not allowed(a, b) or model.reaches(a, b):
            continue
        gain = model.merge_gain(a, b)
        if gain <= EPSILON:
            continue
        if abs(gain + stored) > EPSILON:
            heap.push(a, {gain: [b]})
            continue
        if model.repeats(a, b):
            continue
        detail = f"{describe(model.emit[a])} + {describe(model.emit[b])}"
        after_a, after_b = set(model.out[a]), set(model.out[b])
        before_a, before_b = set(model.into[a]), set(model.into[b])
        model.merge(a, b)
        merged += 1
        trace(Step("merge", intent, detail, gain))
        folded = fold(model, a, intent, trace)
        heap.forget([b, *(gone for _, gone in folded)])
        consider(near_of(state) for state in [a, *(kept for kept, _ in folded)] if state in emit)
        consider(_crossed(model, after_a - after_b, after_b - after_a, classes, steps))
        consider(_crossed(model, before_a - before_b, before_b - before_a, classes, steps))
    return merged


class _Candidates:
    """The candidate merges `(-gain, a, b)`, best first. The pairs scored at once for a
    state are one run, in order (by gain, then by the other state, which orders the
    pairs `(a, b)`), and a heap holds the best entry of each run: popping the best of the
    runs' bests gives the entries in the order one heap of them all would, at a push per
    run instead of per entry. Most entries die, a state of theirs merged away, before
    they come to the top (nine in ten on BookRestaurant's whole file): a run drops its
    dead as they come to its front, and dies whole with the state it was scored for,
    each entry spending the step its pop would have, so that the merges and the steps
    are those of popping them one by one."""

    def __init__(self, live: Container[int], steps: Steps):
        self.heap: list[tuple[tuple[float, int, int], int, _Run]] = []
        self.live, self.steps = live, steps
        self.runs: dict[int, list[_Run]] = {}  # per state, the runs scored for it
        self.made = 0  # runs pushed: orders runs whose best entries are equal

    def push(self, state: int, by_gain: dict[float, list[int]]) -> None:
        """Push the pairs of `state` with each of the others, by their gain (`scored`),
        that may raise the score."""
        groups = [
            (-gain, sorted(others, reverse=True))
            for gain, others in by_gain.items()
            if gain > EPSILON
        ]
        if groups:
            groups.sort(key=lambda group: group[0], reverse=True)  # the best last
            run = _Run(state, groups)
            self.made += 1
            heapq.heappush(self.heap, (run.best(), self.made, run))
            self.runs.setdefault(state, []).append(run)

    def take(self) -> tuple[float, int, int] | None:
        """The best entry whose states are both live (None when none is left); the dead
        entries before it go, a step each, and so do the dead that follow it in its run.
        A run's own state is live: its runs die with it (`forget`)."""
        heap, live, dead = self.heap, self.live, 0
        while heap:
            _, made, run = heap[0]
            groups = run.groups
            if not groups:  # emptied when its state died
                heapq.heappop(heap)
                continue
            neg, others = groups[-1]
            other = others.pop()
            while True:  # drop the dead that come next
                if not others:
                    groups.pop()
                    if not groups:
                        break
                    others = groups[-1][1]
                if others[-1] in live:
                    break
                others.pop()
                dead += 1
            if groups:
                heapq.heapreplace(heap, (run.best(), made, run))
            else:
                heapq.heappop(heap)
            if other in live:
                self.steps.spend(dead)
                state = run.state
                return (neg, other, state) if other < state else (neg, state, other)
            dead += 1
        self.steps.spend(dead)
        return None

    def forget(self, gone: Iterable[int]) -> None:
        """States merged away: the runs scored for them die."""
        for state in gone:
            for run in self.runs.pop(state, ()):
                self.steps.spend(sum(len(others) for _, others in run.groups))
                run.groups.clear()


class _Run:
    """The pairs of one state with others, best last: groups of one gain (negated), each
    of its others in decreasing order."""

    __slots__ = ("state", "groups")

    def __init__(self, state: int, groups: list[tuple[float, list[int]]]):
        self.state, self.groups = state, groups

    def best(self) -> tuple[float, int, int]:
        neg, others = self.groups[-1]
        other, state = others[-1], self.state
        return (neg, other, state) if other < state else (neg, state, other)


def _grouped(pairs: set[tuple[int, int]], steps: Steps) -> list[tuple[int, set[int]]]:
    """Pairs `(a, b)` as each `a` with its `b`s, a step each."""
    steps.spend(len(pairs))
    groups: dict[int, set[int]] = {}
    for a, b in pairs:
        groups.setdefault(a, set()).add(b)
    return sorted(groups.items())


def _crossed(
    model: Automaton, xs: set[int], ys: set[int], classes: bool, steps: Steps
) -> list[tuple[int, set[int]]]:
    """Each emitting state of `xs` with the emitting states of `ys`, which now share a
    context with it through a merge, a step for each pair; unless for `classes`, only
    those that say the same symbols (the others cannot merge in that phase, and two
    states with a hundred successors each make 10,000)."""
    emit = model.emit
    xs, ys = {x for x in xs if x > END}, {y for y in ys if y > END}
    if classes:
        steps.spend(len(xs) * len(ys))
        live = {y for y in ys if y in emit}  # folding merges some away
        return [(x, live) for x in xs if x in emit and live]
    said = {s: model.said(s) for s in xs | ys if s in emit}
    by_said: dict[frozenset[Symbol], set[int]] = {}
    for y in ys:
        if y in said:
            by_said.setdefault(said[y], set()).add(y)
    groups = [(x, by_said[said[x]]) for x in xs if x in said and said[x] in by_said]
    steps.spend(sum(len(others) for _, others in groups))
    return groups


def _neighbour_pairs(model: Automaton, steps: Steps) -> Iterator[tuple[int, set[int]]]:
    """Each state with the states after it that may become a class with it, a step for
    each neighbour looked at and each neighbour after it (states that say a slot never
    do): those with a context in common with it on both sides."""
    slotted = {state for state in model.states if model.says_slot(state)}
    for a in model.states:
        if a in slotted:
            continue
        before, after = model.neighbours_on(a, False), model.neighbours_on(a, True)
        near = before | after
        later = {b for b in near if b > a} - slotted
        steps.spend(len(near) + len(later))
        yield a, later & before & after


def fold(
    model: Automaton, state: int, intent: str, trace: Callable[[Step], None]
) -> list[tuple[int, int]]:
    """Keep the automaton deterministic after a merge at `state`: two successors of one
    state that say the same symbols become one, and so on from there (unless that would
    make a cycle). A nondeterministic automaton says the same sentences along several
    paths, and compiling it to a deterministic transducer can take exponential time and
    space. The pairs merged (into, away), in order."""
    merged, todo = [], [state]
    while todo:
        here = todo.pop()
        if here not in model.out:
            continue
        twins = _twins(model, here)
        if twins is None:
            continue
        a, b = twins
        gain = model.merge_gain(a, b)
        trace(Step("fold", intent, f"{describe(model.emit[a])} + {describe(model.emit[b])}", gain))
        model.merge(a, b)
        merged.append((a, b))
        todo += [here, a, *model.into[a]]
    return merged


def _twins(model: Automaton, state: int) -> tuple[int, int] | None:
    """Two successors of `state` that say the same symbols and may merge, if any."""
    alike: dict[frozenset[Symbol], list[int]] = {}
    for target in sorted(model.out[state]):
        if target != END:
            alike.setdefault(model.said(target), []).append(target)
    for group in alike.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if not model.reaches(a, b) and not model.repeats(a, b):
                    return a, b
    return None


def describe(emissions: dict[Symbol, int], most: int = 4) -> str:
    """A state's symbols, the most frequent first: `pop|rock`."""
    ranked = sorted(emissions, key=lambda s: (-emissions[s], str(s)))
    shown = "|".join(str(s) for s in ranked[:most])
    return shown + ("|…" if len(ranked) > most else "")
