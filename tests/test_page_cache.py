"""A large output's written pages are let go as it grows (`page_cache`): every `STEP` bytes,
for a regular file, by whichever process writes (the main one, or forked workers in
their turns); never for a pipe, and never for an output smaller than a step. The bytes
are those written without it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from grammar_fst import output, page_cache
from grammar_fst.cli.main import main

MUSIC = Path(__file__).parent.parent / "grammars" / "music.grm"


@pytest.fixture
def advised(monkeypatch, tmp_path) -> Path:
    """A log of the advice given (a line `pid offset length` per call, from any process
    forked after), with steps of 64 KB."""
    log = tmp_path / "advice.log"
    advise = os.posix_fadvise

    def logged(fd, offset, length, advice):
        assert advice == os.POSIX_FADV_DONTNEED
        with open(log, "a") as notes:
            notes.write(f"{os.getpid()} {offset} {length}\n")
        advise(fd, offset, length, advice)

    monkeypatch.setattr(page_cache, "STEP", 1 << 16)
    monkeypatch.setattr(os, "posix_fadvise", logged)
    return log


def calls(log: Path) -> list[tuple[int, int, int]]:
    if not log.exists():
        return []
    return [tuple(map(int, line.split())) for line in log.read_text().splitlines()]


def test_a_file_is_let_go_step_by_step_and_keeps_its_bytes(advised, tmp_path):
    parts = [bytes([65 + i % 26]) * 40_000 for i in range(10)]  # 400,000 bytes
    out = tmp_path / "out.bin"
    output.write_bytes(parts, out)
    assert out.read_bytes() == b"".join(parts)
    advice = calls(advised)
    # past 64 KB, then at least 64 KB further each time: 80,000, 160,000, ..., 400,000
    assert [length for _, _, length in advice] == [80_000 * k for k in range(1, 6)]
    assert {offset for _, offset, _ in advice} == {0}


def test_an_output_smaller_than_a_step_is_left_alone(advised, tmp_path):
    output.write_bytes([b"x" * 60_000], tmp_path / "small.bin")
    assert calls(advised) == []


def test_a_pipe_is_never_advised(advised):
    read, write = os.pipe()
    got = bytearray()

    def drain():
        with open(read, "rb") as pipe:
            got.extend(pipe.read())

    reader = threading.Thread(target=drain)
    reader.start()
    with open(write, "wb") as pipe:
        output.write_parts([b"y" * 50_000] * 4, pipe)
    reader.join()
    assert bytes(got) == b"y" * 200_000
    assert calls(advised) == []


def test_forked_workers_let_go_what_they_write(advised, tmp_path):
    far = tmp_path / "music.far"
    assert main(["compile", str(MUSIC), "-o", str(far)]) == 0
    run = ["sample", str(far), "-n", "20000", "--seed", "5", "--no-unique"]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main([*run, "--jobs", "1", "-o", str(one)]) == 0
    by_main = calls(advised)
    advised.unlink()
    assert main([*run, "--jobs", "2", "-o", str(two)]) == 0
    by_workers = calls(advised)
    assert two.read_bytes() == one.read_bytes()
    assert by_main and {pid for pid, _, _ in by_main} == {os.getpid()}
    assert by_workers and os.getpid() not in {pid for pid, _, _ in by_workers}
    size = one.stat().st_size
    for advice in (by_main, by_workers):
        lengths = [length for _, _, length in advice]
        assert lengths == sorted(lengths) and lengths[-1] <= size
        assert size - lengths[-1] < 2 * page_cache.STEP  # never more than two steps behind
