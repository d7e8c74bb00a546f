"""Pieces: worker processes hand their blocks' bytes to the main process through files,
not through the process pool's pipe.

Sent back through the pipe, every byte a worker renders is pickled, read and written
again by the main process, which then takes a good part of a core that the workers
need (3.6 CPU s for 10 million jsonl lines). Instead, each worker writes a block's
bytes to a file of its own (`put`) in a folder the main process made (`folder`), and
gives back only where they are (a `Piece`); the main process copies the pieces into the
output in block order (`Joiner`: `sendfile` to a pipe, inside the kernel; read and
written to a file) and deletes each one once copied. The bytes are those one process
writes.

Cost: the folder holds only the blocks in flight (a few per worker, a megabyte or two
each), never the output. Each byte goes through the page cache twice (its piece, then
the output); a piece is deleted moments after it is written, usually before it reaches
the disk. The folder is made beside the output file, on the disk that takes the output
anyway (a full one is then the output's error), or in the temporary folder when writing
to standard output or to what is not a regular file.

The folder is named like `output`'s temporary files (`.OUT.PID.XXXXXXXX.pieces`, or
`grammar-fst.PID.XXXXXXXX.pieces` in the temporary folder), removed when the run ends,
fails or is stopped by a signal (`signals`), and removed by a later run when its process
is gone (`output.remove_stale_in`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import output, signals
from .errors import OutputError, UsageError

SUFFIX = ".pieces"
IN_TEMPORARY = "grammar-fst."  # the start of a folder's name in the temporary folder

# what sendfile answers when it cannot copy to the output (a kind of file it cannot write
# to, an output opened to append, a kernel without it)
CANNOT = {errno.EINVAL, errno.EOPNOTSUPP, errno.ENOSYS, errno.EBADF}


@dataclass(frozen=True)
class Piece:
    """A block's lines, `size` bytes in the file at `path`: what a worker gives back."""

    path: str
    size: int
    count: int  # lines

    def __len__(self) -> int:
        return self.count


def put(folder: str, index: int, data: bytes, count: int) -> Piece:
    """Block number `index`'s `count` lines, `data`, written to a new file in `folder`
    (in a worker process)."""
    path = os.path.join(folder, str(index))
    try:
        with open(path, "xb") as piece:
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
            raise UsageError(f"{written}: cannot write in {where}: {err.strerror or err}") from None
        signals.TEMPORARIES.add(made)
    try:
        yield made
    except OSError as err:
        if not str(err.filename or "").startswith(made + os.sep):
            raise
        if start == IN_TEMPORARY:  # the blocks on their way out, not the output
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
    binary file), then deletes them.

    To a pipe, or anything else that is not a regular file, with `sendfile`, which hands
    the piece's pages over without copying them through this process. To a regular file
    by a read into a buffer and a write, which costs less: on Linux 6.18's ext4,
    `copy_file_range` and `sendfile` between two files copy through a pipe in the kernel
    at about 0.5 CPU s a GB, a read and write at about 0.35 (docs/benchmarks.md). An
    `out` without a file descriptor is written the bytes."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        try:
            self.to = out.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
            self.to = -1
        self.sends = self.to >= 0 and not stat.S_ISREG(os.fstat(self.to).st_mode)
        self.buffer = bytearray()

    def join(self, piece: Piece) -> None:
        """Copy `piece` to `out`, then delete it."""
        self.out.flush()  # what was written before it goes first
        with open(piece.path, "rb", buffering=0) as source:
            done = self._sent(source.fileno(), piece.size) if self.sends else 0
            if done < piece.size:
                self._copied(source, done, piece.size)
        os.unlink(piece.path)

    def _sent(self, source: int, size: int) -> int:
        """How much of `source`'s first `size` bytes `sendfile` copied (all of them, or
        none where it cannot copy to `out`: then it is not tried again)."""
        done = 0
        while done < size:
            try:
                sent = os.sendfile(self.to, source, done, size - done)
            except OSError as err:
                if err.errno not in CANNOT:
                    raise
                self.sends = False
                break
            if not sent:
                break
            done += sent
        return done

    def _copied(self, source: IO[bytes], done: int, size: int) -> None:
        """`source`'s bytes from `done` to `size` read and written to `out`."""
        if len(self.buffer) < size - done:
            self.buffer = bytearray(size - done)  # kept for the next piece
        view = memoryview(self.buffer)[: size - done]
        source.seek(done)
        got = 0
        while got < len(view) and (read := source.readinto(view[got:])):
            got += read
        self.out.write(view[:got])
