"""`sample --jobs N`: forked workers write their blocks straight into the output, in
block order (`turns`): the bytes of `--jobs 1` in every line format, to a file, a pipe,
/dev/null or a stream with no file descriptor (there the blocks come back through the
pool); a block that cannot be rendered or written is the run's error, with nothing
left behind and no worker left waiting."""

from __future__ import annotations

import io
import multiprocessing
import os
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from grammar_fst import turns
from grammar_fst.cli.main import main
from grammar_fst.data import formats
from grammar_fst.data.formats import jsonl
from grammar_fst.model import load
from grammar_fst.sampling import plan

MUSIC = Path(__file__).parent.parent / "grammars" / "music.grm"
N = 20_000  # three blocks
LINE_FORMATS = [f.name for f in formats.FORMATS if f.line_writer(locale=None) is not None]


@pytest.fixture(scope="module")
def far(tmp_path_factory) -> Path:
    compiled = tmp_path_factory.mktemp("far") / "music.far"
    assert main(["compile", str(MUSIC), "-o", str(compiled)]) == 0
    return compiled


@pytest.fixture
def finished(monkeypatch) -> list[int]:
    """How many blocks each run's workers wrote into the output themselves."""
    counts: list[int] = []
    finish = turns.Turns.finish

    def counted(self, blocks):
        finish(self, blocks)
        counts.append(blocks)

    monkeypatch.setattr(turns.Turns, "finish", counted)
    return counts


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
def test_the_bytes_of_one_process_to_a_file_and_a_pipe(far, tmp_path, monkeypatch, finished, fmt):
    one = to_file(far, fmt, 1, tmp_path / "one")
    assert finished == []  # one process writes its blocks itself
    assert to_file(far, fmt, 2, tmp_path / "two") == one
    assert to_pipe(far, fmt, 2, monkeypatch) == one
    assert finished == [3, 3] and left_in(tmp_path) == []


def test_dev_null_as_a_name_and_as_standard_output(far, monkeypatch, finished):
    assert main(argv(far, "jsonl", 2, "-o", os.devnull)) == 0
    with open(os.devnull, "w") as null:
        monkeypatch.setattr(sys, "stdout", null)
        assert main(argv(far, "jsonl", 2)) == 0
    assert finished == [3, 3]


def test_a_stream_without_a_file_descriptor_is_written_the_bytes(
    far, tmp_path, monkeypatch, finished
):
    one = to_file(far, "text", 1, tmp_path / "one")
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(argv(far, "text", 2)) == 0
    assert stream.buffer.getvalue() == one
    text = io.StringIO()  # no binary layer at all (a notebook's, a test's)
    monkeypatch.setattr(sys, "stdout", text)
    assert main(argv(far, "text", 2)) == 0
    assert text.getvalue() == one.decode() and finished == []  # back through the pool


def test_not_in_turn_where_blocks_are_not_joined(far, tmp_path, finished):
    """--unique drops repeats line by line, a folder of shards takes each block as is."""
    assert main([*argv(far, "jsonl", 2, "-o", str(tmp_path / "u.jsonl")), "--unique"]) == 0
    assert main(argv(far, "jsonl", 2, "-o", f"{tmp_path / 'shards'}/")) == 0
    assert finished == [] and len(list((tmp_path / "shards").iterdir())) == 3


def test_covering_sentences_first_then_the_workers_blocks(tmp_path, finished):
    """The main process writes the covering sentences, then the workers their blocks."""
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    for jobs, out in ((1, one), (2, two)):
        argv = ["sample", str(MUSIC), "-n", str(N), "--cover", "--format", "text"]
        assert main([*argv, "--jobs", str(jobs), "-o", str(out)]) == 0
    assert two.read_bytes() == one.read_bytes() and finished == [3]


def test_a_reader_that_goes_away_is_no_error_and_leaves_no_worker(far, tmp_path):
    command = [sys.executable, "-m", "grammar_fst", "sample", str(far), "-n", "1000000"]
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{shlex.join(command)} --jobs 2 | head -1"],
        env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(MUSIC.parents[1])},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "" and len(done.stdout.splitlines()) == 1
    assert left_in(tmp_path) == []


def _blocks(count: int, size: int = 100_000) -> list[bytes]:
    return [f"block {i} ".encode() * (size // 8) + b"\n" for i in range(count)]


def _render_in_reverse(shared: turns.Turns, index: int, done) -> None:
    """A worker rendering block `index` of ten, the later the block the sooner, that
    lives on (as a pool's workers do) until the main process is `done`."""
    import time

    time.sleep(0.02 * (9 - index))
    data = _blocks(10)[index]
    shared.render(index, lambda: plan.Chunk(data, 1))
    done.wait()


def _workers(shared: turns.Turns, count: int):
    """`count` forked workers rendering blocks 0, 1, ..., and the event that ends them."""
    context = multiprocessing.get_context("fork")
    done = context.Event()
    workers = [
        context.Process(target=_render_in_reverse, args=(shared, i, done)) for i in range(count)
    ]
    for worker in workers:
        worker.start()
    return workers, done


def test_blocks_rendered_in_any_order_are_written_in_theirs(tmp_path):
    out = tmp_path / "out"
    with open(out, "wb") as opened:
        opened.write(b"before\n")  # buffered: flushed before the workers write
        shared = turns.for_output(opened, ahead=10)
        assert shared is not None
        workers, done = _workers(shared, 10)
        shared.finish(10)
        done.set()
        for worker in workers:
            worker.join()
    assert out.read_bytes() == b"before\n" + b"".join(_blocks(10))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_failed_write_is_the_output_s_error():
    with open("/dev/full", "wb") as full:
        shared = turns.for_output(full, ahead=2)
        assert shared is not None
        workers, done = _workers(shared, 1)
        with pytest.raises(turns.Unwritten, match="No space left on device"):
            shared.finish(1)
        done.set()
        workers[0].join()


def test_blocks_after_one_that_failed_give_up_and_its_error_is_raised(tmp_path, monkeypatch):
    """A worker that cannot render block 1 (inherited by the forked workers): the run
    raises its error, not the later blocks', and leaves no worker waiting for block 1's
    turn."""
    lines = plan.Job.lines

    def failing(self, block):
        if block.index == 1:
            raise RuntimeError("block 1 cannot be rendered")
        return lines(self, block)

    monkeypatch.setattr(plan.Job, "lines", failing)
    grammar = load(MUSIC)
    out = tmp_path / "out.jsonl"
    with open(out, "wb") as opened:
        shared = turns.for_output(opened, ahead=4)
        blocks = grammar.sample_blocks(
            100_000, render=jsonl.line, chunks=True, jobs=2, turns=shared
        )
        with pytest.raises(RuntimeError, match="block 1 cannot be rendered"):
            list(blocks)
    # block 0 at most (its worker may be stopped before it is written), never a later one
    assert len(out.read_bytes().splitlines()) in (0, plan.BLOCK)


def test_a_run_stopped_early_ends_the_turns_still_waiting():
    """The main process stops after the first block, while the workers' writes wait for
    a reader that never reads (a pipe): those waiting for their turns give up, and the
    run ends rather than wait for them."""
    grammar = load(MUSIC)
    read, write = os.pipe()
    with open(write, "wb") as unread:
        shared = turns.for_output(unread, ahead=1)
        blocks = grammar.sample_blocks(
            1_000_000, render=jsonl.line, chunks=True, jobs=2, turns=shared
        )
        assert isinstance(next(blocks), turns.Written)
        shared.stop()
        closing = threading.Thread(target=blocks.close)  # waits for the workers
        closing.start()
        closing.join(timeout=30)
        stuck = closing.is_alive()
        threading.Thread(target=_all_of, args=(read,), daemon=True).start()  # unstuck
        closing.join()
    assert not stuck
