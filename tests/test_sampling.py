"""Sampling: weights are probabilities, seeds reproduce, quotas hold."""

from __future__ import annotations

from collections import Counter

import pytest

import grammar_fst as gf

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
