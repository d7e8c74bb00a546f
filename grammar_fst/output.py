"""Writing results to a file atomically, or streaming them to standard output."""

from __future__ import annotations

import contextlib
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
    with atomic_file(Path(path), "w") as out:
        for piece in pieces:
            out.write(piece)


@contextlib.contextmanager
def atomic_file(path: Path, mode: str) -> Iterator[IO]:
    """A file to write `path` through: it appears only when the block ends without an
    error (temporary file, then rename), so an interrupted or failed run leaves the
    previous file, if any, untouched. `mode` is "w" (UTF-8 text, "\n" lines) or "wb"."""
    fd, tmp = temporary_beside(path)
    try:
        encoding = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **encoding) as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def temporary_beside(path: Path) -> tuple[int, str]:
    """An open temporary file in `path`'s folder, to be renamed onto `path` when done."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
    return fd, tmp
