"""Pieces: worker processes hand their blocks' bytes to the main process through files,
not through the process pool's pipe.

Sent back through the pipe, every byte a worker renders is pickled, read and written
again by the main process, which then takes a good part of a core that the workers
need (3.6 CPU s for 10 million jsonl lines). Instead, each worker writes a block's
bytes to a file of its own (`put`) in a folder the main process made (`folder`), and
gives back only where they are (a `Piece`); the main process copies the pieces into the
output in block order inside the kernel (`Joiner`: `copy_file_range` to a file,
`sendfile` to a pipe, a plain read and write where neither works) and deletes each one
once copied. The bytes are those one process writes.

Cost: the folder holds only the blocks in flight (a few per worker, a megabyte or two
each), never the output. Each byte goes through the page cache twice (its piece, then
the output); a piece is deleted moments after it is written, usually before it reaches
the disk. The folder is made beside the output file, so the copy stays on one
filesystem, or in the temporary folder when writing to standard output or to what is
not a regular file.

The folder is named like `output`'s temporary files (`.OUT.PID.XXXXXXXX.pieces`, or
`grammar-fst.PID.XXXXXXXX.pieces` in the temporary folder), removed when the run ends,
fails or is stopped by a signal (`signals`), and removed by a later run when its process
is gone (`output.remove_stale_in`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from . import output, signals
from .errors import OutputError, UsageError

SUFFIX = ".pieces"
IN_TEMPORARY = "grammar-fst."  # the start of a folder's name in the temporary folder

# what copy_file_range or sendfile answer when they cannot copy between these two files
# (another filesystem, not a regular file, an output opened to append, an old kernel)
CANNOT = {errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOSYS, errno.EBADF}


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


Copy = Callable[[int, int, int, int], int]  # (from, to, offset, count) -> bytes copied


def _copy_file_range(source: int, to: int, offset: int, count: int) -> int:
    return os.copy_file_range(source, to, count, offset)


def _sendfile(source: int, to: int, offset: int, count: int) -> int:
    return os.sendfile(to, source, offset, count)


class Joiner:
    """Copies pieces, one after the other, to the end of what was written to `out` (a
    binary file), then deletes them: by the first of `copy_file_range` and `sendfile`
    that works on `out`, else read and written (an `out` with no file descriptor)."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        try:
            self.to = out.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
            self.to = -1
        self.ways: list[Copy] = [_copy_file_range, _sendfile] if self.to >= 0 else []

    def join(self, piece: Piece) -> None:
        """Copy `piece` to `out`, then delete it."""
        self.out.flush()  # what was written before it goes first
        with open(piece.path, "rb") as source:
            done = 0
            while self.ways and done < piece.size:
                try:
                    copied = self.ways[0](source.fileno(), self.to, done, piece.size - done)
                except OSError as err:
                    if err.errno not in CANNOT:
                        raise
                    del self.ways[0]  # not between these files: the next way, from here
                    continue
                if not copied:
                    break
                done += copied
            if done < piece.size:
                source.seek(done)
                shutil.copyfileobj(source, self.out)
        os.unlink(piece.path)
