"""Walks on the unfolded network (sampling/unfolded.py) are the walks with a return stack:
the same choices for the same draws, read from buckets exactly as a search of the keys
finds them, and a network too large to unfold keeps the stack. Both draw only where a
state has a real choice, and sentences come with their grammar probabilities."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import grammars
from test_bulk_lines import BUNDLED, ODD, ROOT

import grammar_fst as gf
from grammar_fst import model
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.sampling import unfolded
from grammar_fst.sampling import walker as walker_module
from grammar_fst.sampling.unfolded import Buckets, unfold

NESTED = "\n".join(
    ["$r0 = x | y | z"]
    + [f"$r{k + 1} = $r{k} (and $r{k})?" for k in range(9)]
    + ["intent Say = say {thing} $r9", "slot thing = lamp | $r3"]
)


# a sentence probability of each kind: optional, weighted, nested, a multi-word value
WEIGHTED = """\
$greet = hello there | hi
$r = a b | c <3>
intent A = $greet? go {s} $r now
slot s = x y <2> | z
"""
CRITICAL_11 = 31.26  # chi-square with 11 degrees of freedom at p = 0.001


def _walks(grammar, seed: int, n: int = 3000):
    walker = grammar._walker
    starts = np.array([walker.intent_start[name] for name in grammar.intents] * n)
    walks = walker.walk(starts, np.random.default_rng(seed))
    return walks.ilabel.tolist(), walks.olabel.tolist(), walks.ends.tolist()


def _grammar(name: str):
    if name == "odd":
        return gf.from_text(ODD, "odd.grm")
    return gf.load(ROOT / "grammars" / f"{name}.grm")


@pytest.mark.parametrize("name", [*BUNDLED, "odd"])
def test_unfolded_walks_are_the_walks_with_a_stack(monkeypatch, name):
    unfolding = _grammar(name)
    walks = _walks(unfolding, 7)
    assert unfolding._walker._unfolded  # these grammars are small enough
    monkeypatch.setattr(walker_module, "unfold", lambda *args: None)
    stacked = _grammar(name)
    assert _walks(stacked, 7) == walks
    assert stacked._walker._unfolded is False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grammars(comments=False), st.integers(0, 99))
def test_walks_with_a_stack_are_the_unfolded_walks_on_any_grammar(grammar, seed):
    walks = []
    for stack in (False, True):
        walker = model.CompiledGrammar(compile_grammar(grammar))._walker
        if stack:
            walker._unfolded = False  # never unfolded
        starts = [s for name, s in walker.intent_start.items() if walker.has_paths(name)]
        walked = walker.walk(np.array(starts * 40, dtype=np.int64), np.random.default_rng(seed))
        walks.append((walked.ilabel.tolist(), walked.olabel.tolist(), walked.ends.tolist()))
    assert walks[0] == walks[1]


def test_a_network_too_large_to_unfold_keeps_the_stack(monkeypatch):
    grammar = gf.from_text(NESTED)
    walker = grammar._walker
    starts = list(walker.intent_start.values())
    assert unfold(walker, starts, limit=100) is None  # 4 times its choices are fewer
    whole = unfold(walker, starts)
    assert whole is not None and len(whole.after) > 4 * len(walker._emitted)
    walks = _walks(grammar, 3)
    assert grammar._walker._unfolded
    monkeypatch.setattr(unfolded, "LIMIT", 100)
    small = gf.from_text(NESTED)
    assert _walks(small, 3) == walks
    assert small._walker._unfolded is False


def test_a_network_whose_runs_would_be_too_long_keeps_the_stack(monkeypatch):
    """50 ways into one phrase of 60 words: 50 runs of 61 arcs, more than 4 times the
    walker's choices, though its states are fewer."""
    phrase = " ".join(f"w{k}" for k in range(60))
    source = f"intent A = ({' | '.join(f'v{k}' for k in range(50))}) {phrase}\n"
    grammar = gf.from_text(source)
    walker = grammar._walker
    starts = list(walker.intent_start.values())
    assert walker.num_states() < 4 * len(walker._effect) < 50 * 61
    assert unfold(walker, starts, limit=100) is None
    walks = _walks(grammar, 5, n=200)
    assert grammar._walker._unfolded
    monkeypatch.setattr(unfolded, "LIMIT", 100)
    small = gf.from_text(source)
    assert _walks(small, 5, n=200) == walks
    assert small._walker._unfolded is False


@pytest.mark.parametrize("name", ["music", "thai"])
def test_buckets_find_what_a_search_of_the_keys_finds(name):
    """Draws on and next to every bucket edge, and the largest draw, whose key may round
    up to the next state's."""
    grammar = gf.load(ROOT / "grammars" / f"{name}.grm")
    walker = grammar._walker
    starts = list(walker.intent_start.values())
    tables = [unfold(walker, starts).buckets]
    states = np.arange(walker.num_states())
    tables.append(Buckets.of(walker._keys, states, np.zeros_like(states)))
    for table in tables:
        per = table.per
        edges = np.arange(per) / per
        draws = np.concatenate(
            [edges, np.nextafter(edges, 0.0), np.nextafter(edges, 1.0), [1 - 2**-53]]
        )
        draws = draws[(draws >= 0) & (draws < 1)]
        state = np.repeat(np.arange(len(table.copied)), len(draws))
        u = np.tile(draws, len(table.copied))
        got = table.choose(walker._keys, state * per + (u * per).astype(np.int64), u)
        key = table.copied[state] + u
        expected = np.searchsorted(walker._keys, key, side="right") + table.shift[state]
        assert np.array_equal(got, expected)


def _stacked(monkeypatch, make):
    """The grammar `make()` gives, walked with a stack (never unfolded)."""
    with monkeypatch.context() as patch:
        patch.setattr(walker_module, "unfold", lambda *args: None)
        grammar = make()
        walker = grammar._walker
        walker.walk(np.array([walker.intent_start[grammar.intents[0]]]), np.random.default_rng(0))
    assert grammar._walker._unfolded is False
    return grammar


@pytest.mark.parametrize("stack", [False, True])
def test_a_walk_draws_once_per_real_choice(monkeypatch, stack):
    """`(a | b) c (d | e)`: a draw at the start, one for `d | e`; `c`, entering the rule,
    leaving it and stopping are sure, and draw nothing."""
    make = lambda: gf.from_text("$r = c\nintent A = (a | b) $r (d | e)\n")  # noqa: E731
    grammar = _stacked(monkeypatch, make) if stack else make()
    walker, n = grammar._walker, 500
    drawn = np.random.default_rng(4)
    walks = walker.walk(np.full(n, walker.intent_start["A"]), drawn)
    assert (np.diff(walks.ends, prepend=0) == 4).all()  # the intent tag and three words
    reference = np.random.default_rng(4)
    reference.random(2 * n)
    assert drawn.random() == reference.random()


@pytest.mark.parametrize("stack", [False, True])
def test_walks_give_each_sentence_its_probability(monkeypatch, stack):
    """The 12 sentences of WEIGHTED against their probabilities from the enumeration, a
    chi-square test at a fixed seed."""
    make = lambda: gf.from_text(WEIGHTED)  # noqa: E731
    grammar = _stacked(monkeypatch, make) if stack else make()
    walker, n = grammar._walker, 40_000
    paths = walker.every_path("A")
    sentence, first = paths.sentences()
    probability = np.bincount(sentence, paths.probability)
    keys = paths.walks(first).keys()
    assert len(keys) == 12 and np.isclose(probability.sum(), 1.0)
    walks = walker.walk(np.full(n, walker.intent_start["A"]), np.random.default_rng(8))
    observed = Counter(walks.keys())
    assert set(observed) <= set(keys)
    expected = dict(zip(keys, n * probability))
    chi_square = sum((observed[k] - e) ** 2 / e for k, e in expected.items())
    assert chi_square < CRITICAL_11, chi_square
