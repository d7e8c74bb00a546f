"""`grammar-fst check`: every error the compiler would stop at, plus warnings about
things that are legal but probably not meant (unused or unreachable rules, repeated
alternatives, empty languages, sentences with more than one reading, a word said twice
at a slot's edge, a Spanish question whose last word `?` makes optional, an indented
import read as words).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator
from typing import TypeVar

import pynini

from . import progress
from .errors import GrammarFstError, Location
from .fst import counting, openfst
from .fst.compiler import compile_grammar
from .grm import ast as g
from .grm.syntax import written_name
from .grm.validate import Diagnostic, errors, references
from .model import CompiledGrammar, too_long_to_sample
from .plurals import amount
from .sampling.walker import Walker
from .text import tokens

EDGES_SAMPLED = 2_000  # sentences drawn from each intent to look for a word said twice
SAMPLED = 200  # sentences drawn from an intent over budget, parsed back for its checks
SAMPLED_WORDS = 20_000  # ... or fewer, when that many would say more words than this
READINGS = 100  # readings listed at most per sampled sentence
LONGEST = 20  # words of a sampled sentence parsed back at most (parsing is polynomial in it)


def check(grammar: g.Grammar, budget: int = counting.DEFAULT_BUDGET) -> list[Diagnostic]:
    """All findings for `grammar`, errors first where they exist, in source order.
    Ambiguity and sentences of two intents are looked for exactly in intents whose flat
    form fits `budget` states, and on a sample of sentences in the others."""
    found = errors(grammar)
    found += _unused(grammar) + _duplicate_alternatives(grammar) + _question_marks(grammar)
    found += _imports_as_words(grammar)
    if not grammar.intents:
        found.append(
            Diagnostic(
                "warning",
                "no intent: nothing to sample (fine for a file that is only imported)",
                Location(grammar.path),
            )
        )
    elif not any(d.level == "error" for d in found):
        try:
            found += _language_findings(grammar, budget)
        except GrammarFstError as err:  # a missing or malformed catalogue file
            found.append(Diagnostic("error", err.message, err.location or Location(grammar.path)))
    return sorted(found, key=lambda d: (d.level != "error", d.loc.file, d.loc.line, d.loc.col))


def _own(grammar: g.Grammar, stmt: g.Statement) -> bool:
    """Whether `stmt` was written in the checked file itself (not an import)."""
    return stmt.loc.file == grammar.path


def _unused(grammar: g.Grammar) -> list[Diagnostic]:
    rules = grammar.rules
    used_rules, used_slots = set(), set()
    for stmt in grammar.of_kind(g.Rule) + grammar.of_kind(g.Intent) + grammar.of_kind(g.Slot):
        used_rules |= {r.name for r in references(stmt.body, g.RuleRef)}
        used_slots |= {s.name for s in references(stmt.body, g.SlotRef)}
    reachable: set[str] = set()
    stack = [i.body for i in grammar.of_kind(g.Intent)] + [s.body for s in grammar.of_kind(g.Slot)]
    while stack:
        for ref in references(stack.pop(), g.RuleRef):
            if ref.name not in reachable and ref.name in rules:
                reachable.add(ref.name)
                stack.append(rules[ref.name].body)
    found = []
    for rule in grammar.of_kind(g.Rule):
        if not _own(grammar, rule):
            continue
        if rule.name not in used_rules:
            found.append(Diagnostic("warning", f"rule ${rule.name} is never used", rule.loc))
        elif rule.name not in reachable:
            found.append(
                Diagnostic(
                    "warning",
                    f"rule ${rule.name} is unreachable: only unused rules refer to it",
                    rule.loc,
                )
            )
    for slot in grammar.of_kind(g.Slot):
        if _own(grammar, slot) and slot.name not in used_slots:
            found.append(Diagnostic("warning", f"slot {slot.name} is never used", slot.loc))
    return found


Node = TypeVar("Node", bound=g.Expr)


def _own_nodes(grammar: g.Grammar, kind: type[Node]) -> Iterator[Node]:
    """The expressions of type `kind` in the statements of the checked file itself."""
    for stmt in grammar.statements:
        if not isinstance(stmt, g.Import) and _own(grammar, stmt):
            yield from (node for node in g.walk(stmt.body) if isinstance(node, kind))


def _duplicate_alternatives(grammar: g.Grammar) -> list[Diagnostic]:
    found = []
    for node in _own_nodes(grammar, g.Alternation):
        seen = set()
        for option in node.options:
            if option.expr in seen:
                found.append(
                    Diagnostic(
                        "warning",
                        "this alternative repeats an earlier one in the same choice; "
                        "use a weight instead",
                        getattr(option.expr, "loc", node.loc),
                    )
                )
            seen.add(option.expr)
    return found


def _question_marks(grammar: g.Grammar) -> list[Diagnostic]:
    """A phrase opening with '¿' and ending in `word?`, which says the word or nothing
    (`?` after a word makes it optional), where the writer most likely meant the
    question mark: `¿va a llover hoy?` says "¿ va a llover" and "¿ va a llover hoy"."""
    found = []
    for node in _own_nodes(grammar, g.Sequence):
        last = node.items[-1]
        if (
            node.items[0] == g.Word("¿") and isinstance(last, g.OptionalPart)
            and last.probability is None and isinstance(last.expr, g.Word)
            and g.Word("?") not in node.items
        ):  # fmt: skip
            word = last.expr.text
            found.append(
                Diagnostic(
                    "warning",
                    f"'{word}?' says '{word}' or nothing ('?' after a word makes it "
                    f"optional), and the phrase opens with '¿': to end it with a question "
                    f'mark, quote it: {word} "?"',
                    last.loc,
                )
            )
    return found


def _imports_as_words(grammar: g.Grammar) -> list[Diagnostic]:
    """`import "x.grm"` indented under a statement continues it: it is read as the words
    "import x.grm", said in its sentences, and nothing is imported."""
    return [
        Diagnostic(
            "warning",
            f"'import {name.text}' is read as two words of the sentence, and nothing is "
            "imported: an import starts at column 1",
            word.loc,
        )
        for node in _own_nodes(grammar, g.Sequence)
        for word, name in zip(node.items, node.items[1:])
        if word == g.Word("import") and isinstance(name, g.Word)
        and name.text.lower().endswith(".grm")
    ]


def _language_findings(grammar: g.Grammar, budget: int) -> list[Diagnostic]:
    """Findings that need the FSTs: empty languages (from the sampler's masses),
    ambiguity and sentences of two intents (exact within `budget`, else sampled)."""
    compiled = CompiledGrammar(compile_grammar(grammar), grammar.path, grammar)
    fsts, found = compiled.fsts, []
    walker = Walker(fsts)
    for name, slot in grammar.slots.items():
        if walker.class_log_mass[name] == -math.inf:
            found.append(
                Diagnostic("error", f"slot {name} has no values (all weights are zero)", slot.loc)
            )
    live = []
    for name, intent in grammar.intents.items():
        too_long = too_long_to_sample(compiled, name)
        if too_long is not None:  # nothing more is looked for in it: sampling would stop
            found.append(Diagnostic("error", too_long.message, too_long.location or intent.loc))
        elif walker.has_paths(name):
            live.append(name)
        else:
            found.append(Diagnostic("error", f"intent {name} has an empty language", intent.loc))
    sampled = _Sample(compiled, budget, walker.mean_words)
    for name in progress.steps(live, len(live), "intents"):
        exact = counting.most_readings(fsts, name, budget)
        text, readings, how = (*exact, "") if exact else (*sampled.most_readings(name), sampled.how)
        if readings > 1:
            own = [r for r in compiled.readings(text, limit=READINGS) if r.intent == name]
            shown = " | ".join(sorted(map(_reading, own))[:3])  # another intent's: below
            found.append(
                Diagnostic(
                    "warning",
                    f"ambiguous: '{text}' has {readings} readings: {shown}{how}",
                    grammar.intents[name].loc,
                )
            )
    found += filter(None, (_said_twice(compiled, n, grammar.intents[n].loc) for n in live))
    pairs = itertools.combinations(live, 2)
    for a, b in progress.steps(pairs, math.comb(len(live), 2), "pairs of intents"):
        both = counting.sentences(fsts, a, budget), counting.sentences(fsts, b, budget)
        if any(acceptor is None for acceptor in both):
            text, how = sampled.shared(a, b), sampled.how
        else:
            text, how = _shared(fsts, *both), ""
        if text is not None:
            found.append(
                Diagnostic(
                    "warning",
                    f"'{text}' is a sentence of both intent {a} and intent {b}{how}",
                    grammar.intents[b].loc,
                )
            )
    return found


def _said_twice(compiled: CompiledGrammar, intent: str, loc: Location) -> Diagnostic | None:
    """A word said twice across a slot's edge ("find the the patrician"): the phrase
    before a slot ends with a word that some of its values start with (or the phrase
    after it starts with a value's last word). Each is fine alone, which no other check
    sees; found on sampled sentences, the commonest said with how often."""
    seen: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    drawn = list(compiled.sample(EDGES_SAMPLED, seed=0, intents=[intent]))
    for utterance in drawn:
        text, slots = utterance.text, sorted(utterance.slots, key=lambda s: s.start)
        ends = [0, *(s.end for s in slots)]  # the carrier phrase between the slots
        starts = [*(s.start for s in slots[1:]), len(text)]
        for slot, previous_end, next_start in zip(slots, ends, starts):
            value = tokens.words(slot.value)
            before = tokens.words(text[previous_end : slot.start])[-1:]
            after = tokens.words(text[slot.end : next_start])[:1]
            for edge, side in ((before, value[:1]), (value[-1:], after)):
                if edge and side and edge[0].casefold() == side[0].casefold():
                    key = (edge[0].casefold(), slot.slot)
                    seen[key] += 1
                    example.setdefault(key, text)
    if not seen:
        return None
    (word, slot), times = max(seen.items(), key=lambda item: (item[1], item[0]))
    return Diagnostic(
        "warning",
        f"'{word}' is said twice at an edge of slot {written_name(slot)} in {times:,} of "
        f"{amount(len(drawn), 'sampled sentence')} ('{example[(word, slot)]}'): the phrase "
        "next to the slot and some of its values both say it (if that is not meant, take "
        "it out of one of them)",
        loc,
    )


def _shared(fsts, a: pynini.Fst, b: pynini.Fst) -> str | None:
    """A sentence of both acceptors, or None."""
    with openfst.captured("intersecting intents"):
        shared = pynini.shortestpath(pynini.intersect(a, b))
    if shared.start() < 0 or not shared.num_states():
        return None
    return counting.path_text(shared, fsts.symbols)


class _Sample:
    """Sentences drawn from each intent and parsed back, for the checks of intents
    whose flat form exceeds the budget: what they find is found on these only."""

    def __init__(self, compiled: CompiledGrammar, budget: int, mean_words: dict):
        self.compiled = compiled
        self.mean_words = mean_words
        self.how = (
            f" (found on up to {SAMPLED} sentences sampled from each intent, those of at most "
            f"{LONGEST} words: its flat form or its determinization exceeds the budget of "
            f"{budget:,} states)"
        )
        self.parsed: dict[str, dict[str, list]] = {}

    def readings(self, intent: str) -> dict[str, list]:
        """Per distinct sampled sentence of `intent`, its readings (at most READINGS)."""
        if intent not in self.parsed:
            mean = self.mean_words[("intent", intent)]
            n = min(SAMPLED, max(1, int(SAMPLED_WORDS / max(mean, 1))))
            drawn = self.compiled.sample(n, seed=0, intents=[intent])
            texts = sorted({u.text for u in drawn if len(u.text.split()) <= LONGEST})
            self.parsed[intent] = {t: self.compiled.readings(t, limit=READINGS) for t in texts}
        return self.parsed[intent]

    def most_readings(self, intent: str) -> tuple[str | None, int]:
        """The sampled sentence with the most readings in its own intent, and how many."""
        mine = {t: sum(r.intent == intent for r in rs) for t, rs in self.readings(intent).items()}
        text = max(mine, key=lambda t: (mine[t], t), default=None)
        return text, mine.get(text, 0)

    def shared(self, a: str, b: str) -> str | None:
        """A sampled sentence of one of the intents that has a reading in the other."""
        found = [
            text
            for mine, other in ((a, b), (b, a))
            for text, readings in self.readings(mine).items()
            if any(r.intent == other for r in readings)
        ]
        return min(found) if found else None


def _reading(utterance) -> str:
    """The annotation of one reading, with the canonical value of any synonym."""
    shown = utterance.annot_utt
    for slot in utterance.slots:
        if slot.canonical is not None:
            shown += f" ({slot.value} = {slot.canonical})"
    return shown
