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
words (`light[s?]` is `light | lights`; an option starting with a space stays a word
apart: `name{'s/ is}`); `= /` (the value named after the rule's first alias or word);
case generation (`&`: the first letter in either case; an alias is copied once per
case). Intent annotations (`training`, `testing`) and other annotations do not change
the sentences: they are left out with a warning (`sample -n`, `--partition
train=...,test=...` do that work). Named or opposite random generation (`?name`,
`?!name`), arguments (`$a`), intent references, case generation of a slot and
variations of a slot or intent have no `.grm` form: each is an error at its place. An
alias's variations (`~[greet#formal]`) are rules of their own, and the alias without one
says all their rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ..grm.syntax import MAX_NESTING
from ..text import scripts
from ._common import (
    Definition,
    Imported,
    Piece,
    TemplateReader,
    choice_spellings,
    join,
    optional,
    sequence,
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
        self.cased: set[tuple[str, str]] = set()  # declared with `&`: either case
        self.alias_of: dict[str, str] = {}  # rule name: its alias's name
        self.recased: dict[tuple[str, bool], str] = {}  # (alias, upper): its copy's rule

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
        if line.cased and kind == "slot":
            raise GrammarError(
                "case generation (&) of a slot would change the values it says; write the "
                "values in both cases",
                line.loc(2),
            )
        if line.cased:
            self.cased.add((kind, name))
        if "#" in name and kind != "alias":
            raise _no_variation(kind, line.loc(2))
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
        expr = _sequence(join(pieces, "reference", _glued), line.loc(start))
        if end is not None:
            value = line.unescape(text[end + 1 :]).split()
            if not value:
                raise GrammarError("'=' needs the slot value after it", line.loc(end))
            if text[end + 1 :].strip() == "/":
                value = _first_name(line, pieces, line.loc(end))
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
        cased = text.startswith("&", i + 1)
        i += cased
        self.nesting += 1
        if self.nesting > MAX_NESTING:  # deeper would exhaust Python's recursion limit
            raise GrammarError(
                f"choices nest more than {MAX_NESTING} deep; make an inner choice an alias",
                line.loc(start),
            )
        options, spaced, i = [], [], i + 1
        while True:
            first = i
            pieces, i = self.contents(line, i, sep + closer + "?")
            options.append(pieces)
            spaced.append((text[first : first + 1].isspace(), text[i - 1 : i].isspace()))
            if i < len(text) and text[i] == sep:
                i += 1
                continue
            break
        self.nesting -= 1
        presence, i = line.randgen(i)
        if i >= len(text) or text[i] != closer:
            raise GrammarError(f"this choice is never closed: add '{closer}'", line.loc(start))
        loc = line.loc(start)
        if not any(options):
            raise GrammarError("this choice says nothing (spaces at most); leave it out", loc)
        if not all(options):
            raise GrammarError(
                "a choice with an empty option; make the choice optional with ?", loc
            )
        exprs = [_sequence(join(p, "reference", _glued), loc) for p in options]
        expr = weighted([(e, 1.0) for e in exprs], loc)
        if cased:
            expr = self.either_case(expr)
        if presence is not None:
            expr = optional(expr, presence, loc)
        # an option that starts or ends with a space is a word apart (`name{'s/ is}`)
        spellings = choice_spellings(options, presence, spaced)
        if cased and spellings is not None:
            spellings = _either_case_spellings(spellings)
        lead, trail = (all(ends) for ends in zip(*spaced))
        return Piece(expr, start + lead, i + 1 - trail, loc, spellings), i + 1

    def reference(self, line: _Line, i: int) -> tuple[Piece, int]:
        """`~[alias]`, `@[slot]`, with `?` or `?/N`."""
        kind = KINDS[line.text[i]]
        loc = line.loc(i)
        if kind == "intent":
            raise GrammarError("a reference to an intent has no .grm form; use an alias", loc)
        name, end = line.unit_name(i + 2, declaration=False)
        presence, cased = line.presence, line.cased
        if "#" in name and kind != "alias":
            raise _no_variation(kind, loc)
        if kind == "alias":
            ref: g.Expr = self.alias_ref(name, loc)
        elif cased:
            raise GrammarError(
                "case generation (&) of a slot would change the values it says; write the "
                "values in both cases in the slot",
                loc,
            )
        else:
            ref = g.SlotRef(self.slots(name, loc), loc)
        self.used.append((kind, name, loc))
        ref = self.either_case(ref) if cased else ref
        expr = ref if presence is None else optional(ref, presence, loc)
        return Piece(expr, i, end, loc), end

    def add_variations_together(self) -> None:
        """An alias declared only in variations (`~[greet#formal]`, `~[greet#casual]`)
        says, referred to without one (`~[greet]`), the rules of all of them, each as
        likely as another, as in Chatette."""
        for (kind, name), unit in list(self.definitions.items()):
            base = name.split("#")[0]
            if kind == "alias" and "#" in name and ("alias", base) not in self.definitions:
                merged = self.define("alias", base, unit.loc)
                for (k, other), variation in self.definitions.items():
                    if k == "alias" and other.split("#")[0] == base and other != base:
                        merged.lines += variation.lines

    def alias_ref(self, name: str, loc: Location) -> g.RuleRef:
        rule = self.rules(name)
        self.alias_of[rule] = name
        return g.RuleRef(rule, loc)

    def either_case(self, expr: g.Expr) -> g.Expr:
        """Chatette's case generation (`&`): what `expr` says with its first letter lower
        or upper case, each half of the time."""
        return weighted([(_recased(expr, up, self.recased_ref), 1.0) for up in (False, True)],
                        expr.loc)  # fmt: skip

    def recased_ref(self, ref: g.RuleRef, upper: bool) -> g.RuleRef:
        """A reference to the copy of an alias whose first letter is in one case, made
        (once per alias and case) when the grammar is put together."""
        alias = self.alias_of[ref.name]
        key = (alias, upper)
        if key not in self.recased:
            self.recased[key] = self.rules(f"{alias} ({'upper' if upper else 'lower'} case)")
        return g.RuleRef(self.recased[key], ref.loc)

    def grammar(self, path: Path) -> g.Grammar:
        self.top = path
        self.read(path)
        self.add_variations_together()
        for kind, name, loc in self.used:
            if (kind, name) not in self.definitions:
                sigil = "~" if kind == "alias" else "@"
                raise GrammarError(f"{kind} {sigil}[{name}] is used but never declared", loc)
        statements, bodies = [], {}
        for unit in self.definitions.values():
            if not unit.lines:
                raise GrammarError(f"{unit.kind} '{unit.name}' has no rule", unit.loc)
            body = weighted([(expr, 1.0) for expr in unit.lines], unit.loc)
            if (unit.kind, unit.name) in self.cased:
                body = self.either_case(body)
            bodies[unit.name] = body
            statements.append(self.statement(unit, body))
        done: set[tuple[str, bool]] = set()
        while todo := [key for key in self.recased if key not in done]:  # copies ask for copies
            for alias, upper in todo:
                done.add((alias, upper))
                unit = self.definitions[("alias", alias)]
                body = _recased(bodies[unit.name], upper, self.recased_ref)
                comment = f"alias '{alias}', its first letter {'upper' if upper else 'lower'} case"
                statements.append(g.Rule(self.recased[(alias, upper)], body, unit.loc, comment))
        return g.Grammar(tuple(self.without_unsaid(statements)), str(path))

    def without_unsaid(self, statements: list[g.Statement]) -> list[g.Statement]:
        """The statements but for an alias now said only through its copies in a case,
        and a variation never referred to (its rules are in its alias's)."""
        used = {n.name for st in statements for n in g.walk(st.body) if isinstance(n, g.RuleRef)}
        variations = {self.rules(n) for k, n in self.definitions if k == "alias" and "#" in n}
        unsaid = ({self.rules(alias) for alias, _ in self.recased} | variations) - used
        return [st for st in statements if not (isinstance(st, g.Rule) and st.name in unsaid)]


class _Line:
    """One line of a template, with escapes and located errors."""

    def __init__(self, raw: str, path: str, number: int):
        self.path, self.number = path, number
        cut = self.find_unescaped("//", 0, raw)
        old = self.find_unescaped(";", 0, raw)
        ends = [c for c in (cut, old) if c is not None]
        self.text = raw[: min(ends)] if ends else raw
        self.presence: float | None = None
        self.cased = False  # the last unit name read had `&`

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
        self.cased = text.startswith("&", i)
        i += self.cased
        chars = []
        while i < len(text) and text[i] not in "]#$?":
            if text[i] == "\\" and i + 1 < len(text):
                chars.append(text[i + 1])
                i += 2
                continue
            chars.append(text[i])
            i += 1
        name = "".join(chars).strip()
        if i < len(text) and text[i] == "#":  # a variation: `name#variation`
            end = i + 1
            while end < len(text) and text[end] not in "]$?":
                end += 1
            variation = text[i + 1 : end].strip()
            if not variation:
                raise GrammarError("'#' needs a variation's name after it", self.loc(i))
            name, i = f"{name}#{variation}", end
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


def _no_variation(kind: str, loc: Location) -> GrammarError:
    return GrammarError(
        f"variations of {'an' if kind == 'intent' else 'a'} {kind} (#name) have no .grm "
        "form: a slot is one set of values, "
        "an intent one set of sentences; declare each variation as its own",
        loc,
    )


def _glued(run: list[Piece], first: bool, last: bool) -> list[g.Expr] | None:
    """Touching pieces with a reference among them, as Chatette writes them: a piece that
    starts with a closing mark (`~[hello][!?]`, `@[name][, nice to meet you?]`) follows
    the word before as sampled text attaches it, and one that ends with an opening mark
    comes before the word after; anything else touching a reference is refused (None:
    plain words, made whole words)."""
    if all(p.spellings is not None for p in run):
        return None
    for before, after in zip(run, run[1:]):
        if not (_edge_marks(after, 0, scripts.CLOSING) or _edge_marks(before, -1, scripts.OPENING)):
            raise GrammarError(
                "a reference is written against other text here; grammar-fst grammars work "
                "on whole words: put a space between them, or write the whole words out",
                (before if before.spellings is None else after).loc,
            )
    return [p.expr for p in run if p.expr is not None]


def _edge_marks(piece: Piece, end: int, kind: int) -> bool:
    """Whether every way of saying a piece of plain text has a mark of `kind` (closing,
    opening) at that end (0: its start, -1: its end): an empty one says nothing there."""
    said = [text.strip() for text in (piece.spellings or {})]
    return bool(said) and all(not t or scripts.script(t[end]) == kind for t in said)


def _recased(expr: g.Expr, upper: bool, ref: Callable[[g.RuleRef, bool], g.Expr]) -> g.Expr:
    """`expr` with the first letter it says in upper (or lower) case; an alias it starts
    with becomes `ref` of it, its copy in that case."""
    loc = expr.loc
    if isinstance(expr, g.Word):
        first = expr.text[:1].upper() if upper else expr.text[:1].lower()
        return g.Word(first + expr.text[1:], loc)
    if isinstance(expr, g.RuleRef):
        return ref(expr, upper)
    if isinstance(expr, g.Alternation):  # options that become alike become one (`i | I`)
        merged: dict[g.Expr, float] = {}
        for o in expr.options:
            said = _recased(o.expr, upper, ref)
            merged[said] = merged.get(said, 0.0) + (1.0 if o.weight is None else o.weight)
        return weighted(list(merged.items()), loc)
    if isinstance(expr, g.OptionalPart):
        return dataclasses.replace(expr, expr=_recased(expr.expr, upper, ref))
    if isinstance(expr, g.Sequence):
        head, rest = expr.items[0], expr.items[1:]
        if not isinstance(head, g.OptionalPart):
            return g.Sequence((_recased(head, upper, ref), *rest), loc)
        # the first letter is the optional part's when it is there, else what follows
        there = 0.5 if head.probability is None else head.probability
        said = g.Sequence((_recased(head.expr, upper, ref), *rest), loc)
        return weighted([(said, there), (_recased(sequence(list(rest), loc), upper, ref),
                                         1 - there)], loc)  # fmt: skip
    raise GrammarError(
        "case generation (&) of text that starts with a slot would change the values it "
        "says; write the cases out",
        loc,
    )


def _either_case_spellings(spellings: dict[str, float]) -> dict[str, float]:
    """Each spelling with its first letter lower and upper case, half of the time each."""
    cased: dict[str, float] = {}
    for text, share in spellings.items():
        at = len(text) - len(text.lstrip())
        firsts = {text[at : at + 1].lower(), text[at : at + 1].upper()}
        for first in firsts:
            variant = text[:at] + first + text[at + 1 :]
            cased[variant] = cased.get(variant, 0.0) + share / len(firsts)
    return cased


def _first_name(line: _Line, pieces: list[Piece], loc: Location) -> list[str]:
    """The value `= /` gives, as Chatette gives it: the name of the rule's first item, a
    word or an alias (a choice has none: Chatette writes '<choice>')."""
    first = pieces[0] if pieces else None
    if first is not None and line.text.startswith("~[", first.start):
        return line.unit_name(first.start + 2, declaration=False)[0].split("#")[0].split()
    if first is not None and isinstance(first.expr, g.Word):
        return [first.expr.text]
    raise GrammarError(
        "'= /' names the value after the rule's first word or alias, and this rule starts "
        "with neither (Chatette would write '<choice>'); write the value",
        loc,
    )


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


def read(path: Path, output: Path | None = None) -> Imported:
    """The grammar of a Chatette template file (and the files it includes)."""
    return Imported(_File().grammar(path))
