"""sample --partition train=0.8,test=0.2: sets that share no sentence, cut by the shares,
the same for the same seed."""

from __future__ import annotations

import json

import pytest

from grammar_fst.cli.main import main
from grammar_fst.data.partition import parse_shares, part_path, partition
from grammar_fst.data.records import Utterance

GRAMMAR = "intent A = (a | b | c | d | e) (x | y | z | w)\nintent B = (a | b) x\n"


def run(capsys, *argv):
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exit:
        status = exit.code
    out = capsys.readouterr()
    return status, out.out, out.err


def test_shares_and_paths():
    assert parse_shares("train=0.8,test=0.2") == {"train": 0.8, "test": 0.2}
    three = {"train": 0.7, "dev": 0.1, "test": 0.2}
    assert parse_shares(" train = 0.7 , dev=0.1,test=0.2") == three
    assert part_path("out/data.json", "train") == "out/data.train.json"
    assert part_path("data", "test") == "data.test"


def test_readings_of_one_sentence_stay_together():
    said = [Utterance(t, i) for t, i in [("a", "A"), ("b", "A"), ("a", "B"), ("c", "A")] * 3]
    parts = partition(said, {"train": 0.5, "test": 0.5}, seed=1)
    texts = {name: {u.text for u in part} for name, part in parts.items()}
    assert not texts["train"] & texts["test"]
    assert sum(map(len, parts.values())) == len(said)
    assert parts == partition(said, {"train": 0.5, "test": 0.5}, seed=1)


def test_sample_partition_writes_disjoint_sets(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR)
    out = tmp_path / "data.jsonl"
    args = ["sample", grammar, "--all", "--partition", "train=0.8,test=0.2", "-o", out]
    status, _, err = run(capsys, *args)
    assert status == 0 and "wrote" in err and not out.exists()
    train = (tmp_path / "data.train.jsonl").read_text().splitlines()
    test = (tmp_path / "data.test.jsonl").read_text().splitlines()
    train_texts = {json.loads(line)["text"] for line in train}
    test_texts = {json.loads(line)["text"] for line in test}
    assert not train_texts & test_texts
    assert len(train_texts | test_texts) == 20  # every sentence of the grammar, once
    assert len(test_texts) == 4  # a fifth of the 20 distinct texts
    first = (tmp_path / "data.train.jsonl").read_bytes()
    assert run(capsys, *args)[0] == 0
    assert (tmp_path / "data.train.jsonl").read_bytes() == first  # same seed, same sets
    run(capsys, *args, "--seed", 2)
    assert (tmp_path / "data.train.jsonl").read_bytes() != first


def test_sample_partition_says_what_each_set_holds(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = a | b\n")
    out = tmp_path / "data.txt"
    args = ["sample", grammar, "--all", "--format", "text", "--partition", "train=0.5,test=0.5"]
    status, _, err = run(capsys, *args, "-o", out)
    assert status == 0
    assert err.splitlines() == [
        f"wrote {tmp_path / 'data.train.txt'}: 1 sentence",
        f"wrote {tmp_path / 'data.test.txt'}: 1 sentence",
    ]


def test_sample_n_partition_in_a_document_format(tmp_path, capsys):
    grammar = tmp_path / "g.grm"
    grammar.write_text(GRAMMAR)
    out = tmp_path / "nlu.json"
    status, _, _ = run(
        capsys, "sample", grammar, "-n", 10, "--format", "snips-nlu",
        "--partition", "train=0.5,test=0.5", "-o", out,
    )  # fmt: skip
    assert status == 0
    train = json.loads((tmp_path / "nlu.train.json").read_text())
    test = json.loads((tmp_path / "nlu.test.json").read_text())

    def texts(dataset):
        return {
            "".join(c["text"] for c in u["data"])
            for intent in dataset["intents"].values()
            for u in intent["utterances"]
        }

    assert texts(train) and texts(test) and not texts(train) & texts(test)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--partition", "train=0.8,test=0.3", "-o", "x.jsonl"], "add up to 1"),
        (["--partition", "train=0.8", "-o", "x.jsonl"], "two or more parts"),
        (["--partition", "train=0.8,train=0.2", "-o", "x.jsonl"], "names 'train' twice"),
        (["--partition", "train=a,test=0.2", "-o", "x.jsonl"], "bad --partition part 'train=a'"),
        (["--partition", "train=0.8,test=0.2"], "name the output with -o FILE"),
        (["--partition", "train=0.8,test=0.2", "-o", "x.jsonl", "--no-unique"], "--no-unique"),
    ],
)
def test_bad_partitions_are_one_clear_message(tmp_path, capsys, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.grm").write_text(GRAMMAR)
    status, _, err = run(capsys, "sample", "g.grm", *extra)
    assert status == 2 and message in err and err.count("\n") == 1
    assert not list(tmp_path.glob("x*"))
