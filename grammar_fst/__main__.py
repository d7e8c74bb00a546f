"""`python -m grammar_fst` and the `grammar-fst` command: start-up that a Ctrl-C cannot
turn into a traceback, then the command line of `cli`."""

from __future__ import annotations

import os
import signal


def _interrupted(signum: int, frame: object) -> None:
    os.write(2, b"grammar-fst: interrupted\n")
    os._exit(130)  # nothing is written yet: there is nothing to clean up


def run() -> None:
    """Import the command line (pynini and numpy take a while) with Ctrl-C ending the
    process quietly, then run it with Ctrl-C as KeyboardInterrupt again."""
    signal.signal(signal.SIGINT, _interrupted)
    # No command does linear algebra, and numpy's OpenBLAS would start (and spin) a thread
    # per core as it loads: a third of a short command's CPU time. A user's setting stands.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .cli.main import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    raise SystemExit(main())


if __name__ == "__main__":
    run()
