"""Budgets on what grows faster than its input: sentences made exponentially long by
repetitions of repetitions through rules (refused before sampling, at the rule where
they blow up), long lines (compiled and checked in time linear in their length),
utterances too long to learn from or too repetitive to merge in time, and enumerations
of too many derivations. The work behind them is tested here for what it computes: mean
lengths against sampling, heights against a brute force."""

from __future__ import annotations

import json
import statistics

import numpy as np
import pynini
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst import check
from grammar_fst.cli.main import main
from grammar_fst.errors import GrammarError
from grammar_fst.grm import syntax
from grammar_fst.induction import crossval, search
from grammar_fst.induction.automaton import Automaton, Symbol
from grammar_fst.sampling import plan, walker
from grammar_fst.sampling.walker import MEAN_WORDS

# every level repeats the one below 1 to 100 times: sentences of 50.5 ** k words on average
NESTED = "$r0 = a | b\n$r1 = $r0{1,100}\n$r2 = $r1{1,100}\n$r3 = $r2{1,100}\n"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_sampling_sentences_too_long_is_an_error_at_the_rule_that_blows_up(capsys, tmp_path):
    grammar = tmp_path / "g.grm"
    grammar.write_text(NESTED + "intent Short = $r1\nintent Blow = go $r3\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "sample", grammar, "-n", "5", "-o", out)
    assert status == 2 and err.count("\n") == 1 and not out.exists()
    assert err.startswith(f"grammar-fst: error: {grammar}:4:1: intent Blow is too long to sample: ")
    assert "a sentence of rule $r3 has 12" in err and f"more than the {MEAN_WORDS:,}" in err
    status, out_text, _ = run(capsys, "sample", grammar, "-n", "5", "--intent", "Short")
    assert status == 0 and len(out_text.splitlines()) == 5  # the short intent still samples


def test_an_intent_that_blows_up_itself_is_named(capsys, tmp_path):
    grammar = tmp_path / "g.grm"
    grammar.write_text("$r0 = a | b\n$r1 = $r0{1,100}\n$r2 = $r1{1,100}\n", encoding="utf-8")
    with grammar.open("a", encoding="utf-8") as f:
        f.write("intent Blow = $r2{1,100}\n")
    status, _, err = run(capsys, "sample", grammar, "-n", "1")
    assert status == 2 and f"{grammar}:4:1: intent Blow is too long to sample: " in err
    assert "a sentence of intent Blow has" in err


def test_check_reports_an_intent_too_long_to_sample_and_checks_the_others():
    grammar = syntax.parse(NESTED + "intent Blow = $r3\nintent A = x | x y\n", "g.grm")
    found = [str(d) for d in check.check(grammar)]
    assert found[0].startswith("g.grm:4:1: error: intent Blow is too long to sample: ")
    assert len(found) == 1


def test_sentences_of_up_to_the_limit_are_sampled():
    two_levels = gf.from_text("$r0 = a | b\n$r1 = $r0{1,100}\nintent I = $r1{1,100}\n")
    (utterance,) = list(two_levels.sample(1, seed=3))
    assert len(utterance.text.split()) >= 1


@pytest.mark.parametrize(
    "text",
    [
        "$n = one | two | three four\nintent A = call $n [now] | ring <3>\n",
        "slot s = rock | hard rock\n$x = {s} [please]\nintent A = $x{0,3} go\n",
        "$r0 = a | b\n$r1 = $r0{1,10}\nintent A = $r1 [$r1]\n",
    ],
)
def test_the_mean_length_is_that_of_sampled_sentences(text):
    grammar = gf.from_text(text)
    drawn = [len(u.text.split()) for u in grammar.sample(20_000, seed=1)]
    mean = grammar._walker.mean_words[("intent", "A")]
    assert mean == pytest.approx(statistics.fmean(drawn), rel=0.03)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.data())
def test_heights_are_the_longest_paths_to_the_end(states, data):
    arcs = data.draw(
        st.lists(st.tuples(st.integers(0, states - 1), st.integers(0, states - 1)), max_size=80)
    )
    edges = [(min(a, b), max(a, b)) for a, b in arcs if a != b]  # acyclic: low to high
    source = np.array([a for a, _ in edges], dtype=np.int32)
    target = np.array([b for _, b in edges], dtype=np.int32)
    longest = [0] * states
    for state in reversed(range(states)):
        longest[state] = max([longest[b] + 1 for a, b in edges if a == state], default=0)
    assert walker._heights(source, target, states).tolist() == longest


def test_a_cycle_has_no_heights():
    with pytest.raises(ValueError, match="cycle"):
        walker._heights(np.array([0, 1], np.int32), np.array([1, 0], np.int32), 2)


def test_a_long_line_is_one_sentence_in_order(capsys, tmp_path):
    words = [f"w{i % 97}" for i in range(2000)]
    grammar = tmp_path / "g.grm"
    grammar.write_text(f"intent A = {' '.join(words)}\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", grammar)
    assert status == 0 and out.endswith(": 0 errors, 0 warnings\n")
    (utterance,) = list(gf.load(grammar).sample(1))
    assert utterance.text == " ".join(words)


def test_a_long_line_written_out_is_not_too_long_to_sample(monkeypatch):
    monkeypatch.setattr(walker, "MEAN_WORDS", 100)  # as if lines of 300 words were long
    words = [f"w{i % 10}" for i in range(300)]
    (utterance,) = list(gf.from_text(f"intent A = {' '.join(words)}\n").sample(1))
    assert utterance.text.split() == words  # as long as the grammar: sampled
    nested = gf.from_text("$r0 = a | b\n$r1 = $r0{1,100}\nintent A = $r1{1,100}\n")
    with pytest.raises(GrammarError, match="a sentence of intent A has 2,55"):
        list(nested.sample(1))  # 2,550 words from about 200 states: refused


def test_every_sentence_of_a_line_longer_than_the_recursion_limit(capsys, tmp_path):
    grammar = tmp_path / "g.grm"
    words = [f"w{i % 7}" for i in range(1500)]
    grammar.write_text(f"intent A = {' '.join(words)} [end]\n", encoding="utf-8")
    status, out, err = run(capsys, "sample", grammar, "--all", "--format", "text")
    assert status == 0 and err == ""
    assert out.splitlines() == [" ".join(words), " ".join([*words, "end"])]


def test_induce_refuses_an_utterance_too_long_to_learn_from(capsys, tmp_path):
    data = tmp_path / "data.jsonl"
    lines = [{"text": "play jazz", "intent": "Play"}, {"text": "play " * 600, "intent": "Play"}]
    data.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "g.grm"
    status, _, err = run(capsys, "induce", data, "-o", out)
    assert status == 2 and err.count("\n") == 1 and not out.exists()
    assert "utterance 2 has 600 words, more than the 500 induction learns from" in err
    longest = " ".join(f"w{i}" for i in range(500))
    data.write_text(json.dumps({"text": longest, "intent": "Play"}) + "\n", encoding="utf-8")
    assert run(capsys, "induce", data, "-o", out)[0] == 0


def repetitive(lines: int, words: int, vocabulary: str = "ab", seed: int = 1) -> list[str]:
    """Lines of random words from a tiny vocabulary: every state of their prefix tree has
    hundreds of neighbours that share a context with it."""
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(list(vocabulary), words)) for _ in range(lines)]


def test_induce_refuses_utterances_too_repetitive_to_merge(capsys, tmp_path):
    data = tmp_path / "data.txt"
    data.write_text("\n".join(repetitive(8, 100)) + "\n", encoding="utf-8")
    out = tmp_path / "g.grm"
    status, _, err = run(capsys, "induce", data, "--format", "text", "-o", out)
    assert status == 2 and err.count("\n") == 1 and not out.exists()
    assert "intent Utterance: merging its 782 states would take more than 2,000 steps" in err
    # varied words of the same length are merged within the budget
    data.write_text("\n".join(repetitive(3, 100, "abcdefghijklmnopqrstuvwxyz")) + "\n")
    assert run(capsys, "induce", data, "--format", "text", "-o", out)[0] == 0


def test_a_merge_stops_at_its_budget_of_steps():
    paths = [tuple(Symbol(w) for w in line.split()) for line in repetitive(3, 30)]
    with pytest.raises(search.OverBudget):
        search.merge_states(Automaton(paths, 1.0), "", lambda step: None, search.Steps(1_000))
    search.merge_states(Automaton(paths, 1.0), "", lambda step: None, search.Steps(10**7))


def test_cross_validation_of_repetitive_utterances_takes_the_default(monkeypatch):
    paths = [tuple(Symbol(w) for w in line.split()) for line in repetitive(6, 25)]
    chosen = crossval.choose(paths, 1.0)
    assert (chosen.weight, chosen.folds) == (1.0, 0)
    assert chosen.detail == "1, the default (utterances too repetitive to cross-validate)"
    monkeypatch.setattr(crossval, "STEPS", 10**6)
    assert crossval.choose(paths, 1.0).folds == 5


def test_an_intent_of_too_many_derivations_is_drawn_not_enumerated():
    # 108 sentences, 5.6 billion derivations: the enumeration would hold every one
    grammar = gf.from_text("$r = x{1,12}\nintent I = $r{1,9}\n")
    assert grammar.count() == 108
    assert not plan.enumerates(50, 108, 5_628_851_292) and plan.enumerates(50, 108, 1_000)
    drawn = [u.text for u in grammar.sample(50, seed=1, unique=True)]
    assert len(set(drawn)) == 50


def test_a_definition_whose_determinization_explodes_compiles_undeterminized():
    """`(a | b){0,20} a (a | b){20}`: its deterministic form needs a state for every
    20 words last said (2^20 and more); OpenFst ran out of memory and aborted the
    interpreter. It is kept epsilon-free instead, the same weighted language."""
    grammar = gf.from_text("intent I = (a | b){0,20} a (a | b){20,20}\n")
    assert sum(fst.num_states() for fst in grammar.fsts.intents.values()) < 1_000
    for utterance in grammar.sample(50, seed=3):
        words = utterance.text.split()
        assert 21 <= len(words) <= 41 and words[-21] == "a"
    # a definition that determinizes within the bounds is still made deterministic
    small = gf.from_text("intent I = (a | b){0,3} a (a | b){3,3}\n")
    (fst,) = small.fsts.intents.values()
    assert fst.properties(pynini.I_DETERMINISTIC, True) == pynini.I_DETERMINISTIC
