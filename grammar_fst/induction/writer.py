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

import functools
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping

from ..grm import ast as g
from ..grm import validate
from ..grm.syntax import format_expr
from ..plurals import amount
from .automaton import END, START, Automaton, Symbol
from .incorporate import as_name
from .punctuation import Edges, Marks

NAME_WORDS = 3  # words in a rule's name
NAME_MOST = 6  # words in a rule's name when fewer would name another rule already
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
        self.marks: dict[frozenset[Marks], str] = {}

    def name(
        self,
        *phrases: list[str],
        least: int = NAME_WORDS,
        context: Callable[[], tuple[list[str], ...]] = tuple,
    ) -> str:
        """A new rule name made of the first `least` words of the first phrase,
        `$to_my_playlist`, or of more of them (up to NAME_MOST) when that name is taken,
        then of the other phrases' words; then of a phrase `context()` gives (the rule's
        words with the word before or after them, `$in_city_on_day`: looked for only
        when every name of its own is taken, as finding them reads the whole grammar)."""
        candidates = [
            "_".join(words[:n])
            for words in phrases
            for n in range(least, max(min(NAME_MOST, len(words)), least) + 1)
        ]
        if all(as_name(c.casefold(), "rule") in self.taken for c in candidates):
            candidates += ["_".join(words[:NAME_MOST]) for words in context()]
        return self.first_free(candidates)

    def first_free(self, candidates: list[str]) -> str:
        """The first of `candidates` (as names) that no rule has; when all are taken, the
        first numbered: a number tells two rules apart only when their words do not."""
        names = [as_name(c.casefold(), "rule") for c in candidates]
        name = next((n for n in names if n not in self.taken), None)
        number = 1
        while name is None or name in self.taken:
            number += 1
            name = f"{names[0]}_{number}"
        self.taken.add(name)
        return name

    def word_class(self, symbols: frozenset[Symbol]) -> g.RuleRef:
        """The rule for a class of symbols (weighted by their counts in every intent)."""
        if symbols not in self.class_names:
            counts = self.class_counts[symbols]
            ranked = sorted(symbols, key=lambda s: (-counts[s], str(s)))
            members = [s.name for s in ranked]
            name = self.class_names[symbols] = self.first_free(
                [
                    "_".join(members[:n] + ["etc"] * (len(members) > n))
                    for n in range(2, min(len(members), NAME_MOST) + 1)
                ]
            )
            options = [(_symbol(s), counts[s]) for s in ranked]
            comment = (
                f"{amount(counts.total(), 'use')}: "
                + ", ".join(f"{s} {counts[s]}" for s in ranked[:COMMENT_VALUES])
                + (", …" if len(ranked) > COMMENT_VALUES else "")
            )
            self.rules.append(g.Rule(name, alternation(options), comment=comment))
        return g.RuleRef(self.class_names[symbols])

    def punctuation(self, counts: Counter[Marks]) -> g.Expr:
        """The choice of runs of punctuation marks: a rule when there are several (one per
        set of runs, shared by the intents), `$punctuation` first."""
        options = sorted(counts, key=lambda m: (-counts[m], m))
        if len(options) == 1:
            return sequence([g.Word(m) for m in options[0]])
        if frozenset(options) not in self.marks:
            marks = [unicodedata.name(m[0], "mark") for run in options for m in run[:1]]
            name = self.marks[frozenset(options)] = self.first_free(
                ["punctuation", "_".join(marks[:2]).replace(" ", "_")]
            )
            choice = alternation(
                [(sequence([g.Word(m) for m in run]), counts[run]) for run in options]
            )
            comment = f"{amount(counts.total(), 'use')}: " + ", ".join(
                f"{' '.join(run)} {counts[run]}" for run in options
            )
            self.rules.append(g.Rule(name, choice, comment=comment))
        return g.RuleRef(self.marks[frozenset(options)])


def class_counts(models: list[Automaton]) -> dict[frozenset[Symbol], Counter[Symbol]]:
    """The counts of every class of two or more symbols, summed over all intents."""
    counts: dict[frozenset[Symbol], Counter[Symbol]] = {}
    for model in models:
        for row in model.emit.values():
            if len(row) > 1:
                counts.setdefault(frozenset(row), Counter()).update(row)
    return counts


def intent_statements(
    name: str, model: Automaton, book: RuleBook, edges: Edges | None = None
) -> list[g.Definition]:
    """The intent's statement followed by the rules it introduced; `edges`, the
    punctuation its utterances began and ended with, is put back around its phrasings."""
    first = len(book.rules)
    body = _IntentWriter(model, book).body()  # adds the rules it needs to the book
    if edges is not None:
        body = _punctuated(name, body, edges, book)
    utterances = model.out[START].total()
    comment = f"{name}: learned from {amount(utterances, 'golden utterance')}"
    return [g.Intent(name, body, comment=comment), *book.rules[first:]]


def _marks(counts: Counter[Marks], book: RuleBook) -> list[g.Expr]:
    """The optional part that says the punctuation counted (none when none was seen)."""
    said = Counter({run: n for run, n in counts.items() if run})
    if not said:
        return []
    choice = book.punctuation(said)
    if not counts[()]:
        return [choice]
    return [g.OptionalPart(choice, probability=_presence(said.total(), counts[()]))]


def _punctuated(name: str, body: g.Expr, edges: Edges, book: RuleBook) -> g.Expr:
    """`body` between its punctuation. With one opening run (most often none), the marks
    are said once, around the choice between phrasings (written one per line, inside its
    brackets). With several, each is said with the closing runs that followed it in the
    data (`¿` with its `?`), around the phrasings made one rule."""
    leads = edges.leads()
    if len(leads) == 1:
        (lead,) = leads
        return _around(body, [g.Word(m) for m in lead], _marks(edges.trails(), book))
    if not isinstance(body, (g.RuleRef, g.Word, g.SlotRef)):
        rule = book.first_free([f"{name} phrasing"])
        book.rules.append(g.Rule(rule, body, comment=f"what {name} says between its marks"))
        body = g.RuleRef(rule)
    ranked = sorted(leads, key=lambda run: (-leads[run], run))
    return alternation(
        [
            (_around(body, [g.Word(m) for m in run], _marks(edges.trails(run), book)), leads[run])
            for run in ranked
        ]
    )


def _around(body: g.Expr, leads: list[g.Expr], trails: list[g.Expr]) -> g.Expr:
    """`body` with `leads` before and `trails` after it."""
    if not leads and not trails:
        return body
    items = list(body.items) if isinstance(body, g.Sequence) else [body]
    return sequence([*leads, *items, *trails])


def top_down(statements: list[g.Definition]) -> list[g.Definition]:
    """The statements in the order a reader meets them: each intent, then the rules it
    uses that no intent before it uses, breadth first from the intent down."""
    rules = {s.name: s for s in statements if isinstance(s, g.Rule)}
    placed: dict[str, None] = {}
    ordered: list[g.Definition] = []
    for intent in (s for s in statements if isinstance(s, g.Intent)):
        ordered.append(intent)
        todo = [intent.body]
        while todo:
            for ref in g.walk(todo.pop(0)):
                if isinstance(ref, g.RuleRef) and ref.name in rules and ref.name not in placed:
                    placed[ref.name] = None
                    ordered.append(rules[ref.name])
                    todo.append(rules[ref.name].body)
    return ordered + [s for s in statements if not isinstance(s, g.Intent) and s.name not in placed]


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
            words = self._words(state)
            around = functools.partial(self._around, state, words)
            rule = self.book.name(words, self._words(state, shortest=False), context=around)
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
        return [*head, g.OptionalPart(choice, probability=_presence(taken, skipped))]

    def _emission(self, state: int) -> g.Expr:
        row = self.model.emit[state]
        if len(row) == 1:
            return _symbol(next(iter(row)))
        return self.book.word_class(frozenset(row))

    def _through(self, state: int) -> int:
        return self.model.out[state].total()

    def _words(self, state: int, shortest: bool = True) -> list[str]:
        """The symbols along the most frequent path through `state`'s segment (up to
        where its paths meet), for the segment's name; unless `shortest`, a step to the
        meeting point is taken only when there is no other (a longer name, to tell apart
        two rules whose likeliest paths are alike)."""
        words, stop = [], self.meet[state]
        while state != stop and len(words) < NAME_MOST:
            row = self.model.emit[state]
            words.append(_likeliest(row).name)
            out = self.model.out[state]
            state = min(out, key=lambda t: (not shortest and t == stop, -out[t], t))
        return words

    def _around(self, state: int, words: list[str]) -> tuple[list[str], ...]:
        """`words` with words said before `state` (along its likeliest way in, up to two)
        and the word said where its paths meet: names for a segment whose own words name
        another rule (`with_context`)."""
        model, before = self.model, []
        here = state
        while len(before) < 2 and model.into[here]:
            here = max(model.into[here], key=lambda s: (model.out[s][here], -s))
            if here == START:
                break
            before.insert(0, _likeliest(model.emit[here]).name)
        meet = self.meet[state]
        after = [] if meet == END else [_likeliest(model.emit[meet]).name]
        return with_context(words, before, after)


def with_context(words: list[str], before: list[str], after: list[str]) -> tuple[list[str], ...]:
    """`words` with the last word `before` them, with the word `after` them, with the
    last two before, then with one before and one after (those there are): names for a
    rule whose own words name another rule."""
    phrases = (
        (before[-1:], [*before[-1:], *words]),
        (after, [*words, *after]),
        (before[-2:-1], [*before[-2:], *words]),
        (before and after, [*before[-1:], *words, *after]),
    )
    return tuple(phrase for used, phrase in phrases if used)


def _likeliest(row: Counter[Symbol]) -> Symbol:
    return min(row, key=lambda s: (-row[s], str(s)))


def spoken(expr: g.Expr, rules: Mapping[str, g.Expr], most: int = NAME_MOST) -> list[str]:
    """The words of `expr`'s likeliest sentence, the rules it uses spoken out, up to
    `most`: what a rule says, to name it when its parts' names name another rule."""
    words: list[str] = []
    todo: list[g.Expr] = [expr]
    while todo and len(words) < most:
        match todo.pop():
            case g.Word(text=text):
                words.append(text)
            case g.SlotRef(name=name):
                words.append(name)
            case g.RuleRef(name=name):
                todo.append(rules.get(name, g.Word(name)))
            case g.Sequence(items=items):
                todo += reversed(items)
            case g.Alternation(options=options):
                todo.append(max(options, key=lambda o: 1 if o.weight is None else o.weight).expr)
            case g.OptionalPart(expr=inner, probability=probability):
                if probability is None or probability >= 0.5:
                    todo.append(inner)
            case g.Repeat(expr=inner) | g.Synonym(expr=inner):
                todo.append(inner)
            case g.CatalogueRef():
                pass
            case other:
                g.assert_never(other)
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
    if symbol.rule:
        return g.RuleRef(symbol.name)
    return g.SlotRef(symbol.name) if symbol.slot else g.Word(symbol.name)


def sequence(items: list[g.Expr]) -> g.Expr:
    """One item as itself, several as a Sequence."""
    return items[0] if len(items) == 1 else g.Sequence(tuple(items))
