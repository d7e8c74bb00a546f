"""The quick paths of resampling give what the plain ones give: provenance lines written
in bulk are the lines written one by one, the context gate's quick answers are its full
ones, a source's own value keeps its form, and the output of a seed stays whole and the
same."""

from __future__ import annotations

import json

import pytest
import test_context_gate as gate_data
import test_joins as join_data
import test_kinds as kind_data
from test_resample import MUSIC_AND_BOOKS, utt

from grammar_fst.cli.main import main
from grammar_fst.data import context as ctx
from grammar_fst.data import joins as jn
from grammar_fst.data import resample as rs
from grammar_fst.data.catalogue import read_catalogue

# Touching slots, values shared between intents, the same value in two forms ("Jazz",
# "jazz"), an adjacent pair no source shows ("rock" then "tonight").
MIXED = [
    *MUSIC_AND_BOOKS,
    utt("PlayMusic", "play [genre : Jazz] [timeofday : tonight]"),
    utt("PlayMusic", "play some [genre : jazz] [timeofday : now]"),
    utt("PlayMusic", "put on [artist : camila cabello] [genre : rock] please"),
    utt("ReadBook", "read [genre : jazz] stories [timeofday : tonight]"),
]
DATA = {
    "mixed": MIXED,
    "context": gate_data.ENGLISH + gate_data.SPANISH,
    "joins": join_data.ENGLISH + join_data.SPANISH,
    "thai": join_data.THAI,
    "kinds": kind_data.ENGLISH,
}
SETTINGS = [
    {},
    {"threshold": 0.1},
    {"context": None, "joins": None},
    {"kinds": 0.3, "subtypes": 0.5},
    {"originals": False, "per_intent": True},
]


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("settings", SETTINGS)
def test_provenance_lines_in_bulk_are_the_lines_one_by_one(name, settings):
    out, _, _ = rs.resample(DATA[name], 60, seed=3, **settings)
    one_by_one = [rs.provenance_line(g, None, i) + "\n" for i, g in enumerate(out)]
    assert list(rs.provenance_lines(out)) == one_by_one
    for line, g in zip(one_by_one, out):
        assert json.loads(line)["provenance"]["swaps"] == json.loads(json.dumps(g.swaps or []))


def test_provenance_lines_with_a_catalogue(tmp_path):
    (tmp_path / "genres.txt").write_text("blues\nsoul\n", encoding="utf-8")
    catalogues = {"genre": read_catalogue(tmp_path / "genres.txt")}
    out, _, _ = rs.resample(MIXED, 60, seed=5, catalogues=catalogues)
    assert any(s["source"] == str(tmp_path / "genres.txt") for g in out for s in g.swaps or [])
    one_by_one = [rs.provenance_line(g, None, i) + "\n" for i, g in enumerate(out)]
    assert list(rs.provenance_lines(out)) == one_by_one


@pytest.mark.parametrize("name", DATA)
def test_the_context_gates_quick_answers_are_its_full_ones(name):
    data = DATA[name]
    gate = ctx.learn(data, 0.5)
    pools = rs.build_pools(data, threshold=0.0)
    places = {
        (u.intent, s.slot, left, right)
        for u in data
        for s, (left, right) in zip(u.slots, ctx.neighbours(u))
    }
    blocked = 0
    for intent, slot, left, right in sorted(places):
        values = [v.text for v in pools.values[intent, slot]]
        fits = [gate.fit(slot, v, left, right) for v in values]
        assert gate.fitting(slot, left, right, values) == [bool(f) for f in fits]
        for value, fit in zip(values, fits):
            assert gate.scores(slot, value, left, right) == fit.scores
        blocked += sum(not f for f in fits)
    assert blocked  # the data has swaps to block


@pytest.mark.parametrize("name", DATA)
@pytest.mark.parametrize("rare", [1, 2, 3])
def test_the_join_gates_quick_answers_are_meets(name, rare):
    data = DATA[name]
    gate = jn.learn(data, rare)
    words = sorted({w for u in data for w in ctx.folded_words(u.text)} | {"unseen"})
    ways = {word: number for number, word in enumerate(words, 1)}
    meets = {(a, b): gate.meets(a, b) for a in words for b in words}
    assert not all(meets.values())  # the data has joins to block
    assert gate.reaches(ways, words) == {
        b: sum(n for a, n in ways.items() if meets[a, b]) for b in words
    }
    assert gate.reaches({w: ways[w] for w in words[:2]}, words) == {
        b: sum(n for a, n in ways.items() if meets[a, b] and a in words[:2]) for b in words
    }
    values = [s.value for u in data for s in u.slots]
    for value in values:
        last = ctx.edges(value)[1]
        assert gate.following(value, values, str) == [
            v for v in values if gate.meets(last, ctx.edges(v)[0])
        ]


def test_a_sources_own_value_keeps_its_form():
    out, _, _ = rs.resample(MIXED, 80, seed=2)
    made = [g for g in out if g.swaps is not None]
    assert made
    for g in made:
        source = MIXED[g.source]
        swapped = {s["slot"] for s in g.swaps}
        for before, after in zip(source.slots, g.utterance.slots):
            if after.value.casefold() == before.value.casefold():
                assert after.value == before.value  # "jazz" stays "jazz", not the pool's "Jazz"
            else:
                assert before.slot in swapped


def test_same_seed_same_output_and_nothing_of_the_input_lost(tmp_path, capsys):
    data = tmp_path / "mixed.jsonl"
    data.write_text(
        "".join(rs.provenance_line(rs.Generated(u, i), None) + "\n" for i, u in enumerate(MIXED))
    )
    written = []
    for run in range(2):
        out = tmp_path / f"out{run}.jsonl"
        assert main(["resample", str(data), "-n", "50", "--seed", "4", "-o", str(out)]) == 0
        written.append(out.read_bytes())
    assert written[0] == written[1]
    records = [json.loads(line) for line in written[0].decode().splitlines()]
    assert [(r["text"], r["intent"]) for r in records[: len(MIXED)]] == [
        (u.text, u.intent) for u in MIXED
    ]
    texts = [(r["text"].casefold(), r["intent"]) for r in records]
    assert len(set(texts)) == len(texts) and len(records) > len(MIXED)
    generated, _, _ = rs.resample(MIXED, 50, seed=4)
    assert "".join(rs.provenance_lines(generated)).encode() == written[0]
