"""Weighted random paths through a compiled grammar, many at a time, and exhaustive
enumeration.

All FSTs of a grammar (intents, rules and slot classes) become one table of choices: per
state, its arcs and then "stop" (the final weight), each with the probability of taking
it. Arc weights are pushed toward the start in the log semiring (a backward pass over
each acyclic FST, the FSTs that others enter first), so a walk that picks locally picks
each distinct derivation with its grammar probability, however the FSTs were optimized;
a nonterminal's arc carries the total mass of its rule or slot class, and the walk enters
that FST there, with the state to come back to on its stack, and returns when it stops.

A batch of walks advances in lock step with numpy: each step draws one uniform number per
live walk and finds its choice among the keys `state + cumulative probability`, which
increase across the whole table: the choice a `searchsorted` would find, read from a
table of buckets of the draws (see `unfolded.Buckets`), then every sure choice after it
(a state's only choice with a probability), which draws nothing. Randomness comes from
the caller's numpy Generator, so the same seed and FSTs give the same paths, whether the
FSTs were just compiled or read from a `.far`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..fst import openfst
from ..fst.compiler import CompiledFsts, Key, call_order, callees
from ..fst.walks import LabelPath, Walks, distinct, spans
from .unfolded import EMITS, ENTERS, MOVES, STOPS, Buckets, Runs, Unfolded, unfold

COMBINED_ABOVE = 1_000  # choices: a catalogue, enumerated once (`Walker.every_path`)
MEAN_WORDS = 10_000  # a sampled sentence says at most this many words on average
# a catalogue's paths as `Walker._joined` combines them: their walks, their choices' log
# probabilities (a row per place), their hashes and what they multiply the hashes before by
Combined = tuple[Walks, np.ndarray, np.ndarray, np.ndarray]
_STOP = -1
_EMPTY = -2  # `Walker.call` of an arc into an FST without a state (nothing to say)


class Walker:
    """Random and exhaustive paths through the intents of a compiled network.

    What other modules may read: the start state and log probability mass of each FST
    by intent, slot class and rule name (`intent_start`, `class_start`, `rule_start`;
    `intent_log_mass`, `class_log_mass`, `rule_log_mass`; a start of -1 is an FST
    without a state), the walker's numbers of an FST's states (`states`), and their
    choices with probabilities and targets (`choices`). The arrays behind them are the
    walker's own:

    global state and arc numbering (intents, then slot classes, then rules);
    `_choice_start[s]` is state s's first choice; its choices are its arcs in order, then
    stop. `_keys[c] = s + P(choices of s up to and including c)` (and a last key,
    infinity); `_choice_arc[c]` is the
    arc of choice c, or -1 for stop; `_log_prob[c]` its log probability. Per arc:
    `_ilabel`, `_olabel`, `_nextstate`, and `_call`: the start state of the slot class or
    rule the arc enters, or -1. Per choice, what taking it does (`_effect`, `_after`, see
    `_steps`). The network unfolded for walks without a stack (`_unfolded`), or the
    buckets of the walker's own states (`_buckets`), are made by the first walk.
    """

    def __init__(self, fsts: CompiledFsts):
        keyed = [("intent", n) for n in fsts.intents] + [("slot", n) for n in fsts.slots]
        keyed += [("rule", n) for n in fsts.rules]
        parts = [fsts.arrays(key) for key in keyed]
        sizes = [p.num_states() for p in parts]
        offsets = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))
        self._blocks = {
            key: range(int(a), int(b)) for key, a, b in zip(keyed, offsets, offsets[1:])
        }
        arcs = np.concatenate(([0], np.cumsum([len(p.ilabel) for p in parts], dtype=np.int64)))
        self._ilabel = _joined([p.ilabel for p in parts])
        self._olabel = _joined([p.olabel for p in parts])
        self._nextstate = _joined([p.nextstate + np.int32(b) for p, b in zip(parts, offsets)])
        weight = _joined([p.weight for p in parts], np.float64)
        final = _joined([p.final for p in parts], np.float64)
        self._arc_start = np.concatenate(
            [p.arc_start[:-1] + a for p, a in zip(parts, arcs)] + [arcs[-1:]]
        ).astype(np.int64)
        starts = {
            key: int(base + part.start) if part.start >= 0 else -1
            for key, part, base in zip(keyed, parts, offsets)
        }
        self.intent_start = {n: starts[("intent", n)] for n in fsts.intents}
        self.class_start = {n: starts[("slot", n)] for n in fsts.slots}
        self.rule_start = {n: starts[("rule", n)] for n in fsts.rules}
        self._call = self._calls(fsts, starts)
        # masses, callees before the FSTs that enter them (found from the arrays just read)
        for key, part in zip(keyed, parts):
            callees(fsts, key, part)
        beta = np.full(len(final), -math.inf)
        words = np.zeros(len(final))  # per state, the mean number of words still to come
        index = {key: k for k, key in enumerate(keyed)}
        for key in [*call_order(fsts), *(("intent", n) for n in fsts.intents)]:
            k = index[key]
            call = self._call[arcs[k] : arcs[k + 1]]
            entered = np.where(
                call >= 0,
                beta[np.maximum(call, 0)],
                np.where(call == _EMPTY, -math.inf, 0.0),
            )
            said = np.where(call >= 0, words[np.maximum(call, 0)], parts[k].ilabel != 0)
            own = slice(offsets[k], offsets[k + 1])
            beta[own], words[own] = _log_mass(parts[k], entered, said)
        del parts  # what the table needs is in the joined arrays
        self.intent_log_mass = {name: _mass(beta, s) for name, s in self.intent_start.items()}
        self.class_log_mass = {name: _mass(beta, s) for name, s in self.class_start.items()}
        self.rule_log_mass = {name: _mass(beta, s) for name, s in self.rule_start.items()}
        self.mean_words = {key: float(words[s]) if s >= 0 else 0.0 for key, s in starts.items()}
        self._choices(weight, final, beta)
        self._steps()
        self._unfolded: Unfolded | Literal[False] | None = None  # False: not unfolded
        self._buckets: Buckets | None = None

    def _calls(self, fsts: CompiledFsts, starts: dict) -> np.ndarray:
        """Per arc, the start of the FST it enters (-1: none; -2: one without a state)."""
        nonterminals = fsts.nonterminals()
        top = max([*nonterminals, int(self._ilabel.max()) if len(self._ilabel) else 0]) + 1
        callee = np.full(top, -1, dtype=np.int32)
        for label, key in nonterminals.items():
            callee[label] = starts[key] if starts[key] >= 0 else _EMPTY
        return np.where(self._ilabel == self._olabel, callee[self._ilabel], -1)

    def _steps(self) -> None:
        """What taking a choice does, looked up per choice: `_effect`, whether it stops,
        enters a rule or slot class, emits labels (entering arcs do not) or only moves
        on; `_after`, the state it leads to (the start of the FST it enters, if it
        enters one; -1 for a stop); `_emitted`, the arc if taking it emits labels, else -1
        (`_runs`, the same as runs of at most one arc). Per state, `_sure`: its only
        choice with a probability, or -1 (a dead state's, or one of several)."""
        arc = self._choice_arc
        calls = self._call >= 0
        labelled = (self._ilabel != 0) | (self._olabel != 0)
        effect = np.where(calls, ENTERS, np.where(labelled, EMITS, MOVES)).astype(np.int8)
        self._effect = np.append(effect, np.int8(STOPS))[arc]
        self._emitted = np.where(self._effect == EMITS, arc, -1).astype(np.int64)
        after = np.where(calls, self._call, self._nextstate).astype(np.int64)
        self._after = np.append(after, -1)[arc]
        said = self._emitted >= 0
        self._runs = Runs.of(self, said.astype(np.int64), self._emitted[said])
        live = np.flatnonzero(self._log_prob > -math.inf)
        state = np.repeat(np.arange(self.num_states()), np.diff(self._choice_start))[live]
        alone = np.bincount(state, minlength=self.num_states())[state] == 1
        self._sure = np.full(self.num_states(), -1, dtype=np.int64)
        self._sure[state[alone]] = live[alone]

    def _arcs(self, state: int) -> range:
        return range(self._arc_start[state], self._arc_start[state + 1])

    def states(self, key: Key) -> range:
        """The walker's numbers of the states of `key`'s FST: state q of the FST is
        `states(key)[q]`."""
        return self._blocks[key]

    def num_states(self) -> int:
        """How many states the walker numbers (of all its FSTs)."""
        return len(self._arc_start) - 1

    def choices(self, states: range) -> Choices:
        """The choices of the consecutive `states` (see `Choices`)."""
        first = self._choice_start[states.start : states.stop + 1]
        span = slice(int(first[0]), int(first[-1]))
        arc = self._choice_arc[span]
        is_arc = arc >= 0
        target = np.full(len(arc), -1, dtype=np.int64)
        target[is_arc] = self._nextstate[arc[is_arc]]
        enters = np.full(len(arc), -1, dtype=np.int64)
        enters[is_arc] = np.maximum(self._call[arc[is_arc]], -1)
        return Choices(
            states,
            first - first[0],
            np.repeat(np.arange(states.start, states.stop), np.diff(first)),
            self._log_prob[span],
            target,
            enters,
        )

    def _choices(self, weight: np.ndarray, final_w: np.ndarray, beta: np.ndarray) -> None:
        """The table of choices (see the class docstring), built for all states at once,
        in place where it can be: a catalogue's table is millions of choices."""
        states, arcs = len(final_w), len(weight)
        self._choice_start = self._arc_start + np.arange(states + 1)
        state_of_arc = np.repeat(np.arange(states, dtype=np.int32), np.diff(self._arc_start))
        arc_choice = np.arange(arcs) + state_of_arc
        stop_choice = self._arc_start[1:] + np.arange(states)
        self._choice_arc = np.full(arcs + states, _STOP, dtype=np.int32)
        self._choice_arc[arc_choice] = np.arange(arcs, dtype=np.int32)
        live = beta > -math.inf
        with np.errstate(invalid="ignore"):  # -inf - -inf in dead states, masked below
            arc_log_p = -weight
            arc_log_p += np.where(
                self._call >= 0,
                beta[np.maximum(self._call, 0)],
                np.where(self._call == _EMPTY, -math.inf, 0.0),
            )
            arc_log_p += beta[self._nextstate]
            arc_log_p -= beta[state_of_arc]
            stop_log_p = -final_w - beta
        arc_log_p[~live[state_of_arc]] = -math.inf
        stop_log_p[~live] = -math.inf
        self._log_prob = np.full(arcs + states, -math.inf)
        self._log_prob[arc_choice] = arc_log_p
        self._log_prob[stop_choice] = stop_log_p
        del arc_log_p, stop_log_p, arc_choice, state_of_arc
        self._log_prob[np.isnan(self._log_prob)] = -math.inf
        # cumulative probabilities within each state, normalized to end at exactly 1
        keys = np.empty(len(self._log_prob) + 1)
        keys[-1] = np.inf  # a last key above every walk's (see `_choose`)
        within = keys[:-1]
        np.cumsum(np.exp(self._log_prob), out=within)
        before = np.concatenate(([0.0], within[self._choice_start[1:-1] - 1]))
        state_of_choice = np.repeat(np.arange(states, dtype=np.int32), np.diff(self._choice_start))
        within -= before[state_of_choice]
        total = within[stop_choice]
        within /= np.where(total > 0, total, 1.0)[state_of_choice]
        within[(total <= 0)[state_of_choice]] = 0.0
        within[stop_choice[total > 0]] = 1.0  # the next state's keys start at state + 1
        within += state_of_choice
        self._keys = keys

    def has_paths(self, intent: str) -> bool:
        return self.intent_log_mass[intent] > -math.inf

    def walk(self, starts: np.ndarray, rng: np.random.Generator) -> Walks:
        """One random path from each start state (an intent's, or a slot class's or a
        rule's), nonterminals entered; label-free arcs are left out. A step draws one
        number per walk still going and takes its choice, then every sure choice after it
        (the only one a state can take), drawing nothing for those: each draw is a real
        choice. On the network unfolded when it can be (see `unfolded.py`; it begins at
        the intents' starts only), else with a return stack per walk: the same paths.
        Without starts nothing is unfolded: a block's sentences may all come from an
        enumeration."""
        if not len(starts):
            return self._taken(0, [], [], self._runs)
        if self._unfolded is None:
            self._unfolded = unfold(self, list(self.intent_start.values())) or False
        n = len(starts)
        walker = np.arange(n)  # the walks still going, in order
        state = np.asarray(starts, dtype=np.int64).copy()
        walkers: list[np.ndarray] = []  # per step, the walks still going
        if self._unfolded and (self._unfolded.begin[state] >= 0).all():
            taken = self._walk_unfolded(self._unfolded, walker, state, rng, walkers)
            return self._taken(n, walkers, taken, self._unfolded.runs)
        taken = self._walk_stacked(walker, state, rng, walkers)
        return self._taken(n, walkers, taken, self._runs)

    def _walk_unfolded(self, unfolded: Unfolded, walker, state, rng, walkers: list) -> list:
        """The steps of the walks from `state`s on the unfolded network: the walks
        still going at each step (appended to `walkers`) and the entries of
        `unfolded.runs` they take (a beginning, then one drawn choice a step)."""
        buckets, per = unfolded.buckets, unfolded.buckets.per
        choice = unfolded.begin[state]
        taken = []
        while True:
            walkers.append(walker)
            taken.append(choice)
            at = unfolded.after[choice]  # the walk's unfolded state, times `per`
            going = at >= 0
            if not going.all():
                walker, at = walker[going], at[going]
            if not len(walker):
                return taken
            u = rng.random(len(walker))
            choice = buckets.choose(self._keys, at + (u * per).astype(np.int64), u)

    def _walk_stacked(self, walker, state, rng, walkers: list) -> list:
        """The steps of the walks from `state`s, each with a return stack: the walks
        at each step (appended to `walkers`) and the choices they take, drawn or sure."""
        if self._buckets is None:
            states = np.arange(self.num_states())
            self._buckets = Buckets.of(self._keys, states, np.zeros_like(states))
        buckets, per = self._buckets, self._buckets.per
        stacks = Stacks()
        top = np.full(len(state), -1, dtype=np.int64)  # each walk's return stack (-1: empty)
        taken: list[np.ndarray] = []
        choice = self._sure[state]
        at = np.flatnonzero(choice >= 0)  # the walks taking `choice[at]`
        choice = choice[at]
        while True:
            going = np.ones(len(walker), dtype=bool)
            while len(at):  # the choice drawn, then the sure ones after it
                moved, up = state[at], top[at]
                ended, _ = self._advance(moved, up, choice, stacks)
                state[at], top[at] = moved, up
                walkers.append(walker[at])
                taken.append(choice)
                if len(ended):
                    going[at[ended]] = False
                    at = at[going[at]]
                choice = self._sure[state[at]]
                sure = choice >= 0
                at, choice = at[sure], choice[sure]
            if not going.all():
                walker, state, top = walker[going], state[going], top[going]
            if not len(walker):
                return taken
            u = rng.random(len(walker))
            choice = buckets.choose(self._keys, state * per + (u * per).astype(np.int64), u)
            at = np.arange(len(walker))

    def _taken(self, n: int, walkers: list, taken: list, runs: Runs) -> Walks:
        """The `n` paths of the walks whose steps were `walkers`, taking the choices
        `taken` (the arcs with labels of each are its `runs`). A walk is at most once in
        a step, so its entries are put in place walk after walk, step by step, without
        a sort."""
        steps = np.zeros(n, dtype=np.int64)  # per walk, how many steps it took
        for walker in walkers:
            steps[walker] += 1
        stop = np.cumsum(steps)
        place = stop - steps  # per walk, where its next entry goes
        chosen = np.empty(int(stop[-1]) if n else 0, dtype=np.int64)
        for walker, choice in zip(walkers, taken):
            chosen[place[walker]] = choice
            place[walker] += 1
        length = runs.length[chosen]
        at = spans(runs.first[chosen], length)
        ends = np.concatenate(([0], np.cumsum(length)))[stop]
        return Walks(runs.ilabel[at], runs.olabel[at], ends)

    def _advance(
        self, state: np.ndarray, top: np.ndarray, choice: np.ndarray, stacks: Stacks
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move walks (in place) along their `choice`s: into a rule or slot class (its
        return state pushed), back out of one (popped), on along an arc, or to the end.
        Returns the positions of the walks that ended, and each walk's `_effect`."""
        effect = self._effect[choice]
        turns = np.flatnonzero(effect >= ENTERS)  # the walks that enter or stop
        stops = effect[turns] == STOPS
        stopped, entering = turns[stops], turns[~stops]
        inside = top[stopped] >= 0
        returns, ended = stopped[inside], stopped[~inside]
        popped = top[returns]
        if len(entering):
            back = self._nextstate[self._choice_arc[choice[entering]]]
            top[entering] = stacks.push(back, top[entering])
        np.take(self._after, choice, out=state)
        state[returns], top[returns] = stacks.state[popped], stacks.parent[popped]
        return ended, effect

    def every_path(self, intent: str) -> Enumeration:
        """Every path of `intent`, nonterminals entered, with its probability, all at once.
        For languages that fit in memory; `all_paths` streams.

        A slot class or rule that enters nothing and has more than `COMBINED_ABOVE`
        choices (a catalogue) is enumerated once and combined with each way to it
        (`_combined`), instead of being walked once per way. If two of those paths say
        one sentence, or there is no such FST, the paths are found breadth first
        (`_breadth_first`), whose order decides which path a sentence keeps and how its
        probabilities add up (`Enumeration.sentences`). Either way a path's probability
        adds its choices' log probabilities one by one, in its order."""
        combined = self._combined(intent)
        if combined is not None and len(combined.sentences()[1]) == len(combined.probability):
            return combined
        return self._breadth_first(intent)

    def _breadth_first(self, intent: str) -> Enumeration:
        """Every path of `intent`, a layer of choices per step for all partial paths
        together: fewest choices first, then in the order of their choices. A partial
        path carries only its state, stack, probability and node of the tree of
        prefixes, which is spelled out at the end."""
        parent, taken = [np.array([-1])], [np.array([-1])]
        nodes = 1  # node 0 is the empty prefix; each emitting arc taken adds one
        state = np.array([self.intent_start[intent]], dtype=np.int64)
        stacks = Stacks()  # shared by the partial paths: a branch copies only its top
        top = np.full(1, -1, dtype=np.int64)
        log_p = np.zeros(1)
        node = np.zeros(1, dtype=np.int64)
        done = [(node[:0], log_p[:0])]  # no path, when there is none
        while len(state) and self.has_paths(intent):
            which, choice = self._live_choices(state)
            state, top, node = state[which], top[which], node[which]
            log_p = log_p[which] + self._log_prob[choice]
            ended, effect = self._advance(state, top, choice, stacks)
            emits = np.flatnonzero(effect == EMITS)
            done.append((node[ended], log_p[ended]))
            parent.append(node[emits])
            taken.append(self._choice_arc[choice[emits]])
            node[emits] = nodes + np.arange(len(emits))
            nodes += len(emits)
            keep = np.ones(len(state), dtype=bool)
            keep[ended] = False
            state, top, log_p, node = state[keep], top[keep], log_p[keep], node[keep]
        last, log_p = (np.concatenate(column) for column in zip(*done))
        depth = [np.zeros(1, dtype=np.int64)]
        for layer in parent[1:]:  # a layer's nodes are children of earlier ones
            depth.append(np.concatenate(depth)[layer] + 1)
        arcs = _backtracked(
            np.concatenate(parent), np.concatenate(taken), last, np.concatenate(depth)[last]
        )
        walks = Walks(self._ilabel[arcs.items], self._olabel[arcs.items], arcs.ends)
        return Enumeration(walks, np.exp(log_p), _hashes(walks)[0])

    def _live_choices(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The choices that can be taken from each of `state` (a partial path's), in
        order: for each, the position of its state in `state`, and the choice."""
        first = self._choice_start[state]
        count = self._choice_start[state + 1] - first
        which = np.repeat(np.arange(len(state)), count)
        choice = spans(first, count)
        live = self._log_prob[choice] > -math.inf
        return which[live], choice[live]

    def _combined(self, intent: str) -> Enumeration | None:
        """Every path of `intent`, each catalogue on the way (see `every_path`) enumerated
        once and combined with each way to it; None if there is none."""
        starts = {
            **{("slot", n): s for n, s in self.class_start.items()},
            **{("rule", n): s for n, s in self.rule_start.items()},
        }
        leaves = np.zeros(self.num_states() + 1, dtype=bool)  # by start state
        for key, start in starts.items():
            states = self._blocks[key]
            span = slice(self._choice_start[states.start], self._choice_start[states.stop])
            if span.stop - span.start > COMBINED_ABOVE and start >= 0:
                leaves[start] = not (self._effect[span] == ENTERS).any()
        if not leaves.any() or not self.has_paths(intent):
            return None
        ways = self._paths_from(self.intent_start[intent], leaves)
        enters = self._effect[ways.items] == ENTERS
        cut = enters & leaves[self._call[self._choice_arc[ways.items]]]
        row, _ = ways.numbered()
        through = np.zeros(len(ways.ends), dtype=bool)
        through[row[cut]] = True
        if not through.any():
            return None
        found: dict[int, Combined] = {}
        parts = [self._spelled(ways.take(np.flatnonzero(~through)))]
        for k in np.flatnonzero(through).tolist():
            items = ways.take(np.array([k])).items
            parts.append(self._joined(items, np.flatnonzero(cut[row == k]), leaves, found))
        walks = Walks.concat([p[0] for p in parts])
        log_p = np.concatenate([p[1] for p in parts])
        words = np.concatenate([p[2] for p in parts])
        return Enumeration(walks, np.exp(log_p), words)

    def _paths_from(self, start: int, leaves: np.ndarray) -> Ragged:
        """The choices of every path from `start`, rules and slot classes entered except
        `leaves` (by start state): an arc into one is taken as one choice that leads
        where the walk comes back to."""
        parents, taken, depth, done = [], [], [np.zeros(0, dtype=np.int64)], []
        state = np.array([start], dtype=np.int64)
        stacks = Stacks()
        top = np.full(1, -1, dtype=np.int64)
        node = np.full(1, -1, dtype=np.int64)  # each partial path's last choice (-1: none)
        nodes = 0
        while len(state):
            which, choice = self._live_choices(state)
            state, top = state[which], top[which]
            parents.append(node[which])
            taken.append(choice)
            depth.append(np.full(len(choice), len(taken)))
            node = nodes + np.arange(len(choice))
            nodes += len(choice)
            arc = self._choice_arc[choice]
            passed = (self._effect[choice] == ENTERS) & leaves[self._call[arc]]
            held = top[passed]
            ended, _ = self._advance(state, top, choice, stacks)
            state[passed], top[passed] = self._nextstate[arc[passed]], held
            keep = np.ones(len(state), dtype=bool)
            keep[ended] = False
            done.append(node[ended])
            state, top, node = state[keep], top[keep], node[keep]
        last = np.concatenate(done)
        return _backtracked(
            np.concatenate(parents), np.concatenate(taken), last, np.concatenate(depth)[last]
        )

    def _spelled(self, choices: Ragged) -> tuple[Walks, np.ndarray, np.ndarray]:
        """Paths given as their choices: their walks, log probabilities (the choices'
        added one by one) and hashes."""
        walks, terms = self._walks_of(choices)
        log_p = np.zeros(len(choices.ends))
        for term in terms:
            log_p += term
        return walks, log_p, _hashes(walks)[0]

    def _walks_of(self, choices: Ragged) -> tuple[Walks, np.ndarray]:
        """Paths given as their choices: their walks, and their choices' log
        probabilities a row per place (0 past a path's end)."""
        row, place = choices.numbered()
        counts = np.diff(choices.ends, prepend=0)
        terms = np.zeros((int(counts.max(initial=0)), len(counts)))
        terms[place, row] = self._log_prob[choices.items]
        emitted = self._emitted[choices.items]
        said = emitted >= 0
        arcs = emitted[said]
        ends = np.cumsum(np.bincount(row[said], minlength=len(counts)))
        return Walks(self._ilabel[arcs], self._olabel[arcs], ends), terms

    def _joined(
        self, items: np.ndarray, cuts: np.ndarray, leaves: np.ndarray, found: dict[int, Combined]
    ) -> tuple[Walks, np.ndarray, np.ndarray]:
        """The paths of one way (`items`, its choices) with each of the catalogues its
        choices at `cuts` enter: its walks, log probabilities and hashes, the catalogue's
        paths in turn (`found`: each catalogue's, by start state, made once)."""
        log_p = np.zeros(1)
        words = [np.zeros(1, dtype=np.uint64) for _ in _HASH]
        pieces: list[tuple[Walks, np.ndarray]] = []  # each part's walks, and whose per path
        n = 1
        for k, segment in enumerate(np.split(items, cuts + 1)):
            for term in self._log_prob[segment].tolist():
                log_p += term
            emitted = self._emitted[segment]
            arcs = emitted[emitted >= 0]
            for label in self._ilabel[arcs].astype(np.uint64).tolist():
                for h, factor in zip(words, _HASH):
                    h *= factor if label else np.uint64(1)
                    h += np.uint64(label)
            own = Walks(self._ilabel[arcs], self._olabel[arcs], np.array([len(arcs)]))
            pieces.append((own, np.zeros(n, dtype=np.int64)))
            if k == len(cuts):  # the way's end
                continue
            start = int(self._call[self._choice_arc[segment[-1]]])
            if start not in found:
                walks, terms = self._walks_of(self._paths_from(start, leaves))
                found[start] = (walks, terms, *_hashes(walks))
            walks, terms, inner, power = found[start]
            m = len(walks.ends)
            log_p = np.repeat(log_p, m)
            for term in terms:
                log_p += np.tile(term, n)
            words = [
                np.repeat(h, m) * np.tile(power[:, i], n) + np.tile(inner[:, i], n)
                for i, h in enumerate(words)
            ]
            pieces = [(w, np.repeat(whose, m)) for w, whose in pieces]
            pieces.append((walks, np.tile(np.arange(m), n)))
            n *= m
        return _combinations(pieces, n), log_p, np.stack(words, axis=1)

    def all_paths(self, intent: str) -> Iterator[LabelPath]:
        """Every path of `intent` with slots expanded, depth first in arc order: a fixed
        order, streamed."""
        start = self.intent_start[intent]
        if start >= 0 and self.has_paths(intent):
            yield from self._paths(start, {})

    def _paths(self, start: int, class_paths: dict[int, list[LabelPath]]) -> Iterator[LabelPath]:
        """Paths from `start`; the paths of an FST that arcs enter are listed once. A
        stack of the states on the way, not recursion: a path may be a long line."""
        if self._stops(start):
            yield []
        path: LabelPath = []
        stack = [(0, self._branches(start, class_paths))]  # (length of path before, ...)
        while stack:
            before, branches = stack[-1]
            step = next(branches, None)
            if step is None:
                stack.pop()
                continue
            head, state = step
            del path[before:]
            path.extend(head)
            if self._stops(state):
                yield list(path)
            stack.append((len(path), self._branches(state, class_paths)))

    def _stops(self, state: int) -> bool:
        return self._log_prob[self._choice_start[state + 1] - 1] > -math.inf

    def _branches(
        self, state: int, class_paths: dict[int, list[LabelPath]]
    ) -> Iterator[tuple[LabelPath, int]]:
        """The ways on from `state`, in arc order: per arc, each path it says (one arc,
        or every path of the FST it enters), with the state it leads to."""
        first = int(self._choice_start[state])
        for c, arc in zip(range(first, first + len(self._arcs(state))), self._arcs(state)):
            if self._log_prob[c] == -math.inf:
                continue
            call = int(self._call[arc])
            if call >= 0:
                if call not in class_paths:
                    class_paths[call] = list(self._paths(call, class_paths))
                heads = class_paths[call]
            else:
                heads = [[(int(self._ilabel[arc]), int(self._olabel[arc]))]]
            for head in heads:
                yield head, int(self._nextstate[arc])


@dataclass(frozen=True)
class Choices:
    """The choices of a run of consecutive `states` of a walker, state by state: each
    state's arcs in their order, then stopping. `first[k]` is the first choice of the k-th
    state (`first[-1]`: the end). Per choice: `state` (the walker's number), `log_prob`
    (-inf: never taken), `target` (the state an arc leads to; -1 for stopping) and
    `enters` (the start state of the rule or slot class the arc enters, where the walk
    goes before it goes on at `target`; -1 for none)."""

    states: range
    first: np.ndarray
    state: np.ndarray
    log_prob: np.ndarray
    target: np.ndarray
    enters: np.ndarray

    def of(self, k: int) -> tuple[np.ndarray, float]:
        """The log probabilities of the k-th state's arcs, in order, and of stopping."""
        first, end = int(self.first[k]), int(self.first[k + 1])
        return self.log_prob[first : end - 1], float(self.log_prob[end - 1])


_HASH = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)  # odd multipliers


@dataclass
class Enumeration:
    """Every path of an intent spelled out (`paths`), with its probability and two 64-bit
    polynomial hashes of its input labels (`words`), which tell which paths say the same
    sentence (a 128-bit collision among a language's sentences is not to be expected)."""

    paths: Walks
    probability: np.ndarray
    words: np.ndarray  # (paths, 2) uint64
    _grouped: tuple[np.ndarray, np.ndarray] | None = field(default=None, init=False, repr=False)

    def sentences(self) -> tuple[np.ndarray, np.ndarray]:
        """A sentence number for each path, and each sentence's first path: sentences in
        the order of their hashes (the first, then the second), a sentence's paths in
        their own order (found once)."""
        if self._grouped is None:
            order = np.argsort(self.words[:, 0])  # quicker than a stable sort, and the same
            ordered = self.words[order]  # while no two paths have the same first hash
            tied = ordered[1:, 0] == ordered[:-1, 0]
            if tied.any():  # readings of one sentence, or first hashes alike
                order = np.lexsort((self.words[:, 1], self.words[:, 0]))
                ordered = self.words[order]
            new = np.ones(len(order), dtype=bool)
            new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
            sentence = np.empty(len(order), dtype=np.int64)
            sentence[order] = np.cumsum(new) - 1
            self._grouped = sentence, order[new]
        return self._grouped

    def walks(self, chosen: np.ndarray) -> Walks:
        """The paths numbered `chosen`, in that order."""
        return self.paths.take(chosen)


@dataclass
class Ragged:
    """Rows of numbers of different lengths, one after the other: row i is
    `items[ends[i-1]:ends[i]]` (from 0 for the first)."""

    items: np.ndarray
    ends: np.ndarray

    def begins(self) -> np.ndarray:
        return np.concatenate(([0], self.ends[:-1])).astype(np.int64)

    def numbered(self) -> tuple[np.ndarray, np.ndarray]:
        """Per item, its row and its place in the row."""
        lengths = np.diff(self.ends, prepend=0)
        row = np.repeat(np.arange(len(lengths)), lengths)
        return row, np.arange(len(self.items)) - self.begins()[row]

    def take(self, rows: np.ndarray) -> Ragged:
        """The rows numbered `rows`, in that order."""
        lengths = np.diff(self.ends, prepend=0)[rows]
        return Ragged(self.items[spans(self.begins()[rows], lengths)], np.cumsum(lengths))


def _backtracked(
    parent: np.ndarray, item: np.ndarray, last: np.ndarray, length: np.ndarray
) -> Ragged:
    """Rows read from a tree of prefixes (each node's `parent` and `item`): row i holds
    the items of the `length[i]` nodes that end at node `last[i]`, first to last."""
    ends = np.cumsum(length)
    items = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    at, cursor, left = ends - 1, last, length
    while len(cursor):
        live = left > 0
        at, cursor, left = at[live], cursor[live], left[live]
        items[at] = item[cursor]
        at, cursor, left = at - 1, parent[cursor], left - 1
    return Ragged(items, ends)


def _combinations(pieces: list[tuple[Walks, np.ndarray]], n: int) -> Walks:
    """`n` walks, each the concatenation of one walk of every piece in turn: of piece
    (walks, whose), walk `whose[i]` goes into walk i."""
    ilabel = np.concatenate([w.ilabel for w, _ in pieces])
    olabel = np.concatenate([w.olabel for w, _ in pieces])
    offsets = np.cumsum([0, *(len(w.ilabel) for w, _ in pieces)])
    starts = np.stack([w.begins()[whose] + o for (w, whose), o in zip(pieces, offsets)], axis=1)
    counts = np.stack([np.diff(w.ends, prepend=0)[whose] for w, whose in pieces], axis=1)
    index = spans(starts.ravel(), counts.ravel())
    return Walks(ilabel[index], olabel[index], np.cumsum(counts.sum(axis=1)))


def _hashes(walks: Walks) -> tuple[np.ndarray, np.ndarray]:
    """Per walk, two 64-bit polynomial hashes of its input labels (a label 0 leaves them:
    times 1, plus 0), and what the hashes of a walk before it are multiplied by."""
    lengths = np.diff(walks.ends, prepend=0)
    row, place = Ragged(walks.ilabel, walks.ends).numbered()
    labels = np.zeros((int(lengths.max(initial=0)), len(lengths)), dtype=np.uint64)
    labels[place, row] = walks.ilabel
    hashes = [np.zeros(len(lengths), dtype=np.uint64) for _ in _HASH]
    powers = [np.ones(len(lengths), dtype=np.uint64) for _ in _HASH]
    for label in labels:
        for words, power, factor in zip(hashes, powers, _HASH):
            times = np.where(label != 0, factor, np.uint64(1))
            words *= times
            words += label
            power *= times
    return np.stack(hashes, axis=1), np.stack(powers, axis=1)


class Stacks:
    """Return stacks of many walks in two shared arrays: entry k holds a return state and
    the entry below it (-1 at the bottom). A walk keeps only its top entry, so pushing is
    appending and branching a walk (enumeration) copies one number."""

    def __init__(self, capacity: int = 4096):
        self.state = np.empty(capacity, dtype=np.int64)
        self.parent = np.empty(capacity, dtype=np.int64)
        self.size = 0

    def push(self, states: np.ndarray, parents: np.ndarray) -> np.ndarray:
        """New entries returning to `states` above `parents`; their numbers."""
        end = self.size + len(states)
        if end > len(self.state):
            grown = max(end, 2 * len(self.state))
            self.state = np.resize(self.state, grown)
            self.parent = np.resize(self.parent, grown)
        self.state[self.size : end], self.parent[self.size : end] = states, parents
        numbers = np.arange(self.size, end)
        self.size = end
        return numbers


def mean_words_limit(walker: Walker) -> int:
    """The most words a sampled sentence may say on average: MEAN_WORDS, or the number
    of states of the network if larger. Only lengths multiplied by nested repetitions
    exceed it; a long line written out is as long as the grammar itself."""
    return max(MEAN_WORDS, walker.num_states())


def overlong(fsts: CompiledFsts, walker: Walker, intent: str) -> Key | None:
    """Where sampling `intent` blows up, if its sentences average more words than
    `mean_words_limit`: the first of the definitions it enters, callees first, whose
    own sentences are that long, else the intent itself. None when they are shorter."""
    top, limit = ("intent", intent), mean_words_limit(walker)
    if walker.mean_words[top] <= limit:
        return None
    reached, stack = set(), [top]
    while stack:
        for callee in callees(fsts, stack.pop()):
            if callee not in reached:
                reached.add(callee)
                stack.append(callee)
    inner = (k for k in call_order(fsts) if k in reached and walker.mean_words[k] > limit)
    return next(inner, top)


def _joined(parts: list[np.ndarray], dtype=np.int32) -> np.ndarray:
    """The parts one after the other (labels and states fit in 32 bits: half the memory of
    a catalogue's table)."""
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _log_mass(
    fst: openfst.Arrays, entered: np.ndarray, said: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per state of one acyclic FST, the log probability mass of its paths to the end
    (`entered`: per arc, the log mass of the FST it enters, 0 for other arcs), and the
    mean number of words a walk from there still says (`said`: per arc, its own words or
    the mean of the FST it enters). States are done a height at a time (the longest path
    to a state without arcs), all of a height at once with numpy: a catalogue's million
    arcs take a few vectorized steps."""
    states = fst.num_states()
    source = np.repeat(np.arange(states, dtype=np.int32), np.diff(fst.arc_start))
    beta = -fst.final.copy()
    words = np.zeros(states)
    for chosen in by_height(source, fst.nextstate, states):
        target, start = fst.nextstate[chosen], source[chosen]
        terms = -fst.weight[chosen] + entered[chosen] + beta[target]
        np.logaddexp.at(beta, start, terms)
        with np.errstate(invalid="ignore"):  # -inf - -inf: an arc of a dead state
            p = np.exp(terms - beta[start])
            np.add.at(words, start, np.where(p > 0, p * (said[chosen] + words[target]), 0.0))
    return beta, words


def by_height(source: np.ndarray, target: np.ndarray, states: int) -> Iterator[np.ndarray]:
    """The arcs (`source[i]` -> `target[i]`) of an acyclic FST of `states` states, a
    height at a time (the longest path from the arc's source to a state without arcs),
    lowest first: each arc comes after every arc leaving its target."""
    height = _heights(source, target, states)
    arc_height = height[source]
    order = np.argsort(arc_height, kind="stable")
    bounds = np.searchsorted(arc_height[order], np.arange(int(height.max(initial=0)) + 2))
    for level in range(1, len(bounds) - 1):
        yield order[bounds[level] : bounds[level + 1]]


def _heights(source: np.ndarray, nextstate: np.ndarray, states: int) -> np.ndarray:
    """Per state, the number of arcs on its longest path to a state without arcs, found
    from the end (a state's height is known once all the states its arcs lead to are):
    work in proportion to the arcs, plus a few numpy steps per height."""
    waiting = np.bincount(source, minlength=states)  # per state, arcs to states not done
    into = np.argsort(nextstate, kind="stable")  # the arcs, by the state they lead to
    into_start = np.concatenate(([0], np.cumsum(np.bincount(nextstate, minlength=states))))
    height = np.zeros(states, dtype=np.int32)
    ready = np.flatnonzero(waiting == 0)
    done, level = 0, 0
    while len(ready):
        height[ready] = level
        done += len(ready)
        first, count = into_start[ready], into_start[ready + 1] - into_start[ready]
        before = source[into[spans(first, count)]]
        np.subtract.at(waiting, before, 1)
        ready = distinct(before[waiting[before] == 0])
        level += 1
    if done < states:
        raise ValueError("the FST has a cycle")
    return height


def _mass(beta: np.ndarray, start: int) -> float:
    """The log probability mass of the FST starting at `start` (-inf: no path)."""
    return float(beta[start]) if start >= 0 else -math.inf
