"""The workers of a local Dask cluster hand their blocks to the output as files
(`pieces`): a ring of files rewritten in place, copied after what was written before,
a folder removed with what is left in it, and one that a killed run left removed by the
next (the command's bytes through the ring: tests/test_dask.py)."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest

from grammar_fst import pieces


def _all_of(fd: int) -> bytes:
    with open(fd, "rb") as pipe:
        return pipe.read()


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


@pytest.mark.parametrize("in_temporary", [False, True])
def test_the_folders_of_runs_that_are_gone_are_removed(tmp_path, monkeypatch, in_temporary):
    """Those of a process still running are kept, and a link planted under such a name
    is never followed."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    start = pieces.IN_TEMPORARY if in_temporary else ".keep.jsonl."
    gone = tmp_path / f"{start}999999998.abcd1234.pieces"  # a run killed outright
    gone.mkdir()
    (gone / "0").write_text("a piece\n", encoding="utf-8")
    alive = tmp_path / f"{start}{os.getpid()}.abcd1234.pieces"
    alive.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "0").write_text("kept\n", encoding="utf-8")
    planted = tmp_path / f"{start}999999999.abcd1234.pieces"
    planted.symlink_to(elsewhere)
    with pieces.folder(None if in_temporary else tmp_path / "keep.jsonl"):
        pass
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".pieces"))
    assert left == sorted([alive.name, planted.name])
    assert (elsewhere / "0").read_text(encoding="utf-8") == "kept\n"
