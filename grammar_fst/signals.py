"""Stopping a run by a signal: Ctrl-C (SIGINT), SIGTERM (what `timeout` and a cancelled
CI job send) and SIGHUP (a closed terminal) remove the run's temporary files, keep every
previous output, say so in one line and exit with 128 + the signal's number.

The handler does the cleanup itself and exits, rather than raising an exception: one
raised while the garbage collector runs a finalizer is swallowed, and the run would go
on with the signal ignored.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Iterator

CAUGHT = {signal.SIGINT: "interrupted", signal.SIGTERM: "stopped by SIGTERM"}
CAUGHT[signal.SIGHUP] = "stopped by SIGHUP"

# Temporary files of this process not yet renamed into place, and folders of pieces
# (see `pieces`): removed on a signal.
TEMPORARIES: set[str] = set()
# Programs this process runs and waits for (Graphviz's dot), by process id: killed on a
# signal, which a program started with `kill PID` on this process would not receive.
CHILDREN: set[int] = set()


def remove(path: str) -> None:
    """Remove the temporary file or folder at `path` (a folder with what is in it), if
    it is still there. A worker may still be adding to a folder (a run stopped before
    its workers are): removing it is tried again until it is gone."""
    for _ in range(100):
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except FileNotFoundError:
            return
        except OSError:  # a file added to the folder as it was emptied
            continue
        return


@contextlib.contextmanager
def held() -> Iterator[None]:
    """The signals of CAUGHT held back while the block runs, and handled when it ends: for
    a step a signal must not cut in two, such as creating a temporary file and adding it
    to TEMPORARIES (a signal in between would leave the file behind)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(CAUGHT))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def stop_cleanly(prog: str) -> Iterator[None]:
    """While the block runs, the signals of CAUGHT end this process cleanly (a worker
    forked meanwhile dies of them as usual). Only the main thread can catch signals;
    elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()
    stderr = os.dup(2)  # OpenFst work redirects fd 2 for a while: say it where it was

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker: die of the signal, quietly
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for pid in list(CHILDREN):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for path in list(TEMPORARIES):
            remove(path)
        os.write(stderr, f"{prog}: {CAUGHT[signum]}\n".encode())
        os._exit(128 + signum)

    previous = {signum: signal.signal(signum, stop) for signum in CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        os.close(stderr)
