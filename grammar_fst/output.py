"""Writing results to a file atomically, or streaming them to standard output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError


def write_text(pieces: Iterable[str], path: str | Path | None) -> None:
    """Write `pieces` of text, one after the other, to `path`, or to stdout when None.

    A file appears only when every piece is written (temporary file, then rename), so an
    interrupted or failed run leaves the previous file, if any, untouched.
    """
    if path is None or str(path) == "-":
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    path = Path(path)
    fd, tmp = temporary_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for piece in pieces:
                out.write(piece)
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
