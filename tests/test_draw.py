"""`grammar-fst draw` and `CompiledGrammar.draw`: DOT text always; SVG and PNG through
Graphviz's dot, tested with it (`make test` installs Graphviz where it can) and without
it (a PATH that does not hold it)."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst import draw
from grammar_fst.cli.main import main
from grammar_fst.sampling.walker import Walker

GRAMMARS = Path(__file__).parent.parent / "grammars"
EDGE = re.compile(r'(n\d+_\d+) -> n\d+_\d+ \[label="(.*)\\np=([0-9.e-]+)"\];')
STOP = re.compile(r'(n\d+_\d+) \[shape=doublecircle, label=".*\\nstop p=([0-9.e-]+)"\];')


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def probabilities_leaving(dot: str) -> dict[str, float]:
    """Per state, the probabilities of its arcs and of stopping, added up."""
    total: dict[str, float] = defaultdict(float)
    for node, _, p in EDGE.findall(dot):
        total[node] += float(p)
    for node, p in STOP.findall(dot):
        total[node] += float(p)
    return total


def test_dot_shows_words_slots_and_probabilities():
    dot = gf.load(GRAMMARS / "toy.grm").draw()
    labels = [label for _, label, _ in EDGE.findall(dot)]
    assert {"play", "$some_more", "music", "{genre}", "[genre", "genre]", "PlayMusic:"} <= set(
        labels
    )
    assert {"some", "more"} <= set(labels)  # the rule, drawn once beside the intent
    assert 'label="intent PlayMusic"' in dot and 'label="$some_more"' in dot
    assert all(abs(p - 1) < 0.01 for p in probabilities_leaving(dot).values())
    edges = {(label, p) for _, label, p in EDGE.findall(dot)}
    assert {("$some_more", "0.5"), ("some", "0.5")} <= edges


@pytest.mark.parametrize(
    "grammar, what",
    [
        ("music.grm", {"intent": "AddToPlaylist"}),
        ("music.grm", {"rule": "play_start"}),
        ("travel.grm", {"slot": "city"}),
        ("hindi.grm", {}),
    ],
)
def test_probabilities_leaving_each_state_add_up_to_one(grammar, what):
    dot = gf.load(GRAMMARS / grammar).draw(**what)
    totals = probabilities_leaving(dot)
    assert totals and all(abs(p - 1) < 0.02 for p in totals.values()), totals


def test_a_synonym_shows_both_sides():
    dot = gf.load(GRAMMARS / "travel.grm").draw(slot="city")
    assert any(":" in label and label != ":" for _, label, _ in EDGE.findall(dot))


def test_quotes_and_backslashes_are_escaped():
    grammar = gf.from_text('intent A = say "\\"hi\\"" | "back\\\\slash"\n')
    dot = grammar.draw()
    assert 'label="\\"hi\\"\\np=1"' in dot and 'label="back\\\\slash\\np=0.5"' in dot


def test_rules_need_the_source_and_names_must_exist(capsys, tmp_path):
    far = tmp_path / "toy.far"
    gf.load(GRAMMARS / "toy.grm").write_far(far)
    status, _, err = run(capsys, "draw", far, "--rule", "some_more", "-o", tmp_path / "r.dot")
    assert status == 2 and "no rule 'some_more' to draw" in err and "give the .grm source" in err
    status, _, err = run(
        capsys, "draw", GRAMMARS / "toy.grm", "--slot", "x", "-o", tmp_path / "s.dot"
    )
    assert status == 2 and "no slot 'x'" in err
    status, _, err = run(capsys, "draw", GRAMMARS / "toy.grm", "-o", tmp_path / "t.pdf")
    assert status == 2 and "end the name with .dot, .svg or .png" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.far"]


def test_dot_is_written_with_or_without_graphviz(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    status, _, err = run(
        capsys, "draw", GRAMMARS / "toy.grm", "--rule", "$some_more", "-o", tmp_path / "r.dot"
    )
    assert status == 0 and err == f"wrote {tmp_path / 'r.dot'}\n"
    assert (tmp_path / "r.dot").read_text(encoding="utf-8").startswith("digraph grammar {")


def test_without_graphviz_svg_is_a_clear_error_and_no_file(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    status, out, err = run(capsys, "draw", GRAMMARS / "toy.grm", "-o", tmp_path / "toy.svg")
    assert status == 2 and out == ""
    assert err == (
        "grammar-fst: error: drawing SVG needs Graphviz's dot program, which is not on the "
        "PATH: install Graphviz (e.g. apt-get install graphviz), or write a .dot file\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert gf.load(GRAMMARS / "toy.grm")._repr_svg_() is None  # a notebook shows the text


@pytest.fixture
def graphviz():
    if shutil.which("dot") is None:
        pytest.fail("Graphviz's dot is needed: install graphviz (make test does, as root)")


def test_with_graphviz_svg_and_png(capsys, tmp_path, graphviz):
    for name, magic in [("toy.svg", b"<?xml"), ("toy.png", b"\x89PNG")]:
        status, _, _ = run(capsys, "draw", GRAMMARS / "toy.grm", "-o", tmp_path / name)
        assert status == 0 and (tmp_path / name).read_bytes().startswith(magic)
    svg = (tmp_path / "toy.svg").read_text(encoding="utf-8")
    assert "intent PlayMusic" in svg and "{genre}" in svg


def test_with_graphviz_a_notebook_shows_a_picture(graphviz):
    grammar = gf.from_text('intent A = say "\\"hi\\"" | नमस्ते\nintent B = x {s}\nslot s = a | b\n')
    svg = grammar._repr_svg_()
    assert svg is not None and "<svg" in svg and "नमस्ते" in svg and "intent B" in svg


def boxes(dot: str) -> list[str]:
    """The boxes of a drawing, each with its number taken out (`cluster_3`, `n3_7`)."""
    parts = dot.removesuffix("\n}\n").split("\n  subgraph cluster_")[1:]
    return [re.sub(r"\b(n|start|cluster_)\d+", r"\1#", "cluster_" + part) for part in parts]


def test_a_drawing_builds_one_walker_and_each_box_is_as_drawn_alone(monkeypatch):
    grammar = gf.load(GRAMMARS / "music.grm")
    built = []
    monkeypatch.setattr(draw, "Walker", lambda fsts: built.append(fsts) or Walker(fsts))
    together = boxes(grammar.draw())
    assert len(built) == 1 and len(together) > 10  # every intent and the rules they enter
    drawn = [(f"intent {n}", grammar.fsts.intents[n]) for n in grammar.intents]
    drawn += [(f"${n}", f) for n, f in grammar.fsts.rules.items()]
    alone = {title: boxes(draw.dot_source(grammar.fsts, [(title, fst)]))[0] for title, fst in drawn}
    titles = [re.search(r'label="(.*)";', box).group(1) for box in together]
    assert len(built) == 1 + len(drawn) and together == [alone[title] for title in titles]
