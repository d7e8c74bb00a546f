"""From merged automata to `.grm` statements a person can read and edit.

An intent's automaton is acyclic with one START and one END, so every state has an
immediate post-dominator: the first state that all its paths meet again. A state's
*segment* is what it says followed by the choice between its successors up to that
meeting point; an intent is the segments from START to END. A choice that may skip
straight to the meeting point is written as an optional part. A segment reached along
several paths becomes a named rule, and so does a class of two or more symbols; names
are made of the words they say, and each rule's comment gives its counts.

Segments are written from the states nearest END back to START, each once and after the
segments it holds, so no structure is too deep to write; a segment that would nest deeper
than DEEP becomes a rule too, so every definition stays well inside what loads.
"""

from __future__ import annotations

from collections import Counter

from ..grm import ast as g
from ..grm import validate
from ..grm.syntax import format_expr
from .automaton import END, START, Automaton, Symbol
from .incorporate import as_name

NAME_WORDS = 3  # words in a rule's name
LONG = 60  # characters from which a segment with a choice is a rule of its own
EVEN = 1 / 3  # an optional part taken between 1/3 and 2/3 of the time is written `x?`
COMMENT_VALUES = 6  # values listed in a class rule's comment
DEEP = 50  # expression nodes from which a segment is a rule of its own (a rule use is one)


class RuleBook:
    """The rules of the whole grammar: word classes are shared by all intents (one rule per
    set of symbols), segment rules belong to their intent; names are unique."""

    def __init__(self, class_counts: dict[frozenset[Symbol], Counter[Symbol]]):
        self.class_counts = class_counts
        self.class_names: dict[frozenset[Symbol], str] = {}
        self.taken: set[str] = set()
        self.rules: list[g.Rule] = []

    def name(self, words: list[str]) -> str:
        """A new rule name made of the first words: `$to_my_playlist`."""
        base = as_name("_".join(words[:NAME_WORDS]).casefold(), "rule")
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}_{number}"
        self.taken.add(name)
        return name

    def word_class(self, symbols: frozenset[Symbol]) -> g.RuleRef:
        """The rule for a class of symbols (weighted by their counts in every intent)."""
        if symbols not in self.class_names:
            counts = self.class_counts[symbols]
            ranked = sorted(symbols, key=lambda s: (-counts[s], str(s)))
            name = self.class_names[symbols] = self.name(
                [s.name for s in ranked[:2]] + ["etc"] * (len(ranked) > 2)
            )
            options = [(_symbol(s), counts[s]) for s in ranked]
            comment = (
                f"{amount(counts.total(), 'use')}: "
                + ", ".join(f"{s} {counts[s]}" for s in ranked[:COMMENT_VALUES])
                + (", …" if len(ranked) > COMMENT_VALUES else "")
            )
            self.rules.append(g.Rule(name, alternation(options), comment=comment))
        return g.RuleRef(self.class_names[symbols])


def class_counts(models: list[Automaton]) -> dict[frozenset[Symbol], Counter[Symbol]]:
    """The counts of every class of two or more symbols, summed over all intents."""
    counts: dict[frozenset[Symbol], Counter[Symbol]] = {}
    for model in models:
        for row in model.emit.values():
            if len(row) > 1:
                counts.setdefault(frozenset(row), Counter()).update(row)
    return counts


def intent_statements(name: str, model: Automaton, book: RuleBook) -> list[g.Definition]:
    """The intent's statement followed by the rules it introduced."""
    first = len(book.rules)
    body = _IntentWriter(model, book).body()
    utterances = model.out[START].total()
    comment = f"{name}: learned from {amount(utterances, 'golden utterance')}"
    return [g.Intent(name, body, comment=comment), *_top_down(body, book.rules[first:])]


def _top_down(body: g.Expr, rules: list[g.Rule]) -> list[g.Rule]:
    """`rules` in the order a reader meets them, from `body` down (breadth first)."""
    by_name = {rule.name: rule for rule in rules}
    ordered: dict[str, g.Rule] = {}
    todo = [body]
    while todo:
        expr = todo.pop(0)
        for ref in g.walk(expr):
            if isinstance(ref, g.RuleRef) and ref.name in by_name and ref.name not in ordered:
                ordered[ref.name] = by_name[ref.name]
                todo.append(by_name[ref.name].body)
    return list(ordered.values())


class _IntentWriter:
    def __init__(self, model: Automaton, book: RuleBook):
        self.model, self.book = model, book
        self.meet = _post_dominators(model)
        self.uses: Counter[int] = Counter()
        self.segments: dict[int, list[g.Expr]] = {}
        self._count_uses(START, END)

    def body(self) -> g.Expr:
        """Every state's segment, deepest states first: a segment holds only the segments
        of states after it, so each is written once, with no recursion."""
        for state in sorted(self.meet, key=lambda s: -self.model.level[s]):
            if state != START:
                self.segments[state] = self._segment(state)
        return sequence(self._choice(START, []) + self._path(self.meet[START], END))

    def _count_uses(self, state: int, stop: int) -> None:
        """How many times each segment is written when nothing is named, each shared
        segment being visited once."""
        todo = [(state, stop)]
        while todo:
            state, stop = todo.pop()
            while state != stop:
                self.uses[state] += 1
                if self.uses[state] == 1 and len(self.model.out[state]) > 1:
                    todo += [(s, self.meet[state]) for s in self.model.out[state]]
                state = self.meet[state]

    def _path(self, state: int, stop: int) -> list[g.Expr]:
        items: list[g.Expr] = []
        while state != stop:
            items += self.segments[state]
            state = self.meet[state]
        return items

    def _segment(self, state: int) -> list[g.Expr]:
        """What `state` says, then the choice of its successors; as a rule when it is
        shared, long or deep."""
        items = self._choice(state, [self._emission(state)])
        written = sequence(items)
        shared = self.uses[state] > 1 and len(items) > 1
        if shared or len(format_expr(written)) > LONG or validate.depth(written) > DEEP:
            rule = self.book.name(self._likeliest_words(state))
            self.book.rules.append(
                g.Rule(rule, written, comment=amount(self._through(state), "utterance"))
            )
            return [g.RuleRef(rule)]
        return items

    def _choice(self, state: int, head: list[g.Expr]) -> list[g.Expr]:
        """`head` (what `state` says), then the choice of its successors up to where they
        meet. When a successor is the meeting point itself, the choice may be skipped:
        `x?` if the golden utterances took it about as often as not, else `x?<p>` with the
        proportion that took it."""
        successors = self.model.out[state]
        if len(successors) < 2:
            return head
        stop, skipped = self.meet[state], 0
        options = []
        for target in sorted(successors, key=lambda t: (-successors[t], t)):
            if target == stop:
                skipped = successors[target]
            else:
                options.append((sequence(self._path(target, stop)), successors[target]))
        choice = alternation(options)
        taken = successors.total() - skipped
        if not skipped:
            return [*head, choice]
        return [*head, g.Optional(choice, probability=_presence(taken, skipped))]

    def _emission(self, state: int) -> g.Expr:
        row = self.model.emit[state]
        if len(row) == 1:
            return _symbol(next(iter(row)))
        return self.book.word_class(frozenset(row))

    def _through(self, state: int) -> int:
        return self.model.out[state].total()

    def _likeliest_words(self, state: int) -> list[str]:
        """The symbols along the most frequent path from `state`, for a rule's name."""
        words = []
        while state != END and len(words) < NAME_WORDS:
            row = self.model.emit[state]
            words.append(min(row, key=lambda s: (-row[s], str(s))).name)
            out = self.model.out[state]
            state = min(out, key=lambda t: (-out[t], t))
        return words


def _post_dominators(model: Automaton) -> dict[int, int]:
    """Each state's immediate post-dominator, found from END backwards by level."""
    meet: dict[int, int] = {}
    depth = {END: 0}
    for state in sorted(model.out, key=lambda s: -model.level[s]):
        if state == END:
            continue
        targets = iter(sorted(model.out[state]))
        common = next(targets)
        for other in targets:
            while common != other:  # climb the deeper one until both paths meet
                if depth[common] >= depth[other]:
                    common = meet[common]
                else:
                    other = meet[other]
        meet[state], depth[state] = common, depth[common] + 1
    return meet


def amount(count: int, noun: str) -> str:
    """`3 rules`, `1 rule`."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def alternation(options: list[tuple[g.Expr, int]]) -> g.Expr:
    """A choice between weighted options; weights are written only when they differ."""
    if len(options) == 1:
        return options[0][0]
    same = len({count for _, count in options}) == 1
    return g.Alternation(tuple(g.Option(e, None if same else float(c)) for e, c in options))


def _presence(taken: int, skipped: int) -> float | None:
    """The probability written on an optional part: none near one half, else the data's
    proportion to three decimals (kept strictly between 0 and 1)."""
    if abs(taken - skipped) <= EVEN * (taken + skipped):
        return None
    return min(max(round(taken / (taken + skipped), 3), 0.001), 0.999)


def _symbol(symbol: Symbol) -> g.Expr:
    return g.SlotRef(symbol.name) if symbol.slot else g.Word(symbol.name)


def sequence(items: list[g.Expr]) -> g.Expr:
    """One item as itself, several as a Sequence."""
    return items[0] if len(items) == 1 else g.Sequence(tuple(items))
