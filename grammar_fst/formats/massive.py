"""MASSIVE-style records (the format of the MASSIVE and SLURP data sets)."""

from __future__ import annotations

import json

from ..utterance import Utterance


def line(utterance: Utterance, index: int) -> str:
    """One record with MASSIVE's field names: `utt` is the text, `annot_utt` the tags."""
    record = {
        "id": str(index),
        "intent": utterance.intent,
        "utt": utterance.text,
        "annot_utt": utterance.annot_utt,
    }
    return json.dumps(record, ensure_ascii=False)
