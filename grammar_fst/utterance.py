"""The utterance record every command reads and writes, and how a path of label pairs
through a compiled grammar becomes one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import labels


@dataclass(frozen=True)
class SlotValue:
    """A tagged span: `text[start:end] == value`; `canonical` when a synonym was used."""

    slot: str
    value: str
    start: int
    end: int
    canonical: str | None = None

    def to_dict(self) -> dict:
        record = {"slot": self.slot, "value": self.value, "start": self.start, "end": self.end}
        if self.canonical is not None:
            record["canonical"] = self.canonical
        return record


@dataclass(frozen=True)
class Utterance:
    """A sentence with its intent and slots."""

    text: str
    intent: str
    slots: tuple[SlotValue, ...] = ()

    @property
    def annot_utt(self) -> str:
        """The MASSIVE annotation: `play some [genre : rock] music`."""
        parts, pos = [], 0
        for slot in self.slots:
            parts.append(self.text[pos : slot.start])
            parts.append(f"[{slot.slot} : {slot.value}]")
            pos = slot.end
        parts.append(self.text[pos:])
        return "".join(parts)

    def to_dict(self) -> dict:
        """The JSON record of DESIGN.md's contract."""
        return {
            "text": self.text,
            "intent": self.intent,
            "slots": [s.to_dict() for s in self.slots],
            "annot_utt": self.annot_utt,
        }


def from_labels(pairs: Iterable[tuple[int, int]], symbols: list[str]) -> Utterance:
    """Build the utterance spelled by (input, output) label pairs of a flat path.

    The input side gives the surface words, the output side the intent, the slot
    boundaries and, inside a slot, the canonical value.
    """
    words: list[str] = []
    length = 0  # characters of text so far, including separating spaces
    intent = ""
    slots: list[SlotValue] = []
    open_slot: tuple[str, int, int, list[str]] | None = None  # name, start, first word, canon
    for ilabel, olabel in pairs:
        if ilabel:
            word = symbols[ilabel]
            if words:
                length += 1
            if open_slot is not None and open_slot[2] < 0:
                open_slot = (open_slot[0], length, len(words), open_slot[3])
            words.append(word)
            length += len(word)
        if not olabel:
            continue
        symbol = symbols[olabel]
        tag = labels.parse_tag(symbol)
        if tag is None:
            if open_slot is not None:
                open_slot[3].append(symbol)
        elif tag[0] == "intent":
            intent = tag[1]
        elif tag[0] == "open":
            open_slot = (tag[1], -1, -1, [])
        elif tag[0] == "close" and open_slot is not None:
            name, start, first, canonical = open_slot
            value = " ".join(words[first:]) if first >= 0 else ""
            start = start if first >= 0 else length
            canon = " ".join(canonical)
            slots.append(
                SlotValue(name, value, start, start + len(value), None if canon == value else canon)
            )
            open_slot = None
    return Utterance(" ".join(words), intent, tuple(slots))
