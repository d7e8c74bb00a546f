"""The command line end to end on the toy grammar and small grammars of its own."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from grammar_fst.cli.main import main

TOY = Path(__file__).parent.parent / "grammars" / "toy.grm"
TOY_SENTENCES = {
    f"play {some}{genre} music" for some in ("", "some ", "more ") for genre in ("pop", "rock")
}


class FakeStdin:
    """Standard input as the CLI reads it: bytes, through `.buffer`."""

    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_count_toy_is_6(capsys):
    assert run(capsys, "count", TOY) == (0, "PlayMusic\t6\ntotal\t6\n", "")


def test_sample_all_toy_text(capsys):
    status, out, _ = run(capsys, "sample", TOY, "--all", "--format", "text")
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 6 and set(lines) == TOY_SENTENCES


def test_sample_is_byte_identical_for_grm_and_far(capsys, tmp_path):
    far = tmp_path / "toy.far"
    assert run(capsys, "compile", TOY, "-o", far)[0] == 0
    a = run(capsys, "sample", TOY, "-n", "40", "--seed", "9")[1]
    b = run(capsys, "sample", far, "-n", "40", "--seed", "9")[1]
    c = run(capsys, "sample", TOY, "-n", "40", "--seed", "10")[1]
    assert a == b and a != c
    assert a == run(capsys, "sample", TOY, "-n", "40", "--seed", "9")[1]


def test_default_seed_is_fixed(capsys):
    assert (
        run(capsys, "sample", TOY, "-n", "20")[1]
        == run(capsys, "sample", TOY, "-n", "20", "--seed", "0")[1]
    )


@pytest.mark.parametrize(
    "argv, refused",
    [
        (["-n", "0"], "-n 0"),
        (["--intent", "PlayMusic=0"], "--intent PlayMusic=0"),
        (["--intent", "PlayMusic", "-n", "0"], "-n 0"),
        (["-n", "0", "--allocate", "uniform"], "-n 0"),
    ],
)
def test_sample_of_nothing_is_refused(capsys, argv, refused):
    status, out, err = run(capsys, "sample", TOY, *argv)
    assert status == 2 and out == ""
    assert err == (
        f"grammar-fst: error: {refused} asks for no sentence: give a number above 0, or "
        "--cover for the covering sentences alone\n"
    )


def test_zero_sentences_are_meaningful_with_cover_or_quotas(capsys):
    status, out, _ = run(capsys, "sample", TOY, "-n", "0", "--cover", "--format", "text")
    assert status == 0 and 0 < len(out.splitlines()) < 6
    status, out, _ = run(capsys, "sample", TOY, "--intent", "PlayMusic=0", "--cover")
    assert status == 0 and out
    status, out, _ = run(capsys, "sample", TOY, "--intent", "PlayMusic=3", "-n", "0")
    assert status == 0 and len(out.splitlines()) == 3


def test_sample_records_have_correct_offsets(capsys):
    status, out, _ = run(capsys, "sample", TOY, "-n", "30", "--seed", "1")
    assert status == 0
    for line in out.splitlines():
        record = json.loads(line)
        assert record["intent"] == "PlayMusic" and record["text"] in TOY_SENTENCES
        (slot,) = record["slots"]
        assert record["text"][slot["start"] : slot["end"]] == slot["value"]
        assert record["annot_utt"] == record["text"].replace(
            slot["value"], f"[genre : {slot['value']}]"
        )


def test_massive_format(capsys):
    _, out, _ = run(capsys, "sample", TOY, "-n", "2", "--format", "massive")
    record = json.loads(out.splitlines()[1])
    fields = {"id", "locale", "partition", "scenario", "intent", "utt", "annot_utt"}
    assert set(record) == fields and record["id"] == "1"


def test_output_file_is_written(capsys, tmp_path):
    target = tmp_path / "out.jsonl"
    assert run(capsys, "sample", TOY, "-n", "5", "-o", target)[0] == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5


def test_unique_stops_at_the_language_size(capsys):
    status, out, err = run(capsys, "sample", TOY, "-n", "50", "--unique", "--format", "text")
    assert status == 0 and set(out.splitlines()) == TOY_SENTENCES and len(out.splitlines()) == 6
    assert "only 6 distinct sentences" in err


def test_parse_arguments_and_stdin(capsys, monkeypatch):
    status, out, _ = run(capsys, "parse", TOY, "play some rock music", "play jazz")
    first, second = out.splitlines()
    assert status == 1
    assert json.loads(first)["slots"] == [
        {"slot": "genre", "value": "rock", "start": 10, "end": 14}
    ]
    assert second == "null"
    monkeypatch.setattr("sys.stdin", FakeStdin(b"play pop music\n"))
    status, out, _ = run(capsys, "parse", TOY)
    assert status == 0 and json.loads(out)["annot_utt"] == "play [genre : pop] music"


# "play jazz" is said three ways: by PlayRadio (probability 1), and by PlayMusic with jazz
# a genre (2/3 times 1/2) or an artist (1/3 times 1/2)
AMBIGUOUS = (
    "intent PlayRadio = play jazz\n"
    "intent PlayMusic = play ({artist} | {genre} <2>)\n"
    "slot artist = jazz | queen\n"
    "slot genre = jazz | rock\n"
)


def jazz_as(slot: str | None) -> dict:
    """The record of "play jazz" read as PlayRadio (no slot) or with jazz as `slot`."""
    if slot is None:
        return {"text": "play jazz", "intent": "PlayRadio", "slots": [], "annot_utt": "play jazz"}
    value = {"slot": slot, "value": "jazz", "start": 5, "end": 9}
    return {
        "text": "play jazz",
        "intent": "PlayMusic",
        "slots": [value],
        "annot_utt": f"play [{slot} : jazz]",
    }


@pytest.fixture
def ambiguous(tmp_path):
    path = tmp_path / "ambiguous.grm"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    return path


def test_parse_all_gives_every_reading_the_most_probable_first(capsys, ambiguous):
    status, out, err = run(capsys, "parse", ambiguous, "--all", "play jazz", "play queen")
    jazz, queen = map(json.loads, out.splitlines())
    assert status == 0 and err == ""
    assert jazz[0] == jazz_as(None) and len(jazz) == 3
    assert sorted(jazz[1:], key=json.dumps) == [jazz_as("artist"), jazz_as("genre")]
    assert [r["annot_utt"] for r in queen] == ["play [artist : queen]"]
    assert json.loads(run(capsys, "parse", ambiguous, "play jazz")[1]) == jazz[0]


def test_parse_all_keeps_one_line_per_input_line(capsys, monkeypatch, ambiguous):
    monkeypatch.setattr("sys.stdin", FakeStdin(b"play polka\nplay jazz\n\nplay rock\n"))
    status, out, _ = run(capsys, "parse", ambiguous, "--all")
    lines = out.splitlines()
    assert status == 1 and len(lines) == 4
    assert lines[0] == lines[2] == "[]"
    assert [len(json.loads(line)) for line in lines] == [0, 3, 0, 1]
    assert run(capsys, "parse", ambiguous, "--all", "play polka") == (1, "[]\n", "")


def test_parse_all_offsets_are_each_readings_own(capsys, tmp_path):
    """As written (case and spacing), "let it be" is a song, or "let it" is one and "be"
    its artist: each reading's offsets are those of its own slots in the text given."""
    grammar = tmp_path / "songs.grm"
    grammar.write_text(
        "intent Play = play {song} {artist}?\nslot song = let it be | let it\n"
        "slot artist = be | queen\n",
        encoding="utf-8",
    )
    text = "Play  Let it BE"
    status, out, _ = run(capsys, "parse", grammar, "--all", text)
    slots = [
        [(s["slot"], s["value"], s["start"], s["end"]) for s in r["slots"]] for r in json.loads(out)
    ]  # the whole song (1/2 times 1/2 for no artist) is likelier than 1/2 times 1/4
    assert status == 0
    assert slots == [
        [("song", "Let it BE", 6, 15)],
        [("song", "Let it", 6, 12), ("artist", "BE", 13, 15)],
    ]


@pytest.mark.parametrize("limit, count", [("1", 1), ("2", 2), ("3", 3), ("9", 3)])
def test_parse_all_limit_caps_the_readings(capsys, ambiguous, limit, count):
    status, out, _ = run(capsys, "parse", ambiguous, "--all", "--limit", limit, "play jazz")
    found = json.loads(out)
    every = [jazz_as(None), jazz_as("artist"), jazz_as("genre")]
    assert status == 0 and len(found) == count and found[0] == jazz_as(None)
    assert all(r in every for r in found) and len({json.dumps(r) for r in found}) == count


def test_parse_limit_needs_all(capsys, ambiguous):
    assert run(capsys, "parse", ambiguous, "--limit", "2", "play jazz") == (
        2,
        "",
        "grammar-fst: error: --limit N caps the readings --all prints; give --all too\n",
    )


@pytest.mark.parametrize(
    "given, said",
    [
        ("0", "'0' is less than 1"),
        ("-1", "'-1' is negative"),
        ("two", "'two' is not a whole number"),
        ("1.5", "'1.5' is not a whole number"),
    ],
)
def test_parse_limit_is_a_whole_number_of_at_least_one(capsys, ambiguous, given, said):
    with pytest.raises(SystemExit) as stop:
        main(["parse", str(ambiguous), "--all", "--limit", given, "play jazz"])
    out = capsys.readouterr()
    assert (stop.value.code, out.out) == (2, "")
    said = f"argument --limit: {said} (see 'grammar-fst parse --help')"
    assert out.err == f"grammar-fst: error: {said}\n"


def test_parse_all_is_the_same_bytes_every_run(capsys, ambiguous, tmp_path):
    """Whatever the hash seed, and from the source or its archive."""
    import os
    import subprocess
    import sys

    far = tmp_path / "ambiguous.far"
    assert run(capsys, "compile", ambiguous, "-o", far)[0] == 0
    sentences = ["play jazz", "play rock", "play queen", "play polka"]
    outputs = set()
    for seed, grammar in (("1", ambiguous), ("2", ambiguous), ("3", far)):
        command = ["parse", str(grammar), "--all", *sentences]
        done = subprocess.run(
            [sys.executable, "-m", "grammar_fst.cli.main", *command],
            capture_output=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
            check=False,
        )
        assert done.returncode == 1 and done.stderr == b""
        outputs.add(done.stdout)
    assert len(outputs) == 1 and len(outputs.pop().splitlines()) == 4


def test_intent_selection(capsys, tmp_path):
    grammar = tmp_path / "two.grm"
    grammar.write_text("intent A = a | b\nintent B = c\n", encoding="utf-8")
    _, out, _ = run(capsys, "sample", grammar, "-n", "10", "--intent", "B", "--format", "text")
    assert out.splitlines() == ["c"] * 10
    assert run(capsys, "count", grammar, "--intent", "A")[1] == "A\t2\ntotal\t2\n"
    status, _, err = run(capsys, "sample", grammar, "--intent", "Z")
    assert status == 2 and "unknown intent 'Z'" in err


def test_even_split_over_intents(capsys, tmp_path):
    grammar = tmp_path / "two.grm"
    grammar.write_text("intent A = a | b | c | d | e\nintent B = z\n", encoding="utf-8")
    _, out, _ = run(capsys, "sample", grammar, "-n", "11", "--format", "massive")
    intents = [json.loads(line)["intent"] for line in out.splitlines()]
    assert intents.count("A") == 6 and intents.count("B") == 5


def test_compile_default_output_path(capsys, tmp_path):
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = a\n", encoding="utf-8")
    status, _, err = run(capsys, "compile", grammar)
    assert status == 0 and (tmp_path / "g.far").is_file() and "wrote" in err


@pytest.mark.parametrize("command", ["sample", "count", "parse"])
def test_corrupt_far_exits_2(capsys, tmp_path, command):
    bad = tmp_path / "bad.far"
    bad.write_bytes(b"\x00" * 64)
    status, _, err = run(capsys, command, bad)
    assert status == 2 and err.startswith(f"grammar-fst: error: {bad}: ")


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("compile", "sample", "parse", "count", "check"):
        assert command in out


def test_missing_output_folder_exits_2(capsys, tmp_path):
    target = tmp_path / "absent" / "out.jsonl"
    status, _, err = run(capsys, "sample", TOY, "-o", target)
    assert status == 2 and "the folder" in err and "does not exist" in err
    status, _, err = run(capsys, "compile", TOY, "-o", tmp_path / "absent" / "toy.far")
    assert status == 2 and err.count("\n") == 1


@pytest.mark.parametrize(
    "command, output, message",
    [
        (["compile", TOY], "toy.grm", "compile writes a .far archive, not .grm source: name "
         "the output {folder}/toy.far"),
        (["import", TOY.parent.parent / "examples" / "lights.chatette"], "lights.far",
         "import writes .grm source, not an archive: name the output {folder}/lights.grm, "
         "then compile it with: grammar-fst compile {folder}/lights.grm -o {folder}/lights.far"),
        (["induce", TOY.parent.parent / "examples" / "play_music.txt"], "play.far",
         "induce writes .grm source, not an archive: name the output {folder}/play.grm, "
         "then compile it with: grammar-fst compile {folder}/play.grm -o {folder}/play.far"),
    ],
)  # fmt: skip
def test_an_output_named_as_the_other_kind_of_grammar_is_refused(
    capsys, tmp_path, command, output, message
):
    status, _, err = run(capsys, *command, "-o", tmp_path / output)
    assert status == 2 and err == f"grammar-fst: error: {message.format(folder=tmp_path)}\n"
    assert not list(tmp_path.iterdir())


def test_a_folder_named_for_a_template_or_a_picture_is_said_to_be_one(capsys, tmp_path):
    said = f"grammar-fst: error: {tmp_path}: is a folder; name a"
    assert run(capsys, "import", tmp_path, "-o", tmp_path / "x.grm") == (
        2, "", f"{said} template file\n"
    )  # fmt: skip
    assert run(capsys, "draw", TOY, "-o", tmp_path) == (2, "", f"{said} file to write\n")
    assert not list(tmp_path.iterdir())


def test_parse_stdin_that_is_not_utf8(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", FakeStdin(b"play pop music\nplay caf\xe9\n"))
    status, out, err = run(capsys, "parse", TOY)
    assert status == 2 and len(out.splitlines()) == 1
    assert err == "grammar-fst: error: <stdin>:2:9: not valid UTF-8 (byte 0xE9)\n"


def test_failed_sample_keeps_the_previous_output(capsys, tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n", encoding="utf-8")
    status, _, _ = run(capsys, "sample", TOY, "--intent", "Nope", "-o", target)
    assert status == 2 and target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_output_files_follow_the_umask(capsys, tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        assert run(capsys, "sample", TOY, "-o", tmp_path / "out.jsonl")[0] == 0
        assert run(capsys, "compile", TOY, "-o", tmp_path / "toy.far")[0] == 0
    finally:
        os.umask(umask)
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "toy.far").stat().st_mode & 0o777 == 0o644


def test_broken_pipe_is_not_an_error(tmp_path):
    import subprocess
    import sys

    command = f"{sys.executable} -m grammar_fst.cli.main sample {TOY} -n 200000 | head -1"
    run_ = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True)
    assert run_.returncode == 0 and run_.stderr == "" and len(run_.stdout.splitlines()) == 1
