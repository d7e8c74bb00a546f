"""Pieces: the spawned workers of a local Dask cluster (`--dask local:N` where the main
process could not fork them, `parallel.forks_here`) hand their blocks' bytes to the main
process through files, not through the cluster's connections.

Sent back through the connections, every byte a worker renders is pickled, read and
written again by the main process, in two event loops. The workers see this machine's
files, but are not forked from the main process, so they cannot write into the output
themselves as forked workers do (`turns`). Instead, each worker writes a block's
bytes to a file (`Ring.put`) in a folder the main process made (`folder`), and gives
back only where they are (a `Piece`); the main process copies the pieces into the output
in block order (`Joiner`), without making a Python object of a line. The bytes are
those one process writes.

The folder holds a ring of files, one per block in flight (`parallel.in_flight`, and one
more), each rewritten in place by the block that comes that many blocks later: the main
process is done with a piece before it asks for the next block, and never has more
blocks asked for than that. Rewritten files keep their pages in the page cache, which
costs half the CPU time of a new file per block (pages allocated, then freed:
benchmarks/piece_copies.py). So the pieces take a few megabytes of disk (a file per
block in flight, of the largest block's size), never the output's; each byte is copied
twice (into its piece, then into the output), and the pieces' pages are written back to
the disk now and then.

The folder is made beside the output file, on the disk that takes the output anyway (a
full one is then the output's error), or in the temporary folder when writing to
standard output or to what is not a regular file. It is named like `output`'s temporary
files (`.OUT.PID.XXXXXXXX.pieces`, or `grammar-fst.PID.XXXXXXXX.pieces` in the
temporary folder), removed when the run ends, fails or is stopped by a signal
(`signals`), and removed by a later run when its process is gone
(`output.remove_stale_in`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import output, signals
from .errors import OutputError, UsageError

SUFFIX = ".pieces"
IN_TEMPORARY = "grammar-fst."  # the start of a folder's name in the temporary folder


@dataclass(frozen=True)
class Piece:
    """A block's lines, the first `size` bytes of the file at `path`: what a worker
    gives back. Valid until the block that rewrites the file is asked for."""

    path: str
    size: int
    count: int  # lines

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True)
class Ring:
    """Where worker processes write their blocks: block i to file i % `slots` of
    `folder`, rewritten in place (see above)."""

    folder: str
    slots: int

    def put(self, index: int, data: bytes, count: int) -> Piece:
        """Block number `index`'s `count` lines, `data`, written to its file (in a worker
        process)."""
        path = os.path.join(self.folder, str(index % self.slots))
        try:
            made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            with open(made, "wb") as piece:  # from the start; what is past `size` is stale
                piece.write(data)
        except OSError as err:  # a full disk: say where, so that `folder` names the output
            raise OSError(err.errno, err.strerror, path) from None
        return Piece(path, len(data), count)


@contextlib.contextmanager
def folder(written: str | Path | None) -> Iterator[str]:
    """A new folder for the pieces of a run that writes to `written` (a file name, or
    None or "-" for standard output), removed with what is left in it when the block
    ends or a signal stops the run. A failure to write a piece in it (a full disk) is an
    OutputError naming `written`."""
    where, start = _place(written)
    output.remove_stale_in(where, start)
    with signals.held():  # made and listed for removal as one step
        try:
            made = tempfile.mkdtemp(prefix=f"{start}{os.getpid()}.", suffix=SUFFIX, dir=where)
        except OSError as err:
            said = f"cannot write in {where}: {err.strerror or err}"
            raise UsageError(said if start == IN_TEMPORARY else f"{written}: {said}") from None
        signals.TEMPORARIES.add(made)
    try:
        yield made
    except OSError as err:
        if not str(err.filename or "").startswith(made + os.sep):
            raise
        if start == IN_TEMPORARY or written is None:  # the blocks on their way out
            raise OutputError(f"cannot write in {where}: {err.strerror or err}") from None
        path = output.target(written)  # as `output.atomic_file` names it
        raise OutputError(f"cannot write {path}: {err.strerror or err}; {output.KEPT}") from None
    finally:
        signals.remove(made)
        signals.TEMPORARIES.discard(made)


def _place(written: str | Path | None) -> tuple[str, str]:
    """The folder to make the pieces' folder in, and the start of its name: beside a
    regular file (made or to be made), else in the temporary folder."""
    if written not in (None, "-"):
        path = output.target(written)
        if path.parent.is_dir() and (path.is_file() or not path.exists()):
            return str(path.parent), f".{path.name}."
    return tempfile.gettempdir(), IN_TEMPORARY


class Joiner:
    """Copies pieces, one after the other, to the end of what was written to `out` (a
    binary file): each is read into a buffer, kept for the next, and written.

    A read and a write cost less CPU than `copy_file_range` or `sendfile` from file to
    file (on Linux 6.18's ext4 both copy through a pipe in the kernel: about 0.38 CPU s
    a GB, against 0.27; benchmarks/piece_copies.py). `sendfile` to a pipe would cost
    less, but it hands over the piece's pages themselves, which the block written to
    that file next would change before the reader reads them."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.buffer = bytearray()

    def join(self, piece: Piece) -> None:
        """Copy `piece` to `out`. A piece that cannot be read is an `Unwritten` (the
        block did not reach the output); a failed write to `out` raises its own error
        (a reader gone away is a BrokenPipeError, as for any write)."""
        from .turns import Unwritten

        if len(self.buffer) < piece.size:
            self.buffer = bytearray(piece.size)
        view = memoryview(self.buffer)[: piece.size]
        try:
            with open(piece.path, "rb", buffering=0) as source:
                got = 0
                while got < piece.size and (read := source.readinto(view[got:])):
                    got += read
        except OSError as err:
            raise Unwritten(err.errno, err.strerror) from None
        if got < piece.size:
            raise Unwritten(errno.EIO, "a piece is shorter than its block")
        self.out.write(view)
