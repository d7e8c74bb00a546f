"""Termination signals as exceptions, so that a run stopped by SIGTERM or SIGHUP (what
`timeout`, a cancelled CI job and a closed terminal send) cleans up as Ctrl-C does: its
temporary files are removed and the previous output is kept."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

CAUGHT = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """The run was asked to stop by signal `signum`. Not an Exception, so that no
    `except Exception` swallows it on the way to the command line."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def raised_as_exceptions() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise Terminated in this process (once: a
    repeated signal does not interrupt the cleanup); a worker forked meanwhile dies of
    them as usual. Only the main thread can catch signals; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != owner:  # a forked worker: die of the signal, quietly
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for caught in CAUGHT:
            signal.signal(caught, signal.SIG_IGN)
        raise Terminated(signum)

    previous = {signum: signal.signal(signum, stop) for signum in CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
