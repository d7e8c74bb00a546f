"""Rasa 3 NLU training data (YAML), read and written by hand in its usual fixed layout.

    version: "3.1"
    nlu:
    - intent: play_music
      examples: |
        - play [madonna](artist)
        - fly to [nyc]{"entity": "city", "value": "new york"}

A slot with a `canonical` value is written in the dictionary form, whose `value` is the
canonical one. Reading follows Rasa's own rules: an example is a line of the block that
starts with `-`, its text what follows with spaces stripped, and an entity is what Rasa's
entity pattern finds: `[text](entity)`, `[text](entity:value)` or `[text]{"entity": ...,
"value": ...}` (a `role` or `group` is ignored); anything else is literal text, with a
warning for a square bracket outside an entity (most often an entity left unclosed).

This is not a YAML parser. It reads the layout above: top-level keys, the `nlu:` list of
`- intent: NAME` items (plain, 'single'- or "double"-quoted name) with an `examples: |`
block; `synonym`, `regex` and `lookup` items are skipped with a warning (they are not
utterances), other keys (`metadata:`) and sections (`responses:`) are skipped. A layout it
does not know (a flow list, `examples:` as a list of `text:` items, tabs) is an error that
stops reading even under on_error="skip"; a bad example is a bad record like any other.

Written as a whole document (utterances grouped by intent): `write_document`, no line
writer. Cannot carry: text with line breaks or leading/trailing spaces (Rasa strips
them), characters YAML does not allow unescaped, an empty slot value, or text Rasa would
read as an entity (`[x](y)`); the writer refuses those.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ... import json_input
from ..records import SlotValue, Utterance
from ._common import FormatError, Parsed, Source, log, problem, reader, to_json

VERSION = "3.1"

# Rasa 3's own pattern (rasa/shared/nlu/training_data/entities_parser.py).
ENTITY = re.compile(
    r"\[(?P<entity_text>[^\]]+?)\](\((?P<entity>[^:)]+?)(?:\:(?P<value>[^)]+))?\)"
    r"|\{(?P<entity_dict>[^}]+?)\}|\[(?P<list_entity_dicts>.*?)\])"
)
STRIP = "\n\r "  # what Rasa strips around an example
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}
# Characters a YAML stream cannot hold as they are, or that end a line for YAML 1.1 or
# for `str.splitlines` (which Rasa uses to cut a block into examples).
_NOT_IN_LINE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_BLOCK = re.compile(r"\|[-+]?")


# --- writing -------------------------------------------------------------------------


def example(utterance: Utterance) -> str:
    """The annotated example of one utterance; a FormatError if Rasa could not read it
    back as the same text and slots."""
    text = utterance.text
    message = problem(utterance)
    if message is None:
        bad = _NOT_IN_LINE.search(text)
        if bad:
            message = f"it holds the character U+{ord(bad.group(0)):04X}"
        elif text != text.strip(STRIP):
            message = "Rasa strips spaces around an example"
    parts: list[str] = []
    pos = 0
    for slot in utterance.slots:
        parts.append(text[pos : slot.start])
        if slot.canonical is None and re.fullmatch(r"[^:()\[\]{}]+", slot.slot):
            parts.append(f"[{slot.value}]({slot.slot})")
        else:
            entity = {"entity": slot.slot}
            if slot.canonical is not None:
                entity["value"] = slot.canonical
            parts.append(f"[{slot.value}]{to_json(entity)}")
        pos = slot.end
    parts.append(text[pos:])
    line = "".join(parts)
    if message is None:
        try:
            if parse_example(line) != (text, utterance.slots):
                message = "brackets in its text or slots would be read as other entities"
        except FormatError as err:
            message = err.message
    if message is not None:
        raise FormatError(f"cannot write {text!r} as Rasa YAML: {message}")
    return line


def _name(intent: str) -> str:
    """An intent name as a YAML scalar: plain when that is safe, else double-quoted."""
    if _PLAIN_NAME.fullmatch(intent) and intent.lower() not in _YAML_WORDS:
        return intent
    bad = _NOT_IN_LINE.search(intent)
    if bad or not intent:
        what = f"U+{ord(bad.group(0)):04X}" if bad else "an empty name"
        raise FormatError(f"cannot write the intent {intent!r} as Rasa YAML: {what}")
    return to_json(intent)


def write_document(utterances: Iterable[Utterance]) -> str:
    """The whole file as one string: one `- intent:` item per intent, in the order each
    intent first appears, its examples in their order."""
    groups: dict[str, list[str]] = {}
    for u in utterances:
        groups.setdefault(u.intent, []).append(example(u))
    lines = [f'version: "{VERSION}"', "nlu:"]
    for intent, examples in groups.items():
        lines += [f"- intent: {_name(intent)}", "  examples: |"]
        lines += [f"    - {e}" for e in examples]
    return "\n".join(lines) + "\n"


def parse_example(line: str) -> tuple[str, tuple[SlotValue, ...]]:
    """The text and slots of an annotated example (without its leading `-`)."""
    parts: list[str] = []
    slots: list[SlotValue] = []
    length = 0
    pos = 0
    for match in ENTITY.finditer(line):
        literal = line[pos : match.start()]
        parts.append(literal)
        length += len(literal)
        value = match.group("entity_text")
        if match.group("entity") is not None:
            name, canonical = match.group("entity"), match.group("value")
        elif match.group("entity_dict") is not None:
            name, canonical = _entity_dict(match.group(0), match.group("entity_dict"))
        else:
            raise FormatError(f"{match.group(0)!r}: several entities on one span are not supported")
        if canonical == value:
            canonical = None
        slots.append(SlotValue(name, value, length, length + len(value), canonical))
        parts.append(value)
        length += len(value)
        pos = match.end()
    parts.append(line[pos:])
    return "".join(parts), tuple(slots)


def _stray_bracket(line: str) -> int | None:
    """Where the first square bracket outside Rasa's entities is: most often an entity
    left unclosed, which Rasa, and so this reader, takes as words."""
    outside = ENTITY.sub(lambda m: " " * len(m.group(0)), line)
    found = re.search(r"[\[\]]", outside)
    return found.start() if found else None


def _entity_dict(whole: str, inside: str) -> tuple[str, str | None]:
    try:
        entity = json_input.loads("{" + inside + "}")
    except json.JSONDecodeError as err:
        raise FormatError(f"{whole!r}: the entity is not a JSON object ({err.msg})") from None
    name, canonical = entity.get("entity"), entity.get("value")
    if not isinstance(name, str) or not name:
        raise FormatError(f'{whole!r}: the entity has no string "entity"')
    if canonical is not None and not isinstance(canonical, str):
        raise FormatError(f'{whole!r}: the entity\'s "value" must be a string')
    return name, canonical


@dataclass
class _Item:
    """One item of the nlu list: its kind (intent, synonym, regex, lookup; "" until the
    key is seen), name, where it starts, and its example lines (line, pos, text)."""

    pos: int
    kind: str = ""
    name: str = ""
    examples: list[tuple[int, int, str]] = field(default_factory=list)


_NAMED = ("intent", "synonym", "regex", "lookup")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    """Empty, spaces only, or a comment (outside an examples block)."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _check(source: Source, pos: int, line: str) -> None:
    """A structural line must be UTF-8 and indented with spaces."""
    bad = source.bad_bytes(pos, pos + len(line))
    if bad is not None:
        raise bad
    if line.lstrip(" ").startswith("\t"):
        raise source.error("a tab in the indentation (YAML allows spaces only)", pos)


def _scalar(raw: str, source: Source, pos: int) -> str:
    """A one-line YAML scalar: "double-quoted" (JSON escapes), 'single', or plain."""
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json_input.loads(raw)
        except json.JSONDecodeError:
            raise source.error(f"cannot read the quoted name {raw}", pos) from None
        return value
    if raw.startswith("'"):
        if len(raw) < 2 or not raw.endswith("'"):
            raise source.error(f"cannot read the quoted name {raw}", pos)
        return raw[1:-1].replace("''", "'")
    return re.split(r"\s#", raw, maxsplit=1)[0].strip()


def parse(source: Source) -> Iterator[Parsed]:
    lines = list(source.lines())
    i = 0
    in_nlu = seen_nlu = False
    dash = -1  # indentation of the nlu list's dashes, once seen
    while i < len(lines):
        number, pos, line = lines[i]
        if _blank(line):
            i += 1
            continue
        _check(source, pos, line)
        indent = _indent(line)
        stripped = line[indent:]
        is_item = stripped == "-" or stripped.startswith("- ")
        if in_nlu and is_item and dash in (-1, indent):
            dash = indent
            item, i = _item(lines, i, source)
            yield from _finish(item, source)
        elif indent == 0 and not is_item:
            key, sep, value = line.partition(":")
            if not sep or value[:1] not in ("", " "):
                raise source.error("expected a top-level 'key:' line", pos)
            in_nlu, dash = key.strip() == "nlu", -1
            seen_nlu = seen_nlu or in_nlu
            i += 1
            if in_nlu and _scalar(value, source, pos) not in ("", "[]"):
                raise source.error("expected the 'nlu:' list on the lines below it", pos)
            if not in_nlu:  # version, responses, ...: skip what is nested under it
                while i < len(lines) and (
                    _blank(lines[i][2]) or lines[i][2].startswith((" ", "-"))
                ):
                    i += 1
        elif in_nlu:
            raise source.error("expected an item '- intent: NAME' of the nlu list", pos + indent)
        else:
            raise source.error("unexpected indentation", pos + indent)
    if not seen_nlu:
        raise source.error("not Rasa NLU data: no top-level 'nlu:' list", 0)


def _item(lines: list, i: int, source: Source) -> tuple[_Item, int]:
    """Read the item whose dash is on line `i`; returns it and the index after it."""
    number, pos, line = lines[i]
    key_indent = _indent(line) + 2
    item = _Item(pos + key_indent - 2)
    i = _key(lines, i, key_indent, line[key_indent:], pos + key_indent, item, source)
    while i < len(lines):
        number, pos, line = lines[i]
        if _blank(line):
            i += 1
            continue
        indent = _indent(line)
        if indent < key_indent:
            break
        _check(source, pos, line)
        if indent > key_indent:
            raise source.error("unexpected indentation", pos + indent)
        i = _key(lines, i, key_indent, line[indent:], pos + indent, item, source)
    return item, i


def _key(lines, i, key_indent, text, pos, item: _Item, source: Source) -> int:
    """Read the `key: value` at `text` (line `i`, character `pos`) into `item`; returns
    the index of the line after it and what it holds."""
    if not text.strip():
        return i + 1
    key, sep, value = text.partition(":")
    key = key.strip()
    if not sep or not key or value[:1] not in ("", " "):
        raise source.error("expected 'key: value'", pos)
    if key in _NAMED:
        if item.kind:
            raise source.error(f"'{key}' in an item that already has '{item.kind}'", pos)
        item.kind, item.name = key, _scalar(value, source, pos)
        return i + 1
    if key == "examples":
        indicator = re.split(r"\s#", value, maxsplit=1)[0].strip()
        if not _BLOCK.fullmatch(indicator):
            raise source.error(
                "expected 'examples: |' followed by '- example' lines (other YAML forms "
                "of examples are not supported)",
                pos,
            )
        return _block(lines, i + 1, key_indent, item)
    i += 1  # metadata and other keys: skip what is nested under them
    while i < len(lines) and (_blank(lines[i][2]) or _indent(lines[i][2]) > key_indent):
        i += 1
    return i


def _block(lines: list, i: int, key_indent: int, item: _Item) -> int:
    """Read the lines of an `examples: |` block into `item`; returns the index after."""
    content = -1
    while i < len(lines):
        number, pos, line = lines[i]
        if not line.strip(" "):
            i += 1
            continue
        indent = _indent(line)
        if indent <= key_indent:
            break
        if content < 0:
            content = indent
        cut = min(indent, content)  # a line indented less than the first: Rasa's error
        item.examples.append((number, pos + cut, line[cut:]))
        i += 1
    return i


def _finish(item: _Item, source: Source) -> Iterator[Parsed]:
    """The utterances (or errors) of one item of the nlu list."""
    if item.kind in ("synonym", "regex", "lookup"):
        log.warning(
            "%s: '%s' items are not utterances; ignored", source.location(item.pos), item.kind
        )
        return
    if item.kind != "intent":
        raise source.error("an item of the nlu list without 'intent: NAME'", item.pos)
    if not item.name:
        raise source.error("an intent item without a name", item.pos)
    for _, pos, line in item.examples:
        bad = source.bad_bytes(pos, pos + len(line))
        if bad is not None:
            yield bad
            continue
        if not line.startswith("-"):
            yield source.error("an example line must start with '-'", pos)
            continue
        try:
            text, slots = parse_example(line[1:].strip(STRIP))
        except FormatError as err:
            yield source.error(err.message, pos)
            continue
        stray = _stray_bracket(line)
        if stray is not None:
            log.warning(
                "%s: '%s' opens or closes no entity Rasa reads (an entity is "
                "[text](entity) or [text]{...}); kept as text",
                source.location(pos + stray),
                line[stray],
            )
        utterance = Utterance(text, item.name, slots)
        message = problem(utterance)
        yield source.error(message, pos) if message else utterance


read = reader(parse)
