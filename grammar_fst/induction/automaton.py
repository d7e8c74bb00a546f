"""The model that Bayesian model merging edits: per intent, an acyclic automaton whose
states emit symbols (words, or slots standing for a whole slot value) with counts.

Each golden utterance is one path from START to END; a state's counts are how many
utterances pass through it (Viterbi counts), its emission counts how often it said each
symbol. Merging two states adds their rows, so a merge changes only the two states' rows
and the rows of the states that led to both: `merge_gain` scores exactly that.

The score of a model is lambda * log P(M) + log P(X | M):
- log P(X | M): for every state, the Dirichlet-multinomial likelihood of its emission
  counts and of its transition counts (symmetric Dirichlet prior, concentration ALPHA,
  the parameters integrated out);
- log P(M): minus the description length, in nats: each emission costs log(|symbols|+1),
  each transition log(|states|+1), with the sizes of the initial model (so that the cost
  of a row does not change as states merge, and scores stay local).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from math import lgamma, log
from typing import NamedTuple

ALPHA = 1.0
_LGAMMA_ALPHA = lgamma(ALPHA)
START, END = 0, 1
HUBS = 16  # states of a bucket of like neighbours paired with all the others at first


class Symbol(NamedTuple):
    """What a state says: a word, a slot (`slot=True`) standing for one whole value, or a
    rule (`rule=True`) standing for a phrase learned before merging (`slot` too when the
    phrase holds a slot)."""

    name: str
    slot: bool = False
    rule: bool = False

    def __str__(self) -> str:
        return f"${self.name}" if self.rule else f"{{{self.name}}}" if self.slot else self.name


def dirichlet(counts: Iterable[int]) -> float:
    """log P(counts) of one row: a multinomial over the outcomes seen, its parameters
    drawn from a symmetric Dirichlet(ALPHA) and integrated out."""
    return _likelihood(tuple(counts))


@lru_cache(maxsize=1 << 16)
def _likelihood(counts: tuple[int, ...]) -> float:
    """`dirichlet` of a tuple, remembered: the merges of a search score the same few
    rows (of one or two counts, mostly) hundreds of thousands of times."""
    if not counts:
        return 0.0
    k, total = len(counts), sum(counts)
    score = sum(lgamma(ALPHA + n) for n in counts) - k * _LGAMMA_ALPHA
    return score + lgamma(k * ALPHA) - lgamma(k * ALPHA + total)


def _joined_gain(k: int, total: int, a: int, b: int) -> float:
    """How much the likelihood of a row of `k` outcomes and `total` counts changes when two
    of its outcomes, counted `a` and `b`, become one."""
    before = lgamma(ALPHA + a) + lgamma(ALPHA + b) - 2 * lgamma(ALPHA)
    after = lgamma(ALPHA + a + b) - lgamma(ALPHA)
    norm_before = lgamma(k * ALPHA) - lgamma(k * ALPHA + total)
    norm_after = lgamma((k - 1) * ALPHA) - lgamma((k - 1) * ALPHA + total)
    return after - before + norm_after - norm_before


def _added(a: Counter, b: Counter) -> tuple[int, ...]:
    """The counts of the row `a + b` (faster than adding the Counters; most rows of a
    merge have one count)."""
    if len(a) == 1 == len(b):
        ((key_a, count_a),), ((key_b, count_b),) = a.items(), b.items()
        return (count_a + count_b,) if key_a == key_b else (count_a, count_b)
    get = b.get
    return (
        *(n + get(key, 0) for key, n in a.items()),
        *(n for key, n in b.items() if key not in a),
    )


class Automaton:
    """One intent's states: emissions, transitions, predecessors and longest-path levels."""

    def __init__(
        self,
        paths: Iterable[tuple[Symbol, ...]],
        weight: float,
        holds: Mapping[Symbol, Iterable[str]] | None = None,
    ):
        """`holds` names the slots that a rule symbol says (the modifiers' slot types)."""
        self.emit: dict[int, Counter[Symbol]] = {}
        self.out: dict[int, Counter[int]] = {START: Counter(), END: Counter()}
        self.into: dict[int, set[int]] = {START: set(), END: set()}
        self.level = {START: 0, END: 1}
        self._scores: dict[int, float] = {}  # row_score of a state's rows, while they last
        self._plain: dict[int, tuple | None] = {}  # `plain` of each state, while its rows last
        # `_context` of each state, before it and after it, while they last
        self._contexts_kept: tuple[dict[int, set], dict[int, set]] = ({}, {})
        self._state_bits: dict[int, int] = {}  # `_bits_of` each state, while its row lasts
        self._refused: dict[int, set[int]] = {}  # per state, the states it `repeats` with
        self._slotted: dict[int, bool] = {}  # `says_slot` of each state, while its row lasts
        self._one: dict[frozenset[Symbol], frozenset[Symbol]] = {}  # one object per set said
        # (after, context, said) -> the states saying `said` after (or before) a state
        # saying `context`, each with how many such arcs it has: `like_neighbours`' buckets
        self._sharers: dict[tuple[bool, frozenset[Symbol], frozenset[Symbol]], dict[int, int]]
        self._sharers = {}
        self._said: dict[int, frozenset[Symbol]] = {}  # counted in `_sharers` once set
        paths = list(paths)
        self._prefix_tree(paths)
        self.saying: dict[frozenset[Symbol], set[int]] = {}
        self._said.update(
            (state, frozenset({Symbol(str(state), slot=True)})) for state in (START, END)
        )
        for state, row in self.emit.items():
            self._said[state] = self._interned(frozenset(row))
            self.saying.setdefault(self._said[state], set()).add(state)
        for source, targets in self.out.items():
            for target in targets:
                self._count_arc(source, target, 1)
        symbols = {s for row in self.emit.values() for s in row}
        self.emit_cost = log(len(symbols) + 1)
        self.move_cost = log(len(self.emit) + 3)
        self.weight = weight
        self._symbol_bits(symbols, holds or {})
        self.repeated = 0  # symbols an utterance says twice: they may come twice on a path
        for path in paths:
            said = 0
            for symbol in path:
                bits = self._bits.get(symbol, 0)
                self.repeated |= said & bits
                said |= bits
        self._unrepeated = ~self.repeated
        self._symbols_around()

    def _prefix_tree(self, paths: Iterable[tuple[Symbol, ...]]) -> None:
        """Data incorporation: a model that says exactly the golden utterances, with the
        utterances that start alike sharing their first states (a prefix tree)."""
        children: dict[tuple[int, Symbol], int] = {}
        for path in paths:
            here = START
            for symbol in path:
                there = children.get((here, symbol))
                if there is None:
                    there = children[here, symbol] = len(self.out)
                    self.emit[there] = Counter()
                    self.out[there] = Counter()
                    self.into[there] = set()
                    self.level[there] = self.level[here] + 1
                self.emit[there][symbol] += 1
                self._link(here, there, 1)
                here = there
            self._link(here, END, 1)
        self.level[END] = max(self.level.values()) + 1

    def _link(self, source: int, target: int, count: int) -> None:
        self._scores.pop(source, None)
        self._plain.pop(source, None)
        before, after = self._contexts_kept
        after.pop(source, None)
        before.pop(target, None)
        out = self.out[source]
        if target not in out and source in self._said:  # a new arc, once the states say
            out[target] = count
            self._count_arc(source, target, 1)
        else:
            out[target] += count
        self.into[target].add(source)

    def _count_arc(self, source: int, target: int, step: int) -> None:
        """Count the arc `source` -> `target` (`step` 1) in `_sharers`, or uncount it (-1):
        `target` after what `source` says, `source` before what `target` says; START
        and END are contexts, never counted as sharers."""
        said, buckets = self._said, self._sharers
        for key, state in (
            ((False, said[source], said[target]), target if target != END else None),
            ((True, said[target], said[source]), source if source != START else None),
        ):
            if state is None:
                continue
            sharers = buckets.get(key)
            if sharers is None:
                sharers = buckets[key] = {}
            arcs = sharers.get(state, 0) + step
            if arcs:
                sharers[state] = arcs
            else:
                del sharers[state]

    def _count_arcs(self, state: int, step: int) -> None:
        """`_count_arc` for every arc into and out of `state`."""
        for source in self.into[state]:
            self._count_arc(source, state, step)
        for target in self.out[state]:
            self._count_arc(state, target, step)

    @property
    def states(self) -> list[int]:
        """The emitting states, in creation order."""
        return sorted(self.emit)

    def row_score(self, emit: Counter[Symbol], out: Counter[int]) -> float:
        """A state's share of the model's score."""
        likelihood = dirichlet(emit.values()) + dirichlet(out.values())
        length = len(emit) * self.emit_cost + len(out) * self.move_cost
        return likelihood - self.weight * length

    def state_score(self, state: int) -> float:
        """`row_score` of the state's own rows (kept until they change)."""
        score = self._scores.get(state)
        if score is None:
            score = self._scores[state] = self.row_score(self.emit[state], self.out[state])
        return score

    def merge_gain(self, a: int, b: int) -> float:
        """The change of the model's score if states `a` and `b` became one."""
        emit, out = self.emit, self.out
        emit_ab, out_ab = _added(emit[a], emit[b]), _added(out[a], out[b])
        gain = _likelihood(emit_ab) + _likelihood(out_ab)
        gain -= self.weight * (len(emit_ab) * self.emit_cost + len(out_ab) * self.move_cost)
        scores = self._scores
        score_a, score_b = scores.get(a), scores.get(b)
        if score_a is None:
            score_a = self.state_score(a)
        if score_b is None:
            score_b = self.state_score(b)
        gain -= score_a + score_b
        into_a, into_b = self.into[a], self.into[b]
        if into_a.isdisjoint(into_b):  # most pairs: no state leads to both
            return gain
        for source in into_a & into_b:
            row = out[source]
            gain += (
                _joined_gain(len(row), row.total(), row[a], row[b]) + self.weight * self.move_cost
            )
        return gain

    def scored(self, state: int, others: set[int]) -> dict[float, list[int]]:
        """The `others` by the `merge_gain` of each with `state`, but for those that
        `repeats` with it: the pairs a merge at `state` asks about, scored at once.

        Most of the others are `plain`, one symbol to one state as a prefix tree's states,
        and share no state before them with `state`: their gains then depend only on
        that symbol and its count, that state and its count, and the pair's order, so
        each such gain is computed once (the same float as `merge_gain`'s, from the same
        rows)."""
        refused = self._refused.get(state)
        if refused:
            others = others - refused
        into = self.into
        emit_s, out_s, into_s = self.emit[state], self.out[state], into[state]
        before, after, bits_of = self.before, self.after, self._bits_of
        unrepeated = self._unrepeated  # `repeats`' clash, with this state's side hoisted
        before_s, after_s = before[state] & unrepeated, after[state] & unrepeated
        said_s = bits_of(state) & unrepeated
        around_s = before_s | after_s
        after_clash, before_clash = before_s | said_s, after_s | said_s
        merge_gain, clashing = self.merge_gain, []
        by_gain: dict[float, list[int]] = {}
        alike: dict[tuple, list[int]] = {}  # the plain others, by what decides their gain
        kept_bits, kept_plain, plain = self._state_bits, self._plain, self.plain
        for other in others:
            said_o = kept_bits.get(other)
            if said_o is None:
                said_o = bits_of(other)
            if after_clash & after[other] or before_clash & before[other] or around_s & said_o:
                clashing.append(other)  # merges only grow the bits: refused for good
                continue
            rows = kept_plain.get(other, False)
            if rows is False:
                rows = plain(other)
            if rows is not None and into_s.isdisjoint(into[other]):
                symbol, said, target, moves = rows
                decided = (
                    other > state,
                    symbol if symbol in emit_s else None,
                    said,
                    target if target in out_s else None,
                    moves,
                )
                group = alike.get(decided)
                if group is None:
                    alike[decided] = [other]
                else:
                    group.append(other)
            else:
                gain = merge_gain(*((state, other) if state < other else (other, state)))
                group = by_gain.get(gain)
                if group is None:
                    by_gain[gain] = [other]
                else:
                    group.append(other)
        for group in alike.values():
            other = group[0]
            gain = merge_gain(*((state, other) if state < other else (other, state)))
            by_gain.setdefault(gain, []).extend(group)
        if clashing:
            self._refuse_all(state, clashing)
        return by_gain

    def plain(self, state: int) -> tuple[Symbol, int, int, int] | None:
        """`(symbol, count, target, count)` of a state that says one symbol and goes to one
        state (as most states of a prefix tree), None for the others; kept while its rows
        last."""
        emit, out = self.emit[state], self.out[state]
        rows = None
        if len(emit) == 1 == len(out):
            ((symbol, said),), ((target, moves),) = emit.items(), out.items()
            rows = (symbol, said, target, moves)
        self._plain[state] = rows
        return rows

    def said(self, state: int) -> frozenset[Symbol]:
        """What a state says; START and END say nothing, each in its own way."""
        return self._said[state]

    def alike(self, a: int, b: int) -> bool:
        """Whether the two states say the same symbols."""
        return self._said[a] is self._said[b]  # each set said is one object

    def _interned(self, said: frozenset[Symbol]) -> frozenset[Symbol]:
        return self._one.setdefault(said, said)

    def interchangeable(self, a: int, b: int) -> bool:
        """Whether two states that say different words have both a left and a right
        context in common, as "pop" and "rock" in "play _ music". Never slots: a class of
        two slot types mixes entities ("play {artist}" and "play {genre}" would give
        "by {genre}")."""
        return (
            not (self.says_slot(a) or self.says_slot(b))
            and not self.alike(a, b)
            and not self._context(a, False).isdisjoint(self._context(b, False))
            and not self._context(a, True).isdisjoint(self._context(b, True))
        )

    def interchangeable_with(self, state: int, others: Iterable[int]) -> set[int]:
        """The `others` that are `interchangeable` with `state`."""
        if self.says_slot(state):
            return set()
        said, slotted = self._said, self.says_slot
        said_here = said[state]
        unlike = {other for other in others if said[other] is not said_here and not slotted(other)}
        if not unlike:
            return unlike
        before = self._sharing(unlike, self._context(state, False), False)
        return self._sharing(before, self._context(state, True), True)

    def _contexts(self, states: Iterable[int]) -> set[frozenset[Symbol]]:
        said = self._said
        return {said[s] for s in states}

    def _context(self, state: int, after: bool) -> set[frozenset[Symbol]]:
        """What the states before (or after) `state` say, kept until its arcs or what its
        neighbours say change (`_forget_contexts`): candidates look up the same states'
        contexts many times."""
        kept = self._contexts_kept[after]
        context = kept.get(state)
        if context is None:
            context = kept[state] = self._contexts(self.out[state] if after else self.into[state])
        return context

    def says_slot(self, state: int) -> bool:
        """Whether the state says a slot (or a rule holding slots)."""
        slotted = self._slotted.get(state)
        if slotted is None:
            slotted = self._slotted[state] = next(iter(self.emit[state])).slot
        return slotted

    def repeats(self, a: int, b: int) -> bool:
        """Whether merging `a` and `b` would make a path say a symbol twice that no golden
        utterance says twice: "for {size} people in {city}" and "in {city} for {size}
        people" share "in", but merging it would say "for 4 people in rome for 2 people";
        "a table at a {restaurant}" would say "a table at a table at"."""
        refused = self._refused.get(a)
        if refused and b in refused:
            return True
        before_a, after_a, said_a = self.before[a], self.after[a], self._bits_of(a)
        before_b, after_b, said_b = self.before[b], self.after[b], self._bits_of(b)
        clash = (
            (before_a & after_b)
            | (before_b & after_a)
            | ((before_a | after_a) & said_b)
            | ((before_b | after_b) & said_a)
        )
        if clash & self._unrepeated:  # merges only grow the bits: refused for good
            self._refuse(a, b)
            return True
        return False

    def _refuse(self, a: int, b: int) -> None:
        self._refuse_all(a, (b,))

    def _refuse_all(self, state: int, others: Iterable[int]) -> None:
        """Remember that `state` `repeats` with each of `others`."""
        refused = self._refused
        mine = refused.get(state)
        if mine is None:
            mine = refused[state] = set()
        for other in others:
            mine.add(other)
            theirs = refused.get(other)
            if theirs is None:
                refused[other] = {state}
            else:
                theirs.add(state)

    def _symbol_bits(self, symbols: set[Symbol], holds: Mapping[Symbol, Iterable[str]]) -> None:
        """One bit per symbol; a rule symbol has the bits of the slots it holds."""
        plain = sorted(s for s in symbols if not s.rule)
        held = sorted({Symbol(name, slot=True) for names in holds.values() for name in names})
        bit = {symbol: 1 << i for i, symbol in enumerate(dict.fromkeys(plain + held))}
        self._bits = {s: bit[s] for s in plain}
        for symbol, names in holds.items():
            self._bits[symbol] = sum(bit[Symbol(name, slot=True)] for name in set(names))

    def _bits_of(self, state: int) -> int:
        """The symbols a state says, as bits (kept until the state says more)."""
        bits = self._state_bits.get(state)
        if bits is None:
            bits = 0
            for symbol in self.emit.get(state, ()):
                bits |= self._bits.get(symbol, 0)
            if state in self.emit:
                self._state_bits[state] = bits
        return bits

    def _symbols_around(self) -> None:
        """For every state, the symbols said on some path before it and after it (bits);
        merges only add paths, so `_spread` keeps them by growing them."""
        self.before = dict.fromkeys(self.out, 0)
        self.after = dict.fromkeys(self.out, 0)
        for state in sorted(self.out, key=self.level.__getitem__):
            for target in self.out[state]:
                self.before[target] |= self.before[state] | self._bits_of(state)
        for state in sorted(self.out, key=self.level.__getitem__, reverse=True):
            for source in self.into[state]:
                self.after[source] |= self.after[state] | self._bits_of(state)

    def _spread(self, state: int) -> None:
        """Grow the bits after a merge at `state`, forwards and backwards."""
        for links, bits in ((self.out, self.before), (self.into, self.after)):
            todo = [state]
            while todo:
                here = todo.pop()
                carried = bits[here] | self._bits_of(here)
                for other in links[here]:
                    if carried & ~bits[other]:
                        bits[other] |= carried
                        todo.append(other)

    def reaches(self, a: int, b: int) -> bool:
        """Whether a path leads from `a` to `b` or from `b` to `a`: merging them would make a
        cycle, and the language infinite. Levels (longest distance from START) prune the
        search: a path only climbs. The symbols said around the two decide most pairs
        first: a path from `a` to `b` says `a`'s symbols before `b` and `b`'s after `a`."""
        level = self.level
        if level[a] > level[b]:
            a, b = b, a
        if level[a] == level[b]:
            return False
        if self._bits_of(a) & ~self.before[b] or self._bits_of(b) & ~self.after[a]:
            return False
        limit, seen, todo = level[b], {a}, [a]
        while todo:
            for target in self.out[todo.pop()]:
                if target == b:
                    return True
                if target not in seen and level[target] < limit:
                    seen.add(target)
                    todo.append(target)
        return False

    def merge(self, keep: int, gone: int) -> None:
        """Make `gone` part of `keep`: rows add up, arcs to and from `gone` move to `keep`."""
        self._forget_contexts(gone)
        self._count_arcs(gone, -1)
        self.saying[self.said(gone)].discard(gone)
        self._said.pop(gone)
        self._state_bits.pop(gone, None)
        self._slotted.pop(gone, None)
        self._scores.pop(gone, None)
        self._plain.pop(gone, None)
        self._refuse_as(keep, gone)
        self.say_more(keep, self.emit.pop(gone))
        for target, count in self.out.pop(gone).items():
            self.into[target].discard(gone)
            self._link(keep, target, count)
        for source in self.into.pop(gone):
            self._link(source, keep, self.out[source].pop(gone))
        level = max(self.level[keep], self.level.pop(gone))
        self._raise_levels(keep, level)
        self.before[keep] |= self.before.pop(gone)
        self.after[keep] |= self.after.pop(gone)
        self._spread(keep)

    def _refuse_as(self, keep: int, gone: int) -> None:
        """The states refused with `gone` are refused with `keep`, which says what `gone`
        said and more (bits only grow)."""
        refused = self._refused
        partners = refused.pop(gone, None)
        if not partners:
            return
        partners.discard(keep)
        kept = refused.setdefault(keep, set())
        kept.discard(gone)
        for other in partners:
            with_other = refused[other]
            with_other.discard(gone)
            with_other.add(keep)
        kept |= partners

    def say(self, state: int, symbol: Symbol) -> None:
        """Make `state` say `symbol` alone, as often as it said all its symbols."""
        self._refused.clear()  # its bits may shrink
        self._reindex(state, Counter({symbol: self.emit[state].total()}))

    def say_more(self, state: int, emissions: Counter[Symbol]) -> None:
        """Add `emissions` to what `state` says."""
        self._reindex(state, self.emit[state] + emissions)

    def _reindex(self, state: int, emissions: Counter[Symbol]) -> None:
        self._forget_contexts(state)
        self._state_bits.pop(state, None)
        self._slotted.pop(state, None)
        self.saying[self.said(state)].discard(state)
        self.emit[state] = emissions
        said = self._interned(frozenset(emissions))
        if said is not self._said[state]:  # its arcs move to other buckets
            self._count_arcs(state, -1)
            self._said[state] = said
            self._count_arcs(state, 1)
        self._scores.pop(state, None)
        self._plain.pop(state, None)
        self.saying.setdefault(self.said(state), set()).add(state)

    def _forget_contexts(self, state: int) -> None:
        """Drop the kept contexts that `state`'s arcs and what it says make: its own, and
        its neighbours' on its side."""
        before, after = self._contexts_kept
        before.pop(state, None)
        after.pop(state, None)
        for target in self.out[state]:
            before.pop(target, None)
        for source in self.into[state]:
            after.pop(source, None)

    def _raise_levels(self, state: int, level: int) -> None:
        """Set `state`'s level to at least `level` and push the states after it up to match."""
        self.level[state] = max(self.level[state], level)
        todo = [state]
        while todo:
            source = todo.pop()
            for target in self.out[source]:
                if self.level[target] <= self.level[source]:
                    self.level[target] = self.level[source] + 1
                    todo.append(target)

    def like_pairs(self) -> set[tuple[int, int]]:
        """The pairs of neighbours that say the same symbols (`like_neighbours` of every
        state at once, from the buckets of `_sharers`); in a bucket of more than HUBS
        states, the pairs with one of its HUBS busiest states."""
        pairs = set()
        for bucket in self._sharers.values():
            if len(bucket) < 2:
                continue
            # a big bucket pairs every state with its busiest few only: merging there
            # makes a hub, and the hub is paired with the rest as soon as it is merged
            hubs = sorted(bucket, key=lambda s: (-self.emit[s].total(), s))[:HUBS]
            pairs.update((a, b) if a < b else (b, a) for a in hubs for b in bucket if a != b)
        return pairs

    def like_neighbours(self, state: int) -> set[int]:
        """The neighbours of `state` that say the same symbols: the states it may merge
        with in the phase of like states, from the buckets of its contexts."""
        said_here, get, sharing = self._said[state], self._sharers.get, set()
        for after in (False, True):
            for context in self._context(state, after):
                sharers = get((after, context, said_here))
                if sharers:
                    sharing.update(sharers)
        sharing.discard(state)
        return sharing

    def _sharing(self, states: Iterable[int], context: set, after: bool) -> set[int]:
        """The `states` whose context before (or after) them meets `context`."""
        kept, contexts = self._contexts_kept[after], self.out if after else self.into
        said, sharing = self._said, set()
        for state in states:
            theirs = kept.get(state)
            if theirs is None:
                theirs = kept[state] = {said[s] for s in contexts[state]}
            if not context.isdisjoint(theirs):
                sharing.add(state)
        return sharing

    def neighbours(self, state: int) -> set[int]:
        """The states with a left or a right context in common with `state`: states that
        follow (or precede) a state saying what one before (or after) `state` says."""
        return self.neighbours_on(state, False) | self.neighbours_on(state, True)

    def neighbours_on(self, state: int, after: bool) -> set[int]:
        """The states with a context before (or `after`) them in common with `state`'s."""
        saying, said = self.saying, self._said
        links, back = (self.out, self.into) if after else (self.into, self.out)
        found: set[int] = set()
        for near in links[state]:
            for like in saying.get(said[near], (near,)):
                found.update(back[like])
        found.difference_update((START, END, state))
        return found
