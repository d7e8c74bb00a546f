"""Counting on the network: derivations by dynamic programming against the walker's own
enumeration, exact counts against brute force, upper bounds over the budget and what
`count` prints for them, numbers too long for decimal, and `check` on sampled sentences."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import TooLarge, annotated, grammars, language

from grammar_fst import check
from grammar_fst.cli.main import main
from grammar_fst.fst import counting
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.grm import syntax
from grammar_fst.model import CompiledGrammar, from_text
from grammar_fst.sampling import plan

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def doubling(levels: int) -> str:
    """Rules that each use the one before twice: the language squares at every level."""
    lines = ["$r0 = a | b"]
    lines += [f"$r{i} = $r{i - 1} $r{i - 1} | x{i}" for i in range(1, levels + 1)]
    return "\n".join([*lines, f"intent I = $r{levels}"]) + "\n"


def doubled(levels: int) -> int:
    """The number of sentences of `doubling(levels)`, by its recurrence."""
    n = 2
    for _ in range(levels):
        n = n * n + 1
    return n


@SETTINGS
@given(grammars(words=st.sampled_from(["a", "b", "c"]), comments=False))
def test_derivations_are_the_paths_the_walker_enumerates(grammar):
    compiled = CompiledGrammar(compile_grammar(grammar))
    paths = counting.derivations(compiled.fsts)
    for intent in compiled.intents:
        assume(paths[("intent", intent)] <= 2000)
        walked = compiled._walker.every_path(intent).probability
        assert paths[("intent", intent)] == len(walked)


@SETTINGS
@given(grammars(words=st.sampled_from(["a", "b", "c"]), comments=False))
def test_an_enumeration_knows_as_many_sentences_as_counting(grammar):
    """What `unique` takes from the enumeration of an intent it enumerates anyway instead
    of counting its sentences on the FSTs."""
    compiled = CompiledGrammar(compile_grammar(grammar))
    paths = counting.derivations(compiled.fsts)
    sizes, _ = compiled.sizes()
    job = plan.Job(compiled._walker, compiled._speller, compiled.intents, 0)
    for index, intent in enumerate(compiled.intents):
        assume(paths[("intent", intent)] <= 2000 and sizes[intent].exact)
        assert job.left(index) == sizes[intent].value


def test_unique_with_cover_asked_for_more_than_there_is_gives_each_once(caplog):
    grammar = from_text("$r = a | a a\nintent A = $r $r? | b <0> | c\n")  # a a: two ways
    assert grammar.count("A") == 5 and plan.enumerated_anyway(50, 7)
    with caplog.at_level("WARNING", logger="grammar_fst"):
        texts = [u.text for u in grammar.sample(50, unique=True, cover=True)]
    assert sorted(texts) == ["a", "a a", "a a a", "a a a a", "c"]
    assert "intent A has only 5 distinct sentences (asked for 50)" in caplog.text


@SETTINGS
@given(grammars(words=st.sampled_from(["a", "b", "c"]), comments=False))
def test_counts_are_exact_within_the_budget_and_bounds_beyond(grammar):
    compiled = CompiledGrammar(compile_grammar(grammar))
    exact, total = compiled.sizes()
    bounded, bound = compiled.sizes(budget=1)
    paths = counting.derivations(compiled.fsts)
    texts = set()
    for intent in compiled.intents:
        try:
            said = {annotated(d)[0] for d in language(grammar.intents[intent].body, grammar)}
        except TooLarge:
            assume(False)
        assert exact[intent].exact and exact[intent].value == len(said)
        assert not bounded[intent].exact and bounded[intent].value == paths[("intent", intent)]
        assert bounded[intent].value >= len(said)
        texts |= said
    assert total.exact and total.value == len(texts)
    assert not bound.exact and bound.value >= len(texts)


def test_an_ambiguous_grammar_over_the_budget_is_counted_as_an_upper_bound(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = $x $y\n$x = a | a b\n$y = b c | c\n", encoding="utf-8")
    assert run(capsys, "count", grammar) == (0, "A\t3\ntotal\t3\n", "")
    status, out, err = run(capsys, "count", grammar, "--budget", "3")
    why = (
        "derivations: the flat form or its determinization exceeds the budget of 3 states, "
        "so a sentence said in several ways counts more than once"
    )
    assert (status, out, err) == (0, f"A\tat most 4 ({why})\ntotal\tat most 4 ({why})\n", "")


def test_the_total_is_a_bound_when_the_intents_union_is_over_the_budget():
    compiled = from_text("intent A = a b c | d\nintent B = a c b | d\n")
    per_intent, total = compiled.sizes(budget=5)
    assert per_intent == {"A": counting.Count(2), "B": counting.Count(2)}
    assert total == counting.Count(4, False, total.why) and "the sum over intents" in total.why
    assert compiled.sizes()[1] == counting.Count(3)  # 'd' is in both


def test_a_repetition_of_a_repetition_is_a_bound_when_determinizing_would_take_too_long():
    # 10,000 sentences in a flat form under the budget, each said in thousands of ways:
    # every subset of the determinization holds thousands of states
    per_intent, _ = from_text("$r = x{1,100}\nintent I = $r{1,100}\n").sizes()
    count = per_intent["I"]
    assert not count.exact and count.value > 10**100 and "determinization" in count.why
    # fewer ways of saying each sentence: counted exactly
    assert from_text("$r = x{1,100}\nintent I = $r{1,3}\n").sizes()[0]["I"] == counting.Count(300)


def test_subsets_fit_only_what_their_budget_of_steps_allows():
    # 900 subsets of about 800 steps each: 720,796 steps, over 25 x 20,000
    fsts = from_text("$r = x{1,30}\nintent I = $r{1,30}\n").fsts
    assert counting.sentences(fsts, "I", budget=20_000) is None
    flat = counting.sentences(fsts, "I", budget=40_000)
    assert flat is not None and counting.count_strings(flat) == 900
    assert counting.sentences(fsts, "I", budget=900) is None  # 901 subsets, with the empty one


def test_counts_too_long_for_decimal_are_scientific():
    assert counting.shown(10**4000) == "1" + "0" * 4000
    assert counting.shown(10**5000) == "1.00e+5000"
    assert counting.shown(2 * 10**5000 - 1) == "2.00e+5000"
    assert counting.shown(counting.Huge(92752.745)) == "5.56e+92752"
    assert counting.shown(counting.Huge(9.9999)) == "1.00e+10"


@pytest.mark.parametrize("levels", [15, 18])
def test_doubling_rules_are_counted_at_once(tmp_path, capsys, levels):
    grammar = tmp_path / "doubling.grm"
    grammar.write_text(doubling(levels), encoding="utf-8")
    status, out, err = run(capsys, "count", grammar)
    expected = counting.shown(doubled(levels))
    assert status == 0 and err == "" and out.startswith(f"I\tat most {expected} (derivations: ")
    assert from_text(doubling(levels)).count() == (math.inf if levels == 18 else doubled(levels))


def test_derivations_beyond_the_exact_limit_become_logarithms():
    paths = counting.derivations(from_text(doubling(18)).fsts)
    assert paths[("rule", "r16")] == doubled(16)  # about 77,000 bits: still exact
    huge = paths[("intent", "I")]
    assert isinstance(huge, counting.Huge)
    assert huge.log10 == pytest.approx(math.log10(doubled(18)), rel=1e-12)


def test_nested_repetition_through_a_rule_is_counted_at_once(capsys, tmp_path):
    grammar = tmp_path / "repeat.grm"
    grammar.write_text("$w = a | b\n$p = $w{1,100}\nintent I = $p{1,100}\n", encoding="utf-8")
    status, out, _ = run(capsys, "count", grammar)
    line = out.splitlines()[0]
    assert status == 0 and line.startswith("I\tat most ")
    bound = int(line.split()[3])
    assert bound >= 2**10001 - 2  # the distinct sentences: a or b, 1 to 10,000 times


def test_unique_sampling_works_from_an_upper_bound():
    compiled = from_text(doubling(15))
    sentences = [u.text for u in compiled.sample(50, seed=1, unique=True)]
    assert len(set(sentences)) == 50


def test_check_finds_ambiguity_on_samples_over_the_budget():
    grammar = syntax.parse("intent A = play {s} | play rock\nslot s = rock | pop\n", "g.grm")
    assert [str(d) for d in check.check(grammar, budget=1)] == [
        "g.grm:1:1: warning: ambiguous: 'play rock' has 2 readings: play [s : rock] | play rock"
        f"{_sampled(1)}"
    ]


def test_check_finds_shared_sentences_on_samples_over_the_budget():
    grammar = syntax.parse("intent A = stop | halt\nintent B = stop now | stop\n", "g.grm")
    assert [str(d) for d in check.check(grammar, budget=1)] == [
        f"g.grm:2:1: warning: 'stop' is a sentence of both intent A and intent B{_sampled(1)}"
    ]


def _sampled(budget: int) -> str:
    return (
        f" (found on up to {check.SAMPLED} sentences sampled from each intent, those of at most "
        f"{check.LONGEST} words: its flat form or its determinization exceeds the budget of "
        f"{budget:,} states)"
    )


def test_check_of_a_long_repetition_over_the_budget_parses_only_short_samples(tmp_path):
    grammar = syntax.parse("$w = a | b\n$p = $w{1,100}\nintent I = $p{1,100}\n", "g.grm")
    assert check.check(grammar) == []  # sentences of up to 10,000 words, none parsed


@pytest.mark.parametrize("command", ["compile", "count", "check"])
def test_progress_is_shown_when_asked_and_never_with_quiet(tmp_path, capsys, command):
    grammar = tmp_path / "g.grm"
    grammar.write_text("$x = a | b\nintent A = $x c\nintent B = d\n", encoding="utf-8")
    status, _, err = run(capsys, command, grammar, "--progress")
    unit = "definitions" if command == "compile" else "intents"
    assert status == 0 and "100%" in err and f"{unit}/s" in err
    assert ("pairs of intents/s" in err) == (command == "check")  # the pairs take longest
    status, _, err = run(capsys, command, grammar, "--quiet")
    assert status == 0 and "%|" not in err
    status, _, err = run(capsys, command, grammar)  # not a terminal
    assert status == 0 and "%|" not in err


def test_evaluate_shows_progress_over_the_heldout_utterances(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = play {s}\nslot s = rock | pop\n", encoding="utf-8")
    heldout = tmp_path / "h.jsonl"
    heldout.write_text('{"text": "play rock", "intent": "A"}\n', encoding="utf-8")
    status, out, err = run(capsys, "evaluate", grammar, "--heldout", heldout, "--progress")
    assert status == 0 and "utterances/s" in err and "distinct sentences" in out
    status, _, err = run(capsys, "evaluate", grammar, "--heldout", heldout, "--quiet")
    assert status == 0 and err == ""


def test_progress_and_quiet_together_are_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["count", "g.grm", "--progress", "--quiet"])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "not allowed with argument" in err and err.count("\n") == 1
