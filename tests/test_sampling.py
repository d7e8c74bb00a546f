"""Sampling: weights are probabilities, seeds reproduce, quotas hold."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter

import numpy as np
import pytest

import grammar_fst as gf
from grammar_fst.fst.walks import Walks
from grammar_fst.sampling import plan, walker

# chi-square critical values at p = 0.001 (a fixed seed makes each test deterministic;
# the threshold says how surprising a correct sampler would have to be to fail it)
CRITICAL = {1: 10.83, 2: 13.82, 3: 16.27}


def chi_square(observed: Counter, expected: dict[str, float], n: int) -> float:
    return sum((observed[k] - n * p) ** 2 / (n * p) for k, p in expected.items())


@pytest.mark.parametrize(
    "grammar, expected",
    [
        ("intent A = x <3> | y <1>\n", {"x": 0.75, "y": 0.25}),
        ("intent A = x <0.5> | y | z <2.5>\n", {"x": 0.125, "y": 0.25, "z": 0.625}),
        ("intent A = go x?\n", {"go": 0.5, "go x": 0.5}),
        ("intent A = go x{0,2}\n", {"go": 1 / 3, "go x": 1 / 3, "go x x": 1 / 3}),
        ("intent A = (a | b) c | a c <2>\n", {"a c": 5 / 6, "b c": 1 / 6}),
        ("intent A = x <0> | y\n", {"y": 1.0}),
    ],
)
def test_weights_are_relative_probabilities(grammar, expected):
    n = 6000
    observed = Counter(u.text for u in gf.from_text(grammar).sample(n, seed=11))
    assert set(observed) <= set(expected)
    df = len(expected) - 1
    if df:
        assert chi_square(observed, expected, n) < CRITICAL[df], observed


def test_slot_values_follow_their_weights():
    grammar = gf.from_text("intent A = play {g}\nslot g = pop <1> | rock <4>\n")
    n = 5000
    observed = Counter(u.slots[0].value for u in grammar.sample(n, seed=2))
    assert chi_square(observed, {"pop": 0.2, "rock": 0.8}, n) < CRITICAL[1]


def test_same_seed_same_sample_different_seed_different_sample():
    grammar = gf.load("grammars/music.grm")
    first = list(grammar.sample(200, seed=5))
    assert first == list(grammar.sample(200, seed=5))
    assert first != list(grammar.sample(200, seed=6))


def test_sample_is_the_same_from_the_far(tmp_path):
    grammar = gf.load("grammars/weather.grm")
    grammar.write_far(tmp_path / "w.far")
    assert list(gf.load(tmp_path / "w.far").sample(300, seed=8)) == list(
        grammar.sample(300, seed=8)
    )


def test_quotas_split_evenly_and_unique_is_unique():
    grammar = gf.load("grammars/alarms.grm")
    sample = list(grammar.sample(403, seed=1, unique=True))
    per_intent = Counter(u.intent for u in sample)
    assert sorted(per_intent.values()) == [100, 101, 101, 101]
    assert len({(u.text, u.intent) for u in sample}) == 403


def test_unique_with_a_small_language_gives_all_of_it(caplog):
    grammar = gf.from_text("intent A = a | b | c\nintent B = x y z{1,40}\n")
    sample = list(grammar.sample(20, seed=0, unique=True))
    assert sorted(u.text for u in sample if u.intent == "A") == ["a", "b", "c"]
    assert sum(u.intent == "B" for u in sample) == 10
    assert "intent A has only 3 distinct sentences" in caplog.text


def test_all_is_deterministic_and_complete():
    grammar = gf.load("grammars/toy.grm")
    assert list(grammar.all()) == list(grammar.all())
    assert len(list(grammar.all())) == grammar.count() == 6


def test_empty_intent_is_a_clear_error():
    grammar = gf.from_text("intent A = a <0> | b <0>\nintent B = c\n")
    with pytest.raises(gf.UsageError, match="intent A has no sentences"):
        list(grammar.sample(4))
    assert [u.text for u in grammar.sample(3, intents=["B"])] == ["c"] * 3


def test_quota_per_intent_and_the_rest_share_n():
    grammar = gf.load("grammars/alarms.grm")
    sample = list(grammar.sample(10, seed=3, quota={"SetAlarm": 7, "SetTimer": 2}))
    assert Counter(u.intent for u in sample) == {"SetAlarm": 7, "SetTimer": 2}
    mixed = list(
        grammar.sample(9, seed=3, intents=["CancelAlarm", "SetReminder"], quota={"SetAlarm": 4})
    )
    assert Counter(u.intent for u in mixed) == {"SetAlarm": 4, "CancelAlarm": 5, "SetReminder": 4}


def test_proportional_split_follows_language_sizes():
    grammar = gf.from_text("intent Big = a | b | c | d | e | f | g | h | i\nintent Small = z\n")
    sample = list(grammar.sample(100, seed=1, split="proportional"))
    assert Counter(u.intent for u in sample) == {"Big": 90, "Small": 10}
    even = list(grammar.sample(100, seed=1))
    assert Counter(u.intent for u in even) == {"Big": 50, "Small": 50}


def test_cli_quota_syntax(capsys):
    from grammar_fst.cli.main import main

    assert main(["sample", "grammars/toy.grm", "--intent", "PlayMusic=4", "--format", "text"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    with pytest.raises(SystemExit):
        main(["sample", "grammars/toy.grm", "--intent", "PlayMusic=x"])
    assert "'x' is not a whole number" in capsys.readouterr().err


def test_unique_whole_language_is_enumerated_not_rejection_sampled():
    grammar = gf.from_text("intent A = (a | b){1,11} y\n")  # 4094 sentences
    sample = list(grammar.sample(4094, seed=2, unique=True))
    assert len({u.text for u in sample}) == 4094 == grammar.count()


def test_all_unique_keeps_one_reading_per_sentence():
    grammar = gf.from_text("intent A = x {s} | x a\nslot s = a | b\n")
    assert sorted(u.text for u in grammar.all()) == ["x a", "x a", "x b"]
    assert sorted(u.text for u in grammar.all(unique=True)) == ["x a", "x b"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: gf.from_text("$r = x{1,3}\nintent I = $r{1,3} {s}\nslot s = a | b c\n"),
        lambda: gf.from_text("intent A = x {s} | x a\nslot s = a | b\nintent B = go {s}? now\n"),
        lambda: gf.load("grammars/thai.grm"),
    ],
    ids=["repetitions", "two-readings", "thai"],
)
def test_all_of_an_intent_of_too_many_derivations_lists_its_readings_once(monkeypatch, make):
    # an intent over the bound is listed from its distinct readings instead of its
    # derivations: the same records, in another order
    grammar = make()
    walked = [u.to_dict() for u in grammar.all()]
    monkeypatch.setattr(plan, "ENUMERATE_PATHS", 1)
    listed = [u.to_dict() for u in grammar.all()]
    assert sorted(map(repr, listed)) == sorted(map(repr, walked)) and len(listed) > 1
    assert listed == [u.to_dict() for u in grammar.all()]


def test_all_of_few_sentences_in_billions_of_derivations_is_at_once():
    grammar = gf.from_text("$r = x{1,12}\nintent I = $r{1,9}\n")  # 5.6 billion derivations
    assert sorted(len(u.text.split()) for u in grammar.all()) == list(range(1, 109))


def test_walker_choices_are_each_states_arcs_then_stop_with_their_probabilities():
    grammar = gf.from_text("$r = b | c <3>\nintent A = a $r? {s}\nslot s = x | y\n")
    walker = grammar._walker
    states = walker.states(("intent", "A"))
    assert states[grammar.fsts.intents["A"].start()] == walker.intent_start["A"]
    choices = walker.choices(states)
    assert len(choices.first) == len(states) + 1
    fst = grammar.fsts.intents["A"]
    for q, state in enumerate(states):
        arcs, stop = choices.of(q)
        assert len(arcs) == fst.num_arcs(q)
        total = sum(math.exp(p) for p in arcs) + math.exp(stop)
        assert total == pytest.approx(1.0)
        mine = slice(choices.first[q], choices.first[q + 1])
        assert set(choices.state[mine].tolist()) == {state}
        assert choices.target[mine][-1] == -1  # the last choice is stopping
        targets = [states[arc.nextstate] for arc in fst.arcs(q)]
        assert choices.target[mine][:-1].tolist() == targets
    entered = set(choices.enters.tolist()) - {-1}
    assert entered == {walker.rule_start["r"], walker.class_start["s"]}
    # inside $r, c is three times as likely as b
    inner = walker.choices(walker.states(("rule", "r")))
    arcs, _ = inner.of(grammar.fsts.rules["r"].start())
    assert sorted(math.exp(p) for p in arcs) == pytest.approx([0.25, 0.75])


def test_a_batch_without_paths_spells_no_utterance():
    """With `unique`, a block of repeats only leaves no path to spell."""
    grammar = gf.load("grammars/music.grm")
    assert grammar._speller.walks(Walks.of([])) == []
    spelled = grammar._speller.spell(Walks.of([]))
    assert len(spelled.base) == 0 and spelled.word_cuts.tolist() == [0]


def test_every_path_says_the_hashes_of_its_walks():
    grammar = gf.from_text("$r = a | a b\nintent A = go $r? {s} now | go\nslot s = x y | x | z\n")
    enum = grammar._walker.every_path("A")
    walks = enum.walks(np.arange(len(enum.probability)))
    for k, (begin, end) in enumerate(zip(walks.begins(), walks.ends)):
        expected = [0, 0]
        for label in walks.ilabel[begin:end].tolist():
            if label:
                expected = [(h * int(f) + label) % 2**64 for h, f in zip(expected, walker._HASH)]
        assert enum.words[k].tolist() == expected


def test_sentences_whose_first_hashes_agree_are_told_apart_by_the_second():
    grammar = gf.from_text("intent A = a | b | c | d | e\n")
    enum = grammar._walker.every_path("A")
    words = np.array([[7, 2], [7, 1], [3, 9], [7, 2], [3, 9]], dtype=np.uint64)
    tied = dataclasses.replace(enum, words=words)
    sentence, first = tied.sentences()
    order = np.lexsort((words[:, 1], words[:, 0]))  # the sentences in order of both hashes
    assert sentence.tolist() == [2, 1, 0, 2, 0]
    assert first.tolist() == [2, 1, 0] and order.tolist() == [2, 4, 1, 0, 3]


@pytest.mark.parametrize("first, count", [(0, 0), (0, 2), (1, 3), (2, 2), (4, 0), (3, 1)])
def test_a_span_of_walks_is_the_take_of_its_range(first, count):
    walks = Walks.of([[(1, 1)], [], [(2, 0), (3, 3)], [(4, 4)]])
    span, taken = walks.span(first, count), walks.take(np.arange(first, first + count))
    for name in ("ilabel", "olabel", "ends"):
        assert getattr(span, name).tolist() == getattr(taken, name).tolist(), name


@pytest.mark.parametrize("k", [0, 1, 3, 6, 7])
def test_the_largest_values_come_first_and_ties_in_their_order(k):
    values = np.array([0.5, -np.inf, 2.0, 0.5, 3.0, 2.0, 0.5])
    expected = sorted(range(len(values)), key=lambda i: -values[i])[:k]  # stable
    assert set(plan._largest(values, k).tolist()) == set(expected)
    if k == len(values):
        assert plan._largest(values, k).tolist() == expected
    distinct = np.array([0.1, 4.0, -2.0, 3.5, 0.2, -np.inf, 9.0])
    assert plan._largest(distinct, k).tolist() == sorted(range(7), key=lambda i: -distinct[i])[:k]


def test_unique_says_when_most_of_a_language_is_drawn_one_by_one(monkeypatch, caplog):
    """Past the derivations that can be gone through, `unique` draws and drops repeats;
    asked for most of a language, the last sentences take long: the warning says so."""
    grammar = gf.from_text("intent A = {x} {x}\nslot x = a | b | c | d | e | f\n")
    monkeypatch.setattr(plan, "ENUMERATE_PATHS", 10)
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        drawn = list(grammar.sample(30, seed=1, unique=True))
    assert len({u.text for u in drawn}) == 30
    assert "30 of its 36 distinct sentences left are drawn one by one" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="grammar_fst"):
        list(grammar.sample(3, seed=1, unique=True))
    assert "one by one" not in caplog.text
