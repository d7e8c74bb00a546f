"""Alexa interaction models (`model.json`) as a grammar: each intent's sample utterances
(`play {song} by {artist}`) become its alternatives, and each slot reads its values from
the model's own slot type, as a catalogue (`slot song from "model.json#SongType"`), so the
values and synonyms stay in one place.

A slot of a built-in type (`AMAZON.City`) has no values in the model: it is given a
catalogue file named after the type (`AMAZON.City.txt`) to write or bind with
`--catalogue`, with a warning. Intents without samples (`AMAZON.StopIntent`) are left out,
with a warning. A sample naming a slot its intent does not declare, or glued to one
(`{artist}'s`), is an error located at the sample in the file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import json_input
from ..data.catalogue import ALEXA_PATH
from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ._common import Labels, Piece, join, text_pieces, warn, weighted

_SLOT = re.compile(r"\{([^{}]*)\}")
_STRAY_BRACE = re.compile(r"[{}]")  # one left once every `{slot}` is taken out


def read(path: Path, output_folder: Path | None = None) -> g.Grammar:
    """The grammar of the model at `path`; catalogue paths are relative to `output_folder`."""
    text = read_text(path)
    where = _Places(text, str(path))
    try:
        model = json_input.loads(text)
    except json.JSONDecodeError as err:
        raise GrammarError(
            f"not valid JSON: {err.msg}", Location(str(path), err.lineno, err.colno)
        ) from None
    language = model
    for key in ALEXA_PATH[:-1]:
        language = language.get(key) if isinstance(language, dict) else None
    if not isinstance(language, dict) or not isinstance(language.get("intents"), list):
        raise GrammarError(
            "not an Alexa interaction model: expected interactionModel.languageModel.intents",
            Location(str(path)),
        )
    types = {t.get("name"): t for t in language.get("types", []) if isinstance(t, dict)}
    model_file = os.path.relpath(os.path.abspath(path), os.path.abspath(output_folder or Path()))
    intents, slots = Labels(), Labels()
    statements: list[g.Statement] = []
    slot_types: dict[str, tuple[str, Location]] = {}
    for number, intent in enumerate(language["intents"]):
        name = intent.get("name") if isinstance(intent, dict) else None
        if not isinstance(name, str) or not name:
            raise GrammarError(f"intents[{number}] has no name", Location(str(path)))
        loc = where.of(name)
        samples = intent.get("samples") or []
        if not samples:
            warn(loc, f"intent {name} has no sample utterances: left out")
            continue
        declared = {
            s.get("name"): s.get("type") for s in intent.get("slots", []) if isinstance(s, dict)
        }
        options = []
        for sample in samples:
            if not isinstance(sample, str) or not sample.strip():
                raise GrammarError(f"intent {name}: a sample that is not text", loc)
            options.append((_sample(sample, declared, slots, where.of(sample), name), 1.0))
            for slot_name in _SLOT.findall(sample):
                slot_types.setdefault(slots(slot_name), (declared[slot_name], where.of(sample)))
        statements.append(g.Intent(intents(name, loc), weighted(options, loc), loc))
    for slot, (type_name, loc) in slot_types.items():
        if type_name in types:
            file = f"{model_file}#{type_name}"
            if not types[type_name].get("values"):  # here, not at the grammar's first sample
                raise GrammarError(f"slot type '{type_name}' is empty", where.of(type_name))
        else:
            file = f"{type_name}.txt"
            kind = "built-in type" if type_name.startswith("AMAZON.") else "type"
            warn(
                loc,
                f"slot {slot} has the {kind} {type_name}, whose values are not in the "
                f"model: write them in {file} beside the grammar, or bind --catalogue {slot}=FILE",
            )
        statements.append(g.Slot(slot, g.CatalogueRef(file, loc), loc, f"values of {type_name}"))
    return g.Grammar(tuple(statements), str(path))


def _sample(sample: str, declared: dict, slots: Labels, loc: Location, intent: str) -> g.Expr:
    """One sample utterance: its words, and its `{slot}` references."""
    pieces: list[Piece] = []
    at = 0

    def locate(col: int) -> Location:
        return Location(loc.file, loc.line, loc.col + 1 + col) if loc.line else loc

    for stray in _STRAY_BRACE.finditer(_SLOT.sub(lambda ref: " " * len(ref.group(0)), sample)):
        closing = stray.group(0) == "}"
        raise GrammarError(
            f"intent {intent}: a '{stray.group(0)}' that no "
            f"'{'{' if closing else '}'}' {'opens' if closing else 'closes'}: a slot is "
            "written {name}",
            locate(stray.start()),
        )
    for ref in _SLOT.finditer(sample):
        pieces += text_pieces(sample[at : ref.start()], at, locate)
        name = ref.group(1).strip()
        if name not in declared:
            known = ", ".join(sorted(map(str, declared))) or "none"
            raise GrammarError(
                f"intent {intent}: the sample names slot {{{name}}}, which the intent does not "
                f"declare (its slots: {known})",
                locate(ref.start()),
            )
        pieces.append(
            Piece(
                g.SlotRef(slots(name, locate(ref.start())), locate(ref.start())),
                ref.start(),
                ref.end(),
                locate(ref.start()),
            )
        )
        at = ref.end()
    pieces += text_pieces(sample[at:], at, locate)
    items = join(pieces, "slot")
    return items[0] if len(items) == 1 else g.Sequence(tuple(items), loc)


class _Places:
    """Where a string first appears in the JSON text, as a location (samples and names
    are found by their JSON spelling; the file's location alone when not found)."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path

    def of(self, value: str) -> Location:
        pos = self.text.find(json.dumps(value, ensure_ascii=False))
        if pos < 0:
            return Location(self.path)
        line = self.text.count("\n", 0, pos) + 1
        return Location(self.path, line, pos - (self.text.rfind("\n", 0, pos) + 1) + 1)
