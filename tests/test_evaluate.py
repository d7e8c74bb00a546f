"""`grammar-fst evaluate`: recall, slot recall and delexicalized recall on held-out
utterances, precision proxies of samples, size; counted by hand on a small fixture."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data.formats import jsonl
from grammar_fst.data.formats.massive import parse_annotation
from grammar_fst.data.records import Utterance
from grammar_fst.evaluate import evaluate
from grammar_fst.fst import counting

ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
GRAMMAR = (
    "intent Play = play {artist} | put on {artist} please\n"
    "intent Stop = stop\n"
    "slot artist = adele | queen\n"
)


def utt(intent: str, annotated: str) -> Utterance:
    text, slots = parse_annotation(annotated)
    return Utterance(text, intent, slots)


HELDOUT = [
    utt("Play", "play [artist : adele]"),  # said, slots right, carrier known
    utt("Play", "put on [artist : queen] please"),  # the same
    utt("Play", "play [artist : madonna]"),  # a value the grammar lacks: carrier known
    utt("Play", "play some [artist : queen]"),  # a phrase it lacks
    utt("Stop", "stop"),
    utt("Play", "Play  [artist : ADELE]"),  # case and spaces do not matter
    utt("Stop", "play [artist : adele]"),  # the wrong intent
    utt("Play", "[artist : play] adele"),  # said, but the slot is elsewhere
]


def test_recall_counted_by_hand():
    report = evaluate(gf.from_text(GRAMMAR), HELDOUT, samples=0)
    assert report.heldout == 8
    assert report.recall == 5 / 8
    assert report.slot_recall == 4 / 8
    assert report.delexicalized_recall == 5 / 8
    assert math.isnan(report.exact) and report.samples == 0


def test_precision_proxies():
    # every sentence of this grammar is in the held-out data
    small = gf.from_text("intent Play = play {artist}\nslot artist = adele\nintent Stop = stop\n")
    report = evaluate(small, HELDOUT, samples=50, seed=3)
    assert (report.exact, report.template, report.trigram) == (1.0, 1.0, 1.0)
    # none is, though its carrier is, and its trigrams but one
    other = gf.from_text("intent Play = play {artist} | play {artist} now\nslot artist = abba\n")
    report = evaluate(other, HELDOUT, samples=400, seed=3)
    assert report.exact == 0.0
    assert 0.4 < report.template < 0.6 and report.template == report.trigram  # "now": unseen


def test_size_of_the_grammar():
    report = evaluate(gf.from_text(GRAMMAR), HELDOUT, samples=0)
    assert report.rules == 0 and report.alternatives == 2 + 1 + 2
    assert report.sentences == 5 and report.states > 0 and report.arcs > 0
    assert report.sentences_exact and "distinct sentences                       5\n" in str(report)


def test_a_bound_on_the_sentences_is_a_number_that_says_so(monkeypatch):
    """Where the distinct sentences cannot be counted, the derivations bound them: a
    number in the JSON, with `sentences_exact` false, and "at most" in the table."""
    grammar = gf.from_text(GRAMMAR)
    sizes = grammar.sizes()
    bound = counting.Count(425487576, exact=False, why="derivations")
    monkeypatch.setattr(type(grammar), "sizes", lambda self, *a, **k: (sizes[0], bound))
    report = evaluate(grammar, HELDOUT, samples=0)
    fields = report.as_dict()
    assert (fields["sentences"], fields["sentences_exact"]) == (425487576, False)
    assert "sentences                       at most 425,487,576 (derivations)" in str(report)


def test_size_of_an_archive_is_its_network(tmp_path, capsys):
    source = tmp_path / "g.grm"
    source.write_text("$please = please | now\n" + GRAMMAR.replace("please", "$please"))
    gf.load(source).write_far(tmp_path / "g.far")
    report = evaluate(gf.load(tmp_path / "g.far"), HELDOUT, samples=0)
    assert report.rules == 1 and report.alternatives is None
    assert "rules / alternatives                     1 / n/a (not kept in a .far)" in str(report)


def test_cli_evaluate_json_and_table(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    data = tmp_path / "heldout.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in HELDOUT), encoding="utf-8")
    assert (
        main(["evaluate", str(grammar), "--heldout", str(data), "--json", "--samples", "10"]) == 0
    )
    record = json.loads(capsys.readouterr().out)
    assert record["recall"] == 5 / 8 and record["samples"] == 10
    assert main(["evaluate", str(grammar), "--heldout", str(data)]) == 0
    table = capsys.readouterr().out
    assert "recall (right intent)                    0.625" in table
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["evaluate", str(grammar), "--heldout", str(empty)]) == 2
    assert "no utterance to evaluate against" in capsys.readouterr().err


def test_cli_evaluate_json_without_samples_is_strict_json(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    data = tmp_path / "heldout.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in HELDOUT), encoding="utf-8")
    assert main(["evaluate", str(grammar), "--heldout", str(data), "--json", "--samples", "0"]) == 0
    out = capsys.readouterr().out
    record = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert record["samples"] == 0 and record["exact"] is None and record["trigram"] is None
    assert record["recall"] == 5 / 8


def test_bad_heldout_record_is_located(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    data = tmp_path / "heldout.jsonl"
    data.write_text('{"text": "stop", "intent": "Stop"}\n{"text": 1}\n', encoding="utf-8")
    assert main(["evaluate", str(grammar), "--heldout", str(data)]) == 2
    assert f"{data}:2:1:" in capsys.readouterr().err
    assert main(["evaluate", str(grammar), "--heldout", str(data), "--on-error", "skip"]) == 1


@pytest.mark.parametrize("bad", ["--samples=-1", "--heldout"])
def test_bad_flags_are_usage_errors(bad, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["evaluate", "grammars/toy.grm", bad])
    assert stop.value.code == 2


def test_evaluate_output_is_the_same_bytes_every_run(tmp_path):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    data = tmp_path / "heldout.jsonl"
    data.write_text("".join(jsonl.line(u, 0) + "\n" for u in HELDOUT), encoding="utf-8")
    argv = [sys.executable, "-m", "grammar_fst", "evaluate", str(grammar), "--heldout", str(data)]
    for extra in (["--json"], []):
        runs = [
            subprocess.run([*argv, *extra], capture_output=True, check=True, env=ENV).stdout
            for _ in range(2)
        ]
        assert runs[0] == runs[1] and b"recall" in runs[0]


def test_held_out_intents_the_grammar_lacks_are_named(caplog):
    heldout = [utt("music/play", "play [artist : adele]"), utt("Stop", "stop")]
    report = evaluate(gf.from_text(GRAMMAR), heldout, samples=0)
    assert report.recall == 0.5
    assert (
        "<string> lacks 1 intent of the held-out data (50% of the utterances), counted as "
        "missed: music/play; its intents: Play, Stop" in caplog.text
    )


# -- annotated data in place of a grammar --------------------------------------------------


def _written(path: Path, annotated: list[str]) -> Path:
    lines = []
    for a in annotated:
        text, slots = parse_annotation(a)
        lines.append(jsonl.line(Utterance(text, "Play", tuple(slots)), 0) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_copies_of_the_originals_are_not_counted_as_new(tmp_path, capsys):
    part = ["play [artist : adele]", "put on [artist : queen] please"]
    originals = _written(tmp_path / "part.jsonl", part)
    held = _written(tmp_path / "held.jsonl", [
        "play [artist : queen] now", "i like [artist : queen]"
    ])
    made = tmp_path / "made.jsonl"
    assert main(["resample", str(originals), "-n", "4", "--no-context", "--no-kinds",
                 "--seed", "1", "-o", str(made)]) == 0
    assert len(made.read_text("utf-8").splitlines()) == 4  # the two originals and two new
    argv = ["evaluate", str(made), "--heldout", str(held), "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["utterances"] == 4  # nothing says what is old
    assert main([*argv, "--originals", str(originals)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["utterances"], found["slots"]) == (2, 2)  # 'play queen', 'put on adele please'
    assert found["natural"] == 1  # 'play queen': 'play queen' and 'queen </s>' are in held
    assert main([*argv[:2], "--heldout", str(held), "--originals", str(held)]) == 0
    assert "in 4 new utterances" in capsys.readouterr().out  # copies of held's only


def test_originals_with_a_grammar_are_a_usage_error(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    held = _written(tmp_path / "held.jsonl", ["play [artist : queen]"])
    assert main(["evaluate", str(grammar), "--heldout", str(held), "--originals", str(held)]) == 2
    assert capsys.readouterr().err == "grammar-fst: error: --originals is for annotated data " \
        "in place of GRAMMAR (made from them)\n"


def test_recall_counts_what_parse_reads_when_a_slot_edge_falls_inside_a_word(tmp_path):
    """The data's slot `เมฆ` ends inside `เมฆมาก`, a word of the grammar: `parse` reads the
    sentence with its intent, so recall (right intent) counts it; the slots differ."""
    path = tmp_path / "th.grm"
    path.write_text("intent W = พรุ่งนี้ มี เมฆมาก ไหม\n", encoding="utf-8")
    grammar = gf.load(path)
    text = "พรุ่งนี้มีเมฆมากไหม"
    at = text.index("เมฆ")
    heldout = [Utterance(text, "W", (gf.SlotValue("attribute", "เมฆ", at, at + 3),))]
    assert grammar.parse(text).intent == "W"
    report = evaluate(grammar, heldout, samples=0)
    assert (report.recall, report.slot_recall) == (1.0, 0.0)
