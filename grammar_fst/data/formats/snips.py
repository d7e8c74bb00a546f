"""The SNIPS NLU benchmark's JSON (sonos/nlu-benchmark, 2017-06-custom-intent-engines):
the format `snips-benchmark`, also read and written under its older name `snips`.

A whole-file format: one JSON object mapping each intent to its list of utterances,
each a list of chunks whose texts concatenate to the sentence; a chunk with an `entity`
is a slot value of that slot:

    {"PlayMusic": [{"data": [{"text": "play "}, {"text": "madonna", "entity": "artist"}]}]}

Reading keeps the file's order; writing groups utterances by intent (in the order each
intent first appears), so a stream of records cannot be written before it has ended:
there is `write_document`, and no line writer.

Cannot carry: `canonical` values (dropped on writing). Anything else, any script, is fine.
The white space around a sentence is not part of it (see `_trimmed`): read, a text ending
in a space or a line break ends at its last word.
A record with bytes that are not UTF-8 is a bad record (skipped, with a warning, under
on_error="skip"); a document that is not JSON, or not an object of lists, cannot be read
past its error and raises even under "skip".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ... import json_input
from ..records import SlotValue, Utterance
from ._common import FormatError, Parsed, Source, json_document, problem, reader

_WHITESPACE = " \t\n\r"


def document(utterances: Iterable[Utterance]) -> dict[str, list[dict]]:
    """The SNIPS object of some utterances, grouped by intent."""
    groups: dict[str, list[dict]] = {}
    for u in utterances:
        message = problem(u)
        if message:
            raise FormatError(f"cannot write {u.text!r} as SNIPS: {message}")
        groups.setdefault(u.intent, []).append({"data": chunks(u)})
    return groups


def chunks(utterance: Utterance) -> list[dict]:
    """The `data` chunks of one utterance: text between slots, then each slot's value."""
    out: list[dict] = []
    pos = 0
    text = utterance.text
    for slot in utterance.slots:
        if slot.start > pos:
            out.append({"text": text[pos : slot.start]})
        out.append({"text": slot.value, "entity": slot.slot})
        pos = slot.end
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out


# the whole file as one string (indented like the benchmark's own files), and to a stream
write_document = json_document(document)


def entity_slot(chunk: dict, n: int) -> tuple[str, str | None]:
    """The slot of a benchmark chunk: its entity, with no canonical value."""
    entity = chunk["entity"]
    if not isinstance(entity, str) or not entity:
        raise FormatError(f'chunk {n}: "entity" must be a non-empty string')
    return entity, None


def from_record(intent: str, rec: object, slot_of=entity_slot) -> Utterance:
    """The utterance of one `{"data": [...]}` record; a FormatError if bad. A chunk with
    an `entity` is a slot, named (with its canonical value) by `slot_of(chunk, n)`."""
    if not isinstance(rec, dict) or not isinstance(rec.get("data"), list):
        raise FormatError('expected a record {"data": [chunks]}')
    parts: list[str] = []
    slots: list[SlotValue] = []
    length = 0
    for n, chunk in enumerate(rec["data"], 1):
        if not isinstance(chunk, dict) or not isinstance(chunk.get("text"), str):
            raise FormatError(f'chunk {n} is not an object with a string "text"')
        value = chunk["text"]
        if chunk.get("entity") is not None:
            name, canonical = slot_of(chunk, n)
            slots.append(SlotValue(name, value, length, length + len(value), canonical))
        parts.append(value)
        length += len(value)
    utterance = _trimmed(Utterance("".join(parts), intent, tuple(slots)))
    message = problem(utterance)
    if message:
        raise FormatError(message)
    return utterance


def _trimmed(utterance: Utterance) -> Utterance:
    """The utterance without the white space around its sentence, which the chunks of the
    benchmark's files often leave (a text ending in a space or a line break: 619 of the
    13,784 of its `_full` files); a slot at the edge keeps its words alone. Kept, it made
    the same record differ between formats (a line break cannot be written as a text
    line)."""
    text = utterance.text.strip()
    if len(text) == len(utterance.text):
        return utterance
    lead = len(utterance.text) - len(utterance.text.lstrip())
    slots = []
    for slot in utterance.slots:
        start = min(max(slot.start - lead, 0), len(text))
        end = min(max(slot.end - lead, start), len(text))
        slots.append(slot._replace(value=text[start:end], start=start, end=end))
    return utterance._replace(text=text, slots=tuple(slots))


def parse(source: Source) -> Iterator[Parsed]:
    """Walk the two outer levels (object of intents, lists of records) by hand, so that
    each record is known by where it starts; each record is decoded on its own."""
    text = source.text

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        return pos

    def expect(pos: int, chars: str, what: str) -> int:
        pos = skip(pos)
        if pos >= len(text) or text[pos] not in chars:
            found = repr(text[pos]) if pos < len(text) else "the end of the file"
            raise _fatal(source, f"expected {what}, found {found}", pos)
        return pos

    def value(pos: int) -> tuple[object, int]:
        try:
            return json_input.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise _fatal(source, f"not valid JSON: {err.msg}", err.pos) from None

    pos = expect(0, "{", "a JSON object of intents ('{')")
    pos = skip(pos + 1)
    if text.startswith("}", pos):
        pos += 1
    else:
        while True:
            pos = expect(pos, '"', "an intent name (a JSON string)")
            key_pos = pos
            intent, pos = value(pos)
            bad = source.bad_bytes(key_pos, pos)
            if bad is not None:
                raise bad
            assert isinstance(intent, str)
            pos = expect(pos, ":", "':'") + 1
            pos = expect(pos, "[", f"the list of '{intent}' utterances ('[')") + 1
            pos = skip(pos)
            if text.startswith("]", pos):
                pos += 1
            else:
                while True:
                    start = skip(pos)
                    rec, pos = value(start)
                    bad = source.bad_bytes(start, pos)
                    if bad is not None:
                        yield bad
                    else:
                        try:
                            yield from_record(intent, rec)
                        except FormatError as err:
                            yield source.error(err.message, start)
                    pos = expect(pos, ",]", "',' or ']' after a record")
                    pos += 1
                    if text[pos - 1] == "]":
                        break
            pos = expect(pos, ",}", "',' or '}' after a list of utterances") + 1
            if text[pos - 1] == "}":
                break
    pos = skip(pos)
    if pos < len(text):
        raise _fatal(source, "unexpected text after the JSON object", pos)


def _fatal(source: Source, message: str, pos: int) -> FormatError:
    """An error in the document's structure: the bad bytes that caused it, if any (the
    more useful message), else the structural problem itself."""
    return source.bad_bytes(pos, pos + 1) or source.error(message, pos)


read = reader(parse)
