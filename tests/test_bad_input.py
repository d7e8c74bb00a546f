"""Bad input and odd outputs for sample, convert, resample and draw: one clear error line
and exit status 2, or a warning where the run can go on; outputs written safely."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.data import formats
from grammar_fst.data.formats import jsonl

ROOT = Path(__file__).parent.parent
TOY = ROOT / "grammars" / "toy.grm"
EXAMPLE = ROOT / "examples" / "music_and_books.jsonl"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


def written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- where outputs go ---------------------------------------------------------------------


def test_output_through_a_link_replaces_its_target_and_keeps_the_link(capsys, tmp_path):
    target = tmp_path / "target.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert run(capsys, "sample", TOY, "-n", "1", "-o", link)[0] == 0
    assert link.is_symlink() and json.loads(target.read_text(encoding="utf-8"))["intent"]


def test_output_keeps_the_permissions_of_the_file_it_replaces(capsys, tmp_path):
    private = tmp_path / "private.jsonl"
    private.write_text("", encoding="utf-8")
    private.chmod(0o600)
    assert run(capsys, "sample", TOY, "-n", "1", "-o", private)[0] == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_output_to_a_pipe_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert main(["sample", str(TOY), "-n", "2", "-o", str(fifo)]) == 0
    assert len(reader.communicate(timeout=30)[0].splitlines()) == 2
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize(
    "name, message", [("", "the output file name is empty"), ("adir", "is a folder")]
)
def test_output_names_that_are_not_files(capsys, tmp_path, monkeypatch, name, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adir").mkdir()
    status, _, err = run(capsys, "sample", TOY, "-n", "1", "-o", name)
    assert status == 2 and message in err and ".tmp" not in err


def test_a_closed_standard_output_is_no_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "grammar_fst.cli.main", "sample", str(TOY), "-n", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        pass_fds=(),
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr


# -- sample ---------------------------------------------------------------------------------


def test_a_slot_whose_values_are_all_switched_off_is_never_entered():
    grammar = gf.from_text("intent A = play {x} | hello\nslot x = a <0> | b <0>\n")
    assert {u.text for u in grammar.sample(20)} == {"hello"}
    assert [u.text for u in grammar.all()] == ["hello"]
    assert {str(p.pattern) for p, _ in grammar.allocation(3)} == {"A: (no slot)"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-n", "1000000000"], "at most 999,999,999 sentences a run"),
        (["-n", "10000000000000000000"], "at most 999,999,999 sentences a run"),
        (["--all", "--intent", "PlayMusic=2"], "--all gives every sentence"),
        (["--report", "-n", "2"], "--report prints the table of --allocate"),
        (["--intent", "PlayMusic=3", "--intent", "PlayMusic=5"], "an intent is named twice"),
    ],
)
def test_sample_refuses_what_it_cannot_honour(capsys, argv, message):
    status, out, err = run(capsys, "sample", TOY, *argv)
    assert status == 2 and out == "" and message in err and len(err.splitlines()) == 1


def test_unique_on_a_small_skewed_language_gives_what_is_asked():
    words = " | ".join(f"w{i}" for i in range(100))
    grammar = gf.from_text(f"intent A = hello <100000> | ({words})\n")
    sample = list(grammar.sample(15, seed=1, unique=True))
    assert len({u.text for u in sample}) == 15


def test_a_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["sample", str(TOY), "--bogus"])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert (
        err
        == "grammar-fst: error: unrecognized arguments: --bogus (see 'grammar-fst sample --help')\n"
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--verison"], "unrecognized arguments: --verison; did you mean --version?"),
        (["--seed", "3", "sample", "g.grm"], "--seed goes after the command: grammar-fst sample"),
    ],
)
def test_an_option_before_the_command_is_named(capsys, argv, said):
    """It was refused as a missing COMMAND."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and said in err and len(err.splitlines()) == 1


def test_no_option_is_suggested_after_a_double_dash(capsys):
    with pytest.raises(SystemExit):
        main(["sample", str(TOY), "--", "--seed", "3"])
    assert "did you mean" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["--n", "3"], "unrecognized arguments: --n 3; did you mean -n?"),
        (["--no-uniq"], "unrecognized arguments: --no-uniq; did you mean --no-unique?"),
        (
            ["--seeed", "2", "--formt", "bio"],
            "--seeed: did you mean --seed?; --formt: did you mean --format?",
        ),
    ],
)
def test_a_mistyped_option_is_not_shortened_and_the_one_meant_is_named(capsys, argv, meant):
    """`--n` was taken for `--no-unique` (argparse's abbreviations) and the 3 refused."""
    with pytest.raises(SystemExit) as stop:
        main(["sample", str(TOY), *argv])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and meant in err and len(err.splitlines()) == 1


# -- archives -------------------------------------------------------------------------------


def test_an_archive_with_altered_metadata_is_refused(capsys, tmp_path):
    far = tmp_path / "toy.far"
    gf.load(TOY).write_far(far)
    altered = far.read_bytes().replace(b'"intents": ["PlayMusic"]', b'"intents": ["PlayMusiX"]')
    bad = tmp_path / "bad.far"
    bad.write_bytes(altered)
    status, _, err = run(capsys, "sample", bad, "-n", "1")
    assert status == 2 and "damaged archive" in err


# -- data -----------------------------------------------------------------------------------


def test_records_a_format_cannot_hold_are_skipped_with_their_number(capsys, tmp_path):
    data = tmp_path / "in.jsonl"
    records = [
        {
            "text": "play jazzy",  # the slot ends inside a word
            "intent": "Play",
            "slots": [{"slot": "g", "value": "jazz", "start": 5, "end": 9}],
        },
        {
            "text": "play rock",
            "intent": "Play",
            "slots": [{"slot": "g", "value": "rock", "start": 5, "end": 9}],
        },
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    status, _, err = run(capsys, "convert", data, "--to", "bio")
    assert status == 2 and f"{data}: record 1: cannot write 'play jazzy' as BIO" in err
    status, out, err = run(capsys, "convert", data, "--to", "bio", "--on-error", "skip")
    assert status == 1 and "rock\tB-g" in out and "jazz" not in out
    assert "left out 1 record the output format cannot hold" in err


def test_deeply_nested_json_is_a_located_error(capsys, tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", deep, "--on-error", "skip")
    assert status == 1 and f"{deep}:1:1: not a JSON record: nested too deeply" in err
    snips = tmp_path / "deep.json"
    snips.write_text('{"A": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    status, _, err = run(capsys, "convert", snips)
    assert status == 2 and f"{snips}:1:8: not valid JSON: nested too deeply" in err


def test_jsonl_is_told_from_massive_by_its_keys(tmp_path):
    mine = tmp_path / "mine.jsonl"
    u = gf.Utterance("read the sentence", "A", (gf.SlotValue("thing", "sentence", 9, 17),))
    mine.write_text(jsonl.line(u, 0) + "\n", encoding="utf-8")
    assert formats.guess(mine) == "jsonl"
    assert formats.guess(EXAMPLE) == "massive"


def test_resample_catalogue_must_name_a_slot_type_once(capsys, tmp_path):
    artists = ROOT / "examples" / "artists.txt"
    status, _, err = run(
        capsys, "resample", EXAMPLE, "-n", "20", "--catalogue", f"Artist={artists}"
    )
    assert status == 2 and "no slot type 'Artist'" in err and "artist, author" in err
    twice = ["--catalogue", f"artist={artists}", "--catalogue", f"artist={artists}"]
    status, _, err = run(capsys, "resample", EXAMPLE, "-n", "20", *twice)
    assert status == 2 and "is given twice" in err


def test_resample_says_when_the_output_exceeds_n(capsys):
    status, out, err = run(capsys, "resample", EXAMPLE, "-n", "5", "--to", "text")
    assert status == 0 and len(out.splitlines()) == 13
    assert "the output holds 13 utterances, more than the 5 asked for" in err


def test_a_yaml_file_without_nlu_data_is_not_rasa(capsys, tmp_path):
    other = tmp_path / "other.yml"
    other.write_text("version: '3.1'\nstories: []\n", encoding="utf-8")
    status, _, err = run(capsys, "convert", other)
    assert status == 2 and f"{other}:1:1: not Rasa NLU data: no top-level 'nlu:' list" in err


@pytest.mark.parametrize(
    "chunk, message",
    [
        ('{"text": "", "entity": "artist"}', "slot 'artist' has an empty value"),
        ('{"text": "adele", "entity": " "}', "a slot has an empty name"),
    ],
)
def test_slots_without_a_value_or_a_name_are_bad_records(capsys, tmp_path, chunk, message):
    data = tmp_path / "in.json"
    data.write_text('{"Play": [{"data": [{"text": "play "}, ' + chunk + "]}]}", encoding="utf-8")
    status, _, err = run(capsys, "convert", data)
    assert status == 2 and message in err


def test_compiling_through_a_link_replaces_its_target(capsys, tmp_path):
    (tmp_path / "real.far").write_bytes(b"")
    link = tmp_path / "link.far"
    link.symlink_to(tmp_path / "real.far")
    assert run(capsys, "compile", TOY, "-o", link)[0] == 0
    assert link.is_symlink() and gf.load(tmp_path / "real.far").count() == 6


# -- found by trying the tool with hostile input (session 34) --------------------------------


def test_text_arguments_that_are_not_utf8_are_refused(tmp_path):
    """Bytes that are not UTF-8 on the command line (a sentence, an intent's name) reach
    Python as lone surrogates, which nothing can write: one line, exit 2."""
    data = ROOT / "examples" / "play_music.txt"
    for argv, said in [
        ([b"parse", bytes(TOY), b"play \xff music"], "argument SENTENCE: 'play \\xff music'"),
        ([b"induce", bytes(data), b"--intent", b"\xff", b"-o", bytes(tmp_path / "g.grm")],
         "argument --intent: '\\xff'"),
    ]:  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "grammar_fst", *argv], capture_output=True, timeout=60
        )
        err = done.stderr.decode()
        assert done.returncode == 2 and err.count("\n") == 1, err
        assert f"{said} is not valid UTF-8" in err
    assert not (tmp_path / "g.grm").exists()


def test_lone_surrogates_in_the_api_are_located_errors():
    grammar = gf.load(TOY)
    with pytest.raises(gf.UsageError, match=r"holds U\+D800 \(character 6\), a lone surrogate"):
        grammar.parse("play \ud800 music")
    for source, col in [("intent A = a\ud800", 13), ("intent A = \udc80", 12)]:
        with pytest.raises(gf.GrammarError, match="is a lone surrogate") as refused:
            gf.from_text(source)
        assert (refused.value.location.line, refused.value.location.col) == (1, col)


@pytest.mark.parametrize("fmt, record", [
    ("massive", '{"utt": "x", "annot_utt": "x", "intent": "a_b", "locale": "en-US", "id": N}'),
    ("jsonl", '{"text": "x", "intent": "a", "slots": [{"slot": "s", "value": "x", "start": N}]}'),
])  # fmt: skip
def test_an_integer_too_long_for_python_is_a_located_bad_record(capsys, tmp_path, fmt, record):
    data = written(tmp_path / "in.jsonl", record.replace("N", "7" * 5000) + "\n")
    status, out, err = run(capsys, "convert", data, "--from", fmt)
    assert (status, out) == (2, "")
    assert f"{data}:1:" in err and "an integer of more than 4,300 digits" in err
    status, _, err = run(capsys, "convert", data, "--from", fmt, "--on-error", "skip")
    assert status == 1 and "(record skipped)" in err


def test_templates_nested_too_deeply_are_one_located_error(capsys, tmp_path):
    nested = "[" * 500 + "x" + "]" * 500
    template = written(tmp_path / "deep.chatette", f"%[a]\n    {nested}\n")
    status, out, err = run(capsys, "import", template)
    assert (status, out) == (2, "")
    assert err == f"grammar-fst: error: {template}:2:105: choices nest more than 100 deep; " \
        "make an inner choice an alias\n"


def test_a_rasa_entity_nested_too_deeply_is_a_bad_record(capsys, tmp_path):
    data = tmp_path / "nlu.yml"
    entity = '{"entity": ' + "[" * 2000 + "}"
    data.write_text(
        f'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - [x]{entity}\n    - hi\n',
        encoding="utf-8",
    )
    status, out, err = run(capsys, "convert", data, "--on-error", "skip")
    assert status == 1 and json.loads(out)["text"] == "hi"
    assert "nested too deeply" in err


@pytest.mark.parametrize("argv", [
    ["count", TOY, "--budget", "BIG"], ["check", TOY, "--budget", "BIG"],
    ["sample", TOY, "--jobs", "BIG"], ["induce", EXAMPLE, "--limit", "BIG"],
])  # fmt: skip
def test_numbers_too_large_for_any_size_are_refused(capsys, argv):
    big = "99999999999999999999"
    with pytest.raises(SystemExit) as refused:
        run(capsys, *[big if a == "BIG" else a for a in argv])
    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert f"'{big}' is more than 9,223,372,036,854,775,807" in err


def test_more_processes_than_the_cores_can_use_are_not_started(capsys, monkeypatch):
    """3,000 processes for 2 sentences took 9 GB; at most 4 a CPU run, with a warning,
    and the output is that of one process."""
    from grammar_fst import parallel

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    parallel.processes.cache_clear()
    started, real = [], parallel.process_pool
    monkeypatch.setattr(parallel, "process_pool", lambda j, *a: started.append(j) or real(j, *a))
    status, out, err = run(capsys, "sample", TOY, "-n", "2000", "--jobs", "3000")
    parallel.processes.cache_clear()
    assert status == 0 and started == [8]
    assert out == run(capsys, "sample", TOY, "-n", "2000")[1]
    assert err == "grammar-fst: warning: 3000 processes asked for (--jobs): running 8, 4 for " \
        "each of the 2 CPUs this process may use\n"


def test_import_refuses_to_write_over_its_template(capsys, tmp_path):
    template = tmp_path / "lights.chatette"
    template.write_text((ROOT / "examples" / "lights.chatette").read_text(encoding="utf-8"))
    before = template.read_bytes()
    link = tmp_path / "link.chatette"
    link.symlink_to(template)
    for source in (template, link):
        status, out, err = run(capsys, "import", source, "-o", template)
        assert (status, out) == (2, "") and "is also an input" in err
    assert template.read_bytes() == before


def test_compile_writes_into_a_device_and_leaves_it_one(capsys, tmp_path):
    """As any output: a device (or a pipe) is written into; replacing it with a regular
    file would destroy /dev/null for whoever runs as root."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    assert run(capsys, "compile", TOY, "-o", device)[0] == 0
    assert stat.S_ISCHR(device.stat().st_mode)


def test_an_intent_without_sentences_is_not_compiled(capsys, tmp_path):
    source = written(tmp_path / "zero.grm", "intent A = a <0> | b <0>\nintent B = c\n")
    status, out, err = run(capsys, "compile", source)
    assert (status, out) == (2, "")
    assert err == f"grammar-fst: error: {source}:1:1: intent A has no sentences (all its " \
        "weights are zero)\n"
    assert not source.with_suffix(".far").exists()


def test_standard_output_named_as_a_file_is_written_into(tmp_path):
    """`-o /dev/stdout` to a pipe: the link leads to no path, and is written as named."""
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c",
         f"{sys.executable} -m grammar_fst sample {TOY} -n 2 -o /dev/stdout | cat"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == ""
    assert len(done.stdout.splitlines()) == 2


@pytest.mark.parametrize("statement, said", [
    ('slot s from "."\nintent A = a {s}\n', "1:13: catalogue file '.' is a folder, not a file"),
    ('import "."\nintent A = a\n', "1:1: imported file '.' is a folder, not a file"),
])  # fmt: skip
def test_a_folder_where_a_file_goes_is_said_so(capsys, tmp_path, statement, said):
    source = written(tmp_path / "g.grm", statement)
    status, _, err = run(capsys, "count", source)
    assert status == 2 and f"{source}:{said}" in err


def test_old_mac_line_ends_are_named_where_the_first_one_is(capsys, tmp_path):
    source = tmp_path / "cr.grm"
    source.write_bytes(b"intent A = play {s}\rslot s = a\r")
    status, _, err = run(capsys, "count", source)
    assert status == 2
    assert f"{source}:1:20: a carriage return without a line feed (old Mac line ends)" in err


@pytest.mark.parametrize("fmt, data, said", [
    ("jsonl", '{"text": " ", "intent": "a", "slots": []}\n', "the record says nothing"),
    ("bio", "# intent = A\n\n", "the record says nothing"),
])  # fmt: skip
def test_a_record_without_text_is_a_bad_record(capsys, tmp_path, fmt, data, said):
    source = written(tmp_path / f"in.{fmt}", data)
    status, out, err = run(capsys, "convert", source, "--from", fmt)
    assert (status, out) == (2, "") and f"{source}:1:1: {said}" in err


def test_resample_writes_a_folder_of_shards_in_jsonl_too(capsys, tmp_path):
    """jsonl (with provenance) as every line format: `-o DIR/` is a folder of shards
    holding the lines standard output gets."""
    one = run(capsys, "resample", EXAMPLE, "-n", "30")[1]
    assert run(capsys, "resample", EXAMPLE, "-n", "30", "-o", f"{tmp_path}/out/")[0] == 0
    shards = sorted((tmp_path / "out").iterdir())
    assert [p.name for p in shards] == ["part-00000.jsonl"]
    assert "".join(p.read_text(encoding="utf-8") for p in shards) == one


def test_a_slot_value_bio_tokens_would_respell_keeps_its_text(capsys, tmp_path):
    """`a : b` as tokens reads back `a: b`: the block gets its text line, and the value
    comes back as it was."""
    record = {"text": "set it to a : b", "intent": "Set",
              "slots": [{"slot": "v", "value": "a : b", "start": 10, "end": 15}]}  # fmt: skip
    data = written(tmp_path / "in.jsonl", json.dumps(record) + "\n")
    assert run(capsys, "convert", data, "--to", "bio", "-o", tmp_path / "out.bio")[0] == 0
    assert "# text = set it to a : b\n" in (tmp_path / "out.bio").read_text(encoding="utf-8")
    back = json.loads(run(capsys, "convert", tmp_path / "out.bio")[1])
    assert (back["text"], back["slots"][0]["value"]) == ("set it to a : b", "a : b")


@pytest.mark.parametrize("fmt, ending", [("massive", ".jsonl"), ("text", ".txt"), ("bio", ".bio")])
def test_shards_are_named_as_files_of_what_they_hold(capsys, tmp_path, fmt, ending):
    """A shard is read back as what it holds: its ending is one its format's files have."""
    assert run(capsys, "sample", TOY, "-n", "3", "--format", fmt, "-o", f"{tmp_path}/s/")[0] == 0
    [shard] = (tmp_path / "s").iterdir()
    assert shard.name == f"part-00000{ending}"
    assert run(capsys, "convert", shard, "--to", "text")[0] == 0


@pytest.mark.parametrize("option", [["--samples", "10"], ["--limit", "3"], ["--jobs", "2"],
                                    ["--catalogue", "genre=x.txt"], ["--heldout-rest"]])
def test_evaluate_on_data_refuses_what_only_a_grammar_takes(capsys, option):
    status, out, err = run(capsys, "evaluate", EXAMPLE, "--heldout", EXAMPLE, *option)
    assert (status, out) == (2, "")
    assert f"{option[0]} is for a grammar in place of {EXAMPLE}, not for data" in err


def test_converting_away_canonical_values_is_warned_of(capsys, tmp_path):
    record = {"text": "fly to nyc", "intent": "Fly", "slots": [
        {"slot": "city", "value": "nyc", "start": 7, "end": 10, "canonical": "new york"}]}
    data = written(tmp_path / "in.jsonl", json.dumps(record) + "\n")
    status, _, err = run(capsys, "convert", data, "--to", "massive")
    assert status == 0 and "1 slot value with a canonical value written as said: massive" in err
    assert "canonical" not in run(capsys, "convert", data, "--to", "rasa")[2]


@pytest.mark.parametrize("binding", [":artist=a.txt", "Play:=a.txt", "a::b=a.txt"])
def test_a_catalogue_binding_with_an_empty_part_is_refused(capsys, binding):
    with pytest.raises(SystemExit) as refused:
        run(capsys, "resample", EXAMPLE, "-n", "5", "--catalogue", binding)
    assert refused.value.code == 2
    assert f"'{binding}' is not SLOT=FILE (or INTENT:SLOT=FILE)" in capsys.readouterr().err


def test_a_massive_annotation_left_open_is_said_to_be(capsys, tmp_path):
    record = {"utt": "play jazz", "annot_utt": "play [genre : jazz", "intent": "a_b",
              "locale": "en-US"}  # fmt: skip
    data = written(tmp_path / "m.jsonl", json.dumps(record) + "\n")
    status, _, err = run(capsys, "convert", data, "--from", "massive")
    assert status == 2 and "a '[slot : value]' annotation that is never closed" in err


@pytest.mark.parametrize(
    "encoding, said",
    [
        ("utf-16", "UTF-16 (it starts with the byte-order mark FF FE)"),
        ("utf-16-be", "UTF-16 (every other byte is NUL, as UTF-16 writes ASCII)"),
        ("utf-32", "UTF-32 (it starts with the byte-order mark FF FE 00 00)"),
    ],
)
def test_a_text_file_in_a_wide_encoding_is_one_error_for_the_whole_file(
    capsys, tmp_path, encoding, said
):
    """Skipping records cannot get past a file whose every character is two or four
    bytes: one message says what the file is, whatever --on-error says."""
    data = tmp_path / "d.tsv"
    data.write_text("weather/find\t0:3:location\tabc\tth_TH\t{}\n", encoding=encoding)
    grammar = tmp_path / "g.grm"
    grammar.write_text("intent A = a\n", encoding=encoding)
    message = f"the file is in {said}; save it as UTF-8\n"
    for argv in (["convert", str(data), "--on-error", "skip"], ["check", str(grammar)]):
        status, _, err = run(capsys, *argv)
        assert status == 2 and err == f"grammar-fst: error: {argv[1]}: {message}"


def test_control_characters_from_a_file_are_escapes_in_messages(capsys, tmp_path):
    """A message quoting a file's text neither drops a NUL nor sends an escape sequence
    to the terminal (this one would clear it)."""
    data = written(tmp_path / "d.tsv", "A\t\tabc\tth\x1b[2J\x00\t{}\n")
    status, _, err = run(capsys, "convert", str(data))
    assert status == 0 and "is in locale th\\x1b[2J\\x00," in err
    assert "\x1b" not in err and "\x00" not in err
