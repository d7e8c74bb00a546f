"""The Snips NLU training dataset (snips-nlu's `SnipsNLUEngine.fit` reads it).

One JSON object: the language, each intent's utterances as chunks (a slot's chunk names
its `entity` and its `slot_name`), and each entity's values with their synonyms:

    {"language": "en",
     "intents": {"Lights": {"utterances": [{"data": [
         {"text": "turn on the light in the "},
         {"text": "lounge", "entity": "room", "slot_name": "room"}]}]}},
     "entities": {"room": {"data": [{"value": "living room", "synonyms": ["lounge"]}],
                           "use_synonyms": true, "automatically_extensible": true,
                           "matching_strictness": 1.0}}}

Writing: each slot is its own entity, named like the slot; its values are the canonical
values seen, each with the other ways it was said as synonyms, so a slot's `canonical`
survives. Both entity flags are true: a grammar's values are examples of an open class.
Reading: a chunk's `slot_name` is the slot; a value said as one of its entity's synonyms
(with `use_synonyms`) gets that entry's value as its canonical. Cannot carry: an entity
type other than the slot's name (a built-in `snips/datetime` slot is read by its slot
name, and written back as a custom entity of that name).

The language: `--language`, else the grammar's language or the data's locale as snips-nlu
names it (`es-MX` -> `es`, `pt-BR` -> `pt_br`), else `en`. A language snips-nlu 0.20 does
not list (Thai, Chinese) is refused with one message: `SnipsNLUEngine.fit` refuses a
dataset of an unknown language, and one declared English would be fitted with English
rules (`--language en` still says so).

A whole-file format, like `snips-benchmark`: `write_document`, no line writer. A bad
utterance is a bad record named by its place, `intents.Lights.utterances[3]`; a document
that is not JSON, or not shaped as above, cannot be read past its error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ... import json_input
from ...errors import Location
from ..records import Utterance
from ._common import FormatError, Parsed, Source, json_document, problem, reader
from ._format import LANGUAGE, LANGUAGES, locale_key
from .snips import chunks, from_record


def document(
    utterances: Iterable[Utterance], language: str | None = None, locale: str | None = None
) -> dict:
    """The dataset object of some utterances (intents in order of first appearance), in
    `language`, else that of `locale` (the grammar's language, the data's locale)."""
    language = language or language_of(locale)
    intents: dict[str, list[dict]] = {}
    values: dict[str, dict[str, dict[str, None]]] = {}  # entity -> canonical -> synonyms
    for u in utterances:
        message = problem(u)
        if message:
            raise FormatError(f"cannot write {u.text!r} as Snips NLU: {message}")
        data = chunks(u)
        for chunk in data:
            if "entity" in chunk:
                chunk["slot_name"] = chunk["entity"]
        intents.setdefault(u.intent, []).append({"data": data})
        for slot in u.slots:
            synonyms = values.setdefault(slot.slot, {}).setdefault(slot.canonical or slot.value, {})
            if slot.canonical is not None:
                synonyms.setdefault(slot.value)
    return {
        "language": language,
        "intents": {name: {"utterances": said} for name, said in intents.items()},
        "entities": {name: _entity(entries) for name, entries in values.items()},
    }


def language_of(locale: str | None) -> str:
    """The snips-nlu language of a language tag or locale (`es-MX`, `es_XX`, `pt-BR`); en
    for none; a FormatError for a language snips-nlu has not."""
    if locale is None:
        return LANGUAGE
    key = locale_key(locale).replace("-", "_")  # snips-nlu's spelling: pt_br
    for code in (key, key.split("_")[0]):
        if code in LANGUAGES:
            return code
    raise FormatError(
        f"snips-nlu has no language for {locale!r} (it has {', '.join(LANGUAGES)}): "
        "SnipsNLUEngine.fit refuses a dataset in another; --language LANG declares one"
    )


def locale_of(language: str | None) -> str | None:
    """A grammar's language tag as it is: `document` finds snips-nlu's language in it."""
    return language


def locale_read(path: str) -> str | None:
    """The language a dataset declares, to write the same."""
    try:
        dataset = json_input.loads(Source.open(path).text)
    except json.JSONDecodeError:
        return None  # reading the file says what is wrong with it
    declared = dataset.get("language") if isinstance(dataset, dict) else None
    return declared if isinstance(declared, str) else None


def _entity(entries: dict[str, dict[str, None]]) -> dict:
    return {
        "data": [{"value": value, "synonyms": list(said)} for value, said in entries.items()],
        "use_synonyms": True,
        "automatically_extensible": True,
        "matching_strictness": 1.0,
    }


write_document = json_document(document)  # the dataset, as text


def parse(source: Source) -> Iterator[Parsed]:
    """The utterances of a dataset, intent by intent, in the file's order."""
    bad = source.bad_bytes()
    if bad is not None:
        raise bad
    try:
        dataset = json_input.loads(source.text)
    except json.JSONDecodeError as err:
        raise source.error(f"not valid JSON: {err.msg}", err.pos) from None
    intents = dataset.get("intents") if isinstance(dataset, dict) else None
    if not isinstance(intents, dict):
        raise source.error('expected a Snips NLU dataset: an object with "intents"', 0)
    canonical = _canonical_values(dataset.get("entities", {}), source)
    for intent, body in intents.items():
        said = body.get("utterances") if isinstance(body, dict) else None
        if not isinstance(said, list):
            raise _structure(source, f'intents.{intent}: expected {{"utterances": [...]}}')
        for n, record in enumerate(said):
            try:
                yield _utterance(intent, record, canonical)
            except FormatError as err:
                yield FormatError(
                    f"intents.{intent}.utterances[{n}]: {err.message}", Location(source.path)
                )


def _canonical_values(entities: object, source: Source) -> dict[tuple[str, str], str]:
    """(entity, synonym) -> the value it stands for, for entities that use synonyms."""
    if not isinstance(entities, dict):
        raise _structure(source, 'expected "entities" to be an object')
    found: dict[tuple[str, str], str] = {}
    for name, entity in entities.items():
        if not isinstance(entity, dict) or not entity.get("use_synonyms", True):
            continue
        for entry in entity.get("data", []) if isinstance(entity.get("data"), list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
                raise _structure(source, f'entities.{name}: an entry without a string "value"')
            for synonym in entry.get("synonyms", []):
                if isinstance(synonym, str) and synonym != entry["value"]:
                    found.setdefault((name, synonym), entry["value"])
    return found


def _utterance(intent: str, record: object, canonical: dict[tuple[str, str], str]) -> Utterance:
    def slot_of(chunk: dict, n: int) -> tuple[str, str | None]:
        entity = chunk["entity"]
        slot = chunk.get("slot_name", entity)
        if not isinstance(entity, str) or not isinstance(slot, str) or not slot:
            raise FormatError(f'chunk {n}: "entity" and "slot_name" must be non-empty strings')
        return slot, canonical.get((entity, chunk["text"].strip()))  # as the text is read

    return from_record(intent, record, slot_of)


def _structure(source: Source, message: str) -> FormatError:
    return FormatError(message, Location(source.path))


def is_dataset(head: str) -> bool:
    """Whether the start of a `.json` file looks like a Snips NLU dataset (its first key
    is one of the dataset's own) rather than the SNIPS benchmark (whose keys are intents)."""
    start = head.lstrip().removeprefix("\ufeff").lstrip()
    if not start.startswith("{"):
        return False
    try:
        key, _ = json_input.raw_decode(start[1:].lstrip())
    except json.JSONDecodeError:
        return False
    return key in ("language", "intents", "entities")


read = reader(parse)
