"""The package's log records, while a command runs, as the command's one-line messages on
standard error (`grammar-fst: warning: ...`). Imported once the arguments are parsed:
`--help` has nothing to log, and logging takes a while to import."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

from . import PROG, printable
from .parameters import warning_text


class _WarningFormat(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return printable(f"{PROG}: {record.levelname.lower()}: {warning_text(record)}")


@contextlib.contextmanager
def shown_on_stderr() -> Iterator[None]:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_WarningFormat())
    logger = logging.getLogger("grammar_fst")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
