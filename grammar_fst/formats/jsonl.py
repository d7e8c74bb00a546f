"""The grammar-fst record as one JSON object per line (DESIGN.md's contract)."""

from __future__ import annotations

import json

from ..utterance import Utterance


def line(utterance: Utterance, index: int) -> str:
    """One record; non-ASCII text is written as is (UTF-8), not escaped."""
    return json.dumps(utterance.to_dict(), ensure_ascii=False)
