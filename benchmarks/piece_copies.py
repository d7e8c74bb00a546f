"""What the ways of handing blocks over through files cost (`grammar_fst/pieces.py`): CPU
seconds of this process for writing a block's bytes to a piece (a new file per block,
deleted once read, or one of a ring of files rewritten in place), and for copying a
piece into an output file or a pipe (`copy_file_range`, `sendfile`, a read and a write).

    nice .venv/bin/python benchmarks/piece_copies.py --blocks 600

Each block is 2 MB of jsonl-like lines (a 10-million-line jsonl run has 1,221 blocks of
about that size). The folder is a scratch folder beside the benchmark's temporary files;
the pipe's reader is a `cat` to /dev/null (its CPU is not counted). Each measurement
starts after a `sync`, and the median of `--repeat` interleaved runs is shown.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

LINE = b'{"text": "play the new album by the beatles", "intent": "PlayMusic"}' * 2 + b"\n"
BLOCK = LINE * (2_000_000 // len(LINE))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], None]) -> float:
    """CPU seconds of `work`, started with no dirty page in the page cache: pages left
    dirty by earlier work make a writer pay for writeback, seconds at random."""
    os.sync()
    start = cpu()
    work()
    return cpu() - start


def new_files(folder: Path, blocks: int) -> float:
    """A new file per block, read back and deleted (as when each piece is removed)."""
    buffer = bytearray(len(BLOCK))

    def work() -> None:
        for index in range(blocks):
            path = folder / str(index)
            path.write_bytes(BLOCK)
            with open(path, "rb", buffering=0) as piece:
                piece.readinto(buffer)
            path.unlink()

    return timed(work)


def ring(folder: Path, blocks: int, slots: int = 5) -> float:
    """A ring of files rewritten in place, each read back (as `pieces.Ring` does)."""
    buffer = bytearray(len(BLOCK))

    def work() -> None:
        for index in range(blocks):
            made = os.open(folder / f"slot{index % slots}", os.O_WRONLY | os.O_CREAT, 0o600)
            with open(made, "wb") as piece:
                piece.write(BLOCK)
            with open(folder / f"slot{index % slots}", "rb", buffering=0) as piece:
                piece.readinto(buffer)

    return timed(work)


def _read_write(source: int, out: int, buffer: bytearray) -> None:
    view = memoryview(buffer)[: os.readv(source, [buffer])]
    while view:
        view = view[os.write(out, view) :]


def _copy_file_range(source: int, out: int, buffer: bytearray) -> None:
    os.copy_file_range(source, out, len(BLOCK), 0)


def _sendfile(source: int, out: int, buffer: bytearray) -> None:
    done = 0
    while done < len(BLOCK):
        done += os.sendfile(out, source, done, len(BLOCK) - done)


WAYS = {"read + write": _read_write, "copy_file_range": _copy_file_range, "sendfile": _sendfile}


def copies(folder: Path, blocks: int, way: str, to: str) -> float:
    """A piece copied `blocks` times to a new file in `folder`, or to a pipe."""
    piece = folder / "piece"
    piece.write_bytes(BLOCK)
    buffer = bytearray(len(BLOCK))
    reader = None
    if to == "pipe":
        reader = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        out = reader.stdin.fileno()
    else:
        out = os.open(folder / "out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def work() -> None:
        for _ in range(blocks):
            source = os.open(piece, os.O_RDONLY)
            WAYS[way](source, out, buffer)
            os.close(source)

    spent = timed(work)
    if reader is not None:
        reader.stdin.close()
        reader.wait()
    else:
        os.close(out)
        (folder / "out").unlink()
    piece.unlink()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=600, help="blocks of 2 MB")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the median shown")
    parser.add_argument("--folder", type=Path, help="where to write (default: a temporary one)")
    args = parser.parse_args()
    gb = args.blocks * len(BLOCK) / 1e9
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        lines = [
            f"| {args.blocks} blocks of 2 MB ({gb:.1f} GB) | CPU s (median of {args.repeat}) "
            "| CPU s a GB |",
            "|---|---:|---:|",
        ]
        rows: dict[str, list[float]] = {}
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits each alike
            rows.setdefault("piece: a new file per block, deleted", []).append(
                new_files(folder, args.blocks)
            )
            rows.setdefault("piece: a ring of 5 files rewritten", []).append(
                ring(folder, args.blocks)
            )
            for to in ("file", "pipe"):
                for way in WAYS:
                    if way == "copy_file_range" and to == "pipe":
                        continue  # between regular files only
                    spent = copies(folder, args.blocks, way, to)
                    rows.setdefault(f"copy to a {to}: {way}", []).append(spent)
        for name, spent in rows.items():
            median = statistics.median(spent)
            lines.append(f"| {name} | {median:.2f} | {median / gb:.2f} |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
