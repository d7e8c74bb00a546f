"""Grammar induction by Bayesian model merging, on small hand-made fixtures: the classes
it finds, slots kept whole, catalogue widening, finiteness, determinism, and that what it
writes is a grammar like any other (it parses back, compiles and says every golden
utterance)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data.formats.massive import parse_annotation
from grammar_fst.data.records import SlotValue, Utterance
from grammar_fst.errors import UsageError
from grammar_fst.grm import ast as g
from grammar_fst.induction import induce
from grammar_fst.induction.automaton import END, START, Automaton, Symbol
from grammar_fst.induction.search import merge_states

TOY = [
    "play pop music",
    "play rock music",
    "play some pop music",
    "play some rock music",
    "play more pop music",
    "play more rock music",
]


def utt(intent: str, annotated: str) -> Utterance:
    text, slots = parse_annotation(annotated)
    return Utterance(text, intent, slots)


def classes(grammar: g.Grammar) -> set[frozenset[str]]:
    """The word classes of a grammar: rules whose body is a choice of single words."""
    found = set()
    for rule in grammar.rules.values():
        if isinstance(rule.body, g.Alternation):
            words = [o.expr for o in rule.body.options]
            if all(isinstance(w, (g.Word, g.SlotRef)) for w in words):
                found.add(frozenset(getattr(w, "text", None) or f"{{{w.name}}}" for w in words))
    return found


def texts(grammar: gf.CompiledGrammar) -> set[str]:
    return {u.text for u in grammar.all()}


def test_toy_music_recovers_the_genre_and_quantity_classes():
    result = induce([Utterance(t, "PlayMusic") for t in TOY[:5]])
    assert {frozenset({"pop", "rock"}), frozenset({"some", "more"})} <= classes(result.grammar)
    compiled = gf.from_text(result.text())
    assert texts(compiled) == set(TOY)  # generalized to the unseen "play more pop music"
    assert any(
        s.operation == "merge" and "pop" in s.detail and "rock" in s.detail for s in result.trace
    )


def test_without_prior_weight_nothing_is_generalized():
    result = induce([Utterance(t, "PlayMusic") for t in TOY[:5]], weight=0)
    assert texts(gf.from_text(result.text())) == set(TOY[:5])


def test_multi_word_entities_stay_whole_as_slots():
    golden = [
        utt("AddToPlaylist", "add [artist : the rolling stones] to [playlist : road trip]"),
        utt("AddToPlaylist", "add [artist : lady gaga] to [playlist : my summer mix]"),
        utt("PlayMusic", "play [artist : the rolling stones]"),
    ]
    result = induce(golden)
    grammar = result.grammar
    assert set(grammar.slots) == {"artist", "playlist"}
    assert gf.format_grammar(g.Grammar((grammar.slots["artist"],))) == (
        "# artist: 2 values seen, 3 uses\nslot artist = the rolling stones <2> | lady gaga <1>\n"
    )
    compiled = gf.from_text(result.text())
    parsed = compiled.parse("add lady gaga to road trip")
    assert parsed.intent == "AddToPlaylist"
    assert [(s.slot, s.value) for s in parsed.slots] == [
        ("artist", "lady gaga"),
        ("playlist", "road trip"),
    ]
    assert "rolling" not in {
        w.text for s in grammar.intents.values() for w in g.walk(s.body) if isinstance(w, g.Word)
    }


SPORTS = [
    "who won the celtics game",
    "who won the lakers game",
    "did the celtics win",
    "did the lakers win",
]


@pytest.fixture
def nba(tmp_path):
    path = tmp_path / "nba.txt"
    path.write_text("celtics\nlakers\nbulls\nknicks\n", encoding="utf-8")
    return path


def test_catalogue_widening_turns_a_class_into_the_catalogue_slot(nba, tmp_path):
    result = induce(
        [Utterance(t, "Score") for t in SPORTS], catalogues={"team": nba}, base=tmp_path
    )
    assert "team" in result.grammar.slots
    assert [s.operation for s in result.trace].count("widen") >= 1
    (tmp_path / "sports.grm").write_text(result.text(), encoding="utf-8")
    compiled = gf.load(tmp_path / "sports.grm")
    parsed = compiled.parse("did the knicks win")  # a team no golden utterance names
    assert parsed is not None and [(s.slot, s.value) for s in parsed.slots] == [("team", "knicks")]


def test_widening_compares_words_with_the_catalogue_as_written(tmp_path):
    # the grammar would say "Celtics": folded golden words would never match it
    capitalized = tmp_path / "teams.txt"
    capitalized.write_text("Celtics\nLakers\n", encoding="utf-8")
    result = induce([Utterance(t, "Score") for t in SPORTS], catalogues={"team": capitalized})
    assert not [s for s in result.trace if s.operation == "widen"]
    compiled = gf.from_text(result.text())
    assert all(compiled.parse(t) is not None for t in SPORTS)


def test_a_catalogue_the_written_grammar_may_not_read_is_said(tmp_path, capsys):
    """`-o` into another folder than the catalogue's: the grammar names it, but compile
    and sample refuse a path out of the grammar's folder tree without --allow-path."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "nba.txt").write_text("lakers\nceltics\n", encoding="utf-8")
    data = tmp_path / "a" / "d.jsonl"
    record = '{"text": "go lakers", "intent": "Cheer", "slots": [{"slot": "team", '
    data.write_text(record + '"value": "lakers", "start": 3, "end": 9}]}\n', encoding="utf-8")
    for folder, warned in (("b", True), ("a", False)):
        out = tmp_path / folder / "g.grm"
        argv = ["induce", str(data), "--catalogue", f"team={tmp_path / 'a' / 'nba.txt'}"]
        assert main([*argv, "-o", str(out)]) == 0
        err = capsys.readouterr().err
        assert ("outside the folder the grammar is written in" in err) == warned, err
        assert ("--allow-path" in err) == warned
        allow = ["--allow-path", str(tmp_path / "a")] if warned else []
        assert main(["sample", str(out), "-n", "1", *allow]) == 0


def test_a_catalogue_lacking_values_seen_says_so(tmp_path, caplog):
    from grammar_fst.data.formats.massive import parse_annotation

    (tmp_path / "artists.txt").write_text("Adele\nabba\n", encoding="utf-8")
    parsed = [parse_annotation(f"play [artist : {a}]") for a in ("adele", "queen", "muse")]
    golden = [Utterance(text, "Play", slots) for text, slots in parsed]
    induce(golden, catalogues={"artist": tmp_path / "artists.txt"})
    assert "slot artist: 2 values seen in the data are not in" in caplog.text
    assert "(first: 'muse')" in caplog.text  # adele is there, in capitals
    caplog.clear()
    (tmp_path / "artists.txt").write_text("adele\nqueen\nmuse\n", encoding="utf-8")
    induce(golden, catalogues={"artist": tmp_path / "artists.txt"})
    assert "not in" not in caplog.text


def test_widening_does_not_fire_when_a_class_leaves_the_catalogue(nba, tmp_path):
    golden = SPORTS + ["who won the yankees game", "did the yankees win"]
    result = induce(
        [Utterance(t, "Score") for t in golden], catalogues={"team": nba}, base=tmp_path
    )
    assert not [s for s in result.trace if s.operation == "widen"]
    assert "team" not in result.grammar.slots
    assert frozenset({"celtics", "lakers", "yankees"}) in classes(result.grammar)


def test_the_induced_grammar_parses_back_to_itself():
    golden = [
        utt("Play", f"play [genre : {w}] {tail}")
        for w in ("pop", "rock", "jazz")
        for tail in ("music", "songs")
    ]
    golden += [Utterance(t, "Other") for t in TOY]
    grammar = induce(golden).grammar
    assert gf.parse(gf.format_grammar(grammar)) == grammar


words = st.sampled_from(
    ["play", "some", "more", "pop", "rock", "music", "the", "a", "now", "please"]
)
sentences = st.lists(st.lists(words, min_size=1, max_size=7).map(" ".join), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(sentences, st.sampled_from([0.0, 0.5, 1.0, 3.0]))
def test_induced_grammars_are_finite_and_say_every_golden_utterance(golden, weight):
    result = induce([Utterance(t, "Any") for t in golden], weight=weight)
    compiled = gf.from_text(result.text())
    assert compiled.count() >= len(set(golden))  # counting terminates: the language is finite
    for text in golden:
        assert compiled.parse(text) is not None, text


def test_scripts_other_than_latin():
    golden = [
        Utterance("गाना चलाओ", "Play"),
        Utterance("संगीत चलाओ", "Play"),
        Utterance("παίξε μουσική", "Play"),
        Utterance("شغل الموسيقى", "Play"),
    ]
    result = induce(golden, weight=2)
    compiled = gf.from_text(result.text())
    assert {u.text for u in golden} <= texts(compiled)
    assert gf.parse(result.text()) == result.grammar


def test_same_input_same_grammar_whatever_the_hash_seed(tmp_path):
    data = tmp_path / "golden.jsonl"
    lines = [
        utt("Play", f"{verb} [artist : {a}] {tail}")
        for verb in ("play", "put on", "i want")
        for a in ("adele", "the beatles")
        for tail in ("now", "please", "")
    ]
    text = "".join(gf.data.formats.jsonl.line(u, 0) + "\n" for u in lines)
    data.write_text(text, encoding="utf-8")
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-m", "grammar_fst.cli.main", "induce", str(data), "--lambda", "1.5"],
            capture_output=True,
            env=env,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1 and b"intent Play" in outputs.pop()


def test_cli_writes_the_grammar_and_explains(tmp_path, capsys, nba):
    data = tmp_path / "golden.txt"
    data.write_text("\n".join(SPORTS) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "sports.grm"
    out.parent.mkdir()
    status = main(
        [
            "induce",
            str(data),
            "--catalogue",
            f"team={nba}",
            "--intent",
            "Score",
            "--explain",
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert status == 0
    assert "widen  Score:" in err and "merge  Score:" in err
    assert f"wrote {out}: " in err and "1 intent, 4 golden utterances" in err
    compiled = gf.load(out, allow=[tmp_path])  # its catalogue is outside its folder
    assert compiled.intents == ["Score"] and compiled.parse("did the bulls win") is not None


def prefixes(n: int) -> list[Utterance]:
    """`n` utterances, each a prefix of the next: optional parts nested `n` deep."""
    words = [f"w{i}" for i in range(n)]
    return [Utterance(" ".join(words[:k]), "A") for k in range(1, n + 1)]


def test_utterances_nested_hundreds_deep_are_written_as_rules(tmp_path):
    induced = induce(prefixes(400))
    path = tmp_path / "prefixes.grm"
    path.write_text(induced.text("400 prefixes"), encoding="utf-8")
    compiled = gf.load(path)
    assert compiled.count() == 400
    assert compiled.parse(" ".join(f"w{i}" for i in range(400))) is not None


def test_a_segment_too_deep_for_one_expression_becomes_a_rule(monkeypatch):
    from grammar_fst.grm import validate
    from grammar_fst.induction import writer

    monkeypatch.setattr(writer, "LONG", 10**9)  # no segment is too long: depth alone names
    induced = induce(prefixes(400))
    assert len(induced.grammar.rules) > 1
    deepest = max(validate.depth(s.body) for s in induced.grammar.statements)
    assert writer.DEEP < deepest <= validate.MAX_DEPTH
    assert gf.from_text(induced.text()).count() == 400


def test_the_data_names_stay_verbatim_even_where_they_once_sanitized_alike(caplog):
    data = [
        ("Play-Music", "play [genre-x : jazz]"),
        ("Play_Music", "play [genre_x : rock] now"),
        ("alarm/set_alarm", "put on [alarm/time : soul]"),
        ("Play-Music", "play some [genre-x : pop]"),
    ]
    golden = [Utterance(parse_annotation(a)[0], i, parse_annotation(a)[1]) for i, a in data]
    text = induce(golden).text()
    assert 'intent "alarm/set_alarm" = put on {"alarm/time"}' in text
    compiled = gf.from_text(text)
    assert compiled.intents == ["Play-Music", "Play_Music", "alarm/set_alarm"]
    assert sorted(compiled.slots) == ["alarm/time", "genre-x", "genre_x"]
    for text, intent, slot in [
        ("play rock now", "Play_Music", "genre_x"),
        ("put on soul", "alarm/set_alarm", "alarm/time"),
        ("play some pop", "Play-Music", "genre-x"),
    ]:
        reading = compiled.parse(text)
        assert (reading.intent, reading.slots[0].slot) == (intent, slot)
    assert "grammar_fst" not in caplog.text  # nothing renamed, nothing to say


def test_names_that_differ_only_in_normalization_are_one_name_with_a_warning(caplog):
    decomposed = "cafe\u0301"  # café typed with a combining accent
    golden = [Utterance("go now", "café"), Utterance("leave now", decomposed)]
    compiled = gf.from_text(induce(golden).text())
    assert compiled.intents == ["café"]
    assert {u.text for u in compiled.all()} == {"go now", "leave now"}
    assert f"intent '{decomposed}' of the data is not in Unicode NFC: named 'café'" in caplog.text
    assert "differ only in Unicode normalization: both are intent 'café'" in caplog.text


@pytest.mark.parametrize(
    "name, problem",
    [
        ("set\talarm", "control character (here U+0009)"),
        (" time", "cannot start or end with a space"),
    ],
)
def test_a_data_name_no_grammar_can_hold_is_an_error_naming_it(name, problem):
    golden = [Utterance("wake me at seven", "Alarm", (SlotValue(name, "seven", 11, 16),))]
    said = f"slot {repr(name)} of the data cannot be a grammar name: "
    with pytest.raises(UsageError, match=f"{re.escape(said)}.*{re.escape(problem)}"):
        induce(golden)


def test_a_line_break_in_the_source_name_stays_in_the_comment():
    text = induce([Utterance("play jazz", "A")]).text("odd\nname.txt")
    assert text.splitlines()[0].startswith("# Induced by grammar-fst from odd\\nname.txt:")
    assert gf.from_text(text).count() == 1


def test_cli_writes_to_standard_output_with_a_dash(tmp_path, capsys):
    data = tmp_path / "golden.txt"
    data.write_text("\n".join(SPORTS) + "\n", encoding="utf-8")
    assert main(["induce", str(data), "-o", "-"]) == 0
    out, err = capsys.readouterr()
    assert out.count("intent Utterance =") == 1
    assert not err.startswith("wrote") and "4 golden utterances" in err


def test_intent_names_plain_lines_and_is_said_unused_where_records_have_intents(
    tmp_path, capsys
):
    plain = tmp_path / "golden.txt"
    plain.write_text("\n".join(SPORTS) + "\n", encoding="utf-8")
    assert main(["induce", str(plain), "-o", "-", "--intent", "Sports"]) == 0
    out, err = capsys.readouterr()
    assert "intent Sports =" in out and "not used" not in err
    records = tmp_path / "golden.jsonl"
    records.write_text(
        "".join(f'{{"text": "{t}", "intent": "Sports", "slots": []}}\n' for t in SPORTS),
        encoding="utf-8",
    )
    assert main(["induce", str(records), "-o", "-", "--intent", "Other"]) == 0
    out, err = capsys.readouterr()
    assert "intent Sports =" in out and "intent Other" not in out
    assert (
        f"--intent Other is the intent of utterances without one, and every utterance of "
        f"{records} has its own: it is not used"
    ) in err


@pytest.mark.parametrize(
    "content, args, message",
    [
        (b"", [], "no utterance to learn from"),
        (b"\n\n", [], "no utterance to learn from"),
        (b"play \xff music\n", [], "not valid UTF-8"),
        (b"play\n", ["--lambda", "-1"], "'-1' is neither auto nor a number of 0 or more"),
        (b"play\n", ["--lambda", "nan"], "is neither auto nor a number of 0 or more"),
        (b"play\n", ["--lambda", "1e308"], "lambda must be auto or between 0 and 1e+06"),
        (b"play\n", ["--catalogue", "team=missing.txt"], "missing.txt"),
        (b"play\n", ["--catalogue", "team"], "'team' is not SLOT=FILE"),
    ],
)
def test_bad_input_is_one_clear_message(tmp_path, capsys, content, args, message):
    data = tmp_path / "golden.txt"
    data.write_bytes(content)
    out = tmp_path / "kept.grm"
    out.write_text("intent Kept = kept\n", encoding="utf-8")
    assert status(["induce", str(data), *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1
    assert out.read_text(encoding="utf-8") == "intent Kept = kept\n"  # nothing half-written


def status(argv: list[str]) -> int:
    """The exit status of the command line, usage errors (SystemExit) included."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def test_empty_catalogue_is_refused_with_its_file(tmp_path, capsys):
    data = tmp_path / "golden.txt"
    data.write_text("play\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    assert main(["induce", str(data), "--catalogue", f"team={empty}"]) == 2
    assert f"{empty}" in capsys.readouterr().err


def test_slots_of_different_types_never_become_a_class():
    golden = [
        utt("Play", "play [artist : adele] now"),
        utt("Play", "play [genre : jazz] now"),
        utt("Play", "play [artist : queen] now"),
    ]
    grammar = induce(golden, weight=4).grammar
    assert not [c for c in classes(grammar) if {"{artist}", "{genre}"} <= c]
    compiled = gf.from_text(gf.format_grammar(grammar))
    assert compiled.parse("play jazz now").slots[0].slot == "genre"


def test_a_run_recurring_across_intents_is_chunked_into_a_rule():
    golden = [
        Utterance("turn on the light in the living room please", "LightsOn"),
        Utterance("turn off the light in the living room now", "LightsOff"),
    ]
    result = induce(golden)
    chunks = [s for s in result.trace if s.operation == "chunk"]
    assert len(chunks) == 1 and chunks[0].gain > 0
    (rule,) = [r for r in result.grammar.rules.values() if r.comment == "2 uses"]
    assert gf.format_grammar(g.Grammar((rule,))).endswith("= the light in the living room\n")
    for intent in result.grammar.intents.values():
        assert g.RuleRef(rule.name) in list(g.walk(intent.body))
    compiled = gf.from_text(result.text())
    assert texts(compiled) == {u.text for u in golden}


@settings(max_examples=60, deadline=None)
@given(sentences, st.sampled_from([0.5, 1.0, 3.0]))
def test_merging_keeps_the_automaton_deterministic(golden, weight):
    """Two successors of a state never say the same symbols, unless merging them would
    make a cycle or say a word twice that no golden utterance says twice (folding)."""
    model = Automaton([tuple(Symbol(w) for w in t.split()) for t in golden], weight)
    merge_states(model, "Any", lambda step: None)
    for state in [START, *model.states]:
        targets = sorted(t for t in model.out[state] if t != END)
        for i, a in enumerate(targets):
            for b in targets[i + 1 :]:
                assert model.said(a) != model.said(b) or model.reaches(a, b) or model.repeats(a, b)


def test_an_optional_part_keeps_the_golden_proportion():
    golden = ["play some music"] * 9 + ["play music"]
    result = induce([Utterance(t, "PlayMusic") for t in golden])
    body = result.grammar.intents["PlayMusic"].body
    optionals = [n for n in g.walk(body) if isinstance(n, g.OptionalPart)]
    assert [o.probability for o in optionals] == [0.9]
    assert "some?<0.9>" in result.text()
    compiled = gf.from_text(result.text())
    drawn = [u.text for u in compiled.sample(2000, seed=4)]
    assert abs(drawn.count("play some music") / 2000 - 0.9) < 0.03
    even = induce([Utterance(t, "PlayMusic") for t in ["play some music", "play music"]])
    assert "some?" in even.text() and "<" not in even.text()


def test_chunking_keeps_the_probability_of_an_optional_part():
    from grammar_fst.induction.chunking import _replace

    run = (g.Word("the"), g.Word("music"))
    expr = g.OptionalPart(g.Sequence((g.Word("play"), *run)), probability=0.2)
    replaced, found = _replace(expr, run, g.RuleRef("the_music"))
    assert found == 1
    inner = g.Sequence((g.Word("play"), g.RuleRef("the_music")))
    assert replaced == g.OptionalPart(inner, probability=0.2)
