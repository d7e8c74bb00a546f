"""The utterance record every command reads and writes."""

from __future__ import annotations

from typing import NamedTuple


class SlotValue(NamedTuple):
    """A tagged span: `text[start:end] == value`; `canonical` when a synonym was used.

    Records are named tuples, not dataclasses: sampling makes hundreds of thousands a
    second, and a tuple is made in a third of the time."""

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


class Utterance(NamedTuple):
    """A sentence with its intent and slots."""

    text: str
    intent: str
    slots: tuple[SlotValue, ...] = ()

    @property
    def annot_utt(self) -> str:
        """The MASSIVE annotation: `play some [genre : rock] music`."""
        text, annotation, pos = self.text, "", 0
        for slot in self.slots:
            annotation += f"{text[pos : slot.start]}[{slot.slot} : {slot.value}]"
            pos = slot.end
        return annotation + text[pos:]

    def to_dict(self) -> dict:
        """The JSON record of DESIGN.md's contract."""
        return {
            "text": self.text,
            "intent": self.intent,
            "slots": [s.to_dict() for s in self.slots],
            "annot_utt": self.annot_utt,
        }
