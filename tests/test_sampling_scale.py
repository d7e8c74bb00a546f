"""Sampling at scale: blocks, --jobs, --unique by enumeration or by rejection, --cover.

Statistical tests use fixed seeds and chi-square thresholds at p = 0.001, so each is
deterministic and a correct sampler would fail one only by a rare accident of its seed.
"""

from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import TooLarge, grammars, language

import grammar_fst as gf
from grammar_fst import model, parallel
from grammar_fst.data.formats import jsonl
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.grm import ast as g
from grammar_fst.sampling import plan

CRITICAL = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47}


def chi_square(observed: Counter, expected: dict, n: int) -> float:
    return sum((observed[k] - n * p) ** 2 / (n * p) for k, p in expected.items())


# -- blocks and quotas ------------------------------------------------------------------


def test_plan_splits_quotas_exactly_into_blocks():
    blocks = plan.blocks_of([30_000, 5, 0, 12_345], seed=4)
    assert [b.index for b in blocks] == list(range(len(blocks)))
    assert all(sum(b.counts) <= plan.BLOCK for b in blocks)
    assert np.sum([b.counts for b in blocks], axis=0).tolist() == [30_000, 5, 0, 12_345]
    assert [b.first for b in blocks] == np.cumsum(
        [0] + [sum(b.counts) for b in blocks[:-1]]
    ).tolist()
    assert blocks[-1].before == tuple(np.sum([b.counts for b in blocks[:-1]], axis=0).tolist())


def test_quotas_hold_across_many_blocks_and_intents_are_mixed():
    grammar = gf.load("grammars/alarms.grm")
    n = 3 * plan.BLOCK + 17
    sample = list(grammar.sample(n, seed=3))
    counts = Counter(u.intent for u in sample)
    assert sorted(counts.values()) == sorted(plan.quotas(n, grammar.intents).values())
    # mixed as in one shuffle: each intent's share of the first half is about half of it
    first_half = Counter(u.intent for u in sample[: n // 2])
    expected = {name: counts[name] / n for name in counts}
    assert chi_square(first_half, expected, n // 2) < CRITICAL[len(counts) - 1]


# -- determinism across processes -------------------------------------------------------


@pytest.mark.parametrize("unique", [False, True])
def test_same_output_for_any_number_of_jobs(unique):
    grammar = gf.load("grammars/music.grm")
    n = 2 * plan.BLOCK + 101
    intents = ["AddToPlaylist", "CreatePlaylist", "PlayMusic"]  # each larger than its share
    options = dict(seed=7, intents=intents, unique=unique, render=jsonl.line)
    one = list(grammar.sample(n, **options))
    two = list(grammar.sample(n, **options, jobs=2))
    assert one == two and len(one) == n
    if unique:
        assert len(set(one)) == n


def test_rounds_of_repeats_drawn_here_or_by_workers_give_the_same_output(monkeypatch):
    """With `unique`, the sentences that came back repeated are drawn again in rounds;
    one pool of workers serves them all, and a round of one block, or one after a round
    mostly repeated, runs in this process instead: the same sentences either way."""
    grammar = gf.from_text("$w = w0 | w1 | w2 | rare <0.01>\nintent A = say ($w){1,12}\n")
    ran, pools, shards = [], [], plan._shards
    kept = parallel.kept_pool

    def counted_pool(*args):
        pools.append(args[1])
        return kept(*args)

    def recorded(job, blocks, seen, jobs, client, pool):
        ran.append(jobs)
        return shards(job, blocks, seen, jobs, client, pool)

    monkeypatch.setattr(plan, "_shards", recorded)
    monkeypatch.setattr(parallel, "kept_pool", counted_pool)
    two = list(grammar.sample(3 * plan.BLOCK, seed=4, unique=True, jobs=2, render=jsonl.line))
    assert pools == [2] and 2 in ran and 1 in ran  # rounds on the workers, and here
    ran.clear()
    one = list(grammar.sample(3 * plan.BLOCK, seed=4, unique=True, render=jsonl.line))
    assert one == two and len(set(one)) == 3 * plan.BLOCK and set(ran) == {1}


def test_jobs_with_intents_drawn_from_their_enumeration_are_the_same():
    grammar = gf.from_text(  # most of each intent is asked for: it is drawn from its enumeration
        "intent A = (a <5> | b | c) (x | y <3> | z){1,4} [w]\n"
        "intent B = (d | e) {s} [f <2> | g]\nslot s = s1 | s2 <7> | s3 | s4 s5\n"
    )
    sizes = grammar.counts()[0]
    quota = {name: int(size * 0.9) for name, size in sizes.items()}
    one = list(grammar.sample(0, seed=2, quota=quota, unique=True))
    two = list(grammar.sample(0, seed=2, quota=quota, unique=True, jobs=2))
    assert one == two
    assert Counter(u.intent for u in one) == quota
    assert len({(u.text, u.intent) for u in one}) == len(one)


# -- --unique: weighted draws without replacement -----------------------------------------


def _first_draws(grammar, seeds, k):
    """The first sentence of a unique sample of k, over many seeds."""
    return Counter(next(iter(grammar.sample(k, seed=s, unique=True))).text for s in seeds)


@pytest.mark.parametrize("k", [1, 3])  # 1 of 4 and 3 of 4: both above ENUMERATE_ABOVE
def test_unique_by_enumeration_draws_by_weight(k):
    grammar = gf.from_text("intent A = a <5> | b <3> | c <1> | d <1>\n")
    assert k / 4 > plan.ENUMERATE_ABOVE
    observed = _first_draws(grammar, range(3000), k)
    expected = {"a": 0.5, "b": 0.3, "c": 0.1, "d": 0.1}
    assert chi_square(observed, expected, 3000) < CRITICAL[3]


def test_unique_by_rejection_draws_by_weight():
    # 40 sentences, 1 asked for: drawn, not enumerated
    grammar = gf.from_text("intent A = (a <5> | b <3> | c <1> | d <1>) x{1,10}\n")
    assert 1 / grammar.count() < plan.ENUMERATE_ABOVE
    observed = Counter(t.split()[0] for t in _first_draws(grammar, range(3000), 1).elements())
    assert chi_square(observed, {"a": 0.5, "b": 0.3, "c": 0.1, "d": 0.1}, 3000) < CRITICAL[3]


def test_unique_pairs_follow_sequential_draws_without_replacement():
    """Two of {a: .8, b: .1, c: .1} without replacement: P({b, c}) = 2 * .1 * .1 / .9."""
    grammar = gf.from_text("intent A = a <8> | b <1> | c <1>\n")
    pairs = Counter(
        frozenset(u.text for u in grammar.sample(2, seed=s, unique=True)) for s in range(4000)
    )
    p_bc = 2 * 0.1 * 0.1 / 0.9
    p_ab = 0.8 * 0.1 / 0.2 + 0.1 * 0.8 / 0.9
    expected = {frozenset("bc"): p_bc, frozenset("ab"): p_ab, frozenset("ac"): p_ab}
    assert chi_square(pairs, expected, 4000) < CRITICAL[2]


def test_unique_never_loops_on_a_language_with_a_rare_sentence():
    grammar = gf.from_text("intent A = a <100000> | b <100000> | c <1> | x{1,9}\n")
    sample = list(grammar.sample(12, seed=0, unique=True))
    assert sorted(u.text for u in sample) == sorted(u.text for u in grammar.all())


# -- --cover ------------------------------------------------------------------------------


def test_cover_uses_every_alternative_and_optional_part():
    grammar = gf.from_text(
        "$a = x1 | x2 <3> | x3 <0>\n"
        "$b = y1 | y2\n"
        "intent I = $a $b [z] | w $a | u v{0,2}\n"
        "intent J = $b {s}\n"
        "slot s = s1 | s2 s3\n"
    )
    covering = list(grammar.sample(0, cover=True))
    text = " ".join(u.text for u in covering if u.intent == "I")
    for word in ["x1", "x2", "y1", "y2", "z", "w", "v"]:
        assert word in text.split()
    assert "x3" not in text.split()  # switched off by its weight
    of_j = [u for u in covering if u.intent == "J"]
    assert {s.value for u in of_j for s in u.slots} == {"s1", "s2 s3"}
    assert {u.text.split()[0] for u in of_j} == {"y1", "y2"}  # $b again, for J's own sake
    assert len(covering) <= 12


def test_cover_counts_toward_the_share_and_the_rest_is_sampled():
    grammar = gf.load("grammars/weather.grm")
    plain = list(grammar.sample(400, seed=5))
    covered = list(grammar.sample(400, seed=5, cover=True))
    assert len(covered) == 400
    assert Counter(u.intent for u in covered) == Counter(u.intent for u in plain)


def test_cover_needs_the_source(tmp_path):
    grammar = gf.load("grammars/toy.grm")
    grammar.write_far(tmp_path / "toy.far")
    with pytest.raises(gf.UsageError, match="covering needs the grammar's rules"):
        list(gf.load(tmp_path / "toy.far").sample(3, cover=True))


def _live_words(grammar: g.Grammar, intent: str) -> set[str]:
    """Every word of a sentence of the intent (reference semantics)."""
    derivations = language(grammar.intents[intent].body, grammar)
    return {t for d in derivations for t in d if isinstance(t, str)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grammars(words=st.sampled_from(["a", "b", "c", "d", "e"]), comments=False), st.integers(0, 99)
)
def test_cover_reaches_every_word_that_can_occur(grammar, seed):
    """Every word that occurs in some sentence of an intent is in its covering
    sentences: it sits in an alternative, an optional part or a plain sequence, and all
    of those are covered."""
    compiled = model.CompiledGrammar(compile_grammar(grammar), grammar=grammar)
    if any(compiled.count(name) > 1000 for name in compiled.intents):
        return  # the reference below enumerates the language
    try:
        expected = {name: _live_words(grammar, name) for name in compiled.intents}
    except TooLarge:
        return
    live = [name for name in compiled.intents if compiled._walker.has_paths(name)]
    covering = list(compiled.sample(0, seed=seed, intents=live, cover=True))
    for name in live:
        words = {w for u in covering if u.intent == name for w in u.text.split()}
        assert words == expected[name]


def test_a_job_sent_to_a_worker_draws_its_enumeration_again_the_same():
    grammar = gf.from_text("intent A = (a | b <2> | c) (x | y)\n")
    job = grammar._job({"A": 4}, 7, None, True, False)
    assert job.left(0) == 6
    job.enumerated[0] = 4
    sent = pickle.loads(pickle.dumps(job))
    assert sent._drawn == {} and 0 in job._drawn  # not sent: the worker draws its own
    mine, theirs = job.selected(0), sent.selected(0)
    assert mine.ilabel.tolist() == theirs.ilabel.tolist() and len(mine.ends) == 4
