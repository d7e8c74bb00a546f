"""JSON read from files that someone else may have written: whatever is wrong with it
is a `json.JSONDecodeError` with a place, which each reader turns into its one-line
error. Python's own decoder also stops with a RecursionError on arrays nested a few
thousand deep, and with a bare ValueError on an integer of more digits than Python
converts (4,300 by default: `sys.set_int_max_str_digits`)."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

_DECODER = json.JSONDecoder()


def loads(text: str) -> Any:
    """The value `text` holds, as `json.loads` reads it."""
    return raw_decode(text, 0, whole=True)[0]


def raw_decode(text: str, pos: int = 0, whole: bool = False) -> tuple[Any, int]:
    """The value starting at `pos` and where it ends (`whole`: nothing but white space
    may follow), as `json.JSONDecoder.raw_decode` reads it."""
    try:
        if whole:
            return _DECODER.decode(text), len(text)
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, pos) from None
    except ValueError:  # the integer that Python refused to convert
        limit = sys.get_int_max_str_digits()
        found = re.compile(rf"\d{{{limit + 1},}}").search(text, pos)
        at = found.start() if found else pos
        raise json.JSONDecodeError(f"an integer of more than {limit:,} digits", text, at) from None
