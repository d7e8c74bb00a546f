"""Grammars and archives may come from someone else: the paths written in a grammar stay
in its folder tree, outputs are never written through a link nobody named, and an output
never replaces one of the files being read."""

from __future__ import annotations

import json
import os
import resource
import shlex
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import grammar_fst as gf
from grammar_fst.cli.main import main
from grammar_fst.errors import READ_LIMIT, Location
from grammar_fst.fst import far, openfst

ROOT = Path(__file__).parent.parent
TOY = ROOT / "grammars" / "toy.grm"
SECRET = "secret-first-line"


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def project(tmp_path):
    """A grammar folder `project/`, and beside it a file nobody meant to share."""
    (tmp_path / "secret.txt").write_text(f"{SECRET}\nmore\n", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def grammar(folder: Path, text: str, name: str = "g.grm") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [
        'import "../secret.txt"',
        'import "/etc/passwd"',
        'import "../../../../../../../../etc/shadow"',
        'slot s from "../secret.txt"',
        'slot s from "/etc/passwd"',
    ],
)
def test_a_grammar_cannot_read_outside_its_folder(capsys, project, line):
    path = grammar(project, f"{line}\nintent A = a {{s}}\n" if "slot" in line else f"{line}\n")
    for command in ("check", "count", "sample", "compile"):
        status, out, err = run(capsys, command, path)
        assert status in (1, 2)
        said = out + err
        assert "outside the folder of" in said and f"{path}:1:" in said
        assert SECRET not in said and "root:" not in said
    assert not (project / "g.far").exists()


def test_a_link_inside_the_folder_to_a_file_outside_is_refused(capsys, project):
    (project / "users.txt").symlink_to(project.parent / "secret.txt")
    path = grammar(project, 'slot s from "users.txt"\nintent A = a {s}\n')
    status, out, err = run(capsys, "sample", path, "-n", "3")
    assert status == 2 and "leads through a link outside" in err and SECRET not in out + err


def test_allow_path_lets_a_grammar_read_another_folder(capsys, project):
    path = grammar(project, 'slot s from "../secret.txt"\nintent A = a {s}\n')
    status, out, _ = run(capsys, "sample", path, "-n", "2", "--allow-path", project.parent)
    assert status == 0 and json.loads(out.splitlines()[0])["text"] in (f"a {SECRET}", "a more")
    assert gf.load(path, allow=[project.parent]).count() == 2
    with pytest.raises(gf.GrammarError, match="outside the folder of"):
        gf.load(path)


def test_one_allowed_folder_given_alone_allows_that_folder_only(project):
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "values.txt").write_text("ok\n", encoding="utf-8")
    for written in ("../elsewhere/values.txt", "../secret.txt"):
        path = grammar(project, f'slot s from "{written}"\nintent A = a {{s}}\n')
        for allow in (str(elsewhere), elsewhere):  # not its characters: "/" would allow all
            if written.startswith("../elsewhere"):
                assert gf.load(path, allow=allow).count() == 1
            else:
                with pytest.raises(gf.GrammarError, match="outside the folder of"):
                    gf.load(path, allow=allow)


def test_allow_path_must_name_a_folder(capsys, project):
    with pytest.raises(SystemExit) as stop:
        main(["count", str(TOY), "--allow-path", str(project / "none")])
    assert stop.value.code == 2 and "is not a folder" in capsys.readouterr().err


def test_subfolders_and_links_within_the_tree_are_fine(capsys, project):
    (project / "lib").mkdir()
    grammar(project / "lib", "$greeting = hello | hi\n", "common.grm")
    (project / "lib" / "names.txt").write_text("ann\nbob\n", encoding="utf-8")
    (project / "names.txt").symlink_to(project / "lib" / "names.txt")
    path = grammar(
        project,
        'import "lib/common.grm"\nslot n from "names.txt"\nintent A = $greeting {n}\n',
    )
    assert run(capsys, "count", path)[1].endswith("total\t4\n")


def test_catalogues_named_on_the_command_line_are_the_users_choice(capsys, project):
    path = grammar(project, "slot s = x\nintent A = a {s}\n")
    secret = project.parent / "secret.txt"
    status, out, _ = run(capsys, "count", path, "--catalogue", f"s={secret}")
    assert status == 0 and out.endswith("total\t2\n")


@pytest.mark.parametrize("kind", ["import", "catalogue"])
def test_a_nul_in_a_path_is_a_located_error(capsys, project, kind):
    line = 'import "a\x00b.grm"' if kind == "import" else 'slot s from "a\x00b.txt"'
    path = grammar(project, f"{line}\nintent A = a\n")
    status, out, err = run(capsys, "check", path)
    assert status == 1 and f"{path}:1:" in out and "NUL character" in out and not err
    status, _, err = run(capsys, "count", path)
    assert status == 2 and f"{path}:1:" in err and "Traceback" not in err
    with pytest.raises(gf.GrammarError, match="NUL"):
        gf.load(path)


@pytest.mark.parametrize("kind", ["import", "catalogue"])
def test_an_overlong_file_name_is_a_located_error(capsys, project, kind):
    name = "x" * 300
    line = f'import "{name}.grm"' if kind == "import" else f'slot s from "{name}.txt"'
    path = grammar(project, f"{line}\nintent A = a\n")
    with pytest.raises(gf.GrammarError, match="longer than 255 bytes") as caught:
        gf.load(path)
    assert caught.value.location.line == 1
    status, _, err = run(capsys, "compile", path)
    assert status == 2 and f"{path}:1:" in err and "longer than 255 bytes" in err


# -- outputs --------------------------------------------------------------------------------


def test_a_planted_link_at_the_default_output_is_not_written_through(capsys, tmp_path):
    source = tmp_path / "toy.grm"
    source.write_text(TOY.read_text(encoding="utf-8"), encoding="utf-8")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "toy.far").symlink_to(victim)
    status, _, err = run(capsys, "compile", source)
    assert status == 2 and "symbolic link" in err and "-o" in err
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.far", "toy.grm", "victim.txt"]


@pytest.mark.parametrize(
    "argv",
    [
        ["compile", "{src}", "-o", "{src}"],
        ["compile", "{src}", "-o", "{common}"],
        ["sample", "{far}", "-n", "2", "-o", "{far}"],
        ["sample", "{src}", "-n", "2", "-o", "{link}"],
        ["convert", "{data}", "-o", "{data}"],
        ["resample", "{data}", "-n", "5", "-o", "{data}"],
        ["induce", "{data}", "-o", "{data}"],
        ["draw", "{src}", "-o", "{common}"],
    ],
)
def test_an_output_that_is_an_input_is_refused(capsys, tmp_path, argv):
    src = tmp_path / "g.grm"
    src.write_text('import "common.grm"\nintent A = $x | play {genre}\n', encoding="utf-8")
    (tmp_path / "common.grm").write_text("$x = a | b\nslot genre = pop\n", encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text(
        "".join(
            json.dumps({"text": f"play {g}", "intent": "Play", "slots": []}) + "\n"
            for g in ("pop", "rock", "jazz")
        ),
        encoding="utf-8",
    )
    far = tmp_path / "g.far"
    gf.load(src).write_far(far)
    (tmp_path / "link.grm").symlink_to(src)
    names = {"src": src, "common": tmp_path / "common.grm", "far": far, "data": data}
    names["link"] = tmp_path / "link.grm"
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    status, _, err = run(capsys, *(a.format(**names) for a in argv))
    assert status == 2 and "is also an input" in err
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_compile_rewrites_an_archive_in_place_with_a_new_catalogue(capsys, tmp_path):
    far = tmp_path / "toy.far"
    gf.load(TOY).write_far(far)
    values = tmp_path / "genres.txt"
    values.write_text("jazz\nblues\nfolk\n", encoding="utf-8")
    assert run(capsys, "compile", far, "--catalogue", f"genre={values}")[0] == 0
    assert gf.load(far).count() == gf.load(TOY, {"genre": values}).count()


@pytest.mark.parametrize("suffix, include", [("chatette", "|{}"), ("chatito", "import {}")])
@pytest.mark.parametrize("written, said", [
    ("../secret.txt", "is outside the folder of"),
    ("/etc/passwd", "is outside the folder of"),
    ("link.txt", "leads through a link outside the folder of"),
    ("nothing.txt", "is not found"),
    ("sub", "is a folder, not a file"),
])  # fmt: skip
def test_a_template_includes_files_of_its_own_folder_tree_only(
    capsys, project, suffix, include, written, said
):
    (project / "link.txt").symlink_to(project.parent / "secret.txt")
    (project / "sub").mkdir()
    template = grammar(project, include.format(written) + "\n%[a]\n    hi\n", f"t.{suffix}")
    status, out, err = run(capsys, "import", template)
    assert (status, out) == (2, "") and SECRET not in err
    assert err.startswith(f"grammar-fst: error: {template}:1:") and said in err
    assert f"the included file '{written}'" in err


# -- archives written by hand, with right checksums -----------------------------------------

# Offsets in an FST's bytes: the magic number and the type names ("vector" for `.symbols`,
# "const" for the others, then "log"), then version, flags, properties, start, states and
# arcs (40 bytes), then the symbol table that `.symbols` carries.
VECTOR, CONST = 4 + 10 + 7, 4 + 9 + 7
PROPERTIES, STATES, SYMBOLS = 8, 24, 40
MEMORY = 4 << 30  # a child's address space: what asks for more fails in the child
GRAMMAR_FST = [sys.executable, "-m", "grammar_fst"]


def bounded(*command, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`command` in its own process, so that a crash is its exit status rather than the
    end of the test run: at most 60 s and MEMORY bytes, no core file."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return subprocess.run(
        list(map(str, command)),
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limits,
        check=False,
    )


def resigned(archive: Path, key: str, change: Callable[[bytearray], None]) -> None:
    """Change the entry `key` of `archive` in place and write its checksums anew, as
    someone who writes archives by hand can."""
    meta, found = far._checked_layout(archive.read_bytes(), Location(str(archive)))
    entries = {k: bytearray(v) for k, v in found.items()}
    change(entries[key])
    meta["digests"] = {k: far._digest(far._entry(k, bytes(v))) for k, v in entries.items()}
    entries[far.META + json.dumps(meta, sort_keys=True, ensure_ascii=False)] = far.EMPTY
    with archive.open("wb") as out:
        far._write_sttable(out, [far._entry(k, bytes(entries[k])) for k in sorted(entries)])


def put(fmt: str, where: Callable[[bytearray], int], value: int) -> Callable[[bytearray], None]:
    """A change that writes `value` at `where(entry)`."""
    return lambda entry: struct.pack_into(fmt, entry, where(entry), value)


def name_length(entry: bytearray) -> int:
    return struct.unpack_from("<i", entry, VECTOR + SYMBOLS + 4)[0]


def error_bit(entry: bytearray) -> None:
    """Set OpenFst's kError property in an FST's header."""
    at = CONST + PROPERTIES
    struct.pack_into("<Q", entry, at, struct.unpack_from("<Q", entry, at)[0] | openfst.K_ERROR)


SYMBOL_TABLE_FORGERIES = {
    "2^40 states": put("<q", lambda e: VECTOR + STATES, 2**40),
    "-5 states": put("<q", lambda e: VECTOR + STATES, -5),
    "a state of 2^40 arcs": put("<q", lambda e: len(e) - 8, 2**40),
    "-1 symbols": put("<q", lambda e: VECTOR + SYMBOLS + 16 + name_length(e), -1),
    "a name of 2^31 - 1 bytes": put("<i", lambda e: VECTOR + SYMBOLS + 4, 2**31 - 1),
}
COMMANDS = {
    "count": ["count", "toy.far"],
    "sample": ["sample", "toy.far", "-n", "3"],
    "compile": ["compile", "toy.far", "--catalogue", "genre=genres.txt"],
}


def refused(tmp_path: Path, argv: list[str]) -> str:
    """The one line of a command that refuses the archive: exit status 2, no crash."""
    done = bounded(*GRAMMAR_FST, *argv, cwd=tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith("grammar-fst: error: toy.far: damaged archive: ")
    assert done.stderr.count("\n") == 1
    return done.stderr


@pytest.fixture
def archive(tmp_path):
    """toy.far, compiled from the toy grammar, and a catalogue to compile it with."""
    gf.load(TOY).write_far(tmp_path / "toy.far")
    (tmp_path / "genres.txt").write_text("jazz\nblues\n", encoding="utf-8")
    return tmp_path / "toy.far"


@pytest.mark.parametrize("change", SYMBOL_TABLE_FORGERIES.values(), ids=SYMBOL_TABLE_FORGERIES)
def test_a_signed_symbol_table_whose_sizes_lie_is_refused(tmp_path, archive, change):
    resigned(archive, ".symbols", change)
    assert "no readable symbol table" in refused(tmp_path, COMMANDS["count"])


@pytest.mark.parametrize("key", ["intent/PlayMusic", "slot/genre", "rule/some_more"])
@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_a_signed_fst_marked_as_failed_is_refused(tmp_path, archive, key, command):
    resigned(archive, key, error_bit)
    kind, name = key.split("/")
    assert f"{kind} {name}: the FST is marked as" in refused(tmp_path, command)


# -- files without end -----------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["count", "/dev/zero"], ["count", "endless.far"]])
def test_a_file_without_end_is_read_up_to_the_limit(tmp_path, argv):
    (tmp_path / "endless.far").symlink_to("/dev/zero")
    done = bounded(*GRAMMAR_FST, *argv, cwd=tmp_path)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr == (
        f"grammar-fst: error: {argv[1]}: larger than 1 GiB, the most grammar-fst reads of one "
        "file (or a file that never ends)\n"
    )


LIMITED = """import resource, sys
import grammar_fst.model  # pynini and numpy, mapped before the limit
from grammar_fst.cli.main import main
status = open("/proc/self/status").read().split("VmSize:")[1]
limit = int(status.split()[0]) * 1024 + (256 << 20)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.exit(main(sys.argv[1:]))
"""


def test_a_file_larger_than_the_memory_left_is_one_line():
    done = bounded(sys.executable, "-c", LIMITED, "count", "/dev/zero")
    assert done.returncode == 2 and done.stderr == (
        "grammar-fst: error: /dev/zero: cannot read the file: it does not fit in memory\n"
    )


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    with (tmp_path / "huge.grm").open("wb") as out:  # sparse: no disk used
        out.truncate(READ_LIMIT + 1)
    done = bounded(*GRAMMAR_FST, "count", "huge.grm", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr == (
        "grammar-fst: error: huge.grm: larger than 1 GiB, the most grammar-fst reads of one "
        "file (or a file that never ends)\n"
    )


def test_a_grammar_through_a_pipe_is_read():
    done = bounded("bash", "-c", f"{shlex.join(GRAMMAR_FST)} count <(cat {shlex.quote(str(TOY))})")
    assert done.returncode == 0 and done.stdout.endswith("total\t6\n")



def test_the_sets_of_a_partition_are_outputs_like_any_other(capsys, tmp_path):
    """`-o g.grm --partition train=...` writes g.train.grm: never over the grammar read,
    never through a link nobody named."""
    source = tmp_path / "g.train.grm"
    source.write_text("intent A = play (jazz | rock | pop | soul)\n", encoding="utf-8")
    argv = ["--all", "--partition", "train=0.5,test=0.5", "--format", "text"]
    status, _, err = run(capsys, "sample", source, *argv, "-o", tmp_path / "g.grm")
    assert status == 2 and "is also an input" in err
    assert source.read_text(encoding="utf-8").startswith("intent A")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / "out.train.txt").symlink_to(victim)
    status, _, err = run(capsys, "sample", TOY, *argv, "-o", tmp_path / "out.txt")
    assert status == 2 and "is a symbolic link; not writing set train through a link" in err
    assert victim.read_text(encoding="utf-8") == "precious\n"
