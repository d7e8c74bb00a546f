"""MASSIVE records (the format of the MASSIVE data set; SLURP's spelling read as well).

Written: `{"id", "locale", "partition", "scenario", "intent", "utt", "annot_utt"}`, where
`annot_utt` marks each slot as `[slot : value]`: `play some [genre : rock] music`; the
locale is the writer's (`--locale`, by default the grammar's language or the data's own).
Read: `utt` (or SLURP's `sentence`), `annot_utt` (or `sentence_annotation`) and `intent`;
the slots and their offsets into the text come from the annotation. Other fields (`id`,
`locale`, `scenario`, SLURP's `tokens`, ...) are not part of an Utterance and are ignored.

Cannot carry: `canonical` values (dropped on writing), and text or values that would make
the annotation ambiguous (`[`, `]`, a slot name with ` : `): those are refused on writing.
"""

from __future__ import annotations

import json
import re

from ... import json_input
from ..records import SlotValue, Utterance
from ._common import (
    FormatError,
    Source,
    json_lines,
    lines_document,
    problem,
    reader,
    same_length_case_variant,
    to_json,
)
from ._format import locale_key

DEFAULT_LOCALE = "en-US"
DEFAULT_PARTITION = "train"

# MASSIVE's own locale of each of its languages, for a grammar that names only the language
LOCALES = {
    locale.split("-")[0]: locale
    for locale in (
        "af-ZA am-ET ar-SA az-AZ bn-BD cy-GB da-DK de-DE el-GR en-US es-ES fa-IR fi-FI "
        "fr-FR he-IL hi-IN hu-HU hy-AM id-ID is-IS it-IT ja-JP jv-ID ka-GE km-KH kn-IN "
        "ko-KR lv-LV ml-IN mn-MN ms-MY my-MM nb-NO nl-NL pl-PL pt-PT ro-RO ru-RU sl-SL "
        "sq-AL sv-SE sw-KE ta-IN te-IN th-TH tl-PH tr-TR ur-PK vi-VN zh-CN"
    ).split()
}
SCRIPT_LOCALES = {"zh-hant": "zh-TW", "zh-hans": "zh-CN"}


def locale_of(language: str | None) -> str:
    """The MASSIVE locale of a grammar's language tag: the tag itself, as it is spelled,
    when it names a region (`es-MX`, `th_TH`), MASSIVE's locale for the language (`th` ->
    `th-TH`), else en-US when there is no tag."""
    if language is None:
        return DEFAULT_LOCALE
    key = locale_key(language)
    parts = key.split("-")
    if len(parts) > 1 and (len(parts[-1]) == 2 or parts[-1].isdigit()):
        return language
    return SCRIPT_LOCALES.get(key) or LOCALES.get(parts[0], language)


# `[slot : value]`: the slot name ends at the first " : ", the value at the next "]".
_SLOT = re.compile(r"\[([^\[\]]*?) : ([^\[\]]*)\]")

TEXT_FIELDS = ("utt", "sentence")
ANNOTATION_FIELDS = ("annot_utt", "sentence_annotation")


def scenario(intent: str) -> str:
    """MASSIVE's scenario of an intent: its domain, the part before the first `/`
    (`alarm/set_alarm` -> `alarm`), else before the first `_` (`alarm_set` -> `alarm`),
    or the whole intent when it has neither."""
    return intent.split("/", 1)[0] if "/" in intent else intent.split("_", 1)[0]


def annotation(utterance: Utterance) -> str:
    """The utterance with each slot written in place as `[slot : value]`:
    `play some [genre : rock] music`."""
    text, annotated, pos = utterance.text, "", 0
    for slot in utterance.slots:
        annotated += f"{text[pos : slot.start]}[{slot.slot} : {slot.value}]"
        pos = slot.end
    return annotated + text[pos:]


def record(
    utterance: Utterance,
    index: int,
    locale: str = DEFAULT_LOCALE,
    partition: str = DEFAULT_PARTITION,
) -> dict:
    """The MASSIVE record of an utterance; a FormatError if its annotation would not read
    back as the same text and slots."""
    annot = annotation(utterance)
    try:
        text, slots = parse_annotation(annot)
    except FormatError:
        text, slots = None, ()
    plain = [(s.slot, s.value, s.start, s.end) for s in utterance.slots]
    if text != utterance.text or [(s.slot, s.value, s.start, s.end) for s in slots] != plain:
        raise FormatError(
            f"cannot write {utterance.text!r} as MASSIVE: its annotation {annot!r} would "
            "not read back the same (brackets in the text, or ' : ' in a slot name?)"
        )
    return {
        "id": str(index),
        "locale": locale,
        "partition": partition,
        "scenario": scenario(utterance.intent),
        "intent": utterance.intent,
        "utt": utterance.text,
        "annot_utt": annot,
    }


def line(utterance: Utterance, index: int, locale: str = DEFAULT_LOCALE) -> str:
    """One record (partition train); non-ASCII text written as is."""
    return to_json(record(utterance, index, locale))


def locale_read(path: str) -> str | None:
    """The locale of a MASSIVE file's first record, if it names one (to write the same)."""
    source = Source.open(path)
    for _, _, text in source.lines():
        if text.strip():
            try:
                locale = json_input.loads(text).get("locale")
            except (json.JSONDecodeError, AttributeError):
                return None
            return locale if isinstance(locale, str) else None
    return None


def recognise(head: str) -> bool:
    """Whether a `.jsonl` file holds MASSIVE (or SLURP) records, from its first record's
    fields: `utt` or `sentence`, and no `text` (the grammar-fst record's)."""
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        keys = set(json_input.loads(first)) if first.lstrip().startswith("{") else set()
    except json.JSONDecodeError:
        keys = set()
    return bool(keys & {"utt", "sentence"}) and "text" not in keys


def parse_annotation(annot: str) -> tuple[str, tuple[SlotValue, ...]]:
    """The text and slots of a MASSIVE annotation. A `[` or `]` outside a well-formed
    `[slot : value]` is an error: MASSIVE text has none, and it is usually a typo."""
    parts: list[str] = []
    slots: list[SlotValue] = []
    length = 0
    pos = 0
    for match in _SLOT.finditer(annot):
        parts.append(annot[pos : match.start()])
        length += match.start() - pos
        name, value = match.group(1), match.group(2)
        if not name.strip():
            raise FormatError(f"empty slot name in {match.group(0)!r}")
        slots.append(SlotValue(name, value, length, length + len(value)))
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(annot[pos:])
    text = "".join(parts)
    stray = re.search(r"[\[\]]", "".join(p for i, p in enumerate(parts) if i % 2 == 0))
    if stray and "[" in annot[pos:] and "]" not in annot[pos:]:  # the last one left open
        raise FormatError(f"a '[slot : value]' annotation that is never closed in {annot!r}")
    if stray:
        raise FormatError(f"'{stray.group(0)}' outside a '[slot : value]' annotation in {annot!r}")
    return text, tuple(slots)


def from_record(rec: object) -> Utterance:
    """The utterance of one decoded MASSIVE or SLURP record; a FormatError if bad."""
    if not isinstance(rec, dict):
        raise FormatError(f"expected a JSON object, found {type(rec).__name__}")
    annot = _field(rec, ANNOTATION_FIELDS, required=True)
    text = _field(rec, TEXT_FIELDS, required=False)
    intent = rec.get("intent")
    if not isinstance(intent, str):
        raise FormatError("the record has no string field 'intent'")
    plain, slots = parse_annotation(annot)
    if text is None:
        text = plain
    elif text != plain:
        if not same_length_case_variant(text, plain):
            raise FormatError(f"the annotation {annot!r} does not spell the text {text!r}")
        # SLURP: the annotation differs from the sentence in letter case only; the
        # sentence is the text, and the slot values are its spans.
        slots = tuple(SlotValue(s.slot, text[s.start : s.end], s.start, s.end) for s in slots)
    utterance = Utterance(text, intent, slots)
    message = problem(utterance)
    if message:
        raise FormatError(message)
    return utterance


def _field(rec: dict, names: tuple[str, ...], required: bool) -> str | None:
    for name in names:
        if name in rec:
            value = rec[name]
            if not isinstance(value, str):
                raise FormatError(f"field '{name}' must be a string")
            return value
    if required:
        raise FormatError(f"the record has no field {' or '.join(repr(n) for n in names)}")
    return None


write_document = lines_document(line)
parse = json_lines(from_record)
read = reader(parse)
