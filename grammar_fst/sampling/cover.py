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

The uncovered targets under each node are counted once and kept until one of them is
covered, when only the counts of the nodes above it (in its rule, and up through the
rules entering that rule) are dropped: an induced grammar's rules are shared by many
others, and counting them again on every path through them took time exponential in
the grammar.

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

from ..errors import UsageError, Wording
from ..fst import labels
from ..fst.walks import LabelPath
from ..grm import ast as g
from ..grm import branches
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
Node = tuple[Owner, tuple[int, ...]]  # definition, node path


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
        self._uses = _uses(grammar, self.inline)
        self._owed: dict[Owner, dict[tuple[int, ...], int]] = {}  # `_pending` per node

    def paths(self, intent: str) -> list[LabelPath]:
        """Label paths of `intent` until its every target is covered, at least one
        (each intent covers the rules it shares with others again, for its own sake)."""
        depth = _nesting(self.grammar.intents[intent].body, self._depth)
        if depth > MAX_DEPTH:
            raise UsageError(
                Wording(
                    "{cover} follows intent {intent} through rules nesting {depth} levels "
                    "deep, more than {limit}; sample it without {cover}",
                    intent=intent,
                    depth=depth,
                    limit=MAX_DEPTH,
                ),
                self.grammar.intents[intent].loc,
            )
        return _with_deep_stack(lambda: list(self._paths(intent)))

    def _paths(self, intent: str) -> Iterator[LabelPath]:
        body, owner = self.grammar.intents[intent].body, ("intent", intent)
        self.covered, self._owed = set(), {}
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
        match expr:
            case g.RuleRef(name=name):
                return self.live(self.grammar.rules[name].body)
            case g.SlotRef(name=name):
                if name in self.inline:
                    return self.live(self.inline[name].body)
                return self.walker.class_log_mass[name] > -np.inf
            case g.Sequence(items=items):
                return all(self.live(item) for item in items)
            case g.Alternation(options=options):
                return any(self._open(expr, k) for k in range(len(options)))
            case g.Repeat(expr=inner, low=low):
                return low == 0 or self.live(inner)
            case g.Synonym(expr=inner):
                return self.live(inner)
            case g.Word() | g.OptionalPart() | g.CatalogueRef():
                return True
            case _:
                g.assert_never(expr)

    def _open(self, expr: g.Alternation, k: int) -> bool:
        """Whether option k can be taken: weighted above zero, and live."""
        option = expr.options[k]
        return branches.can_take(option) and self.live(option.expr)

    def _targets(self, expr: g.Expr, owner: Owner, at: tuple[int, ...]) -> list[tuple[int, int]]:
        """(target option, child index) pairs of `expr` itself: the options of an
        alternation, the body of an optional part, that a derivation can take."""
        match expr:
            case g.Alternation(options=options):
                return [(k, k) for k in range(len(options)) if self._open(expr, k)]
            case g.OptionalPart(expr=inner) | g.Repeat(expr=inner, low=0):
                return [(-1, 0)] if self.live(inner) else []
            case (
                g.Word() | g.RuleRef() | g.SlotRef() | g.CatalogueRef() | g.Sequence()
                | g.Repeat() | g.Synonym()
            ):
                return []
            case _:
                g.assert_never(expr)

    def _pending(self, expr: g.Expr, owner: Owner, at: tuple[int, ...]) -> int:
        """How many uncovered targets a derivation of `expr` could still reach (each
        counted once per way to it), kept until `_cover` drops it."""
        owed = self._owed.setdefault(owner, {})
        if at not in owed:
            owed[at] = self._count(expr, owner, at) if self.live(expr) else 0
        return owed[at]

    def _count(self, expr: g.Expr, owner: Owner, at: tuple[int, ...]) -> int:
        match expr:
            case g.RuleRef(name=name):
                return self._pending(self.grammar.rules[name].body, ("rule", name), ())
            case g.SlotRef(name=name):
                slot = self.inline.get(name)
                return 0 if slot is None else self._pending(slot.body, ("slot", name), ())
            case g.Alternation() | g.OptionalPart():  # a derivation takes one of the targets
                return sum(
                    ((owner, at, target) not in self.covered)
                    + self._pending(g.children(expr)[k], owner, (*at, k))
                    for target, k in self._targets(expr, owner, at)
                )
            case g.Word() | g.CatalogueRef() | g.Sequence() | g.Repeat() | g.Synonym():
                return sum(
                    self._pending(child, owner, (*at, k))
                    for k, child in enumerate(g.children(expr))
                ) + sum((owner, at, -1) not in self.covered for _ in self._targets(expr, owner, at))
            case _:
                g.assert_never(expr)

    def _cover(self, owner: Owner, at: tuple[int, ...], target: int) -> None:
        """Marks a target covered and drops the counts that counted it: of the nodes
        above it, up through every use of its rule. A count kept implies those it was
        summed from, so the climb stops at the first node not counted."""
        if (owner, at, target) in self.covered:
            return
        self.covered.add((owner, at, target))
        stale = [(owner, at)]
        while stale:
            owner, at = stale.pop()
            owed = self._owed.get(owner, {})
            while at in owed:
                del owed[at]
                if not at:
                    stale += self._uses.get(owner, ())
                    break
                at = at[:-1]

    def _derive(self, expr: g.Expr, owner: Owner, at: tuple[int, ...], path: LabelPath) -> None:
        match expr:
            case g.Word(text=text):
                word = self.symbols.find(text)
                path.append((word, word))
            case g.RuleRef(name=name):
                self._derive(self.grammar.rules[name].body, ("rule", name), (), path)
            case g.SlotRef(name=name):
                self._slot(name, path)
            case g.Sequence(items=items):
                for k, item in enumerate(items):
                    self._derive(item, owner, (*at, k), path)
            case g.Alternation(options=options):
                k = self._option(expr, owner, at)
                self._cover(owner, at, k)
                self._derive(options[k].expr, owner, (*at, k), path)
            case g.OptionalPart(expr=inner):
                if self._targets(expr, owner, at) and (
                    self._pending(expr, owner, at) or self.rng.random() < branches.presence(expr)
                ):
                    self._cover(owner, at, -1)
                    self._derive(inner, owner, (*at, 0), path)
            case g.Synonym(expr=inner, canonical=canonical):  # the surface words, then the value
                surface: LabelPath = []
                self._derive(inner, owner, (*at, 0), surface)
                path.extend((word, 0) for word, _ in surface if word)
                path.extend((0, self.symbols.find(word)) for word in canonical)
            case g.Repeat(expr=inner, low=low):
                if not self.live(inner):
                    count = 0
                elif self._pending(expr, owner, at):
                    count = max(low, 1)
                else:
                    counts = branches.counts(expr)
                    count = int(self.rng.integers(counts.start, counts.stop))
                if count:
                    self._cover(owner, at, -1)
                for _ in range(count):
                    self._derive(inner, owner, (*at, 0), path)
            case g.CatalogueRef(loc=loc):  # a catalogue slot is walked in its class FST
                raise ValueError(f"{loc}: a catalogue can only be the whole value of a slot")
            case _:
                g.assert_never(expr)

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
        weights = np.array([branches.weight(expr.options[k]) for k in options])
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


def _uses(grammar: g.Grammar, inline: dict[str, g.Slot]) -> dict[Owner, list[Node]]:
    """Per rule and inline slot, where the intents, rules and inline slots name it."""
    bodies = {("intent", n): i.body for n, i in grammar.intents.items()}
    bodies.update({("rule", n): r.body for n, r in grammar.rules.items()})
    bodies.update({("slot", n): s.body for n, s in inline.items()})
    uses: dict[Owner, list[Node]] = {}
    for owner, body in bodies.items():
        stack: list[tuple[g.Expr, tuple[int, ...]]] = [(body, ())]
        while stack:
            expr, at = stack.pop()
            if isinstance(expr, g.RuleRef):
                uses.setdefault(("rule", expr.name), []).append((owner, at))
            elif isinstance(expr, g.SlotRef) and expr.name in inline:
                uses.setdefault(("slot", expr.name), []).append((owner, at))
            stack += [(child, (*at, k)) for k, child in enumerate(g.children(expr))]
    return uses


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
