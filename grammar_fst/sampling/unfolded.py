"""A walker's network unfolded: a copy of a rule's or slot class's FST for every way the
intents reach it (the states on the return stack), so that entering one and coming back
out are plain moves, and a batch of walks needs no stack: a step is a draw, a choice read
from a table of buckets, and a lookup of the state it leads to.

A copy's states have the choices of the states they copy, with the same keys: the walk
still finds its choice among the walker's keys, by the state copied, so the choices and
the draws are those of the walk with a stack. Only what a choice leads to is the copy's
own: entering goes to the callee's copy for this call, stopping inside a callee goes back
to the caller's copy at the return state, and stopping at the top ends the walk.

A choice that is sure (the only one its state can take) is not drawn: both walks take it
with the choice before it (see `Walker.walk`). So an unfolded choice leads, through the
sure choices after it, to the next state with a real choice (`Unfolded.after`), and takes
a run of arcs with labels on the way (`Runs`): a walk takes one step per draw.

A network whose copies would hold more than `LIMIT` states or choices (or 4 times the
walker's choices, when more), or whose runs would, is not unfolded: its walks keep the
stack.

A choice is found among the walker's keys `state + cumulative probability` as a
`searchsorted(keys, state + u, side="right")` for the walk's draw u would find it. The
draws of a state are cut into `per` buckets (per a power of two, so u's bucket is
`u * per` rounded down, exactly); a bucket whose keys `state + u` all have the same
choice holds it (most do: a state has few choices), the others -1, and their walks are
searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..fst.walks import distinct, spans

if TYPE_CHECKING:
    from .walker import Walker

LIMIT = 1 << 18
BUCKETS = 1 << 18  # the buckets of a table (or 4 per choice of the walker, when more)
MOVES, EMITS, ENTERS, STOPS = range(4)  # what taking a choice does (`Walker._effect`)


@dataclass(frozen=True)
class Buckets:
    """Per state of a table (the walker's own, or an unfolding's), `per` buckets of the
    draws: bucket `state * per + j` holds the choice of every draw u in [j, j + 1) / per,
    numbered as the table numbers choices, or -1 when they differ. `copied[state]` is the
    walker's state whose choices it has, and `shift[state]` what turns one of those (the
    walker's number) into the table's."""

    per: int
    choice: np.ndarray
    copied: np.ndarray
    shift: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray, copied: np.ndarray, shift: np.ndarray) -> Buckets:
        """The buckets of states copying `copied`, over the walker's `keys`. A draw of
        bucket j has its key `fl(state + u)` between `state + j / per` and `state + (j + 1)
        / per` (both exact in floating point), so their choices bound its choice."""
        entries = max(BUCKETS, len(keys))
        per = 1 << max(0, min(10, (entries // max(len(copied), 1)).bit_length() - 1))
        states, copy_of = np.unique(copied, return_inverse=True)
        own = np.empty((len(states), per), dtype=np.int64)  # per state copied
        step = max(1, (1 << 16) // per)  # states at a time: a catalogue has millions
        for at in range(0, len(states), step):
            edges = states[at : at + step, None] + np.arange(per + 1) / per  # increasing
            found = np.searchsorted(keys, edges.ravel(), side="right").reshape(len(edges), -1)
            own[at : at + step] = np.where(found[:, :-1] == found[:, 1:], found[:, :-1], -1)
        choice = own[copy_of]
        if shift.any():
            unsure = choice < 0
            choice += shift[:, None]
            choice[unsure] = -1
        return cls(per, choice.ravel(), copied, shift)

    def choose(self, keys: np.ndarray, bucket: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The choice of each walk whose draw `u` falls in `bucket`."""
        choice = self.choice[bucket]
        if choice.min(initial=0) < 0:
            unsure = np.flatnonzero(choice < 0)
            at = bucket[unsure] // self.per
            found = np.searchsorted(keys, self.copied[at] + u[unsure], side="right")
            choice[unsure] = found + self.shift[at]
        return choice


@dataclass(frozen=True)
class Runs:
    """Per choice of a table, the label pairs of the arcs with labels that taking it
    takes: `ilabel[first[c] : first[c] + length[c]]`, and the same of `olabel`."""

    first: np.ndarray
    length: np.ndarray
    ilabel: np.ndarray
    olabel: np.ndarray

    @classmethod
    def of(cls, walker: Walker, length: np.ndarray, arcs: np.ndarray) -> Runs:
        """Runs of `length` arcs each, one after the other in `arcs` (the walker's)."""
        first = np.cumsum(length) - length
        return cls(first, length, walker._ilabel[arcs], walker._olabel[arcs])


@dataclass(frozen=True)
class Unfolded:
    """The unfolded states' `buckets`; per unfolded choice, the arcs with labels it and
    the sure choices after it take (`runs`), and the unfolded state with a real choice
    they lead to, times `buckets.per` (`after`, -1: the walk ends); per walker state, the
    entry of `runs` and `after` a walk from it begins with (`begin`, -1: none; only the
    intents' start states have one), after the choices': it takes no choice itself, then
    the sure choices from the start (an intent's tag, at least)."""

    buckets: Buckets
    runs: Runs
    after: np.ndarray
    begin: np.ndarray


@dataclass(frozen=True)
class _Copy:
    first: int  # the walker's first state of the FST copied
    size: int  # its number of states
    parent: int  # the copy it returns to (-1: none, an intent)
    back: int  # the walker's state it returns to, in the parent's FST


def unfold(walker: Walker, starts: list[int], limit: int | None = None) -> Unfolded | None:
    """The network of `walker` unfolded from the intents' `starts`, or None when it
    would be larger than `limit` (default `LIMIT`; or 4 times the walker's choices, when
    more)."""
    cap = max(LIMIT if limit is None else limit, 4 * len(walker._effect))
    fst_first = np.array(sorted(r.start for r in walker._blocks.values() if len(r)))
    fst_size = {r.start: len(r) for r in walker._blocks.values()}
    copies: list[_Copy] = []
    index: dict[tuple[int, int, int], int] = {}
    children: list[dict[int, int]] = []  # per copy, its arcs that enter: the copy entered

    def copy_of(first: int, parent: int, back: int) -> int:
        key = (first, parent, back)
        if key not in index:
            index[key] = len(copies)
            copies.append(_Copy(first, fst_size[first], parent, back))
        return index[key]

    for start in sorted(set(s for s in starts if s >= 0)):
        copy_of(int(fst_first[np.searchsorted(fst_first, start, side="right") - 1]), -1, -1)
    states = 0
    for c, copy in enumerate(copies):  # grows as copies are found
        states += copy.size
        if states > cap:
            return None
        arcs = range(walker._arc_start[copy.first], walker._arc_start[copy.first + copy.size])
        calls = walker._call[arcs.start : arcs.stop]
        entering = np.flatnonzero(calls >= 0)
        owners = fst_first[np.searchsorted(fst_first, calls[entering], side="right") - 1]
        backs = walker._nextstate[arcs.start + entering]
        children.append(
            {
                arcs.start + int(a): copy_of(int(owner), c, int(back))
                for a, owner, back in zip(entering.tolist(), owners.tolist(), backs.tolist())
            }
        )
    return _tables(walker, copies, children, np.asarray(starts, dtype=np.int64), cap)


def _tables(
    walker: Walker,
    copies: list[_Copy],
    children: list[dict[int, int]],
    starts: np.ndarray,
    cap: int,
) -> Unfolded | None:
    """The arrays of `Unfolded` for these copies."""
    size = np.array([c.size for c in copies], dtype=np.int64)
    first = np.array([c.first for c in copies], dtype=np.int64)
    offset = np.concatenate(([0], np.cumsum(size)))  # the copy's first unfolded state
    choice_first = walker._choice_start[first]
    choice_size = walker._choice_start[first + size] - choice_first
    if int(choice_size.sum()) > cap:
        return None
    choice_offset = np.concatenate(([0], np.cumsum(choice_size)))
    copied = np.concatenate([np.arange(f, f + s) for f, s in zip(first.tolist(), size.tolist())])
    shift = np.repeat(choice_offset[:-1] - choice_first, size)
    copied_choice = np.concatenate(
        [np.arange(f, f + s) for f, s in zip(choice_first.tolist(), choice_size.tolist())]
    )
    after = np.empty(int(choice_offset[-1]), dtype=np.int64)
    for c, copy in enumerate(copies):
        span = slice(int(choice_first[c]), int(choice_first[c] + choice_size[c]))
        own = walker._after[span] - copy.first + offset[c]
        effect = walker._effect[span]
        if copy.parent >= 0:
            returned = offset[copy.parent] + copy.back - copies[copy.parent].first
            own[effect == STOPS] = returned
        else:
            own[effect == STOPS] = -1
        for k in np.flatnonzero(effect == ENTERS).tolist():
            child = children[c][int(walker._choice_arc[span.start + k])]
            entered = walker._after[span.start + k]
            own[k] = offset[child] + entered - copies[child].first
        after[choice_offset[c] : choice_offset[c + 1]] = own
    starts = distinct(starts[starts >= 0])
    start_state = np.full(len(starts), -1, dtype=np.int64)  # each start's unfolded state
    for c, copy in enumerate(copies):
        if copy.parent < 0:
            own = (starts >= copy.first) & (starts < copy.first + copy.size)
            start_state[own] = offset[c] + starts[own] - copy.first
    sure = walker._sure[copied]
    sure = np.where(sure >= 0, sure + shift, -1)  # per unfolded state
    drawn = np.flatnonzero(sure < 0)
    first = walker._choice_start[copied[drawn]]
    count = walker._choice_start[copied[drawn] + 1] - first
    # a walk begins with an entry after the choices, which takes none and leads to its start
    begin = np.full(walker.num_states(), -1, dtype=np.int64)
    begin[starts] = len(after) + np.arange(len(starts))
    followed = np.concatenate([spans(first + shift[drawn], count), begin[starts]])
    after = np.concatenate([after, start_state])
    emitted = np.concatenate([walker._emitted[copied_choice], np.full(len(starts), -1)])
    folded = _folded(after, emitted, sure, followed, cap)
    if folded is None:
        return None
    buckets = Buckets.of(walker._keys, copied, shift)
    after, length, arcs = folded
    after[after >= 0] *= buckets.per
    return Unfolded(buckets, Runs.of(walker, length, arcs), after, begin)


def _folded(
    after: np.ndarray, emitted: np.ndarray, sure: np.ndarray, followed: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Per entry `followed` of `after` (the choices a walk may draw, and the walks'
    beginnings), the state it leads to through the `sure` choices after it (per state,
    -1: none), how many arcs with labels it and they take, and those arcs, entry after
    entry; None when they would be more than `cap`. The choices of states with a sure
    choice are never drawn."""
    reached = after.copy()
    steps, arcs = [followed], [emitted[followed]]
    going = followed[reached[followed] >= 0]
    going = going[sure[reached[going]] >= 0]
    total = len(followed)
    while len(going):
        choice = sure[reached[going]]
        steps.append(going)
        arcs.append(emitted[choice])
        total += len(going)
        if total > cap:
            return None
        reached[going] = after[choice]
        going = going[reached[going] >= 0]
        going = going[sure[reached[going]] >= 0]
    step, arc = np.concatenate(steps), np.concatenate(arcs)
    labelled = arc >= 0
    step, arc = step[labelled], arc[labelled]
    length = np.bincount(step, minlength=len(after))
    return reached, length, arc[np.argsort(step, kind="stable")]
