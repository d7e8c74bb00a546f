"""The grammar-fst record, one JSON object per line (DESIGN.md's contract).

`{"text", "intent", "slots": [{"slot", "value", "start", "end", "canonical"?}], "annot_utt"}`.
Carries everything an Utterance holds, `canonical` included, in any script.
"""

from __future__ import annotations

import json

from ..records import SlotValue, Utterance
from ._common import FormatError, json_lines, lines_document, problem, reader
from .massive import annotation

# json's own string encoder (its C version when there is one), as json.dumps uses it
# with ensure_ascii=False: formatting the record by hand gives the same bytes as
# json.dumps(utterance.to_dict(), ensure_ascii=False) in a third of the time, which
# matters when millions of records are written.
_quote = json.encoder.encode_basestring


def line(utterance: Utterance, index: int) -> str:
    """One record; non-ASCII text is written as is (UTF-8), not escaped."""
    return _record(utterance, "")


def line_with_provenance(utterance: Utterance, index: int, provenance: str) -> str:
    """One record with a last field, `provenance` (where a resampled utterance came from,
    a JSON object's text)."""
    return _record(utterance, ', "provenance": ' + provenance)


def _record(utterance: Utterance, more: str) -> str:
    """The record's fields, then `more` (further fields, each after a comma); a
    FormatError for an utterance whose record the reader would refuse (`problem`)."""
    message = problem(utterance)
    if message:
        raise FormatError(f"cannot write {utterance.text!r} as jsonl: {message}")
    slots = ""
    for s in utterance.slots:
        slots += f'{", " if slots else ""}{{"slot": {_quote(s.slot)}, "value": {_quote(s.value)}, '
        slots += f'"start": {s.start}, "end": {s.end}'
        slots += "}" if s.canonical is None else f', "canonical": {_quote(s.canonical)}}}'
    return (
        f'{{"text": {_quote(utterance.text)}, "intent": {_quote(utterance.intent)}, '
        f'"slots": [{slots}], "annot_utt": {_quote(annotation(utterance))}{more}}}'
    )


def from_record(record: object) -> Utterance:
    """The utterance of one decoded record; a FormatError (without location) if bad."""
    if not isinstance(record, dict):
        raise FormatError(f"expected a JSON object, found {type(record).__name__}")
    text, intent = record.get("text"), record.get("intent")
    if not isinstance(text, str):
        raise FormatError("the record has no string field 'text'")
    if not isinstance(intent, str):
        raise FormatError("the record has no string field 'intent'")
    items = record.get("slots", [])
    if not isinstance(items, list):
        raise FormatError("'slots' must be a list")
    slots = []
    for n, item in enumerate(items, 1):
        slots.append(_slot(item, n))
    slots.sort(key=lambda s: (s.start, s.end))
    utterance = Utterance(text, intent, tuple(slots))
    message = problem(utterance)
    if message:
        raise FormatError(message)
    annot, expected = record.get("annot_utt"), annotation(utterance)
    if annot is not None and annot != expected:
        raise FormatError(
            f"'annot_utt' {annot!r} does not match the text and slots (they give {expected!r})"
        )
    return utterance


def _slot(item: object, n: int) -> SlotValue:
    if not isinstance(item, dict):
        raise FormatError(f"slot {n} is not a JSON object")
    for key, kind in (("slot", str), ("value", str), ("start", int), ("end", int)):
        value = item.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise FormatError(f"slot {n} has no {kind.__name__} field '{key}'")
    canonical = item.get("canonical")
    if canonical is not None and not isinstance(canonical, str):
        raise FormatError(f"slot {n}: 'canonical' must be a string")
    return SlotValue(item["slot"], item["value"], item["start"], item["end"], canonical)


write_document = lines_document(line)
parse = json_lines(from_record)
read = reader(parse)
