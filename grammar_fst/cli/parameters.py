"""The library's parameters as the command line names them.

A library error or warning that is about its caller's arguments names them as parameters
(`errors.Wording`: "`allocate` shares `n` among patterns"); the command line writes the
options that set them instead ("--allocate shares -n among patterns"). A parameter
without an option of its own here keeps its Python name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..errors import GrammarFstError, Wording, as_parameter

# parameter (or parameter:setting) -> its option; `{field}`s are filled from the message
OPTIONS = {
    "n": "-n",
    "all": "--all",
    "allocate": "--allocate",
    "catalogues": "--catalogue {slot}=FILE",
    "cover": "--cover",
    "dask": "--dask",
    "floor": "--floor",
    "jobs": "--jobs",
    "on_error:'skip'": "--on-error skip",
    "originals:False": "--no-originals",
    "quota": "quota",  # given as --intent NAME=N
    "split": "--split",
}


def text(message: str) -> str:
    """`message` as the command line writes it: the parameters a `Wording` names written
    as options (any other message as it is)."""
    return message.spelled(_speller(message.values)) if isinstance(message, Wording) else message


def error_line(err: GrammarFstError) -> str:
    """The error as one line, the parameters it names written as options."""
    return f"{err.location}: {text(err.message)}" if err.location else text(err.message)


def warning_text(record: logging.LogRecord) -> str:
    """A logged warning's text, its `Wording` arguments written with options."""
    if isinstance(record.args, tuple) and any(isinstance(a, Wording) for a in record.args):
        return str(record.msg) % tuple(text(a) if isinstance(a, str) else a for a in record.args)
    return record.getMessage()


def _speller(values: dict[str, object]) -> Callable[[str, str], str]:
    def spell(name: str, setting: str) -> str:
        option = OPTIONS.get(f"{name}:{setting}" if setting else name)
        return option.format_map(values) if option else as_parameter(name, setting)

    return spell
