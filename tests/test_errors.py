"""Malformed grammars: each gives one located message, and the CLI exits 2 with
`grammar-fst: error: FILE:LINE:COL: ...` and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main

# (id, files (g.grm is the one loaded), expected location, expected message part)
CASES = [
    (
        "unclosed-paren",
        {"g.grm": "intent A = play (pop | rock\n"},
        "g.grm:1:17",
        "'(' is never closed",
    ),
    ("stray-paren", {"g.grm": "intent A = play pop)\n"}, "g.grm:1:20", "unexpected ')'"),
    ("unclosed-bracket", {"g.grm": "intent A = a [b c\n"}, "g.grm:1:14", "'[' is never closed"),
    ("unclosed-brace", {"g.grm": "intent A = {genre\n"}, "g.grm:1:12", "'{' is never closed"),
    (
        "unknown-rule",
        {"g.grm": "$colour = red | blue\nintent A = paint it $color\n"},
        "g.grm:2:21",
        "unknown rule $color; did you mean $colour?",
    ),
    (
        "unknown-slot",
        {"g.grm": "slot genre = pop\nintent A = play {gnre}\n"},
        "g.grm:2:17",
        "unknown slot {gnre}; did you mean {genre}?",
    ),
    (
        "unknown-rule-no-match",
        {"g.grm": "intent A = $zzz\n"},
        "g.grm:1:12",
        "define it with '$zzz = ...'",
    ),
    (
        "cycle",
        {"g.grm": "$a = x $b\n$b = y $a\nintent A = $a\n"},
        "g.grm:2:8",
        "rule $a refers to itself: $a -> $b -> $a",
    ),
    ("self-reference", {"g.grm": "$a = x $a?\nintent A = $a\n"}, "g.grm:1:8", "$a -> $a"),
    ("empty-alternative", {"g.grm": "intent A = a | | b\n"}, "g.grm:1:16", "empty alternative"),
    (
        "trailing-bar",
        {"g.grm": "intent A = a |\n"},
        "g.grm:1:15",
        "empty alternative before the end",
    ),
    ("bad-weight", {"g.grm": "intent A = a <x> | b\n"}, "g.grm:1:14", "bad weight <x>"),
    ("negative-weight", {"g.grm": "intent A = a <-1> | b\n"}, "g.grm:1:14", "non-negative number"),
    (
        "weight-mid-alternative",
        {"g.grm": "intent A = a <2> b | c\n"},
        "g.grm:1:18",
        "a weight closes its alternative",
    ),
    ("weight-alone", {"g.grm": "intent A = a <2>\n"}, "g.grm:1:12", "a weight needs alternatives"),
    (
        "bad-utf8",
        {"g.grm": b"intent A = caf\xe9\n"},
        "g.grm:1:15",
        "not valid UTF-8 (byte 0xE9 at offset 14)",
    ),
    (
        "missing-import",
        {"g.grm": 'import "nothere.grm"\nintent A = a\n'},
        "g.grm:1:1",
        "imported file 'nothere.grm' not found",
    ),
    (
        "import-cycle",
        {"g.grm": 'import "b.grm"\nintent A = a\n', "b.grm": 'import "g.grm"\n$x = y\n'},
        "b.grm:1:1",
        "import cycle: g.grm -> b.grm -> g.grm",
    ),
    (
        "unquoted-import",
        {"g.grm": "import common.grm\n"},
        "g.grm:1:8",
        "import needs a quoted file name",
    ),
    (
        "duplicate-rule",
        {"g.grm": "$a = x\n$a = y\nintent A = $a\n"},
        "g.grm:2:1",
        "rule $a is already defined at g.grm:1:1",
    ),
    (
        "duplicate-intent",
        {"g.grm": "intent A = x\nintent A = y\n"},
        "g.grm:2:1",
        "intent A is already defined",
    ),
    (
        "duplicate-across-import",
        {"g.grm": 'import "b.grm"\n$x = z\nintent A = $x\n', "b.grm": "$x = y\n"},
        "g.grm:2:1",
        "rule $x is already defined at b.grm:1:1",
    ),
    ("repeat-bounds", {"g.grm": "intent A = x{3,1}\n"}, "g.grm:1:13", "bad repetition {3,1}"),
    ("repeat-too-many", {"g.grm": "intent A = x{1,1000}\n"}, "g.grm:1:13", "max <= 100"),
    (
        "long-cycle",
        {
            "g.grm": "$r0 = $r1999\n"
            + "".join(f"$r{i} = $r{i - 1} b\n" for i in range(1, 2000))
            + "intent A = $r0\n"
        },
        "g.grm:2:7",
        "rule $r0 refers to itself: $r0 -> $r1999 -> $r1998",
    ),
    (
        "groups-too-deep",
        {"g.grm": "intent A = " + "(a " * 150 + "b" + ")" * 150 + "\n"},
        "g.grm:1:312",
        "groups nest more than 100 deep",
    ),
    (
        "unbounded-star",
        {"g.grm": "intent A = very* good\n"},
        "g.grm:1:16",
        "unbounded repetition '*'",
    ),
    (
        "unterminated-string",
        {"g.grm": 'intent A = say "hi\n'},
        "g.grm:1:16",
        "string is never closed",
    ),
    ("empty-string", {"g.grm": 'intent A = say ""\n'}, "g.grm:1:16", 'empty string ""'),
    (
        "slot-in-slot",
        {"g.grm": "slot a = x\nslot b = y {a}\nintent A = {b}\n"},
        "g.grm:2:12",
        "slots do not nest",
    ),
    ("missing-equals", {"g.grm": "intent A play\n"}, "g.grm:1:10", "expected '=' after 'intent A'"),
    (
        "not-a-statement",
        {"g.grm": "intent A = play\nmusic\n"},
        "g.grm:2:1",
        "a statement starts with",
    ),
    (
        "indented-definition",
        {"g.grm": "$a = x\n  $b = y\nintent A = $a\n"},
        "g.grm:2:3",
        "must start a line at column 1",
    ),
    ("bad-rule-name", {"g.grm": "$1abc = x\n"}, "g.grm:1:1", "'$' must be followed by a rule name"),
    ("question-first", {"g.grm": "intent A = ? a\n"}, "g.grm:1:12", "'?' must follow"),
    (
        "empty-sentence",
        {"g.grm": "intent A = a? [b c]\n"},
        "g.grm:1:1",
        "can produce an empty sentence",
    ),
    (
        "empty-slot-value",
        {"g.grm": "slot s = x?\nintent A = a {s}\n"},
        "g.grm:1:1",
        "slot s can have an empty value",
    ),
    ("no-intent", {"g.grm": "$a = b\n"}, "g.grm:1:1", "defines no intent"),
    (
        "glued-rule",
        {"g.grm": "$artist = adele\nintent A = $artist's songs\n"},
        "g.grm:2:19",
        "''s' is glued to 'artist'",
    ),
    ("glued-quote", {"g.grm": 'intent A = what"?"\n'}, "g.grm:1:16", "'?' is glued to 'what'"),
    ("glued-slot", {"g.grm": "slot s = a\nintent A = {s}s\n"}, "g.grm:2:15", "glued to 's'"),
    (
        "ideographic-indent",
        {"g.grm": "intent A = a\n\u3000intent B = b\n"},
        "g.grm:2:1",
        "the line starts with U+3000 IDEOGRAPHIC SPACE, so 'intent' starts no statement",
    ),
    (
        "glued-slots",
        {"g.grm": "language ja\nslot d = 明日\nslot t = 七時\nintent A = {d}{t}に\n"},
        "g.grm:4:15",
        "'{t}' is glued to '{d}': write a space between them ({d} {t}); it is the grammar's",
    ),
    (
        "nested-repeats",
        {"g.grm": "intent A = (x{1,100}){1,100}\n"},
        "g.grm:1:14",
        "nested repetitions allow 10000 copies",
    ),
    ("semicolon", {"g.grm": "intent A = a;\n"}, "g.grm:1:13", "';' is not part of the language"),
]


def _write(tmp_path, files):
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (tmp_path / name).write_bytes(data)


@pytest.mark.parametrize("files, where, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_grammar_message(tmp_path, monkeypatch, files, where, message):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, files)
    with pytest.raises(gf.GrammarError) as caught:
        gf.load("g.grm")
    assert str(caught.value).startswith(where + ": ")
    assert message in str(caught.value)


@pytest.mark.parametrize("files, where, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_grammar_cli_exit_2(tmp_path, monkeypatch, capsys, files, where, message):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, files)
    assert main(["compile", "g.grm", "-o", "g.far"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"grammar-fst: error: {where}: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "g.far").exists()


def test_cli_subprocess_has_no_traceback(tmp_path):
    (tmp_path / "bad.grm").write_text("intent A = (a\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "grammar_fst.cli.main", "sample", str(tmp_path / "bad.grm")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    where = tmp_path / "bad.grm"
    message = "'(' is never closed: expected ')' before the end of the file"
    assert run.stderr == f"grammar-fst: error: {where}:1:12: {message}\n"
    assert run.stdout == ""


def test_missing_grammar_file(tmp_path, capsys):
    assert main(["count", str(tmp_path / "absent.grm")]) == 2
    assert "absent.grm: cannot read the file" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sample", "G", "-n", "x"], "argument -n: 'x' is not a whole number"),
        (["sample", "G", "-n", "-1"], "argument -n: '-1' is negative"),
        (["sample", "G", "--intent", "A=-2"], "argument --intent: '-2' is negative"),
        (["sample", "G", "--seed", "-1"], "argument --seed: '-1' is negative"),
        (["resample", "D", "-n", "0"], "argument -n: '0' is less than 1"),
        (["resample", "D", "-n", "5", "--floor", "-1"], "argument --floor: '-1' is negative"),
        (["evaluate", "G", "--heldout", "D", "--samples", "-1"], "'-1' is negative"),
        (["sample", "G", "--format", "csv"], "argument --format: invalid choice"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["sample", "G", "-n", "3", "--all"], "not allowed with argument"),
    ],
)
def test_wrong_flags_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.splitlines()[-1].startswith("grammar-fst: error: ")
