"""What the importers share: what an import gives, the checks every import makes,
grammar names for the source's names, located warnings, and pieces of text glued into
whole words."""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GrammarError, Location
from ..grm import ast as g
from ..grm.folders import Folders, printable
from ..grm.syntax import control_character, label
from ..induction.incorporate import as_name

log = logging.getLogger("grammar_fst")

MAX_GLUED = 100  # spellings one glued word may expand to


@dataclass(frozen=True)
class Imported:
    """A template's grammar, and the catalogues it reads that the import writes beside
    it (a file name in the grammar's folder: its text)."""

    grammar: g.Grammar
    catalogues: dict[str, str] = field(default_factory=dict)


def require_intents(grammar: g.Grammar, what: str) -> None:
    """A template (or model: `what`) without an intent imports as nothing at all, which
    no one means: an error, whichever importer read it."""
    if not grammar.intents:
        raise GrammarError(
            f"nothing to import: the {what} has no intent with a sentence", Location(grammar.path)
        )


def refuse_control_characters(grammar: g.Grammar) -> None:
    """A word holding a control character (a NUL, an escape) would be written into every
    sentence and record that says it, where no one sees it: an error at the word, as a
    grammar's names refuse one (`syntax.name_problem`)."""
    for statement in grammar.of_kind(g.Definition):
        for node in g.walk(statement.body):
            for word in g.written_words(node):
                bad = control_character(word)
                if bad is not None:
                    raise GrammarError(
                        f"a word cannot hold a control character (here U+{ord(bad):04X} in "
                        f"'{printable(word)}'); remove it from the template",
                        node.loc,
                    )


def warn(loc: Location, message: str) -> None:
    """A construct that does not change the sentences, left out: said, with its place."""
    log.warning("%s: %s", loc, message)


class Namer:
    """Grammar names for the source's rule names: a rule's name is in no record, so one
    that is not a bare name is made into one, and two source names never get the same."""

    def __init__(self, fallback: str):
        self.fallback = fallback
        self.names: dict[str, str] = {}

    def __call__(self, source: str, loc: Location | None = None) -> str:
        """The grammar name of `source` (`loc` unused: called as `Labels` is)."""
        if source not in self.names:
            base = as_name(source, self.fallback)
            name, number = base, 1
            while name in self.names.values():
                number += 1
                name = f"{base}_{number}"
            self.names[source] = name
        return self.names[source]


class Labels:
    """Grammar names for the source's intent or slot names, which are in every record: the
    source's own, verbatim (the grammar quotes one that is not a bare name), in NFC like
    every name (a change said at `loc`); one no grammar can hold is an error at `loc`."""

    def __init__(self):
        self.names: dict[str, str] = {}

    def __call__(self, source: str, loc: Location | None = None) -> str:
        """The grammar name of `source`."""
        if source not in self.names:
            self.names[source] = name = label(source, loc)
            if loc is not None and name != source:
                warn(loc, f"'{source}' is not in Unicode NFC: its records say '{name}'")
        return self.names[source]


@dataclass
class Definition:
    """An intent, alias or slot of a template, with its lines (rules or sentences)."""

    kind: str  # "intent", "alias" or "slot"
    name: str
    loc: Location
    lines: list = field(default_factory=list)
    args: dict[str, str] = field(default_factory=dict)  # Chatito's ('key': 'value')


class TemplateReader:
    """What the Chatette and Chatito readers share: the definitions in source order, grammar
    names for them, and the files read (each once, so that including twice is harmless)."""

    NODES = {"intent": g.Intent, "alias": g.Rule, "slot": g.Slot}

    def __init__(self):
        self.definitions: dict[tuple[str, str], Definition] = {}
        self.files: set[Path] = set()
        self.top: Path | None = None  # the template imported: includes stay in its folder
        self.names = {"intent": Labels(), "alias": Namer("rule"), "slot": Labels()}
        self.rules, self.slots = self.names["alias"], self.names["slot"]

    def first_reading(self, path: Path) -> bool:
        """Whether `path` is read for the first time (and from now on, it has been)."""
        seen = path.resolve() in self.files
        self.files.add(path.resolve())
        return not seen

    def included(self, template: Path, written: str, loc: Location) -> Path:
        """The file that `template` includes as `written`, at `loc`: in the folder tree of
        the first template, as a grammar's imports are (`grm.folders`), and a file."""
        folders = dataclasses.replace(Folders.of(self.top or template), remedy="move it there")
        found = folders.resolve(template.parent, written, "included file", loc)
        if not found.is_file():
            what = "is a folder, not a file" if found.is_dir() else "is not found"
            raise GrammarError(f"the included file '{printable(written)}' {what}", loc)
        return found

    def define(self, kind: str, name: str, loc: Location) -> Definition:
        """A new definition; one that exists already is an error at the second."""
        key = (kind, name)
        if key in self.definitions:
            raise GrammarError(
                f"{kind} '{name}' is already defined at {self.definitions[key].loc}", loc
            )
        self.definitions[key] = Definition(kind, name, loc)
        return self.definitions[key]

    def statement(self, d: Definition, body: g.Expr) -> g.Statement:
        """The `.grm` statement of a definition; an alias or slot says its source name."""
        comment = None if d.kind == "intent" else f"{d.kind} '{d.name}'"
        said = d.loc if d.kind != "alias" else None  # an alias's name is in no record
        return self.NODES[d.kind](self.names[d.kind](d.name, said), body, d.loc, comment)


@dataclass(frozen=True)
class Piece:
    """One item of a template line: its expression, where it starts and ends on the line,
    and, when it is plain text, its spellings with their probabilities (so that pieces
    written against each other can become whole words)."""

    expr: g.Expr | None  # None: a part that is never there (present with probability 0)
    start: int
    end: int
    loc: Location
    spellings: dict[str, float] | None = None


def text_pieces(text: str, start: int, loc_at) -> list[Piece]:
    """The words of plain text, each a Piece; `loc_at(col)` locates a column."""
    pieces, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        end = i
        while end < len(text) and not text[end].isspace():
            end += 1
        word = text[i:end]
        loc = loc_at(start + i)
        pieces.append(Piece(g.Word(word, loc), start + i, start + end, loc, {word: 1.0}))
        i = end
    return pieces


def word_piece(word: str, start: int, end: int, loc: Location) -> Piece:
    return Piece(g.Word(word, loc), start, end, loc, {word: 1.0})


def choice_spellings(
    options: list[list[Piece]],
    presence: float | None,
    spaced: list[tuple[bool, bool]] | None = None,
) -> dict[str, float] | None:
    """The spellings of a choice whose options are plain words, each equally likely, and
    the empty one if it is optional; None if an option holds anything else. `spaced`
    says of each option whether it starts and ends with a space: a space is then part of
    its spellings, so that it stays a word apart from the text it touches."""
    spellings: dict[str, float] = {}
    for option, (lead, trail) in zip(options, spaced or [(False, False)] * len(options)):
        if any(p.spellings is None for p in option):
            return None
        for parts in itertools.product(*(p.spellings.items() for p in option)):
            text = " " * lead + " ".join(s for s, _ in parts if s) + " " * trail
            share = 1.0 / len(options)
            for _, p in parts:
                share *= p
            spellings[text] = spellings.get(text, 0.0) + share * (
                1 if presence is None else presence
            )
    if presence is not None:
        spellings[""] = spellings.get("", 0.0) + 1 - presence
    return spellings


Glued = Callable[[list[Piece], bool, bool], "list[g.Expr] | None"]


def join(pieces: list[Piece], what: str, glued: Glued | None = None) -> list[g.Expr]:
    """The items of a line: pieces written against each other (`light[s?]`) become one
    choice of whole words when they are plain text; else that is a located error.
    `glued(run, first, last)`, given, says first what a run of touching pieces (the
    first or last of the line, or not) is, or None for the above."""
    items: list[g.Expr] = []
    runs = [[p for _, p in run] for _, run in itertools.groupby(_runs(pieces), lambda r: r[0])]
    for number, group in enumerate(runs):
        if len(group) == 1:
            if group[0].expr is not None:
                items.append(group[0].expr)
            continue
        said = glued(group, number == 0, number == len(runs) - 1) if glued else None
        if said is not None:
            items.extend(said)
            continue
        bad = next((p for p in group if p.spellings is None), None)
        if bad is not None:
            raise GrammarError(
                f"a {what} is written against other text here; grammar-fst grammars work "
                "on whole words: put a space between them, or write the whole words out",
                bad.loc,
            )
        items.extend(_whole_words(group))
    return items


def _runs(pieces: list[Piece]) -> Iterable[tuple[int, Piece]]:
    """Each piece with the number of the run of touching pieces it belongs to."""
    run = 0
    for before, piece in zip([None, *pieces], pieces):
        if before is not None and before.end != piece.start:
            run += 1
        yield run, piece


def _whole_words(group: list[Piece]) -> list[g.Expr]:
    """The choice of the words that touching plain pieces spell, weighted by probability."""
    spelled: dict[str, float] = {}
    for parts in itertools.product(*(p.spellings.items() for p in group)):
        text = "".join(s for s, _ in parts)
        share = 1.0
        for _, p in parts:
            share *= p
        spelled[text] = spelled.get(text, 0.0) + share
        if len(spelled) > MAX_GLUED:
            raise GrammarError(
                f"these touching pieces spell more than {MAX_GLUED} words; write them apart",
                group[0].loc,
            )
    loc = group[0].loc
    empty = spelled.pop("", 0.0)
    if not spelled:
        return []
    options = [
        (sequence([g.Word(w, loc) for w in text.split()], loc), p) for text, p in spelled.items()
    ]
    expr = weighted(options, loc)
    return [optional(expr, 1 - empty, loc)] if empty else [expr]  # 1 - empty > 0 here


def sequence(items: list[g.Expr], loc: Location) -> g.Expr:
    return items[0] if len(items) == 1 else g.Sequence(tuple(items), loc)


def weighted(options: list[tuple[g.Expr, float]], loc: Location) -> g.Expr:
    """A choice; weights are written only when they differ (rounded to 6 digits)."""
    if len(options) == 1:
        return options[0][0]
    weights = [round(w, 6) for _, w in options]
    same = len(set(weights)) == 1
    return g.Alternation(
        tuple(g.Option(e, None if same else w) for (e, _), w in zip(options, weights)), loc
    )


def optional(expr: g.Expr, presence: float, loc: Location) -> g.Expr | None:
    """`expr` present with probability `presence` (written only when not one half);
    always there at 1, never (None) at 0."""
    presence = round(presence, 6)
    if presence >= 1 or presence <= 0:
        return expr if presence >= 1 else None
    return g.OptionalPart(expr, loc, None if presence == 0.5 else presence)
