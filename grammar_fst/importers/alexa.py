"""Alexa interaction models (`model.json`) as a grammar: each intent's sample utterances
(`play {song} by {artist}`) become its alternatives, and each slot reads its values from
the model's own slot type, as a catalogue (`slot song from "model.json#SongType"`), so the
values and synonyms stay in one place. A model the grammar may not read (outside its
folder tree) has its types' values written in catalogues beside the grammar instead.

A slot's own samples (`intents[].slots[].samples`: what users answer when Alexa asks for
the slot, `{size}`, `make it a {size}`) are sentences of its intent too, as Alexa reads
them, in a rule of their own. A slot of a built-in type (`AMAZON.City`) has no values in
the model: it is given a catalogue file named after the type (`AMAZON.City.txt`) to write
or bind with `--catalogue`, with a warning; one the model extends reads the model's values
alone, with a warning saying so. A custom type the model does not define is an error.
Intents without samples (`AMAZON.StopIntent`) are left out, with a warning. A sample
naming a slot its intent does not declare, or glued to one (`{artist}'s`), and a second
intent of one name, are errors located in the file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import json_input
from ..data.catalogue import ALEXA_PATH, Catalogue, read_catalogue
from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ..grm.folders import Folders
from ..text import tokens
from ._common import Imported, Labels, Namer, Piece, join, text_pieces, warn, weighted

_SLOT = re.compile(r"\{([^{}]*)\}")
_STRAY_BRACE = re.compile(r"[{}]")  # one left once every `{slot}` is taken out


def read(path: Path, output: Path | None = None) -> Imported:
    """The grammar of the model at `path`, and the catalogues to write beside `output`,
    the grammar's file (None: standard output, read from the current folder)."""
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
    reader = _Reader(path, where, language, output)
    for number, intent in enumerate(language["intents"]):
        reader.intent(number, intent)
    return reader.imported()


class _Reader:
    """The statements of one model: an intent for each intent with samples, a rule for
    the samples of each of its slots, and a slot for each slot they name, with its type
    and where it is first used."""

    def __init__(self, path: Path, where: _Places, language: dict, output: Path | None):
        self.path, self.where, self.output = path, where, output
        self.types = {
            t["name"]: t
            for t in _list(language, "types", "languageModel", where)
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        }
        self.intents, self.slots, self.rules = Labels(), Labels(), Namer("rule")
        self.statements: list[g.Statement] = []
        self.slot_types: dict[str, tuple[str, Location]] = {}
        self.named: dict[str, Location] = {}  # intent names, where each is first
        self.after = 0  # where the last intent's name is in the text: the next is further
        self.catalogues: dict[str, str] = {}
        self.files = Namer("type")  # the names of the catalogues written, after the types
        self.outside_said = False  # the model is outside the grammar's folder: warned

    def intent(self, number: int, intent: object) -> None:
        """An intent's statements: its samples, and its slots' samples as a rule each."""
        name = intent.get("name") if isinstance(intent, dict) else None
        if not isinstance(intent, dict) or not isinstance(name, str) or not name:
            raise GrammarError(f"intents[{number}] has no name", Location(str(self.path)))
        at = self.where.find(name, "name", self.after)
        self.after = max(self.after, at + 1)
        loc = self.where.at(at)
        if name in self.named:
            raise GrammarError(
                f"intent {name} is already defined at {self.named[name]}, and Alexa refuses "
                "two intents of one name: rename one",
                loc,
            )
        self.named[name] = loc
        where = f"intents[{number}]"
        slots = {
            k: s
            for k, s in enumerate(_list(intent, "slots", where, self.where))
            if isinstance(s, dict) and isinstance(s.get("name"), str)
        }
        declared = {s["name"]: s.get("type") for s in slots.values()}
        options = self.samples(_list(intent, "samples", where, self.where), declared, name)
        rules = []
        for k, slot in slots.items():  # a slot's samples: what users say when asked for it
            said = _list(slot, "samples", f"{where}.slots[{k}]", self.where)
            answers = self.samples(said, declared, name)
            if answers:
                rule = self.rules(f"{name} {slot['name']}")
                options.append((g.RuleRef(rule, loc), float(len(answers))))
                comment = f"samples of slot {slot['name']}: what users answer when asked for it"
                rules.append(g.Rule(rule, weighted(answers, loc), loc, comment))
        if not options:
            warn(loc, f"intent {name} has no sample utterances: left out")
            return
        self.statements += [g.Intent(self.intents(name, loc), weighted(options, loc), loc), *rules]

    def samples(self, samples: list, declared: dict, intent: str) -> list[tuple[g.Expr, float]]:
        """Sample utterances, each as likely as another; the slots they name are noted."""
        options = []
        for sample in samples:
            if not isinstance(sample, str) or not sample.strip():
                raise GrammarError(
                    f"intent {intent}: a sample that is not text", self.named[intent]
                )
            loc = self.where.of(sample)
            options.append((_sample(sample, declared, self.slots, loc, intent), 1.0))
            for slot_name in _SLOT.findall(sample):
                self.slot_types.setdefault(self.slots(slot_name.strip()),
                                           (declared[slot_name.strip()], loc))  # fmt: skip
        return options

    def imported(self) -> Imported:
        """The grammar: the intents, then a slot reading its type's values for each slot
        the samples name."""
        for slot, (type_name, loc) in self.slot_types.items():
            file = self.catalogue(slot, type_name, loc)
            self.statements.append(
                g.Slot(slot, g.CatalogueRef(file, loc), loc, f"values of {type_name}")
            )
        return Imported(g.Grammar(tuple(self.statements), str(self.path)), self.catalogues)

    def catalogue(self, slot: str, type_name: object, loc: Location) -> str:
        """The catalogue a slot of `type_name`, first used at `loc`, reads: its type in the
        model (a built-in one extends, with a warning that the built-in's values are not
        there), or the file to write for a built-in type the model does not extend."""
        if not isinstance(type_name, str) or not type_name:
            raise GrammarError(f"slot {slot} has no type; Alexa requires one", loc)
        built_in = type_name.startswith("AMAZON.")
        if type_name not in self.types:
            return self.built_in(slot, type_name, loc)
        if not self.types[type_name].get("values"):  # here, not at the grammar's first sample
            raise GrammarError(
                f"slot type '{type_name}' is empty", self.where.of(type_name, "name")
            )
        if built_in:
            warn(
                loc,
                f"slot {slot} has the built-in type {type_name}, which the model extends: "
                "only the model's values are imported, not the built-in's own (Alexa's, not "
                "in the model); to have them, write a catalogue with both and bind it with "
                f"--catalogue {slot}=FILE, or name it in the grammar's 'slot {slot} from' line",
            )
        return self.model_type(type_name)

    def built_in(self, slot: str, type_name: str, loc: Location) -> str:
        """The catalogue file of a built-in type the model does not extend, named after it
        for the user to write; a custom type the model does not define is an error, as
        Alexa has it."""
        if not type_name.startswith("AMAZON."):
            known = ", ".join(sorted(self.types)) or "none"
            raise GrammarError(
                f"slot {slot} has the type {type_name}, which the model does not define (its "
                f"types: {known}); define it in interactionModel.languageModel.types, as "
                "Alexa requires",
                self.where.of(type_name, "type"),
            )
        file = f"{type_name}.txt"
        warn(
            loc,
            f"slot {slot} has the built-in type {type_name}, whose values are not in the "
            f"model: write them in {file} beside the grammar, or bind --catalogue {slot}=FILE",
        )
        return file

    def model_type(self, type_name: str) -> str:
        """The catalogue of a type of the model: the model itself when the grammar may read
        it (in the grammar's folder tree, as docs/security.md says), else its values
        written in a catalogue beside the grammar."""
        grammar = self.output or Path("-")
        written = os.path.relpath(os.path.abspath(self.path), os.path.abspath(grammar.parent))
        if Folders.of(grammar).reads(self.path):
            return f"{written}#{type_name}"
        if self.output is None:
            if not self.outside_said:
                warn(
                    Location(str(self.path)),
                    "the model is outside the current folder, which a grammar written to "
                    "standard output reads its catalogues from: give compile --allow-path "
                    "with the model's folder, or import with -o OUT.grm to write its slot "
                    "values beside the grammar",
                )
            self.outside_said = True
            return f"{written}#{type_name}"
        file = f"{self.output.stem}.{self.files(type_name)}.tsv"
        self.catalogues[file] = _tsv(read_catalogue(f"{self.path}#{type_name}"))
        return file


def _list(obj: dict, key: str, where: str, places: _Places) -> list:
    """`obj[key]`, a list (an empty one when it is not there, or null)."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise GrammarError(f"{where}.{key} should be a list", places.of(key))
    return value


def _tsv(catalogue: Catalogue) -> str:
    """A catalogue's entries as a .tsv catalogue reads them, synonyms meaning their value."""
    rows = [
        f"{tokens.join(e.words)}\t{tokens.join(e.canonical or ())}\n" for e in catalogue.entries
    ]
    return "".join(["value\tcanonical\n", *rows])


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
    """Where a string appears in the JSON text, as a location (samples and names are
    found by their JSON spelling, as the value of `key` when one is given; the file's
    location alone when not found)."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path

    def find(self, value: str, key: str | None = None, start: int = 0) -> int:
        """Where `value` first is from `start` on (-1: nowhere)."""
        spelled = json.dumps(value, ensure_ascii=False)
        if key is None:
            return self.text.find(spelled, start)
        found = re.compile(rf"{re.escape(json.dumps(key))}\s*:\s*({re.escape(spelled)})")
        match = found.search(self.text, start)
        return match.start(1) if match else -1

    def at(self, pos: int) -> Location:
        return Location.of(self.path, self.text, pos) if pos >= 0 else Location(self.path)

    def of(self, value: str, key: str | None = None) -> Location:
        return self.at(self.find(value, key))
