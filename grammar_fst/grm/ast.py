"""The grammar as plain Python values: what the parser builds, the compiler reads and
induction writes. No FSTs here, so the AST can be built, compared and printed anywhere.

Expressions are immutable and compare by structure; source locations ride along but do
not take part in equality, so a formatted-then-reparsed grammar equals the original.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..errors import Location

NOWHERE = Location("<ast>")


@dataclass(frozen=True)
class Word:
    """One word of the surface text (no whitespace inside)."""

    text: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Reference:
    """A use of a named definition."""

    name: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


class RuleRef(Reference):
    """A use of the named rule: `$name`."""


class SlotRef(Reference):
    """A slot filled from the named slot class: `{name}`."""


@dataclass(frozen=True)
class CatalogueRef:
    """A slot's values read from a catalogue file: `slot city from "cities.txt"`.

    Only valid as the whole body of a slot; the path is relative to the grammar file."""

    path: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Sequence:
    """Two or more expressions one after the other."""

    items: tuple[Expr, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Option:
    """One alternative of an alternation with its relative weight (None means 1)."""

    expr: Expr
    weight: float | None = None


@dataclass(frozen=True)
class Alternation:
    """A choice between two or more weighted options: `a <2> | b`."""

    options: tuple[Option, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Optional:
    """Zero or one occurrence: `x?` or `[x y]`; present with `probability` (None means
    one half), written `x?<0.3>` or `[x y]<0.3>`."""

    expr: Expr
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    probability: float | None = None

    @property
    def presence(self) -> float:
        """The probability that the optional part is present."""
        return 0.5 if self.probability is None else self.probability


@dataclass(frozen=True)
class Synonym:
    """Words that stand for a canonical value: `(lounge | sitting room) => "living room"`.

    Like a catalogue synonym, the sentence holds the surface words and the slot's record
    the canonical ones; so it belongs to a slot's values."""

    expr: Expr
    canonical: tuple[str, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class Repeat:
    """Between `low` and `high` occurrences: `x{1,3}`."""

    expr: Expr
    low: int
    high: int
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


Expr = (
    Word | RuleRef | SlotRef | CatalogueRef | Sequence | Alternation | Optional | Repeat | Synonym
)


@dataclass(frozen=True)
class Import:
    """`import "other.grm"`: the rules and slots of another file become visible."""

    path: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    comment: str | None = None


@dataclass(frozen=True)
class Definition:
    """A named definition: `name = body`, with the comment lines written above it."""

    name: str
    body: Expr
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    comment: str | None = None


class Rule(Definition):
    """`$name = body`: a named, reusable expression."""


class Intent(Definition):
    """`intent Name = body`: an exported entry point; its sentences carry this intent."""


class Slot(Definition):
    """`slot name = values`: a slot class; its values are tagged when used as `{name}`."""


Statement = Import | Rule | Intent | Slot


@dataclass(frozen=True)
class Language:
    """`language th`: the language the grammar's words are written in (a BCP 47 tag),
    which names the locale of its data; its script decides spacing on its own."""

    code: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    comment: str | None = None


@dataclass(frozen=True)
class Grammar:
    """A grammar file's statements in source order, and the language it declares."""

    statements: tuple[Statement, ...]
    path: str = field(default="<ast>", compare=False)
    language: Language | None = None

    def of_kind(self, kind: type) -> list:
        """The statements of one kind (Rule, Intent, Slot or Import), in order."""
        return [s for s in self.statements if isinstance(s, kind)]

    @cached_property  # by name, found once: compiling and checking ask per rule
    def rules(self) -> dict[str, Rule]:
        return {r.name: r for r in self.of_kind(Rule)}

    @cached_property
    def intents(self) -> dict[str, Intent]:
        return {i.name: i for i in self.of_kind(Intent)}

    @cached_property
    def slots(self) -> dict[str, Slot]:
        return {s.name: s for s in self.of_kind(Slot)}


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of `expr`."""
    if isinstance(expr, Sequence):
        return expr.items
    if isinstance(expr, Alternation):
        return tuple(o.expr for o in expr.options)
    if isinstance(expr, (Optional, Repeat, Synonym)):
        return (expr.expr,)
    return ()


def written_words(expr: Expr) -> tuple[str, ...]:
    """The words `expr` itself writes: a word's own text, a synonym's canonical words."""
    if isinstance(expr, Word):
        return (expr.text,)
    if isinstance(expr, Synonym):
        return expr.canonical
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, parents before children, left to right."""
    yield expr
    for child in children(expr):
        yield from walk(child)
