"""Meaning checks on a parsed grammar: names defined once, every reference known,
no rule that reaches itself, no slot inside a slot. The compiler refuses a grammar
with any of these; `grammar-fst check` reports them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import GrammarError, Location
from . import ast as g
from . import branches
from .syntax import written_name


@dataclass(frozen=True)
class Diagnostic:
    """One finding of `check`: an error stops compilation, a warning does not."""

    level: str  # "error" or "warning"
    message: str
    loc: Location

    def __str__(self) -> str:
        return f"{self.loc}: {self.level}: {self.message}"


MAX_DEPTH = 250  # expression nodes of one definition, a rule use counting as one


def errors(grammar: g.Grammar) -> list[Diagnostic]:
    """Every meaning error of `grammar`, in source order."""
    found = _duplicates(grammar) + _unknown_references(grammar)
    if not found:
        found = _cycles(grammar) + _slots_in_slots(grammar) + _synonyms_outside_slots(grammar)
    if not found:
        found = too_deep(grammar)
    if not found:
        found = _empty_values(grammar) + _nested_repeats(grammar)
    return found


def require_valid(grammar: g.Grammar) -> None:
    """Raise the first meaning error of `grammar` as a GrammarError."""
    found = errors(grammar)
    if found:
        raise GrammarError(found[0].message, found[0].loc)


def references(expr: g.Expr, kind: type) -> list:
    """The RuleRef or SlotRef nodes inside `expr`, left to right."""
    return [node for node in g.walk(expr) if isinstance(node, kind)]


def _duplicates(grammar: g.Grammar) -> list[Diagnostic]:
    found = []
    seen: dict[tuple[type, str], g.Statement] = {}
    for stmt in grammar.statements:
        if isinstance(stmt, g.Import):
            continue
        first = seen.setdefault((type(stmt), stmt.name), stmt)
        if first is not stmt:
            found.append(
                Diagnostic(
                    "error",
                    f"{g.title(stmt, written_name)} is already defined at {first.loc}; rename one",
                    stmt.loc,
                )
            )
    return found


def _unknown_references(grammar: g.Grammar) -> list[Diagnostic]:
    rules, slots = grammar.rules, grammar.slots
    found = []
    for stmt in grammar.of_kind(g.Rule) + grammar.of_kind(g.Intent) + grammar.of_kind(g.Slot):
        for ref in references(stmt.body, g.RuleRef):
            if ref.name not in rules:
                found.append(_unknown("rule", "$", ref, rules))
        for ref in references(stmt.body, g.SlotRef):
            if ref.name not in slots:
                found.append(_unknown("slot", "", ref, slots))
    return sorted(found, key=lambda d: (d.loc.file, d.loc.line, d.loc.col))


def _unknown(kind: str, sigil: str, ref, known: dict) -> Diagnostic:
    import difflib  # only for a grammar with a mistake

    close = difflib.get_close_matches(ref.name, list(known), n=1, cutoff=0.6)
    shown = f"{sigil}{ref.name}" if sigil else f"{{{written_name(ref.name)}}}"
    if close:
        hint = (
            f"; did you mean {sigil}{close[0]}?"
            if sigil
            else f"; did you mean {{{written_name(close[0])}}}?"
        )
    else:
        hint = f"; define it with '{kind} {written_name(ref.name)} = ...'"
    if not close and kind == "rule":
        hint = f"; define it with '${ref.name} = ...'"
    return Diagnostic("error", f"unknown {kind} {shown}{hint}", ref.loc)


def _cycles(grammar: g.Grammar) -> list[Diagnostic]:
    """A rule that refers to itself, directly or through other rules (the first found).
    Depth first with a stack of its own, so that a long chain of rules is no problem."""
    rules = grammar.rules
    done: set[str] = set()
    for first in rules:
        if first in done:
            continue
        path = [first]  # the rules being expanded, outermost first
        pending = [iter(references(rules[first].body, g.RuleRef))]
        while pending:
            ref = next(pending[-1], None)
            if ref is None:
                done.add(path.pop())
                pending.pop()
            elif ref.name in path:
                cycle = " -> ".join(f"${n}" for n in path[path.index(ref.name) :] + [ref.name])
                message = (
                    f"rule ${ref.name} refers to itself: {cycle}; grammars stay finite, "
                    "so use a bounded repetition such as {1,3} instead"
                )
                return [Diagnostic("error", message, ref.loc)]
            elif ref.name not in done:
                path.append(ref.name)
                pending.append(iter(references(rules[ref.name].body, g.RuleRef)))
    return []


def too_deep(grammar: g.Grammar) -> list[Diagnostic]:
    """The first definition whose own expression nests more than MAX_DEPTH deep. Each rule
    is compiled on its own and entered where it is used, so a rule use counts as one node
    however deep that rule's own uses go: only one expression is ever walked at a time."""
    for stmt in grammar.statements:
        if isinstance(stmt, g.Import):
            continue
        found = depth(stmt.body)
        if found > MAX_DEPTH:
            return [
                Diagnostic(
                    "error",
                    f"{g.title(stmt, written_name)} nests groups {found} deep, "
                    f"more than {MAX_DEPTH}; name an inner part as a rule",
                    stmt.loc,
                )
            ]
    return []


def depth(expr: g.Expr) -> int:
    """How deep `expr` nests, in expression nodes."""
    deepest, stack = 0, [(expr, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack += [(child, level + 1) for child in g.children(node)]
    return deepest


def rule_order(rules: dict[str, g.Rule]) -> list[str]:
    """Rule names, each after the rules it uses (the rules must be acyclic), with a stack
    of its own, so that a long chain of rules is no problem."""
    order: list[str] = []
    done: set[str] = set()
    for first in rules:
        stack = [first]
        while stack:
            name = stack[-1]
            if name in done:
                stack.pop()
                continue
            used = [r.name for r in references(rules[name].body, g.RuleRef) if r.name not in done]
            if used:
                stack += used
            else:
                done.add(name)
                order.append(name)
                stack.pop()
    return order


def _slots_in_slots(grammar: g.Grammar) -> list[Diagnostic]:
    """A slot's values may use rules but no other slot (slots do not nest)."""
    rules = grammar.rules
    found = []
    for slot in grammar.of_kind(g.Slot):
        stack, seen = [slot.body], set()
        while stack:
            expr = stack.pop()
            for ref in references(expr, g.SlotRef):
                found.append(
                    Diagnostic(
                        "error",
                        f"slot {slot.name} uses slot {{{ref.name}}}; slots do not nest, "
                        "use a rule for shared values",
                        ref.loc,
                    )
                )
            for ref in references(expr, g.RuleRef):
                if ref.name not in seen:
                    seen.add(ref.name)
                    stack.append(rules[ref.name].body)
    return found


def _synonyms_outside_slots(grammar: g.Grammar) -> list[Diagnostic]:
    """A synonym's canonical value is what a slot's record holds: outside a slot's values
    no record would carry it, so a sentence would silently lose its meaning."""
    rules, found, seen = grammar.rules, [], set()
    for intent in grammar.of_kind(g.Intent):
        stack, visited = [(intent.body, "")], set()
        while stack:
            expr, through = stack.pop()
            for synonym in references(expr, g.Synonym):
                if synonym.loc not in seen:
                    seen.add(synonym.loc)
                    found.append(
                        Diagnostic(
                            "error",
                            f"synonym outside a slot: intent {intent.name} uses it{through}; "
                            "'=>' gives a slot value its canonical form, so write it in a "
                            "slot's values (slot room = lounge => \"living room\")",
                            synonym.loc,
                        )
                    )
            for ref in references(expr, g.RuleRef):
                if ref.name not in visited:
                    visited.add(ref.name)
                    stack.append((rules[ref.name].body, f" through ${ref.name}"))
    return found


def nullable(expr: g.Expr, rules: dict[str, g.Rule]) -> bool:
    """Whether `expr` can produce no word at all (rules must be acyclic)."""
    return _nullable(expr, nullable_rules(rules))


def nullable_rules(rules: dict[str, g.Rule]) -> dict[str, bool]:
    """Whether each rule can produce no word, each found once, after the rules it uses."""
    known: dict[str, bool] = {}
    for name in rule_order(rules):
        known[name] = _nullable(rules[name].body, known)
    return known


def _nullable(expr: g.Expr, rule_nullable: dict[str, bool]) -> bool:
    match expr:
        case g.Word() | g.SlotRef() | g.CatalogueRef():
            return False
        case g.RuleRef(name=name):
            return rule_nullable[name]
        case g.Sequence(items=items):
            return all(_nullable(item, rule_nullable) for item in items)
        case g.Alternation(options=options):
            return any(_nullable(o.expr, rule_nullable) for o in options if branches.can_take(o))
        case g.OptionalPart():
            return True
        case g.Synonym(expr=inner):
            return _nullable(inner, rule_nullable)
        case g.Repeat(expr=inner, low=low):
            return low == 0 or _nullable(inner, rule_nullable)
        case _:
            g.assert_never(expr)


def _empty_values(grammar: g.Grammar) -> list[Diagnostic]:
    """Every sentence and every slot value has at least one word: an empty sentence is no
    training data, and an empty slot value would tag nothing."""
    found = []
    rule_nullable = nullable_rules(grammar.rules)
    for stmt in grammar.of_kind(g.Intent) + grammar.of_kind(g.Slot):
        if not _nullable(stmt.body, rule_nullable):
            continue
        if isinstance(stmt, g.Slot):
            fix = f"make the slot optional where it is used ({{{stmt.name}}}?) instead"
            found.append(
                Diagnostic("error", f"slot {stmt.name} can have an empty value; {fix}", stmt.loc)
            )
        else:
            found.append(
                Diagnostic(
                    "error",
                    f"intent {stmt.name} can produce an empty sentence; "
                    "make at least one word of every path non-optional",
                    stmt.loc,
                )
            )
    return sorted(found, key=lambda d: (d.loc.file, d.loc.line, d.loc.col))


MAX_COPIES = 1000


def _nested_repeats(grammar: g.Grammar) -> list[Diagnostic]:
    """Repetitions inside repetitions multiply: `(x{1,100}){1,100}` is 10,000 copies of x,
    which takes minutes and gigabytes to compile. Keep the product of nested bounds small."""
    found = []

    def visit(expr: g.Expr, copies: int) -> None:
        if isinstance(expr, g.Repeat):
            copies *= expr.high
            if copies > MAX_COPIES:
                found.append(
                    Diagnostic(
                        "error",
                        f"nested repetitions allow {copies} copies here; at most "
                        f"{MAX_COPIES} can be compiled: lower a bound",
                        expr.loc,
                    )
                )
                return
        for child in g.children(expr):
            visit(child, copies)

    for stmt in grammar.statements:
        if not isinstance(stmt, g.Import):
            visit(stmt.body, 1)
    return found
