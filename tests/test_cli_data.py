"""The command line's data side: sample's formats, --jobs, --cover and --progress, and
`convert` with its format guessing and --on-error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grammar_fst.cli.main import main
from grammar_fst.data import formats

GRAMMARS = Path(__file__).parent.parent / "grammars"
TRAVEL = GRAMMARS / "travel.grm"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(
    "fmt, suffix",
    [
        ("snips-benchmark", ".json"),
        ("snips-nlu", ".json"),
        ("rasa", ".yml"),
        ("massive", ".jsonl"),
        ("bio", ".conll"),
    ],
)
def test_sample_writes_every_format_readably(capsys, tmp_path, fmt, suffix):
    out = tmp_path / f"data{suffix}"
    assert (
        run(capsys, "sample", TRAVEL, "-n", "30", "--seed", "4", "--format", fmt, "-o", out)[0] == 0
    )
    unique = ["--unique"] if formats.get(fmt).training_set else []  # training sets: no repeats
    drawn = run(capsys, "sample", TRAVEL, "-n", "30", "--seed", "4", *unique)[1]
    reference = [json.loads(line) for line in drawn.splitlines()]
    read = [u.to_dict() for u in formats.read(out)]
    plain = [
        {**r, "slots": [{k: v for k, v in s.items() if k != "canonical"} for s in r["slots"]]}
        for r in reference
    ]
    key = lambda r: (r["intent"], r["text"])  # noqa: E731  snips and rasa group by intent
    # Rasa keeps synonyms (`{"entity": ..., "value": canonical}`), Snips NLU as entity
    # synonyms; the others drop them
    expected = reference if formats.get(fmt).training_set else plain
    assert sorted(read, key=key) == sorted(expected, key=key)


def test_jobs_must_be_at_least_one(capsys):
    with pytest.raises(SystemExit) as exit:
        run(capsys, "sample", TRAVEL, "--jobs", "0")
    assert exit.value.code == 2 and "--jobs: '0' is less than 1" in capsys.readouterr().err


def test_jobs_give_the_same_bytes(capsys):
    one = run(capsys, "sample", TRAVEL, "-n", "20000", "--seed", "3", "--format", "massive")[1]
    two = run(
        capsys, "sample", TRAVEL, "-n", "20000", "--seed", "3", "--format", "massive", "--jobs", "2"
    )[1]
    assert one == two and len(one.splitlines()) == 20000


def test_cover_on_an_archive_is_a_clear_error(capsys, tmp_path):
    far = tmp_path / "toy.far"
    run(capsys, "compile", GRAMMARS / "toy.grm", "-o", far)
    status, out, err = run(capsys, "sample", far, "--cover")
    assert status == 2 and out == ""
    message = f"covering needs the grammar's rules: give the .grm source, not {far}"
    assert err == f"grammar-fst: error: {message}\n"


def test_progress_bar_only_when_asked_off_a_terminal(capsys):
    assert run(capsys, "sample", TRAVEL, "-n", "50", "--format", "text")[2] == ""
    status, out, err = run(capsys, "sample", TRAVEL, "-n", "50", "--format", "text", "--progress")
    assert status == 0 and len(out.splitlines()) == 50
    assert "100%" in err and "sentences/s" in err


def test_resample_shows_its_bar_as_sample_does(capsys, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(
        "".join(json.dumps({"intent": "PlayMusic", "utt": f"play {g} by {a}",
                            "annot_utt": f"play [genre : {g}] by [artist : {a}]"}) + "\n"
                for g, a in zip(("jazz", "rock", "pop", "soul", "funk", "folk"), "abcdef")),
        encoding="utf-8",
    )
    argv = ["resample", data, "-n", "30", "--seed", "1", "--no-context", "--no-kinds"]
    status, quiet, err = run(capsys, *argv)
    assert (status, err) == (0, "")  # off a terminal: no bar unless asked
    status, out, err = run(capsys, *argv, "--progress")
    assert status == 0 and out == quiet  # the bar never reaches standard output
    assert "100%" in err and "utterances/s" in err
    assert run(capsys, *argv, "--quiet") == (0, quiet, "")


# -- convert ------------------------------------------------------------------------------


SNIPS = {
    "PlayMusic": [
        {"data": [{"text": "play "}, {"text": "नमस्ते दुनिया", "entity": "artist"}]},
        {"data": [{"text": "put on "}, {"text": "jazz", "entity": "genre"}, {"text": " please"}]},
    ],
    "GetWeather": [{"data": [{"text": "weather in "}, {"text": "São Paulo", "entity": "city"}]}],
}


def test_convert_round_trips_through_formats(capsys, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(SNIPS, ensure_ascii=False), encoding="utf-8")
    massive = tmp_path / "out.jsonl"
    assert run(capsys, "convert", source, "--to", "massive", "-o", massive)[0] == 0
    assert formats.guess(massive) == "massive"
    status, out, _ = run(capsys, "convert", massive, "--to", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [r["text"] for r in records] == [
        "play नमस्ते दुनिया",
        "put on jazz please",
        "weather in São Paulo",
    ]
    assert records[0]["slots"] == [{"slot": "artist", "value": "नमस्ते दुनिया", "start": 5, "end": 18}]


def test_convert_stops_at_a_bad_record_with_its_location(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"text": "a b", "intent": "I"}\n{"text": "c", "intent": 3}\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    status, _, err = run(capsys, "convert", source, "-o", out)
    assert status == 2
    assert err == (
        f"grammar-fst: error: {source}:2:1: the record has no string field 'intent'; "
        "--on-error skip leaves such records out\n"
    )
    assert not out.exists()


def test_convert_skips_and_counts_bad_records(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [b'{"text": "a", "intent": "I"}', b"not json", b'{"text": "\xff", "intent": "I"}']
    source.write_bytes(b"\n".join([*lines, b'{"text": "b", "intent": "J"}', b""]))
    status, out, err = run(capsys, "convert", source, "--on-error", "skip", "--to", "text")
    assert status == 1 and out == "a\nb\n"
    lines = err.splitlines()
    assert f"{source}:2:1: not a JSON record" in lines[0] and "(record skipped)" in lines[0]
    assert "not valid UTF-8 (byte 0xFF at offset" in lines[1]
    assert lines[2] == f"grammar-fst: warning: {source}: skipped 2 bad records"


def test_convert_needs_a_format_it_can_tell(capsys, tmp_path):
    source = tmp_path / "data.csv"
    source.write_text("a,b\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", source)
    assert status == 2 and f"{source}: cannot tell the format from the name" in err
    status, out, _ = run(capsys, "convert", source, "--from", "text", "--to", "text")
    assert status == 0 and out == "a,b\n"


@pytest.mark.parametrize(
    "argv, name, named",
    [
        (["sample", TRAVEL, "-n", "2"], "out.yml", "rasa"),
        (["sample", TRAVEL, "-n", "2"], "out.json", "snips-benchmark or snips-nlu"),
        (["convert", GRAMMARS.parent / "examples" / "music_and_books.jsonl", "--to", "rasa"],
         "out.conll", "bio"),
    ],
)  # fmt: skip
def test_an_output_named_as_another_formats_files_is_warned_of(capsys, tmp_path, argv, name, named):
    out = tmp_path / name
    status, _, err = run(capsys, *argv, "-o", out)
    written = "rasa" if "rasa" in argv else "jsonl"
    assert status == 0 and out.exists()
    assert err == (
        f"grammar-fst: warning: {out} is named as {named} files are, but holds {written}: what "
        f"reads it goes by its name; write it as {named.split()[0]}, or name it otherwise\n"
    )
    for fine in (["--format", "massive"], []):  # a format of the ending, or no file ending
        target = tmp_path / ("m.jsonl" if fine else "m.out")
        assert run(capsys, "sample", TRAVEL, "-n", "2", *fine, "-o", target)[2] == ""


@pytest.mark.parametrize("name", ["data", "data.jsonl"])
@pytest.mark.parametrize("command", [["convert"], ["resample", "-n", "2"], ["induce"]])
def test_a_folder_given_as_data_is_named_as_one(capsys, tmp_path, command, name):
    folder = tmp_path / name
    folder.mkdir()
    status, _, err = run(capsys, command[0], folder, *command[1:])
    assert status == 2 and err == f"grammar-fst: error: {folder}: is a folder; name a data file\n"


@pytest.mark.parametrize("command", [["convert"], ["resample", "-n", "2"], ["induce"]])
def test_a_parquet_file_is_named_as_written_only(capsys, tmp_path, command):
    source = tmp_path / "data.parquet"
    source.write_bytes(b"PAR1")
    status, _, err = run(capsys, command[0], source, *command[1:])
    assert status == 2 and err == (
        f"grammar-fst: error: {source}: parquet is a format grammar-fst writes but does not "
        "read; give the data it was written from, or read it with pyarrow\n"
    )
