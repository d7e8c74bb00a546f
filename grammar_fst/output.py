"""Writing results to a file atomically, to a folder of shards, or streaming them to
standard output.

Nothing already written is lost: a file is written through a temporary file beside it,
renamed into place only when complete. The temporary file is created exclusively, named
after the writing process (`.OUT.PID.XXXXXXXX.tmp`), removed when the run fails or is
stopped by a signal it can catch (see `signals`), and removed by the next write to the
same output when its process is gone (killed with SIGKILL, or the machine stopped); so
are the folders of pieces of `sample --dask local:N` (see `pieces`).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import signals
from .errors import OutputError, UsageError, not_a_folder

if TYPE_CHECKING:
    from .page_cache import WrittenPages
    from .pieces import Piece
    from .turns import Written


def write_text(pieces: Iterable[str], path: str | Path | None) -> None:
    """Write `pieces` of text, one after the other, to `path`, or to stdout when None."""
    if path is None or str(path) == "-":
        with stdout_checked():
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.flush()
        return
    with atomic_file(path, "w") as out:
        for piece in pieces:
            out.write(piece)


WRITE_FAILURES = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


@contextlib.contextmanager
def stdout_checked() -> Iterator[None]:
    """Writes to standard output in the block: a failure (a full disk behind `>`) is an
    OutputError that says so. A closed pipe is no failure: it stays a BrokenPipeError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        if err.filename is not None or err.errno not in WRITE_FAILURES:  # not the output's
            raise
        raise OutputError(f"cannot write to standard output: {err.strerror or err}") from None


def write_bytes(parts: Iterable[bytes | Piece | Written], path: str | Path | None) -> None:
    """Write `parts` of UTF-8 bytes (see `write_parts`) to `path`, or to stdout when
    None."""
    with binary(path) as out:
        write_parts(parts, out)


@contextlib.contextmanager
def binary(path: str | Path | None) -> Iterator[IO[bytes]]:
    """The output opened for bytes: `path` written atomically (`atomic_file`), or
    standard output when None or "-" (its text layer when it has no binary one)."""
    if path is None or str(path) == "-":
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        yield binary or _Decoded(sys.stdout)
        return
    with atomic_file(path, "wb") as out:
        yield out


def write_parts(parts: Iterable[bytes | Piece | Written], out: IO[bytes]) -> None:
    """`parts` written to `out` (opened by `binary`) one after the other: bytes as they
    are, flushed before the next part is asked for (forked workers may write to `out`
    too, see `turns`); `pieces.Piece`s copied from their files; nothing for a
    `turns.Written`, which a worker wrote itself. A piece that cannot be copied, or a
    block a worker could not write, is an OutputError naming the output where `out`
    can say it (`_Checked.failed`)."""
    from .turns import Unwritten, Written

    joiner = None
    pages = _written_pages(out)
    try:
        for part in parts:
            if isinstance(part, bytes):
                out.write(part)
                out.flush()
            elif not isinstance(part, Written):
                if joiner is None:
                    from .pieces import Joiner

                    joiner = Joiner(out)
                joiner.join(part)
            else:
                continue
            if pages is not None:
                pages.let_go()
    except Unwritten as err:
        failed = getattr(out, "failed", None)
        if failed is None:  # standard output: `stdout_checked` says so
            raise
        raise failed(err) from None
    out.flush()


def _written_pages(out: IO[bytes]) -> WrittenPages | None:
    """The written pages of `out` to let go (`page_cache`), or None where it has no
    file descriptor."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError):  # io.UnsupportedOperation is an OSError
        return None
    from .page_cache import WrittenPages

    return WrittenPages(fd)


class _Decoded:
    """A text file written bytes (UTF-8), with no file descriptor to copy pieces to."""

    def __init__(self, text: IO[str]):
        self.text = text

    def write(self, data: bytes | memoryview) -> None:
        self.text.write(str(data, "utf-8"))

    def flush(self) -> None:
        self.text.flush()


SHARD = "part-{:05d}{}"


def is_folder(path: str | Path | None) -> bool:
    """Whether an output name asks for a folder of shards: it ends with a slash."""
    return path is not None and str(path).endswith(("/", os.sep))


def shard_paths(folder: str | Path, suffix: str) -> Iterator[Path]:
    """`part-00000{suffix}`, `part-00001{suffix}`, ... in `folder`; a folder that already
    holds shards is refused (a shorter run would leave stale ones). A missing folder is
    created when the first name is asked for: a run that fails before its first shard
    leaves nothing behind."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file; a name ending with / is a folder of shards")
    if folder.is_dir() and any(folder.glob("part-*")):
        raise UsageError(f"{folder}: already holds shards (part-*); remove them or name another")
    return _shards_in(folder, suffix)


def _shards_in(folder: Path, suffix: str) -> Iterator[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"{folder}: cannot make the folder: {err.strerror or err}") from None
    for n in itertools.count():
        yield folder / SHARD.format(n, suffix)


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str) -> Iterator[IO]:
    """A file to write `path` through: it appears only when the block ends without an
    error (temporary file, then rename), so an interrupted or failed run leaves the
    previous file, if any, untouched. `mode` is "w" (UTF-8 text, "\n" lines) or "wb".

    A link is followed (its target is replaced, the link kept), an existing file keeps
    its permissions, and what is not a regular file (a pipe, /dev/null, a terminal) is
    written to directly, since it cannot be replaced. A failed write (a full disk) is an
    OutputError naming `path`."""
    path = target(path)
    encoding = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
    if path.exists() and not path.is_file():
        not_a_folder(path, "a file to write")
        with _Checked(open(path, mode, **encoding), path, replaced=False) as out:
            yield out
        return
    with temporary_beside(path) as (fd, tmp):
        with _Checked(os.fdopen(fd, mode, **encoding), path) as out:
            yield out
        os.replace(tmp, path)


class _Checked:
    """A file whose write and close failures are OutputErrors naming the output."""

    def __init__(self, file: IO, path: Path, replaced: bool = True):
        self.file, self.path = file, path
        self.note = f"; {KEPT}" if replaced else ""

    def write(self, data: Any) -> int:
        try:
            return self.file.write(data)
        except OSError as err:
            raise self.failed(err) from None

    def flush(self) -> None:
        try:
            self.file.flush()
        except OSError as err:
            raise self.failed(err) from None

    def __getattr__(self, name: str) -> Any:  # tell, closed, fileno: what writers ask of a file
        return getattr(self.file, name)

    def __enter__(self) -> _Checked:
        return self

    def __exit__(self, *failure) -> None:
        try:
            self.file.close()
        except OSError as err:
            if failure[0] is None:
                raise self.failed(err) from None

    def failed(self, err: OSError) -> OutputError:
        return OutputError(f"cannot write {self.path}: {err.strerror or err}{self.note}")


KEPT = "the previous file, if any, is unchanged"


def target(path: str | Path) -> Path:
    """The file that writing to `path` replaces: the file a link points to (so the link
    stays a link). What is there and no regular file is written into as named: the link
    /dev/stdout to a pipe resolves to no path (`/proc/PID/fd/pipe:[...]`)."""
    if not str(path):
        raise UsageError("the output file name is empty")
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        return Path(path)
    return Path(os.path.realpath(path))


def archive_output(output: str | Path, writer: str) -> None:
    """Refuse to write the .far archive `writer` writes to a name ending with .grm: every
    later command would read its bytes as grammar source."""
    if str(output).lower().endswith(".grm"):
        raise UsageError(
            f"{writer} writes a .far archive, not .grm source: name the output "
            f"{str(output)[:-4]}.far"
        )


def refuse_inputs(output: str | Path | None, inputs: Iterable[str | Path]) -> None:
    """A UsageError if `output` is one of the `inputs` (also through a link or a hard
    link): replacing a file while reading it loses it."""
    if output is None or str(output) in ("", "-"):
        return
    written = _identity(output)
    if written is None:
        return
    for name in inputs:
        if _identity(name) == written:
            raise UsageError(
                f"the output {output} is also an input ({name}); write to another file"
            )


def _identity(path: str | Path) -> tuple[int, int] | None:
    """(device, inode) of the regular file at `path`, links followed; None if there is
    none (a file yet to be made, a pipe, /dev/null)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


@contextlib.contextmanager
def temporary_beside(path: Path) -> Iterator[tuple[int, str]]:
    """An open temporary file in `path`'s folder, with the permissions `path` has (or
    those of a new file), to be renamed onto `path` within the block: when the block
    ends, or a signal stops the run, it is removed if still there. Temporary files that
    dead processes left for `path` are removed first."""
    if not path.name:
        raise UsageError("the output file name is empty")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist; create it first")
    not_a_folder(path, "a file to write")
    remove_stale(path)
    with signals.held():  # the file is made and listed for removal as one step
        try:  # mkstemp opens with O_EXCL: it never writes through a file planted there
            fd, tmp = tempfile.mkstemp(
                prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder
            )
        except OSError as err:
            raise UsageError(f"{path}: cannot write in {folder}: {err.strerror or err}") from None
        signals.TEMPORARIES.add(tmp)
    try:
        if path.is_file():
            mode = path.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # as an ordinary new file would be, not mkstemp's 0600
        os.fchmod(fd, mode)
        yield fd, tmp
    finally:
        with contextlib.suppress(FileNotFoundError):  # gone if renamed into place
            os.unlink(tmp)
        signals.TEMPORARIES.discard(tmp)


STALE = {".tmp": stat.S_ISREG, ".pieces": stat.S_ISDIR}  # what a run leaves, by its ending


def remove_stale(path: Path) -> None:
    """Remove the temporary files (and folders of pieces, see `pieces`) beside `path` of
    processes that no longer run."""
    remove_stale_in(path.parent, f".{path.name}.")


def remove_stale_in(folder: str | Path, start: str) -> None:
    """Remove what processes that no longer run left in `folder` under names `start` +
    PID.XXXXXXXX + an ending of STALE (only what is of that kind, and of this user)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        ending = next((e for e in STALE if entry.name.endswith(e)), None)
        if ending is None or not entry.name.startswith(start):
            continue
        pid, _, rest = entry.name[len(start) :].partition(".")
        if not pid.isdigit() or "." in rest.removesuffix(ending) or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if STALE[ending](info.st_mode) and info.st_uid == os.getuid():
                signals.remove(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no such number
        return True
    return True
