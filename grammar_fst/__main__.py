"""`python -m grammar_fst` and the `grammar-fst` command: start-up that a Ctrl-C cannot
turn into a traceback, then the command line of `cli`."""

from __future__ import annotations

import gc
import os
import signal

# Start-up makes a few hundred thousand objects that live as long as the command (modules,
# numpy's and pynini's), and with Python's default threshold (700 new objects) the cycle
# collector went through the young ones 50 times: about 10 ms of a one-sentence sample.
# Run as a command, it collects after 50,000 (a library user's process keeps its own).
COLLECT_AFTER = 50_000


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"grammar-fst: interrupted\n")
    os._exit(130)  # nothing is written yet: there is nothing to clean up


def run() -> None:
    """Import the command line (pynini and numpy take a while) with Ctrl-C ending the
    process quietly, then run it with Ctrl-C as KeyboardInterrupt again."""
    signal.signal(signal.SIGINT, _interrupted)
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])
    # No command does linear algebra, and numpy's OpenBLAS would start (and spin) a thread
    # per core as it loads: a third of a short command's CPU time. A user's setting stands.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .cli.main import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        raise SystemExit(main())
    finally:
        # As the interpreter ends, it runs full collections over every object left (numpy's,
        # pynini's, the grammar's): 30 to 45 ms, a fifth of a one-sentence sample. Frozen,
        # they are skipped; the memory goes back to the system with the process anyway.
        gc.freeze()


if __name__ == "__main__":
    run()
