"""Writing results to a file atomically, to a folder of shards, or streaming them to
standard output."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .errors import UsageError


def write_text(pieces: Iterable[str], path: str | Path | None) -> None:
    """Write `pieces` of text, one after the other, to `path`, or to stdout when None."""
    if path is None or str(path) == "-":
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    with atomic_file(path, "w") as out:
        for piece in pieces:
            out.write(piece)


def write_bytes(pieces: Iterable[bytes], path: str | Path | None) -> None:
    """Write `pieces` of UTF-8 bytes, one after the other, to `path`, or to stdout when
    None (its text layer when it has no binary one)."""
    if path is None or str(path) == "-":
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        write = binary.write if binary else (lambda piece: sys.stdout.write(piece.decode()))
        for piece in pieces:
            write(piece)
        (binary or sys.stdout).flush()
        return
    with atomic_file(path, "wb") as out:
        for piece in pieces:
            out.write(piece)


SHARD = "part-{:05d}{}"


def is_folder(path: str | Path | None) -> bool:
    """Whether an output name asks for a folder of shards: it ends with a slash."""
    return path is not None and str(path).endswith(("/", os.sep))


def shard_paths(folder: str | Path, suffix: str) -> Iterator[Path]:
    """`part-00000{suffix}`, `part-00001{suffix}`, ... in `folder`, created if missing; a
    folder that already holds shards is refused (a shorter run would leave stale ones)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file; a name ending with / is a folder of shards")
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("part-*")):
        raise UsageError(f"{folder}: already holds shards (part-*); remove them or name another")
    return (folder / SHARD.format(n, suffix) for n in itertools.count())


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str) -> Iterator[IO]:
    """A file to write `path` through: it appears only when the block ends without an
    error (temporary file, then rename), so an interrupted or failed run leaves the
    previous file, if any, untouched. `mode` is "w" (UTF-8 text, "\n" lines) or "wb".

    A link is followed (its target is replaced, the link kept), an existing file keeps
    its permissions, and what is not a regular file (a pipe, /dev/null, a terminal) is
    written to directly, since it cannot be replaced."""
    path = target(path)
    encoding = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise UsageError(f"{path}: is a folder; name a file to write")
        with open(path, mode, **encoding) as out:
            yield out
        return
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, mode, **encoding) as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def target(path: str | Path) -> Path:
    """The file that writing to `path` replaces: the file a link points to (so the link
    stays a link)."""
    if not str(path):
        raise UsageError("the output file name is empty")
    return Path(os.path.realpath(path))


def temporary_beside(path: Path) -> tuple[int, str]:
    """An open temporary file in `path`'s folder, to be renamed onto `path` when done,
    with the permissions `path` has, or those of a new file."""
    if not path.name:
        raise UsageError("the output file name is empty")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist; create it first")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; name a file to write")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise UsageError(f"{path}: cannot write in {folder}: {err.strerror or err}") from None
    if path.is_file():
        mode = path.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # as an ordinary new file would be, not mkstemp's 0600
    os.chmod(tmp, mode)
    return fd, tmp
