"""Chunking: a run of items that recurs in the grammar becomes a rule of its own.

It is the second operator of model merging. The language does not change, so neither
does the likelihood; the grammar gets shorter, which raises its prior. A run of `n`
items used `k` times costs `k * n` symbols written out and `k + n + 1` as a rule, so it
is chunked when that saves symbols; the run saving most goes first.

Chunking only makes expressions shallower (a run becomes one rule use), so walking them
recursively stays within the depth the writer bounds (writer.DEEP).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..grm import ast as g
from ..grm.syntax import format_expr
from .search import Step
from .writer import sequence

LONGEST = 6  # items in a chunk, at most

Run = tuple[g.Expr, ...]


def chunk(
    statements: list[g.Definition],
    name: Callable[[list[str]], str],
    symbol_cost: float,
    trace: Callable[[Step], None],
) -> list[g.Rule]:
    """Chunk `statements` in place while it saves symbols; the new rules, in order."""
    rules: list[g.Rule] = []
    while True:
        runs: Counter[Run] = Counter()
        for statement in statements:
            for items in _sequences(statement.body):
                runs.update(_runs(items))
        saving, run = max(
            ((_saving(run, uses), run) for run, uses in runs.items() if uses > 1),
            key=lambda pair: (pair[0], -len(format_expr(g.Sequence(pair[1])))),
            default=(0, ()),
        )
        if saving <= 0:
            return rules
        rule = g.Rule(name([_label(item) for item in run]), g.Sequence(run))
        replacement = g.RuleRef(rule.name)
        uses = 0
        for i, statement in enumerate(statements):
            body, found = _replace(statement.body, run, replacement)
            statements[i], uses = _with_body(statement, body), uses + found
        rules.append(_with_comment(rule, f"{uses} uses"))  # a chunk has two or more
        trace(
            Step(
                "chunk", "*", f"{format_expr(g.Sequence(run))} → ${rule.name}", saving * symbol_cost
            )
        )
        statements.append(rules[-1])


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
    found = 0
    if isinstance(expr, g.Sequence):
        items: list[g.Expr] = []
        i = 0
        while i < len(expr.items):
            if expr.items[i : i + len(run)] == run:
                items.append(by)
                found += 1
                i += len(run)
            else:
                item, inner = _replace(expr.items[i], run, by)
                items.append(item)
                found += inner
                i += 1
        return sequence(items), found
    if isinstance(expr, g.Alternation):
        options = []
        for option in expr.options:
            inner_expr, inner = _replace(option.expr, run, by)
            options.append(g.Option(inner_expr, option.weight))
            found += inner
        return g.Alternation(tuple(options)), found
    if isinstance(expr, g.Optional):
        inner_expr, found = _replace(expr.expr, run, by)
        return g.Optional(inner_expr, probability=expr.probability), found
    return expr, 0


def _with_body(statement: g.Definition, body: g.Expr) -> g.Definition:
    return type(statement)(statement.name, body, comment=statement.comment)


def _with_comment(rule: g.Rule, comment: str) -> g.Rule:
    return g.Rule(rule.name, rule.body, comment=comment)


def _label(expr: g.Expr) -> str:
    """What names an item in a chunk's name: a word, a rule's or slot's name."""
    return getattr(expr, "text", None) or getattr(expr, "name", None) or "part"
