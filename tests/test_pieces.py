"""`sample --jobs N` hands the workers' blocks to the output as files (`pieces`): the
bytes of `--jobs 1` in every line format, to a file, a pipe, /dev/null or a stream with
no file descriptor, by whichever copy works, and no folder of pieces left behind."""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from grammar_fst import pieces
from grammar_fst.cli.main import main
from grammar_fst.data import formats

MUSIC = Path(__file__).parent.parent / "grammars" / "music.grm"
N = 20_000  # three blocks
LINE_FORMATS = [f.name for f in formats.FORMATS if f.line_writer(locale=None) is not None]


@pytest.fixture(scope="module")
def far(tmp_path_factory) -> Path:
    compiled = tmp_path_factory.mktemp("far") / "music.far"
    assert main(["compile", str(MUSIC), "-o", str(compiled)]) == 0
    return compiled


@pytest.fixture
def joined(monkeypatch, tmp_path) -> list[int]:
    """The sizes of the pieces the main process joins; the temporary folder is a fresh
    one of the test's (where pieces for standard output go)."""
    sizes: list[int] = []
    join = pieces.Joiner.join

    def counted(self, piece):
        sizes.append(piece.size)
        join(self, piece)

    monkeypatch.setattr(pieces.Joiner, "join", counted)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    return sizes


def argv(far: Path, fmt: str, jobs: int, *more: str) -> list[str]:
    common = ["sample", str(far), "-n", str(N), "--seed", "7", "--no-unique", "--format", fmt]
    return [*common, "--jobs", str(jobs), *more]


def to_file(far: Path, fmt: str, jobs: int, out: Path) -> bytes:
    assert main(argv(far, fmt, jobs, "-o", str(out))) == 0
    return out.read_bytes()


def to_pipe(far: Path, fmt: str, jobs: int, monkeypatch) -> bytes:
    """What the run writes to standard output when that is a pipe."""
    read, write = os.pipe()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(_all_of(read)))
    reader.start()
    with open(write, "w", encoding="utf-8") as stdout:
        monkeypatch.setattr(sys, "stdout", stdout)
        status = main(argv(far, fmt, jobs))
    reader.join()
    assert status == 0
    return got[0]


def _all_of(fd: int) -> bytes:
    with open(fd, "rb") as pipe:
        return pipe.read()


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".pieces", ".tmp")))


@pytest.mark.parametrize("fmt", LINE_FORMATS)
def test_the_bytes_of_one_process_to_a_file_and_a_pipe(far, tmp_path, monkeypatch, joined, fmt):
    one = to_file(far, fmt, 1, tmp_path / "one")
    assert joined == []  # one process writes its blocks itself
    assert to_file(far, fmt, 2, tmp_path / "two") == one
    assert len(joined) == 3 and sum(joined) == len(one)
    assert to_pipe(far, fmt, 2, monkeypatch) == one and len(joined) == 6
    assert left_in(tmp_path) == [] and left_in(tmp_path / "temporary") == []


def test_dev_null_as_a_name_and_as_standard_output(far, tmp_path, monkeypatch, joined):
    assert main(argv(far, "jsonl", 2, "-o", os.devnull)) == 0
    with open(os.devnull, "w") as null:
        monkeypatch.setattr(sys, "stdout", null)
        assert main(argv(far, "jsonl", 2)) == 0
    assert len(joined) == 6 and left_in(tmp_path / "temporary") == []


def test_a_stream_without_a_file_descriptor_is_written_the_bytes(far, tmp_path, monkeypatch):
    one = to_file(far, "text", 1, tmp_path / "one")
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(argv(far, "text", 2)) == 0
    assert stream.buffer.getvalue() == one
    text = io.StringIO()  # no binary layer at all (a notebook's, a test's)
    monkeypatch.setattr(sys, "stdout", text)
    assert main(argv(far, "text", 2)) == 0
    assert text.getvalue() == one.decode()


def test_no_pieces_where_they_would_not_be_joined(far, tmp_path, joined):
    """--unique drops repeats line by line, a folder of shards takes each block as is."""
    assert main([*argv(far, "jsonl", 2, "-o", str(tmp_path / "u.jsonl")), "--unique"]) == 0
    assert main(argv(far, "jsonl", 2, "-o", f"{tmp_path / 'shards'}/")) == 0
    assert joined == [] and len(list((tmp_path / "shards").iterdir())) == 3


def test_a_block_rewrites_the_file_of_the_block_a_ring_before_it(tmp_path):
    ring = pieces.Ring(str(tmp_path), 3)
    first = ring.put(4, b"a long first block\n" * 100, 100)
    later = ring.put(7, b"a shorter one\n", 1)
    assert first.path == later.path and len(later) == 1
    with open(tmp_path / "out", "wb") as out:
        pieces.Joiner(out).join(later)
    assert (tmp_path / "out").read_bytes() == b"a shorter one\n"  # not what is past it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1", "out"]


DATA = "".join(f"line {i} é\n" for i in range(50_000)).encode()


@pytest.mark.parametrize("to", ["file", "pipe"])
def test_pieces_after_what_was_written_before(tmp_path, to):
    ring = pieces.Ring(str(tmp_path / "ring"), 2)
    (tmp_path / "ring").mkdir()
    read, write = os.pipe()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(_all_of(read)))
    reader.start()
    with open(write if to == "pipe" else tmp_path / "out", "wb") as out:
        out.write(b"before\n")  # buffered: it goes first
        joiner = pieces.Joiner(out)
        for index, data in enumerate([DATA, b"after\n", DATA[:1000]]):
            joiner.join(ring.put(index, data, data.count(b"\n")))
    if to == "file":
        os.close(write)
    reader.join()
    written = got[0] if to == "pipe" else (tmp_path / "out").read_bytes()
    assert written == b"before\n" + DATA + b"after\n" + DATA[:1000]


def test_the_folder_goes_with_what_is_left_in_it(tmp_path):
    out = tmp_path / "out.jsonl"
    with pieces.folder(out) as made:
        assert Path(made).parent == tmp_path and Path(made).name.startswith(".out.jsonl.")
        pieces.Ring(made, 2).put(0, b"never joined\n", 1)
    assert list(tmp_path.iterdir()) == []


def test_a_piece_that_cannot_be_written_names_the_output(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(Exception, match=f"cannot write {out}: Too many levels") as failed:
        with pieces.folder(out) as made:
            os.symlink(tmp_path / "elsewhere", Path(made) / "0")  # never followed
            pieces.Ring(made, 2).put(0, b"line\n", 1)
    assert type(failed.value).__name__ == "OutputError" and list(tmp_path.iterdir()) == []


def test_covering_sentences_first_then_the_pieces(tmp_path, joined):
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    for jobs, out in ((1, one), (2, two)):
        argv = ["sample", str(MUSIC), "-n", str(N), "--cover", "--format", "text"]
        assert main([*argv, "--jobs", str(jobs), "-o", str(out)]) == 0
    assert two.read_bytes() == one.read_bytes() and len(joined) == 3


def test_a_reader_that_goes_away_is_no_error_and_leaves_no_folder(far, tmp_path):
    command = [sys.executable, "-m", "grammar_fst", "sample", str(far), "-n", "1000000"]
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{shlex.join(command)} --jobs 2 | head -1"],
        env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(MUSIC.parents[1])},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.splitlines()) == 1
    assert left_in(tmp_path) == []
