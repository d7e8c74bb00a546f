"""What the merge search keeps between merges equals what it would compute afresh: the
contexts of the states, the buckets of states sharing a context, the pairs refused for
repeating a symbol, whether a path joins two states, the gain of a merge (against the
model's whole score before and after), the candidates in runs that drop their dead in
bulk (the same merges and steps as one heap popped one by one), and chunking's counts
of runs (the same chunks as counting every statement again). Hypothesis draws small
sets of utterances over a few words, so that merges, folds and refusals all happen."""

from __future__ import annotations

import heapq
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar_fst.grm import ast as g
from grammar_fst.induction import chunking, search
from grammar_fst.induction.automaton import END, START, Automaton, Symbol
from grammar_fst.induction.search import OverBudget, Steps, merge_states

WORDS = ("a", "b", "c", "play", "pop", "rock", "music")
utterances = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(
        lambda words: tuple(Symbol(w) for w in words)
    ),
    min_size=2,
    max_size=14,
)
weights = st.sampled_from([0.5, 1.0, 3.0])


class Checked(Automaton):
    """An automaton that checks what it keeps after every merge."""

    def merge(self, keep: int, gone: int) -> None:
        super().merge(keep, gone)
        check_kept(self)


def check_kept(model: Automaton) -> None:
    for after, kept in enumerate(model._contexts_kept):
        for state, context in kept.items():
            links = model.out[state] if after else model.into[state]
            assert context == {model.said(s) for s in links}, (state, bool(after))
    for state, row in model.emit.items():
        said = model.said(state)
        assert said == frozenset(row)
        # one object per set said: like states compare by identity
        assert all(model.said(s) is said for s in model.saying[said])
        assert model.says_slot(state) == next(iter(row)).slot
    for state, plain in model._plain.items():
        assert plain == plain_afresh(model, state), state
    assert sharers_kept(model) == sharers_afresh(model)
    for state in model.states:
        said = model.said(state)
        like = {o for o in model.neighbours(state) if model.said(o) is said}
        assert model.like_neighbours(state) == like, state
    for a, partners in model._refused.items():  # live states only, each way
        assert a in model.emit
        for b in partners:
            assert b in model.emit and a in model._refused[b]
            assert repeats_afresh(model, a, b)


def sharers_kept(model: Automaton) -> Counter:
    return Counter(
        {(*key, s): arcs for key, sharers in model._sharers.items() for s, arcs in sharers.items()}
    )


def sharers_afresh(model: Automaton) -> Counter:
    """Per (after, context, said, state), the arcs of `state` to or from states saying
    `context`."""
    said, counted = model.said, Counter()
    for source, targets in model.out.items():
        for target in targets:
            if target != END:
                counted[False, said(source), said(target), target] += 1
            if source != START:
                counted[True, said(target), said(source), source] += 1
    return counted


def reaches_afresh(model: Automaton, a: int, b: int) -> bool:
    """Whether a path leads from one to the other, by walking every path."""

    def leads(here: int, there: int) -> bool:
        todo, seen = [here], {here}
        while todo:
            for target in model.out[todo.pop()]:
                if target == there:
                    return True
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return False

    return leads(a, b) or leads(b, a)


def plain_afresh(model: Automaton, state: int):
    emit, out = model.emit[state], model.out[state]
    if len(emit) == 1 == len(out):
        return (*next(iter(emit.items())), *next(iter(out.items())))
    return None


def repeats_afresh(model: Automaton, a: int, b: int) -> bool:
    """`Automaton.repeats` from the bits alone."""

    def bits(state: int) -> int:
        return sum({model._bits[s] for s in model.emit[state]})

    clash = (
        (model.before[a] & model.after[b])
        | (model.before[b] & model.after[a])
        | ((model.before[a] | model.after[a]) & bits(b))
        | ((model.before[b] | model.after[b]) & bits(a))
    )
    return bool(clash & ~model.repeated)


def whole_score(model: Automaton) -> float:
    rows = [model.row_score(model.emit[s], model.out[s]) for s in model.states]
    return sum(rows) + model.row_score(Counter(), model.out[START])


@settings(max_examples=60, deadline=None)
@given(utterances, weights)
def test_what_the_search_keeps_equals_what_it_would_compute(paths, weight):
    model = Checked(paths, weight)
    merge_states(model, "I", lambda step: None)
    check_kept(model)
    for a in model.states:  # the refusals of the last model, asked again, agree
        for b in model.states:
            if a < b:
                assert model.repeats(a, b) == repeats_afresh(model, a, b)
                assert model.reaches(a, b) == reaches_afresh(model, a, b)


def part_merged(paths, weight, data) -> Automaton:
    """A model merged part of the way, so that rows hold several counts."""
    model = Automaton(paths, weight)
    try:
        merge_states(model, "I", lambda step: None, Steps(data.draw(st.integers(0, 80))))
    except OverBudget:
        pass
    return model


@settings(max_examples=60, deadline=None)
@given(utterances, weights, st.data())
def test_a_merge_gain_is_the_change_of_the_whole_score(paths, weight, data):
    model = part_merged(paths, weight, data)
    states = model.states
    if len(states) < 2:
        return
    a, b = sorted(data.draw(st.lists(st.sampled_from(states), min_size=2, max_size=2, unique=True)))
    if model.reaches(a, b):
        return
    gain = model.merge_gain(a, b)
    before = whole_score(model)
    model.merge(a, b)
    assert gain == pytest.approx(whole_score(model) - before, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(utterances, weights, st.data())
def test_a_state_scored_with_many_gets_each_pairs_merge_gain(paths, weight, data):
    """`scored` (gains computed once per kind of plain state) gives the very floats of
    `merge_gain` and leaves out exactly the pairs that repeat; `interchangeable_with`
    and `neighbours_on` are `interchangeable` and `neighbours` for many states at once."""
    model = part_merged(paths, weight, data)
    states = model.states
    for state in states:
        others = set(states) - {state}
        expected = [
            (model.merge_gain(min(state, o), max(state, o)), min(state, o), max(state, o))
            for o in others
            if not repeats_afresh(model, state, o)
        ]
        scored = [
            (gain, min(state, o), max(state, o))
            for gain, them in model.scored(state, others).items()
            for o in them
        ]
        assert sorted(scored) == sorted(expected)
        assert model.interchangeable_with(state, others) == {
            o for o in others if model.interchangeable(state, o)
        }
        for after in (False, True):
            mine = model._context(state, after)
            assert model.neighbours_on(state, after) == {
                o for o in others if not mine.isdisjoint(model._context(o, after))
            }


def trace_and_steps(paths, weight):
    steps = Steps(10**9)
    trace = []
    merge_states(Automaton(paths, weight), "I", trace.append, steps)
    return [str(step) for step in trace], steps.left


class OneHeap:
    """The candidates as one heap of every entry, popped one by one, a step each (the
    search spends the step of the entry it takes)."""

    def __init__(self, live, steps):
        self.heap, self.live, self.steps = [], live, steps

    def push(self, state, by_gain):
        for gain, others in by_gain.items():
            for other in others:
                if gain > search.EPSILON:
                    heapq.heappush(self.heap, (-gain, min(state, other), max(state, other)))

    def take(self):
        while self.heap:
            entry = heapq.heappop(self.heap)
            if entry[1] in self.live and entry[2] in self.live:
                return entry
            self.steps.spend()
        return None

    def forget(self, gone):
        pass


@settings(max_examples=60, deadline=None)
@given(utterances, weights)
def test_runs_of_candidates_pop_as_one_heap_in_merges_and_steps(paths, weight):
    """The candidates in sorted runs, their dead dropped in bulk, give the merges and the
    steps of one heap popped one by one."""
    runs = trace_and_steps(paths, weight)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "_Candidates", OneHeap)
        assert trace_and_steps(paths, weight) == runs


def chunked_afresh(statements: list[g.Definition], name) -> list[g.Rule]:
    """Chunking as it was first written: every statement's runs counted again after each
    chunk, ties going to the first counted."""
    rules = []
    while True:
        runs: Counter = Counter()
        for statement in statements:
            for items in chunking._sequences(statement.body):
                runs.update(chunking._runs(items))
        savings = [(chunking._saving(r, n), r) for r, n in runs.items() if n > 1]
        most = max((s for s, _ in savings), default=0)
        if most <= 0:
            return rules
        _, run = max(
            ((s, r) for s, r in savings if s == most),
            key=lambda pair: -len(chunking.format_expr(g.Sequence(pair[1]))),
        )
        rule = g.Rule(name([chunking._label(item) for item in run]), g.Sequence(run))
        uses = 0
        for i, statement in enumerate(statements):
            body, found = chunking._replace(statement.body, run, g.RuleRef(rule.name))
            statements[i], uses = chunking._with_body(statement, body), uses + found
        rules.append(chunking._with_comment(rule, f"{uses} uses"))
        statements.append(rules[-1])


def namer():
    taken: set[str] = set()

    def name(labels: list[str], *more: list[str], context=()) -> str:
        wanted = "_".join(labels)
        while wanted in taken:
            wanted += "_"
        taken.add(wanted)
        return wanted

    return name


sentences = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=9), min_size=1, max_size=8
)


@settings(max_examples=80, deadline=None)
@given(sentences)
def test_chunking_counted_where_it_changes_chunks_as_counted_afresh(texts):
    def statements():
        return [
            g.Rule(f"s{i}", g.Sequence(tuple(g.Word(w) for w in words)))
            for i, words in enumerate(texts)
        ]

    kept, afresh = statements(), statements()
    rules = chunking.chunk(kept, namer(), 1.0, lambda step: None)
    assert rules == chunked_afresh(afresh, namer())
    assert kept == afresh
