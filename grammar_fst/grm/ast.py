"""The grammar as plain Python values: what the parser builds, the compiler reads and
induction writes. No FSTs here, so the AST can be built, compared and printed anywhere.

Expressions are immutable and compare by structure; source locations ride along but do
not take part in equality, so a formatted-then-reparsed grammar equals the original.

`Expr` is a closed union: every operation on expressions is one `match` over its members
ending in `assert_never`, so an operator added to the union is a type error (`make lint`)
in each operation that does not handle it yet (docs/design.md, "Adding a grammar operator").
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from functools import cached_property

from ..errors import Location

if sys.version_info >= (3, 11):
    from typing import assert_never
else:
    from typing_extensions import assert_never

NOWHERE = Location("<ast>")


class Node:
    """What every node of the tree shares: equality and hashing by the fields that
    compare (not locations), and a repr of those shown; the methods a dataclass would
    make for each class, written once (a class whose methods are made takes twice as
    long to define, at every start of the command). A class's own equality and hash
    are made at its first comparison, from its fields: induction hashes and compares
    its symbols (words, slots) millions of times, and looking the fields up at each
    call took a tenth of its time."""

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        # Not what a parent made from its own fields: a subclass may have more.
        cls.__eq__ = Node.__eq__  # type: ignore[method-assign]
        cls.__hash__ = Node.__hash__  # type: ignore[method-assign]

    def __eq__(self, other: object) -> bool:
        return _compare_by_fields(type(self)).__eq__(self, other)

    def __hash__(self) -> int:
        return _compare_by_fields(type(self)).__hash__(self)

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__qualname__}({', '.join(shown)})"


def _compare_by_fields(cls: type[Node]) -> type[Node]:
    """`cls` given an equality and a hash of the fields that compare (a dataclass's)."""
    names = [f.name for f in fields(cls) if f.compare]  # type: ignore[arg-type]
    key = operator.attrgetter(*names) if names else lambda node: ()

    def __eq__(self: Node, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(key(self) == key(other))

    def __hash__(self: Node) -> int:
        return hash(key(self))

    cls.__eq__, cls.__hash__ = __eq__, __hash__  # type: ignore[method-assign]
    return cls


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Word(Node):
    """One word of the surface text (no whitespace inside)."""

    text: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Reference(Node):
    """A use of a named definition."""

    name: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


class RuleRef(Reference):
    """A use of the named rule: `$name`."""


class SlotRef(Reference):
    """A slot filled from the named slot class: `{name}`."""


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class CatalogueRef(Node):
    """A slot's values read from a catalogue file: `slot city from "cities.txt"`.

    Only valid as the whole body of a slot; the path is relative to the grammar file."""

    path: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Sequence(Node):
    """Two or more expressions one after the other."""

    items: tuple[Expr, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Option(Node):
    """One alternative of an alternation with its relative weight (None means 1)."""

    expr: Expr
    weight: float | None = None


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Alternation(Node):
    """A choice between two or more weighted options: `a <2> | b`."""

    options: tuple[Option, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class OptionalPart(Node):
    """Zero or one occurrence: `x?` or `[x y]`; present with `probability` (None means
    one half), written `x?<0.3>` or `[x y]<0.3>`."""

    expr: Expr
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    probability: float | None = None  # branches.presence says what None means


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Synonym(Node):
    """Words that stand for a canonical value: `(lounge | sitting room) => "living room"`.

    Like a catalogue synonym, the sentence holds the surface words and the slot's record
    the canonical ones; so it belongs to a slot's values."""

    expr: Expr
    canonical: tuple[str, ...]
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Repeat(Node):
    """Between `low` and `high` occurrences: `x{1,3}`."""

    expr: Expr
    low: int
    high: int
    loc: Location = field(default=NOWHERE, compare=False, repr=False)


# every expression node; an operator added here must be handled by each `match` on Expr
Expr = (
    Word | RuleRef | SlotRef | CatalogueRef | Sequence | Alternation | OptionalPart
    | Repeat | Synonym
)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Import(Node):
    """`import "other.grm"`: the rules and slots of another file become visible."""

    path: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    comment: str | None = None


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Definition(Node):
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


def title(definition: Rule | Intent | Slot, written: Callable[[str], str] = str) -> str:
    """How messages name a definition: `rule $name`, `intent Name`, `slot name`, an intent's
    or slot's name as `written` spells it (quoted where the grammar must quote it)."""
    match definition:
        case Rule(name=name):
            return f"rule ${name}"
        case Intent(name=name):
            return f"intent {written(name)}"
        case Slot(name=name):
            return f"slot {written(name)}"
        case _:
            assert_never(definition)


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Language(Node):
    """`language th`: the language the grammar's words are written in (a BCP 47 tag),
    which names the locale of its data; its script decides spacing on its own."""

    code: str
    loc: Location = field(default=NOWHERE, compare=False, repr=False)
    comment: str | None = None


@dataclass(frozen=True, eq=False, repr=False)  # eq, hash, repr: Node
class Grammar(Node):
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
    """The direct sub-expressions of `expr`: what `walk` and every query built on it
    (references, depth, the words of a grammar) descend into."""
    match expr:
        case Sequence(items=items):
            return items
        case Alternation(options=options):
            return tuple(o.expr for o in options)
        case OptionalPart(expr=inner) | Repeat(expr=inner) | Synonym(expr=inner):
            return (inner,)
        case Word() | RuleRef() | SlotRef() | CatalogueRef():
            return ()
        case _:
            assert_never(expr)


def written_words(expr: Expr) -> tuple[str, ...]:
    """The words `expr` itself writes: a word's own text, a synonym's canonical words."""
    match expr:
        case Word(text=text):
            return (text,)
        case Synonym(canonical=canonical):
            return canonical
        case (
            RuleRef() | SlotRef() | CatalogueRef() | Sequence() | Alternation() | OptionalPart()
            | Repeat()
        ):
            return ()
        case _:
            assert_never(expr)


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of `expr`, parents before children, left to right."""
    yield expr
    for child in children(expr):
        yield from walk(child)
