"""Turns: forked worker processes write their blocks' bytes straight into the output,
each block once the one before it is written.

Sent back through the process pool's pipe, or handed over as files for the main
process to copy (`pieces`), every byte a worker renders is written again by the main
process, on the cores the workers need (1.6 CPU s for 10 million jsonl lines to a file,
2.5 to a pipe). Forked workers share the output's file descriptor with the main
process (the temporary file renamed into place at the end, a device, standard output or
a pipe), and with it the position in the file. So a worker renders a block, hands its
bytes to a thread of its own and gives back only how many lines it holds (`Written`);
the thread waits until the block before it is written, writes the bytes with
`os.write` and passes the turn on (a counter in shared memory and a condition,
`Turns.render`). A worker thus goes on to its next block while the one before waits
for its turn, rather than wait with it whenever the other workers are a little behind
(or not given a core for a while). The bytes are those one process writes, in block
order, whatever reads them.

A worker renders a block only once the block `ahead` blocks before it is written, so
the bytes waiting for their turn stay a few blocks (a slow reader holds back the
workers, not memory). Before it counts the last block, the main process waits until
every block is written (`Turns.finish`); then the output is complete, and a file
(written through its temporary file, as always) is renamed into place. A block that
cannot be rendered raises its error in the worker, which the main process raises in
block order; one that cannot be written (a full disk, a reader gone away) ends the
turns of the blocks after it (`Abandoned`), and the main process raises its error: an
`Unwritten` (which it says names the output) or a BrokenPipeError. When the run stops
early, the main process ends every turn still waiting (`Turns.stop`).

Only where workers are forked (they inherit the descriptor) and the output has a file
descriptor: the `--jobs` processes, and the workers of a `--dask local:N` cluster forked
once the turns are made (`parallel.connect`); these are sent their job pickled, and the
turns in it as a reference to their own inherited copy. Spawned workers of a local
cluster hand their blocks over as pieces; those of a cluster elsewhere send the bytes
back.
"""

from __future__ import annotations

import errno
import os
import queue
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from .sampling.plan import Chunk

NONE = 1 << 62  # no block failed
NEXT, FAILED, ERRNO = range(3)  # the shared state's fields
IDLE = 0.05  # seconds between the main process's looks at whether its workers are gone


@dataclass(frozen=True)
class Written:
    """What a worker gives back for a block it writes into the output itself: its number
    of lines."""

    count: int

    def __len__(self) -> int:
        return self.count


class Unwritten(OSError):
    """A worker's write to the output failed (a full disk): the main process names the
    output."""


class Abandoned(Exception):
    """A block's turn never comes: a block before it failed, or the run stopped."""


class Turns:
    """The output's file descriptor `fd`, shared with forked workers, and whose turn it
    is to write: the blocks, numbered from 0, are written in that order, and none is
    rendered before the one `ahead` blocks before it is written."""

    def __init__(self, fd: int, ahead: int):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.fd, self.ahead = fd, ahead
        self._state = context.RawArray("q", [0, NONE, 0])  # NEXT, FAILED, ERRNO
        self._changed = context.Condition(context.Lock())
        self._writing: tuple[int, queue.SimpleQueue] | None = None  # a worker's: pid, queue
        _MADE[id(self)] = self

    def __reduce__(self):
        """Sent pickled (to a local Dask cluster's worker, forked after these turns were
        made): a reference to that worker's own inherited copy."""
        return _inherited, (id(self),)

    def render(self, index: int, render: Callable[[], Chunk]) -> Written:
        """Block number `index`'s lines, `render()`, handed to this worker's writing
        thread, which writes them into the output in their turn."""
        self._wait(index - self.ahead, index)
        try:
            chunk = render()
        except BaseException:
            self._fail(index, 0)
            raise
        self._queue().put((index, chunk.data))
        return Written(chunk.count)

    def _queue(self) -> queue.SimpleQueue:
        """This worker's queue of blocks to write, and the thread that writes them,
        started with its first block (the worker forked with the main process's None).
        The thread ends with the worker: before the workers are stopped, the main
        process waits until every block is written (`finish`), unless the run failed."""
        if self._writing is None or self._writing[0] != os.getpid():
            blocks: queue.SimpleQueue = queue.SimpleQueue()
            writer = threading.Thread(target=self._write_all, args=(blocks,), daemon=True)
            writer.start()
            self._writing = (os.getpid(), blocks)
        return self._writing[1]

    def _write_all(self, blocks: queue.SimpleQueue) -> None:
        """Write the blocks put in `blocks`, each in its turn."""
        from .page_cache import WrittenPages

        pages = WrittenPages(self.fd)
        while True:
            index, data = blocks.get()
            try:
                self._wait(index, index)
                _write(self.fd, data)
                pages.let_go()
            except Abandoned:
                continue
            except OSError as err:
                self._fail(index, err.errno or errno.EIO)
                continue
            finally:
                del data  # not kept while the next block is awaited
            with self._changed:
                self._state[NEXT] = index + 1
                self._changed.notify_all()

    def _wait(self, written: int, index: int) -> None:
        """Wait until the first `written` blocks are written; Abandoned if a block before
        block `index` failed (or the run stopped) first."""
        with self._changed:
            while self._state[NEXT] < written:
                if self._state[FAILED] < index:
                    raise Abandoned(f"block {index}: block {self._state[FAILED]} failed")
                self._changed.wait()

    def _fail(self, index: int, number: int) -> None:
        with self._changed:
            if index < self._state[FAILED]:
                self._state[FAILED], self._state[ERRNO] = index, number
            self._changed.notify_all()

    def finish(self, blocks: int) -> None:
        """Wait until the first `blocks` blocks are written (in the main process, once
        their workers gave them back, before they are stopped). The error of a block
        that could not be written is raised here, and Abandoned if the workers are gone
        (killed) before they wrote every block."""
        import multiprocessing

        with self._changed:
            while self._state[NEXT] < blocks:
                if self._state[FAILED] < blocks:
                    raise self.failure()
                if not self._changed.wait(IDLE) and not multiprocessing.active_children():
                    raise Abandoned("the worker processes ended before writing every block")

    def failure(self) -> OSError | Abandoned:
        """The error that ended the turns (in the main process, where a worker's turn
        was abandoned): the failed write's, or Abandoned when the run was stopped or a
        block could not be rendered (its own error comes back with it)."""
        number = self._state[ERRNO]
        if number == errno.EPIPE:  # the reader went away: not a failure
            return BrokenPipeError(number, os.strerror(number))
        if number:
            return Unwritten(number, os.strerror(number))
        return Abandoned(f"block {self._state[FAILED]} failed")

    def stop(self) -> None:
        """End the turns of every block still waiting (in the main process, when the run
        stops before its blocks are all back)."""
        self._fail(-1, 0)


_MADE: weakref.WeakValueDictionary[int, Turns] = weakref.WeakValueDictionary()


def _inherited(key: int) -> Turns:
    """The turns this process inherited as `key` (made before it was forked)."""
    if key not in _MADE:
        raise RuntimeError("turns reach only workers forked after they were made")
    return _MADE[key]


def _write(fd: int, data: bytes) -> None:
    """All of `data` written to `fd` (a pipe may take less than all at once)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def for_output(out: IO[bytes], ahead: int) -> Turns | None:
    """Turns for forked workers writing into `out` (flushed: they write after what it
    holds), at most `ahead` blocks before the last one written, or None where they
    cannot: no fork, or no file descriptor (a stream in memory)."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        fd = out.fileno()
    except (AttributeError, OSError):  # io.UnsupportedOperation is an OSError
        return None
    out.flush()
    return Turns(fd, ahead)
