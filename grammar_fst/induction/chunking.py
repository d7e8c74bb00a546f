"""Chunking: a run of items that recurs in the grammar becomes a rule of its own.

It is the second operator of model merging. The language does not change, so neither
does the likelihood; the grammar gets shorter, which raises its prior. A run of `n`
items used `k` times costs `k * n` symbols written out and `k + n + 1` as a rule, so it
is chunked when that saves symbols; the run saving most goes first.

Chunking only makes expressions shallower (a run becomes one rule use), so walking them
recursively stays within the depth the writer bounds (writer.DEEP).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..grm import ast as g
from ..grm.syntax import format_expr
from .search import Step
from .writer import sequence, spoken, with_context

LONGEST = 6  # items in a chunk, at most

Run = tuple[g.Expr, ...]


def chunk(
    statements: list[g.Definition],
    name: Callable[..., str],
    symbol_cost: float,
    trace: Callable[[Step], None],
) -> list[g.Rule]:
    """Chunk `statements` in place while it saves symbols; the new rules, in order."""
    rules: list[g.Rule] = []
    counted: list[Counter[Run]] = []  # each statement's runs
    runs: Counter[Run] = Counter()  # all statements' runs: counted again where they change
    while True:
        for statement in statements[len(counted) :]:
            counted.append(_counted(statement))
            runs.update(counted[-1])
        saving, run = _best(runs, counted)
        if saving <= 0:
            return rules
        labels = [_label(item) for item in run]
        bodies = {s.name: s.body for s in statements if isinstance(s, g.Rule)}
        holding = [i for i, own in enumerate(counted) if run in own]  # the others stay
        around = functools.partial(_around, [statements[i] for i in holding], run)
        wanted = name(labels, spoken(g.Sequence(run), bodies), context=around)
        rule = g.Rule(wanted, g.Sequence(run))
        replacement = g.RuleRef(rule.name)
        uses = 0
        for i in holding:
            body, found = _replace(statements[i].body, run, replacement)
            statements[i], uses = _with_body(statements[i], body), uses + found
            runs.subtract(counted[i])
            counted[i] = _counted(statements[i])
            runs.update(counted[i])
        rules.append(_with_comment(rule, f"{uses} uses"))  # a chunk has two or more
        trace(
            Step(
                "chunk", "*", f"{format_expr(g.Sequence(run))} → ${rule.name}", saving * symbol_cost
            )
        )
        statements.append(rules[-1])


def _around(statements: list[g.Definition], run: Run) -> tuple[list[str], ...]:
    """The run's labels with the item most often said before it, with the one most
    often after it (the first seen of the most frequent), then with both: names for a
    chunk whose own labels name another rule. `statements`: those that hold the run."""
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for statement in statements:
        for items, left, right in _in_context(statement.body, None, None):
            for start in range(len(items) - len(run) + 1):
                if items[start : start + len(run)] == run:
                    end = start + len(run)
                    said = _label(items[start - 1]) if start else left
                    if said is not None:
                        before[said] += 1
                    said = _label(items[end]) if end < len(items) else right
                    if said is not None:
                        after[said] += 1
    most = [c.most_common(1)[0][0] for c in (before, after) if c]
    return with_context(
        [_label(item) for item in run], most[:1] if before else [], most[-1:] if after else []
    )


def _in_context(expr: g.Expr, left: str | None, right: str | None):
    """Each sequence inside `expr` with the labels of the items said just before and
    just after it (None at a statement's edge)."""
    match expr:
        case g.Sequence(items=items):
            yield items, left, right
            for i, item in enumerate(items):
                before = _label(items[i - 1]) if i else left
                after = _label(items[i + 1]) if i + 1 < len(items) else right
                yield from _in_context(item, before, after)
        case g.Alternation(options=options):
            for option in options:
                yield from _in_context(option.expr, left, right)
        case g.OptionalPart(expr=inner) | g.Repeat(expr=inner) | g.Synonym(expr=inner):
            yield from _in_context(inner, left, right)
        case g.Word() | g.RuleRef() | g.SlotRef() | g.CatalogueRef():
            return
        case _:
            g.assert_never(expr)


def _counted(statement: g.Definition) -> Counter[Run]:
    """The runs of a statement's sequences."""
    own: Counter[Run] = Counter()
    for items in _sequences(statement.body):
        own.update(_runs(items))
    return own


def _best(runs: Counter[Run], counted: list[Counter[Run]]) -> tuple[int, Run]:
    """The run that saves most, the shortest written of those, then the first counted
    (in the first statement that has it, the first there); (0, ()) when none saves
    anything."""
    savings = [(_saving(run, uses), run) for run, uses in runs.items() if uses > 1]
    most = max((saving for saving, _ in savings), default=0)
    if most <= 0:
        return 0, ()
    best = [(len(format_expr(g.Sequence(run))), run) for saving, run in savings if saving == most]
    least = min(length for length, _ in best)
    shortest = [run for length, run in best if length == least]
    if len(shortest) == 1:
        return most, shortest[0]
    return most, min(shortest, key=lambda run: _first(run, counted))


def _first(run: Run, counted: list[Counter[Run]]) -> tuple[int, int]:
    """Where `run` is counted first: the statement, and its place among that one's runs."""
    i = next(i for i, own in enumerate(counted) if run in own)
    return i, list(counted[i]).index(run)


def _saving(run: Run, uses: int) -> int:
    return uses * len(run) - (uses + len(run) + 1)


def _sequences(expr: g.Expr):
    return (e.items for e in g.walk(expr) if isinstance(e, g.Sequence))


def _runs(items: Run) -> Counter[Run]:
    """Every run of 2 to LONGEST consecutive items, with how often it occurs without
    overlapping itself (counted left to right, as `_replace` replaces)."""
    counts: Counter[Run] = Counter()
    ends: dict[Run, int] = {}
    for size in range(2, min(LONGEST, len(items)) + 1):
        for start in range(len(items) - size + 1):
            run = items[start : start + size]
            if ends.get(run, 0) <= start:
                counts[run] += 1
                ends[run] = start + size
    return counts


def _replace(expr: g.Expr, run: Run, by: g.Expr) -> tuple[g.Expr, int]:
    """`expr` with each non-overlapping occurrence of `run` replaced by `by`."""
    match expr:
        case g.Sequence(items=items):
            replaced: list[g.Expr] = []
            found, i = 0, 0
            while i < len(items):
                if items[i : i + len(run)] == run:
                    replaced.append(by)
                    found += 1
                    i += len(run)
                else:
                    item, inner = _replace(items[i], run, by)
                    replaced.append(item)
                    found += inner
                    i += 1
            return sequence(replaced), found
        case g.Alternation(options=options):
            found, kept = 0, []
            for option in options:
                inner_expr, inner = _replace(option.expr, run, by)
                kept.append(replace(option, expr=inner_expr))
                found += inner
            return replace(expr, options=tuple(kept)), found
        case g.OptionalPart(expr=inner) | g.Repeat(expr=inner) | g.Synonym(expr=inner):
            inner_expr, found = _replace(inner, run, by)
            return replace(expr, expr=inner_expr), found
        case g.Word() | g.RuleRef() | g.SlotRef() | g.CatalogueRef():
            return expr, 0
        case _:
            g.assert_never(expr)


def _with_body(statement: g.Definition, body: g.Expr) -> g.Definition:
    return replace(statement, body=body)


def _with_comment(rule: g.Rule, comment: str) -> g.Rule:
    return replace(rule, comment=comment)


def _label(expr: g.Expr) -> str:
    """What names an item in a chunk's name: a word, a rule's or slot's name."""
    match expr:
        case g.Word(text=text):
            return text
        case g.RuleRef(name=name) | g.SlotRef(name=name):
            return name
        case (
            g.CatalogueRef()
            | g.Sequence()
            | g.Alternation()
            | g.OptionalPart()
            | g.Repeat()
            | g.Synonym()
        ):
            return "part"
        case _:
            g.assert_never(expr)
