"""--limit / --sample on induce and evaluate, and evaluate --heldout-rest: the same
utterances picked by both commands, the rest disjoint from them, same seed same pick."""

from __future__ import annotations

import json

import pytest

from grammar_fst.cli.main import main
from grammar_fst.data.selection import select

TEXTS = [f"play {w} music" for w in ("pop", "rock", "jazz", "soul", "funk", "folk", "punk")]


def run(capsys, *argv):
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exit:  # argparse's own errors
        status = exit.code
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "golden.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t, "intent": "Play", "slots": []}) + "\n" for t in TEXTS)
    )
    return path


def test_limit_takes_the_first_and_leaves_the_rest():
    assert select(TEXTS, limit=3) == (TEXTS[:3], TEXTS[3:])
    assert select(TEXTS, limit=30) == (TEXTS, [])
    assert select(TEXTS) == (TEXTS, [])


def test_sample_is_a_seeded_partition_in_file_order():
    chosen, rest = select(TEXTS, sample=3, seed=5)
    assert len(chosen) == 3 and set(chosen) | set(rest) == set(TEXTS)
    assert not set(chosen) & set(rest)
    assert chosen == [t for t in TEXTS if t in chosen]  # the file's order
    assert select(TEXTS, sample=3, seed=5) == (chosen, rest)
    assert {tuple(select(TEXTS, sample=3, seed=s)[0]) for s in range(10)} != {tuple(chosen)}


def test_induce_sample_then_evaluate_on_the_rest(data, tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    status, _, err = run(capsys, "induce", data, "--sample", 4, "--seed", 9, "-o", grammar)
    assert status == 0 and "4 golden utterances" in err
    chosen, rest = select(TEXTS, sample=4, seed=9)
    learned = set(chosen)
    args = ["evaluate", grammar, "--heldout", data, "--sample", 4, "--seed", 9, "--json"]
    status, out, _ = run(capsys, *args)
    assert status == 0 and json.loads(out)["heldout"] == 4
    assert json.loads(out)["recall"] == 1.0  # the golden set itself
    status, out, _ = run(capsys, *args, "--heldout-rest")
    report = json.loads(out)
    assert status == 0 and report["heldout"] == len(TEXTS) - 4 == len(rest)
    assert not learned & set(rest)


def test_evaluate_limit(data, tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    assert run(capsys, "induce", data, "--limit", 2, "-o", grammar)[0] == 0
    status, out, _ = run(capsys, "evaluate", grammar, "--heldout", data, "--limit", 2, "--json")
    assert json.loads(out)["heldout"] == 2
    status, out, _ = run(
        capsys, "evaluate", grammar, "--heldout", data, "--limit", 2, "--heldout-rest", "--json"
    )
    assert json.loads(out)["heldout"] == len(TEXTS) - 2


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--heldout-rest"], "--heldout-rest evaluates on what --limit N or --sample N leaves out"),
        (["--limit", "7", "--heldout-rest"], "--limit 7 takes all 7 utterances"),
        (["--limit", "2", "--sample", "3"], "not allowed with argument"),
        (["--sample", "0"], "--sample"),
    ],
)
def test_bad_selections_are_one_clear_message(data, tmp_path, capsys, extra, message):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent Play = play pop music\n")
    status, out, err = run(capsys, "evaluate", grammar, "--heldout", data, *extra)
    assert status == 2 and message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_induce_limit_reads_no_further_than_its_utterances(data, tmp_path, capsys):
    """A bad record past the first N does not stop `induce --limit N`, which never reads
    it; without --limit it is the located error it always was."""
    with data.open("a") as file:
        file.write("{not json\n")
    grammar = tmp_path / "g.grm"
    status, _, err = run(capsys, "induce", data, "--limit", 3, "-o", grammar)
    assert status == 0 and "3 golden utterances" in err
    status, _, err = run(capsys, "induce", data, "-o", grammar)
    assert status == 2 and err.startswith(f"grammar-fst: error: {data}:8:")
