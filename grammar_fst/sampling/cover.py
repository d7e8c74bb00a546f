"""Covering sentences: a few derivations per intent that, together, use every alternative
of every rule the intent reaches, every optional part (`x?`, `[x]`, `x{0,n}`) and every
alternative of an inline slot, before sampling goes on as usual.

This works on the grammar's AST, not its FSTs: optimization merges alternatives that
share words, so "every arc of the FST" is not "every alternative the author wrote".
Only what can be in a sentence counts: an option weighted `<0>`, or a part that cannot
derive any sentence, is no target. Each derivation is greedy: at an alternation it takes
the option leading to the most targets not yet covered (the first on ties), otherwise it
draws by the weights. Every derivation covers at least one new target, so an intent needs
at most as many as it has targets. Catalogue slots are filled by a random walk of their
class FST, as when sampling.

A derivation follows the grammar's nesting with the call stack, so an intent's covering
paths are derived in a thread whose stack fits MAX_DEPTH expression levels (the rules'
own nesting added along the deepest chain of rules: an induced grammar's chains of
shared rules go hundreds deep); an intent nesting deeper is refused with a located
error rather than overflowing the stack. Sampling without `--cover` has no such limit.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import pynini

from ..errors import UsageError
from ..fst import labels
from ..fst.walks import LabelPath
from ..grm import ast as g
from ..grm.validate import rule_order
from .walker import Walker

# Expression levels one covering derivation may go through; a level takes up to three
# Python frames (the counts of targets go through generators), each well within the
# stack of the deriving thread (reserved, used only as deep as a derivation goes).
MAX_DEPTH = 10_000
FRAMES_PER_LEVEL = 4
STACK_BYTES = 512 * 2**20
T = TypeVar("T")

Owner = tuple[str, str]  # ("intent" | "rule" | "slot", name)
Target = tuple[Owner, tuple[int, ...], int]  # definition, node path, option (-1: optional)


class Coverer:
    """Derives covering sentences of one grammar, as label paths."""

    def __init__(
        self,
        grammar: g.Grammar,
        symbols: pynini.SymbolTable,
        walker: Walker,
        walked_slots: set[str],
        rng: np.random.Generator,
    ):
        self.grammar = grammar
        self.inline = {n: s for n, s in grammar.slots.items() if n not in walked_slots}
        self.symbols = symbols
        self.walker = walker
        self.rng = rng
        self.covered: set[Target] = set()
        self._live: dict[g.Expr, bool] = {}
        self._depth = nesting_depths(grammar, self.inline)

    def paths(self, intent: str) -> list[LabelPath]:
        """Label paths of `intent` until its every target is covered, at least one
        (each intent covers the rules it shares with others again, for its own sake)."""
        depth = _nesting(self.grammar.intents[intent].body, self._depth)
        if depth > MAX_DEPTH:
            raise UsageError(
                f"{self.grammar.intents[intent].loc}: --cover follows intent {intent} through "
                f"rules nesting {depth} levels deep, more than {MAX_DEPTH}; sample it "
                "without --cover"
            )
        return _with_deep_stack(lambda: list(self._paths(intent)))

    def _paths(self, intent: str) -> Iterator[LabelPath]:
        body, owner = self.grammar.intents[intent].body, ("intent", intent)
        self.covered = set()
        head = [(0, self.symbols.find(labels.intent_tag(intent)))]
        first = self.live(body)  # at least one sentence, even with nothing to choose
        while first or self._pending(body, owner, ()):
            first = False
            path = list(head)
            self._derive(body, owner, (), path)
            yield path

    def live(self, expr: g.Expr) -> bool:
        """Whether `expr` derives at least one sentence (the empty one counts)."""
        if expr not in self._live:
            self._live[expr] = self._derives(expr)
        return self._live[expr]

    def _derives(self, expr: g.Expr) -> bool:
        if isinstance(expr, g.RuleRef):
            return self.live(self.grammar.rules[expr.name].body)
        if isinstance(expr, g.SlotRef):
            if expr.name in self.inline:
                return self.live(self.inline[expr.name].body)
            return self.walker.class_log_mass[expr.name] > -np.inf
        if isinstance(expr, g.Sequence):
            return all(self.live(item) for item in expr.items)
        if isinstance(expr, g.Alternation):
            return any(self._open(expr, k) for k in range(len(expr.options)))
        if isinstance(expr, g.Repeat):
            return expr.low == 0 or self.live(expr.expr)
        if isinstance(expr, g.Synonym):
            return self.live(expr.expr)
        return True  # a word, an optional part

    def _open(self, expr: g.Alternation, k: int) -> bool:
        """Whether option k can be taken: weighted above zero, and live."""
        option = expr.options[k]
        return option.weight != 0 and self.live(option.expr)

    def _targets(self, expr: g.Expr, owner: Owner, at: tuple[int, ...]) -> list[tuple[int, int]]:
        """(target option, child index) pairs of `expr` itself: the options of an
        alternation, the body of an optional part, that a derivation can take."""
        if isinstance(expr, g.Alternation):
            return [(k, k) for k in range(len(expr.options)) if self._open(expr, k)]
        optional = isinstance(expr, g.Optional) or (isinstance(expr, g.Repeat) and expr.low == 0)
        if optional and self.live(expr.expr):
            return [(-1, 0)]
        return []

    def _pending(self, expr: g.Expr, owner: Owner, at: tuple[int, ...]) -> int:
        """How many uncovered targets a derivation of `expr` could still reach."""
        if not self.live(expr):
            return 0
        if isinstance(expr, g.RuleRef):
            return self._pending(self.grammar.rules[expr.name].body, ("rule", expr.name), ())
        if isinstance(expr, g.SlotRef):
            slot = self.inline.get(expr.name)
            return 0 if slot is None else self._pending(slot.body, ("slot", expr.name), ())
        if isinstance(expr, (g.Alternation, g.Optional)):
            return sum(
                ((owner, at, target) not in self.covered)
                + self._pending(g.children(expr)[k], owner, (*at, k))
                for target, k in self._targets(expr, owner, at)
            )
        return sum(
            self._pending(child, owner, (*at, k)) for k, child in enumerate(g.children(expr))
        ) + sum((owner, at, -1) not in self.covered for _ in self._targets(expr, owner, at))

    def _derive(self, expr: g.Expr, owner: Owner, at: tuple[int, ...], path: LabelPath) -> None:
        if isinstance(expr, g.Word):
            word = self.symbols.find(expr.text)
            path.append((word, word))
        elif isinstance(expr, g.RuleRef):
            self._derive(self.grammar.rules[expr.name].body, ("rule", expr.name), (), path)
        elif isinstance(expr, g.SlotRef):
            self._slot(expr.name, path)
        elif isinstance(expr, g.Sequence):
            for k, item in enumerate(expr.items):
                self._derive(item, owner, (*at, k), path)
        elif isinstance(expr, g.Alternation):
            k = self._option(expr, owner, at)
            self.covered.add((owner, at, k))
            self._derive(expr.options[k].expr, owner, (*at, k), path)
        elif isinstance(expr, g.Optional):
            if self._targets(expr, owner, at) and (
                self._pending(expr, owner, at) or self.rng.random() < expr.presence
            ):
                self.covered.add((owner, at, -1))
                self._derive(expr.expr, owner, (*at, 0), path)
        elif isinstance(expr, g.Synonym):  # the surface words, then the canonical value
            surface: LabelPath = []
            self._derive(expr.expr, owner, (*at, 0), surface)
            path.extend((word, 0) for word, _ in surface if word)
            path.extend((0, self.symbols.find(word)) for word in expr.canonical)
        elif isinstance(expr, g.Repeat):
            if not self.live(expr.expr):
                count = 0
            elif self._pending(expr, owner, at):
                count = max(expr.low, 1)
            else:
                count = int(self.rng.integers(expr.low, expr.high + 1))
            if count:
                self.covered.add((owner, at, -1))
            for _ in range(count):
                self._derive(expr.expr, owner, (*at, 0), path)

    def _option(self, expr: g.Alternation, owner: Owner, at: tuple[int, ...]) -> int:
        """The option leading to the most uncovered targets, or one drawn by weight."""
        gains = {
            k: ((owner, at, k) not in self.covered) + self._pending(o.expr, owner, (*at, k))
            for k, o in enumerate(expr.options)
            if self._open(expr, k)
        }
        best = max(gains.values())
        if best > 0:
            return next(k for k, gain in gains.items() if gain == best)
        options = list(gains)
        weights = np.array([expr.options[k].weight or 1.0 for k in options])
        return options[int(self.rng.choice(len(options), p=weights / weights.sum()))]

    def _slot(self, name: str, path: LabelPath) -> None:
        path.append((0, self.symbols.find(labels.slot_open(name))))
        if name in self.inline:
            self._derive(self.inline[name].body, ("slot", name), (), path)
        else:
            start = np.array([self.walker.class_start[name]])
            walks = self.walker.walk(start, self.rng)
            path.extend(zip(walks.ilabel.tolist(), walks.olabel.tolist()))
        path.append((0, self.symbols.find(labels.slot_close(name))))


def nesting_depths(grammar: g.Grammar, inline: dict[str, g.Slot]) -> dict[tuple[str, str], int]:
    """Per rule and inline slot, how many expression levels deep its derivations go, the
    rules it enters included (each found once, callees first, without recursion)."""
    depth: dict[tuple[str, str], int] = {}
    for name in rule_order(grammar.rules):
        depth[("rule", name)] = _nesting(grammar.rules[name].body, depth)
    for name, slot in inline.items():
        depth[("slot", name)] = _nesting(slot.body, depth)
    return depth


def _nesting(expr: g.Expr, depth: dict[tuple[str, str], int]) -> int:
    """Levels of `expr`, a rule or inline slot use adding its own (`depth` holds them)."""
    deepest, stack = 0, [(expr, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, g.RuleRef):
            level += depth[("rule", node.name)]
        elif isinstance(node, g.SlotRef):
            level += depth.get(("slot", node.name), 0)
        deepest = max(deepest, level)
        stack += [(child, level + 1) for child in g.children(node)]
    return deepest


def _with_deep_stack(work: Callable[[], T]) -> T:
    """`work()`, run where a derivation MAX_DEPTH levels deep fits: in a thread with a
    large stack, under a recursion limit to match (both restored afterwards)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed to the caller's thread
            outcome["error"] = err

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(limit, FRAMES_PER_LEVEL * MAX_DEPTH + limit))
    threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
    finally:
        threading.stack_size(size)
    try:
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
