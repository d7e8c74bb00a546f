"""Chatette templates (`.chatette`, the syntax of Chatette 1.6) as a grammar.

    %[lights_on](training: 100)          an intent; its rules are the indented lines
        ~[please?] turn on the @[room]   an alias, optional; a slot
    ~[please]                            an alias: a rule of the grammar
        please
        could you
    @[room]                              a slot; `= value` gives a rule's value
        kitchen
        lounge = living room             (a synonym: said "lounge", meant "living room")

What is read: intents, aliases and slots with their rules; references `~[a]`, `@[s]`
with `?` (present half of the time) or `?/30` (30% of the time); choices `[a|b]` (and the
older `{a/b}`), optional with `?` or `?/N` too; slot values `= value`; `\\` escapes;
comments `//` and `;`; included files `|other.chatette`; words glued to a choice of
words (`light[s?]` is `light | lights`). Intent annotations (`training`, `testing`) and
other annotations do not change the sentences: they are left out with a warning (`sample
-n`, `--partition train=...,test=...` do that work). Case generation (`&`), named or
opposite random generation (`?name`, `?!name`), variations (`#v`), arguments (`$a`) and
intent references have no `.grm` form: each is an error at its place.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ..grm.syntax import MAX_NESTING
from ._common import (
    Definition,
    Piece,
    TemplateReader,
    choice_spellings,
    join,
    optional,
    warn,
    weighted,
    word_piece,
)

ESCAPABLE = set("\\/;[]~@%{}|?#$&=")
KINDS = {"%": "intent", "~": "alias", "@": "slot"}
_ANNOTATION = re.compile(r"\(\s*(.*?)\s*\)\s*\Z")


class _File(TemplateReader):
    """The declarations of one template file and the files it includes."""

    def __init__(self):
        super().__init__()
        self.used: list[tuple[str, str, Location]] = []  # references, checked at the end
        self.nesting = 0  # choices being read, one inside another

    def read(self, path: Path) -> None:
        if not self.first_reading(path):
            return
        unit: Definition | None = None
        for number, raw in enumerate(read_text(path).split("\n"), 1):
            line = _Line(raw.rstrip("\r"), str(path), number)
            text = line.text
            if not text.strip():
                continue
            if not text[0].isspace():
                if text.startswith("|"):
                    self.read(self.included(path, text[1:].strip(), line.loc(1)))
                    unit = None
                    continue
                unit = self.declaration(line)
                continue
            if unit is None:
                raise GrammarError(
                    "an indented rule outside any declaration; start with %[intent], "
                    "~[alias] or @[slot] at column 1",
                    line.loc(len(text) - len(text.lstrip())),
                )
            start = len(text) - len(text.lstrip())
            unit.lines.append(self.rule(line, start, unit.kind == "slot"))

    def declaration(self, line: _Line) -> Definition:
        text = line.text
        if len(text) < 2 or text[0] not in KINDS or text[1] != "[":
            raise GrammarError(
                "a line at column 1 declares %[intent], ~[alias] or @[slot], or includes "
                "|file; indent a rule",
                line.loc(0),
            )
        kind = KINDS[text[0]]
        name, end = line.unit_name(2, declaration=True)
        rest = text[end:].strip()
        if rest:
            match = _ANNOTATION.match(rest)
            if not match:
                raise GrammarError(
                    f"unexpected '{rest}' after the {kind} declaration", line.loc(end)
                )
            warn(
                line.loc(end),
                f"{kind} '{name}': the annotation ({match.group(1)}) is left out, as it does "
                "not change the sentences (sample -n and --partition set how many, and sets)",
            )
        return self.define(kind, name, line.loc(0))

    def rule(self, line: _Line, start: int, in_slot: bool) -> g.Expr:
        """One rule line: its contents, and in a slot its `= value`."""
        text = line.text
        end = line.find_unescaped("=", start) if in_slot else None
        pieces, at = self.contents(line, start, closers="" if end is None else "=")
        expr = _sequence(join(pieces, "reference"), line.loc(start))
        if end is not None:
            value = line.unescape(text[end + 1 :]).split()
            if not value:
                raise GrammarError("'=' needs the slot value after it", line.loc(end))
            if value != list(_words(expr)):
                return g.Synonym(expr, tuple(value), line.loc(end))
        return expr

    def contents(self, line: _Line, i: int, closers: str) -> tuple[list[Piece], int]:
        """The pieces from column i up to one of `closers` (or the end of the line)."""
        text, pieces = line.text, []
        while i < len(text):
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch in closers:
                return pieces, i
            elif ch in "[{":
                piece, i = self.choice(line, i)
                pieces.append(piece)
            elif ch in KINDS and text.startswith("[", i + 1):
                piece, i = self.reference(line, i)
                pieces.append(piece)
            else:
                word, end = line.word(i, closers)
                if end == i:
                    raise GrammarError(f"unexpected '{ch}'", line.loc(i))
                pieces.append(word_piece(word, i, end, line.loc(i)))
                i = end
        return pieces, i  # the end of the line: a choice left open is its caller's error

    def choice(self, line: _Line, i: int) -> tuple[Piece, int]:
        """`[a|b]` or `{a/b}`, with `?` or `?/N` before its end."""
        text, start = line.text, i
        opener = text[i]
        sep, closer = ("|", "]") if opener == "[" else ("/", "}")
        if text.startswith("&", i + 1):
            raise GrammarError(
                "case generation (&) has no .grm form; write both cases out", line.loc(i + 1)
            )
        self.nesting += 1
        if self.nesting > MAX_NESTING:  # deeper would exhaust Python's recursion limit
            raise GrammarError(
                f"choices nest more than {MAX_NESTING} deep; make an inner choice an alias",
                line.loc(start),
            )
        options, i = [], i + 1
        while True:
            pieces, i = self.contents(line, i, sep + closer + "?")
            options.append(pieces)
            if i < len(text) and text[i] == sep:
                i += 1
                continue
            break
        self.nesting -= 1
        presence, i = line.randgen(i)
        if i >= len(text) or text[i] != closer:
            raise GrammarError(f"this choice is never closed: add '{closer}'", line.loc(start))
        loc = line.loc(start)
        if not all(options):
            raise GrammarError(
                "a choice with an empty option; make the choice optional with ?", loc
            )
        exprs = [_sequence(join(p, "reference"), loc) for p in options]
        expr = weighted([(e, 1.0) for e in exprs], loc)
        if presence is not None:
            expr = optional(expr, presence, loc)
        spellings = choice_spellings(options, presence)
        return Piece(expr, start, i + 1, loc, spellings), i + 1

    def reference(self, line: _Line, i: int) -> tuple[Piece, int]:
        """`~[alias]`, `@[slot]`, with `?` or `?/N`."""
        kind = KINDS[line.text[i]]
        loc = line.loc(i)
        if kind == "intent":
            raise GrammarError("a reference to an intent has no .grm form; use an alias", loc)
        name, end = line.unit_name(i + 2, declaration=False)
        presence = line.presence
        ref = (
            g.RuleRef(self.rules(name), loc)
            if kind == "alias"
            else g.SlotRef(self.slots(name, loc), loc)
        )
        self.used.append((kind, name, loc))
        expr = ref if presence is None else optional(ref, presence, loc)
        return Piece(expr, i, end, loc), end

    def grammar(self, path: Path) -> g.Grammar:
        self.top = path
        self.read(path)
        for kind, name, loc in self.used:
            if (kind, name) not in self.definitions:
                sigil = "~" if kind == "alias" else "@"
                raise GrammarError(f"{kind} {sigil}[{name}] is used but never declared", loc)
        statements = []
        for unit in self.definitions.values():
            if not unit.lines:
                raise GrammarError(f"{unit.kind} '{unit.name}' has no rule", unit.loc)
            body = weighted([(expr, 1.0) for expr in unit.lines], unit.loc)
            statements.append(self.statement(unit, body))
        return g.Grammar(tuple(statements), str(path))


class _Line:
    """One line of a template, with escapes and located errors."""

    def __init__(self, raw: str, path: str, number: int):
        self.path, self.number = path, number
        cut = self.find_unescaped("//", 0, raw)
        old = self.find_unescaped(";", 0, raw)
        ends = [c for c in (cut, old) if c is not None]
        self.text = raw[: min(ends)] if ends else raw
        self.presence: float | None = None

    def loc(self, col: int) -> Location:
        return Location(self.path, self.number, col + 1)

    def find_unescaped(self, what: str, start: int, text: str | None = None) -> int | None:
        text = self.text if text is None else text
        i = start
        while i < len(text):
            if text[i] == "\\":
                i += 2
                continue
            if text.startswith(what, i):
                return i
            i += 1
        return None

    def unescape(self, text: str) -> str:
        return re.sub(
            r"\\(.)", lambda m: m.group(1) if m.group(1) in ESCAPABLE else m.group(0), text
        )

    def word(self, i: int, closers: str) -> tuple[str, int]:
        """The plain text from i to the next space, choice, reference or closer."""
        text, chars = self.text, []
        while i < len(text) and not text[i].isspace():
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                chars.append(text[i + 1])
                i += 2
                continue
            if ch in closers or ch in "[{]}" or (ch in KINDS and text.startswith("[", i + 1)):
                break
            if ch in "$#&":
                raise GrammarError(
                    f"'{ch}' is special in Chatette; escape it (\\{ch}) to mean the character",
                    self.loc(i),
                )
            chars.append(ch)
            i += 1
        return "".join(chars), i

    def unit_name(self, i: int, declaration: bool) -> tuple[str, int]:
        """The name of a unit between `[` and `]` from column i, its modifiers checked;
        `self.presence` is set from a `?` modifier. Returns the name and the column after `]`."""
        text, start = self.text, i
        if text.startswith("&", i):
            raise GrammarError(
                "case generation (&) has no .grm form; write both cases out", self.loc(i)
            )
        chars = []
        while i < len(text) and text[i] not in "]#$?":
            if text[i] == "\\" and i + 1 < len(text):
                chars.append(text[i + 1])
                i += 2
                continue
            chars.append(text[i])
            i += 1
        name = "".join(chars).strip()
        if i < len(text) and text[i] == "#":
            raise GrammarError(
                "variations (#name) have no .grm form; declare another alias or slot", self.loc(i)
            )
        if i < len(text) and text[i] == "$":
            raise GrammarError(
                "arguments ($name) have no .grm form; write the words out", self.loc(i)
            )
        self.presence = None
        if i < len(text) and text[i] == "?":
            if declaration:
                raise GrammarError("'?' belongs to a reference, not a declaration", self.loc(i))
            self.presence, i = self.randgen(i)
        if i >= len(text) or text[i] != "]" or not name:
            raise GrammarError("expected a name and ']'", self.loc(start - 2))
        return name, i + 1

    def randgen(self, i: int) -> tuple[float | None, int]:
        """A `?` or `?/N` modifier at column i: the probability of being there."""
        text = self.text
        if i >= len(text) or text[i] != "?":
            return None, i
        match = re.compile(r"\?(!?)([\w]*)(?:/\s*(\d+(?:\.\d+)?)\s*%?)?").match(text, i)
        if match.group(1) or match.group(2):
            raise GrammarError(
                "named or opposite random generation (?name, ?!name) has no .grm form; "
                "write the combinations out",
                self.loc(i),
            )
        percent = float(match.group(3)) if match.group(3) else 50.0
        if percent > 100:
            raise GrammarError(f"a percentage above 100: {percent:g}", self.loc(i))
        return percent / 100, match.end()


def _sequence(items: list[g.Expr], loc: Location) -> g.Expr:
    if not items:
        raise GrammarError("a rule with no word; write at least one", loc)
    return items[0] if len(items) == 1 else g.Sequence(tuple(items), loc)


def _words(expr: g.Expr) -> list[str]:
    """The words of an expression that is plain words only (else a marker list)."""
    nodes = list(g.walk(expr))
    if all(isinstance(n, (g.Word, g.Sequence)) for n in nodes):
        return [n.text for n in nodes if isinstance(n, g.Word)]
    return [""]


def read(path: Path, output_folder: Path | None = None) -> g.Grammar:
    """The grammar of a Chatette template file (and the files it includes)."""
    return _File().grammar(path)
