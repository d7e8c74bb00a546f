"""Chatito templates (`.chatito`) as a grammar, as Chatito 2.3.5's code reads them.

    %[greet]('training': '2')        an intent; its sentences are the indented lines
        ~[hi] @[name?] ~[whats up?]  an alias; a slot, optional; an alias never defined
    ~[hi]                            is its own name as words ("whats up")
        hi
        *[80%] hey                   a sentence with its probability
    @[name]
        Janis
        ~[bob]                       an alias alone in a slot, which says
    ~[bob]('synonym': 'true')        'synonym': its values mean the alias's name ("bob")
        Bob
        Bobby

What is read, as Chatito draws it: intents, slots and aliases; references with `?`
(left out one time in n + 1, n the sentences of what they name); `*[N%]` percentages
(the sentences without one share what is left) or `*[N]` weights (1 without), never
both in one definition; in the `regular` distribution (not `('distribution': 'even')`)
every weight but a percentage is multiplied by the sentence's number of combinations;
comments (`//` or `#` at the start of a line); `import file.chatito`. The other
arguments do not change the sentences: they are left out with a warning saying what
Chatito does with them. Slot variations (`@[slot#variation]`), a reference never
closed and a reference touching text other than punctuation it can be written apart
from are errors at their place.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import NamedTuple

from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ..text import scripts
from ._common import (
    Definition,
    Imported,
    Piece,
    TemplateReader,
    join,
    optional,
    sequence,
    text_pieces,
    warn,
    weighted,
)

KINDS = {"%": "intent", "~": "alias", "@": "slot"}
_DECLARATION = re.compile(r"([%~@])\[([^\]?#]*)(#[^\]]*)?\]\s*(\(.*\))?\s*\Z")
_REFERENCE = re.compile(r"([~@])\[([^\]?#]*?)(#[^\]?]*)?(\?)?\]")
_OPENED = re.compile(r"[~@]\[")  # left in text: a reference never closed
_PROBABILITY = re.compile(r"\*\[\s*(\d+(?:\.\d+)?)\s*(%?)\s*\]\s*")
_ARGUMENT = re.compile(r"""(['"])(.*?)\1\s*:\s*(['"])(.*?)\3""")
TOUCHING = (
    "a reference is written against other text here, which Chatito makes one word "
    "('~[hour]:~[minute]' says '7:30'); grammar-fst grammars work on whole words, which "
    "only punctuation touches (',' '?' ')' the word before, '(' the word after): put a "
    "space between them, or write the whole words out"
)


class _Sentence(NamedTuple):
    """A sentence line as read: its text from `start` on, and its `*[N]` or `*[N%]`."""

    line: str
    start: int
    loc: Location
    probability: float | None = None
    percent: bool = False


class _Reader(TemplateReader):
    """The definitions of one template file and the files it imports, read first; their
    sentences are made expressions once all are known (a `?` depends on the sentences
    of what it names, the `regular` distribution on their combinations)."""

    def read(self, path: Path) -> None:
        if not self.first_reading(path):
            return
        current: Definition | None = None
        for number, raw in enumerate(read_text(path).split("\n"), 1):
            line = raw.rstrip("\r")
            loc = Location(str(path), number, 1)
            if not line.strip() or line.startswith(("//", "#")):
                continue
            if not line[0].isspace():
                if line.startswith("import "):
                    self.read(self.included(path, line[len("import ") :].strip(), loc))
                    current = None
                    continue
                current = self.declaration(line, loc)
                continue
            if current is None:
                raise GrammarError("a sentence outside any definition; indent it under one", loc)
            start = len(line) - len(line.lstrip())
            current.lines.append(self.sentence(line, start, Location(str(path), number, start + 1)))

    def declaration(self, line: str, loc: Location) -> Definition:
        match = _DECLARATION.match(line)
        if not match:
            raise GrammarError(
                "a line at column 1 defines %[intent], @[slot] or ~[alias] (or imports a "
                "file); indent a sentence",
                loc,
            )
        kind, name = KINDS[match.group(1)], match.group(2).strip()
        if match.group(3):
            col = line.index("#") + 1
            raise GrammarError(
                "slot variations (#name) have no .grm form; define another slot",
                Location(loc.file, loc.line, col),
            )
        definition = self.define(kind, name, loc)
        if match.group(4):
            at = Location(loc.file, loc.line, line.index("(") + 1)
            definition.args = _arguments(definition, match.group(4), at)
        return definition

    @staticmethod
    def sentence(line: str, start: int, loc: Location) -> _Sentence:
        match = _PROBABILITY.match(line, start)
        if not match:
            return _Sentence(line, start, loc)
        if float(match.group(1)) <= 0:
            raise GrammarError("a sentence probability must be more than 0, as in Chatito", loc)
        return _Sentence(line, match.end(), loc, float(match.group(1)), bool(match.group(2)))

    def pieces(self, s: _Sentence) -> list[Piece]:
        """The pieces of a sentence: its references and the words between them."""
        pieces: list[Piece] = []
        at = s.start
        for ref in _REFERENCE.finditer(s.line, s.start):
            pieces += _text(s, at, ref.start())
            pieces.append(self.reference(ref, Location(s.loc.file, s.loc.line, ref.start() + 1)))
            at = ref.end()
        return pieces + _text(s, at, len(s.line))

    def reference(self, ref: re.Match, loc: Location) -> Piece:
        kind, name = KINDS[ref.group(1)], ref.group(2).strip()
        if ref.group(3):
            raise GrammarError(
                "slot variations (#name) have no .grm form; define another slot", loc
            )
        target = self.definitions.get((kind, name))
        spellings: dict[str, float] | None = None
        if kind == "alias" and target is None:  # never defined: its name's words
            expr = _words(name, loc)
            spellings = {name: 1.0}
        elif target is None:
            raise GrammarError(f"slot @[{name}] is used but never defined", loc)
        elif kind == "alias":
            expr = g.RuleRef(self.rules(name), loc)
        else:
            expr = g.SlotRef(self.slots(name, loc), loc)
        if ref.group(4):  # `?`: Chatito leaves it out one time in n + 1
            n = len(target.lines) if target else 1
            expr = optional(expr, n / (n + 1), loc)
            spellings = spellings and {name: 0.5, "": 0.5}
        return Piece(expr, ref.start(), ref.end(), loc, spellings)

    def grammar(self, path: Path) -> g.Grammar:
        self.top = path
        self.sizes: dict[tuple[str, str], int] = {}
        self.read(path)
        statements = []
        for d in self.definitions.values():
            if not d.lines:
                raise GrammarError(f"{d.kind} '{d.name}' has no sentence", d.loc)
            statements.append(self.statement(d, weighted(self.options(d), d.loc)))
        return g.Grammar(tuple(statements), str(path))

    def options(self, d: Definition) -> list[tuple[g.Expr, float]]:
        """Each sentence with its weight as Chatito draws it (`getVariationsFromEntity`):
        a percentage, or a share of what is left; else its weight (1 without); in the
        `regular` distribution, all but a percentage times its number of combinations."""
        given = [s for s in d.lines if s.probability is not None]
        mixed = next((s for s in given if s.percent != given[0].percent), None)
        if mixed is not None:
            raise GrammarError(
                f"{d.kind} '{d.name}' mixes percentages (*[20%]) and weights (*[2]), which "
                "Chatito refuses: write them all one way",
                mixed.loc,
            )
        even = d.args.get("distribution") == "even"
        sizes = [1 if even else self.combinations(s) for s in d.lines]
        if given and given[0].percent:
            total = sum(s.probability or 0.0 for s in given)
            if total > 100 + 1e-9:
                raise GrammarError(
                    f"the sentence probabilities of {d.kind} '{d.name}' add up to more than "
                    "100%",
                    d.loc,
                )
            rest = sum(n for s, n in zip(d.lines, sizes) if s.probability is None) or 1
            shares = [
                (s.probability if s.probability is not None else (100 - total) * n / rest) / 100
                for s, n in zip(d.lines, sizes)
            ]
        else:
            shares = [(s.probability or 1.0) * n for s, n in zip(d.lines, sizes)]
        return [(self.sentence_expr(d, s), share) for s, share in zip(d.lines, shares)]

    def combinations(self, s: _Sentence) -> int:
        """Chatito's count of a sentence's combinations (its cardinality, duplicates
        too): a `?` adds the one without."""
        n = 1
        for ref in _REFERENCE.finditer(s.line, s.start):
            target = self.definitions.get((KINDS[ref.group(1)], ref.group(2).strip()))
            n *= (self.size(target) if target else 1) + bool(ref.group(4))
        return n

    def size(self, d: Definition) -> int:
        key = (d.kind, d.name)
        if key not in self.sizes:
            self.sizes[key] = 1  # while counting: one that names itself is refused later
            self.sizes[key] = sum(self.combinations(s) for s in d.lines)
        return self.sizes[key]

    def sentence_expr(self, d: Definition, s: _Sentence) -> g.Expr:
        """A sentence's expression; an alias alone in a slot's sentence is a synonym
        when it says `('synonym': 'true')`, as in Chatito's code."""
        pieces = self.pieces(s)
        items = join(pieces, "reference", _glued)
        if not items:
            raise GrammarError("a sentence with no word", s.loc)
        expr = sequence(items, s.loc)
        if d.kind == "slot" and len(pieces) == 1 and isinstance(pieces[0].expr, g.RuleRef):
            alias = next(n for n, r in self.rules.names.items() if r == pieces[0].expr.name)
            if self.definitions["alias", alias].args.get("synonym") == "true":
                expr = g.Synonym(expr, tuple(alias.split()), s.loc)  # its values mean its name
        return expr


def _text(s: _Sentence, start: int, end: int) -> list[Piece]:
    """The words of a sentence's plain text; a `~[` or `@[` in it is a reference never
    closed, which Chatito refuses too."""
    opened = _OPENED.search(s.line, start, end)
    at = lambda col: Location(s.loc.file, s.loc.line, col + 1)  # noqa: E731
    if opened:
        raise GrammarError(
            "this reference is never closed: write ~[name] or ~[name?], with its ']' on "
            "the same line",
            at(opened.start()),
        )
    return text_pieces(s.line[start:end], start, at)


def _glued(run: list[Piece], first: bool, last: bool) -> list[g.Expr] | None:
    """Touching pieces as Chatito writes them, or None for plain words (made whole
    words). Sampled sentences attach a closing mark to the word before and an opening
    one to the word after, so a reference touching only such marks is a word of its own
    beside them; anything else touching a reference is refused."""
    _space_kept(run, first, last)
    if all(p.spellings is not None for p in run):
        return None
    for before, after in itertools.pairwise(run):
        if not (_marks(after, scripts.CLOSING) or _marks(before, scripts.OPENING)):
            raise GrammarError(TOUCHING, after.loc)
    return [p.expr for p in run if p.expr is not None]


def _space_kept(run: list[Piece], first: bool, last: bool) -> None:
    """Refuse a mark that an optional piece left out leaves beside a space: Chatito writes
    `hey ~[guys?]?` without guys as "hey ?", which no sentence here says ("hey?")."""
    for pieces, edge, kind, end in ((run, first, scripts.CLOSING, 0),
                                    (run[::-1], last, scripts.OPENING, -1)):  # fmt: skip
        k = next((i for i, p in enumerate(pieces) if not _may_be_empty(p)), 0)
        mark = pieces[k].expr
        if not edge and k and isinstance(mark, g.Word) and scripts.script(mark.text[end]) == kind:
            raise GrammarError(
                "where the reference touching this mark is left out, Chatito writes a space "
                "beside the mark ('hey ~[guys?]?' says 'hey ?'), which grammar-fst sentences "
                "never do: write the sentence once with the reference and once without it",
                pieces[k].loc,
            )


def _may_be_empty(piece: Piece) -> bool:
    return piece.expr is None or isinstance(piece.expr, g.OptionalPart)


def _marks(piece: Piece, kind: int) -> bool:
    """Whether a piece is text made only of punctuation of `kind` (closing or opening)."""
    word = piece.expr
    return isinstance(word, g.Word) and all(scripts.script(ch) == kind for ch in word.text)


def _arguments(d: Definition, written: str, loc: Location) -> dict[str, str]:
    """A definition's `('key': 'value', ...)`; each kind left out is said in a warning,
    with what Chatito does with it."""
    found = list(_ARGUMENT.finditer(written))
    if _ARGUMENT.sub("", written[1:-1]).strip(" ,"):
        raise GrammarError("write arguments ('key': 'value', ...), as Chatito reads them", loc)
    said: dict[str, list[str]] = {}
    for m in found:
        meaning = _left_out(d.kind, m.group(2), m.group(4))
        if meaning:
            said.setdefault(meaning, []).append(m.group(0))
    for meaning, written_args in said.items():
        warn(loc, f"{d.kind} '{d.name}': ({', '.join(written_args)}): {meaning}")
    return {m.group(2): m.group(4) for m in found}


def _left_out(kind: str, key: str, value: str) -> str | None:
    """What Chatito does with an argument the grammar has no use for; None for one it
    carries: a distribution, an alias's synonym."""
    if key == "distribution":
        if value in ("regular", "even"):
            return None
        return "not a distribution Chatito knows ('regular' or 'even'): it draws as 'regular'"
    if (kind, key) == ("alias", "synonym"):
        return None if value == "true" else "no synonym (Chatito makes one of 'true' only)"
    if kind == "intent" and key in ("training", "testing"):
        return (
            "how many sentences Chatito writes, and how many of them for testing: left out "
            "(sample -n and --partition set how many, and sets)"
        )
    if (kind, key) == ("slot", "entity"):
        return "the slot's entity type in Chatito's Snips data: left out (records name the slot)"
    return "not read by Chatito: left out"


def _words(text: str, loc: Location) -> g.Expr:
    return sequence([g.Word(w, loc) for w in text.split()], loc)


def read(path: Path, output: Path | None = None) -> Imported:
    """The grammar of a Chatito template file (and the files it imports)."""
    return Imported(_Reader().grammar(path))
