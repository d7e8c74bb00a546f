"""Bare sentences, one per line."""

from __future__ import annotations

from ..utterance import Utterance


def line(utterance: Utterance, index: int) -> str:
    """The sentence text alone."""
    return utterance.text
