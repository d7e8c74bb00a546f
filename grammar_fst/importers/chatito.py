"""Chatito templates (`.chatito`, Chatito's spec) as a grammar.

    %[greet]('training': '2')        an intent; its sentences are the indented lines
        ~[hi] @[name?] ~[whats up?]  an alias; a slot, optional; an alias never defined
    ~[hi]                            is its own name as words ("whats up")
        hi
        *[80%] hey                   a sentence with its probability
    @[name]
        Janis
        ~[bob]                       an alias alone in a slot: its values are synonyms,
    ~[bob]                           meaning the alias's name ("bob")
        Bob
        Bobby

What is read: intents, slots and aliases; references with `?` (present half of the
time); `*[N%]` sentence probabilities (the sentences without one share what is left
evenly), or with `('distribution': 'weighted')` `*[N]` relative weights (the others 1);
comments (`//` or `#` at the start of a line); `import file.chatito`. Entity arguments
(`'training'`, `'testing'` and others) do not change the sentences: they are left out
with a warning. Slot variations (`@[slot#variation]`) have no `.grm` form: an error at
their place. Text glued to a reference (`~[hi],`) is an error unless both are plain words.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GrammarError, Location, read_text
from ..grm import ast as g
from ._common import Definition, Piece, TemplateReader, join, optional, text_pieces, warn, weighted

KINDS = {"%": "intent", "~": "alias", "@": "slot"}
_DECLARATION = re.compile(r"([%~@])\[([^\]?#]*)(#[^\]]*)?\]\s*(\(.*\))?\s*\Z")
_REFERENCE = re.compile(r"([~@])\[([^\]?#]*?)(#[^\]?]*)?(\?)?\]")
_WEIGHTED = re.compile(r"""['"]distribution['"]\s*:\s*['"]weighted['"]""")
_PROBABILITY = re.compile(r"\*\[\s*(\d+(?:\.\d+)?)\s*%?\s*\]\s*")


class _Reader(TemplateReader):
    """The definitions of one template file and the files it imports; a definition's
    lines are its sentences: (pieces, `*[N]` number or None, location)."""

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
        if match.group(4) and _WEIGHTED.sub("", match.group(4)).strip("() ,"):
            col = line.index("(") + 1
            warn(
                Location(loc.file, loc.line, col),
                f"{kind} '{name}': the arguments {match.group(4)} are left out, as they do not "
                "change the sentences (sample -n and --partition set how many, and sets)",
            )
        definition = self.define(kind, name, loc)
        definition.weighted = bool(_WEIGHTED.search(match.group(4) or ""))
        return definition

    def sentence(self, line: str, start: int, loc: Location):
        """The pieces of one sentence line, and its `*[N%]` probability if it has one."""
        probability = None
        match = _PROBABILITY.match(line, start)
        if match:
            probability = float(match.group(1))
            start = match.end()
        pieces: list[Piece] = []
        at = start
        for ref in _REFERENCE.finditer(line, start):
            pieces += text_pieces(
                line[at : ref.start()], at, lambda c: Location(loc.file, loc.line, c + 1)
            )
            pieces.append(self.reference(ref, Location(loc.file, loc.line, ref.start() + 1)))
            at = ref.end()
        pieces += text_pieces(line[at:], at, lambda c: Location(loc.file, loc.line, c + 1))
        return pieces, probability, loc

    def reference(self, ref: re.Match, loc: Location) -> Piece:
        kind, name = KINDS[ref.group(1)], ref.group(2).strip()
        if ref.group(3):
            raise GrammarError(
                "slot variations (#name) have no .grm form; define another slot", loc
            )
        spellings: dict[str, float] | None = None
        if kind == "alias" and name not in self.aliases:  # never defined: its name's words
            expr = _words(name, loc)
            spellings = {name: 1.0}
        elif kind == "alias":
            expr = g.RuleRef(self.rules(name), loc)
        else:
            expr = g.SlotRef(self.slots(name, loc), loc)
            self.used.append((name, loc))
        if ref.group(4):  # `?`: there half of the time
            expr = optional(expr, 0.5, loc)
            spellings = spellings and {name: 0.5, "": 0.5}
        return Piece(expr, ref.start(), ref.end(), loc, spellings)

    def grammar(self, path: Path) -> g.Grammar:
        self.used: list[tuple[str, Location]] = []  # slot references, checked at the end
        self.top = path
        self.aliases = _alias_names(path, self)
        self.read(path)
        for name, loc in self.used:
            if ("slot", name) not in self.definitions:
                raise GrammarError(f"slot @[{name}] is used but never defined", loc)
        statements = []
        for d in self.definitions.values():
            if not d.lines:
                raise GrammarError(f"{d.kind} '{d.name}' has no sentence", d.loc)
            statements.append(self.statement(d, weighted(self.options(d), d.loc)))
        return g.Grammar(tuple(statements), str(path))

    def options(self, d: Definition) -> list[tuple[g.Expr, float]]:
        """Each sentence with its probability: given (a percentage), or a share of what is
        left; with the weighted distribution, `*[N]` is a weight and the others weigh 1."""
        if d.weighted:
            return [
                (self.sentence_expr(d, pieces, loc), 1.0 if p is None else p)
                for pieces, p, loc in d.lines
            ]
        given = sum(p / 100 for _, p, _ in d.lines if p is not None)
        unweighted = sum(p is None for _, p, _ in d.lines)
        if given > 1 + 1e-9:
            raise GrammarError(
                f"the sentence probabilities of {d.kind} '{d.name}' add up to more than 100%", d.loc
            )
        rest = (1 - given) / unweighted if unweighted else 0.0
        options = []
        for pieces, probability, loc in d.lines:
            share = rest if probability is None else probability / 100
            options.append((self.sentence_expr(d, pieces, loc), share))
        return options

    def sentence_expr(self, d: Definition, pieces: list[Piece], loc: Location) -> g.Expr:
        """A sentence's expression; an alias alone in a slot's sentence is a synonym."""
        items = join(pieces, "reference")
        if not items:
            raise GrammarError("a sentence with no word", loc)
        expr = items[0] if len(items) == 1 else g.Sequence(tuple(items), loc)
        if d.kind == "slot" and len(pieces) == 1 and isinstance(pieces[0].expr, g.RuleRef):
            alias = next(n for n, r in self.rules.names.items() if r == pieces[0].expr.name)
            expr = g.Synonym(expr, tuple(alias.split()), loc)  # its values mean its name
        return expr


def _words(text: str, loc: Location) -> g.Expr:
    words = tuple(g.Word(w, loc) for w in text.split())
    return words[0] if len(words) == 1 else g.Sequence(words, loc)


def _alias_names(path: Path, reader: TemplateReader) -> set[str]:
    """The aliases a file (and what it imports, as `reader` finds it) defines, known
    before its sentences are read: a reference to an alias that is never defined stands
    for its name's words."""
    names, todo, seen = set(), [path], set()
    while todo:
        file = todo.pop()
        if file.resolve() in seen:
            continue
        seen.add(file.resolve())
        for number, line in enumerate(read_text(file).split("\n"), 1):
            if line.startswith("~["):
                names.add(line[2:].split("]")[0].rstrip("?").strip())
            elif line.startswith("import "):
                written = line[len("import ") :].strip()
                todo.append(reader.included(file, written, Location(str(file), number, 1)))
    return names


def read(path: Path, output_folder: Path | None = None) -> g.Grammar:
    """The grammar of a Chatito template file (and the files it imports)."""
    return _Reader().grammar(path)
