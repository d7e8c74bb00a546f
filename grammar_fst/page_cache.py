"""Letting the kernel drop the pages of a large output once they are written.

Ten million jsonl lines are 2.5 GB. Written through the page cache, each of their pages
is a new page the kernel allocates, fills and keeps after the run, though nothing reads
it soon. On this project's benchmark machine (a virtual machine) that cost 1.7 to 17 CPU
s of kernel time for 2.5 GB (the most where the pages were new to the machine), up to
more than sampling the lines. With the written pages let go every `STEP` bytes
(`posix_fadvise` DONTNEED, which also starts writing them back), the kernel reuses the
pages it just freed, and the same 2.5 GB cost about 1 CPU s (benchmarks/page_cache.py).
Outputs smaller than `STEP` are left as they are, in the cache, for whatever reads them
next. The bytes written are the same either way: only clean pages are dropped, and a
dropped page is read back from the disk when asked for. A program that reads a large
output right after pays part of what the writer saved (reading 2.5 GB from the disk cost
6.5 CPU s there, from memory 0.3; the two together still cost less); one that reads it
later, or an output larger than the memory, reads from the disk either way.
"""

from __future__ import annotations

import contextlib
import os
import stat

STEP = 32 << 20  # bytes written between two calls: the cache keeps about two steps


class WrittenPages:
    """The written pages of file descriptor `fd`, let go every `STEP` bytes; nothing for
    what is not a regular file (a pipe, a terminal, /dev/null) or where the system has
    no `posix_fadvise`."""

    def __init__(self, fd: int):
        self.fd = fd
        self.next = STEP if _regular(fd) and hasattr(os, "posix_fadvise") else None

    def let_go(self) -> None:
        """Called after each write: past the next step, the pages up to where the file
        now ends are let go (those still being written back, at the next step)."""
        if self.next is None:
            return
        with contextlib.suppress(OSError):  # advice only: the bytes are written already
            end = os.lseek(self.fd, 0, os.SEEK_CUR)
            if end >= self.next:
                os.posix_fadvise(self.fd, 0, end, os.POSIX_FADV_DONTNEED)
                self.next = end + STEP


def _regular(fd: int) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False
