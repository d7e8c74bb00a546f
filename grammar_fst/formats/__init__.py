"""Output formats for utterance records: one writer per format, each a line per record.

jsonl    the grammar-fst record (text, intent, slots with offsets, annot_utt)
massive  MASSIVE/SLURP style: id, utt, annot_utt, intent
text     the sentence alone
"""

from __future__ import annotations

from collections.abc import Callable

from ..utterance import Utterance
from . import jsonl, massive, text

Writer = Callable[[Utterance, int], str]

WRITERS: dict[str, Writer] = {
    "jsonl": jsonl.line,
    "massive": massive.line,
    "text": text.line,
}
