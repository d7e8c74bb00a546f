"""`grammar-fst check`: every error the compiler would stop at, plus warnings about
things that are legal but probably not meant (unused or unreachable rules, repeated
alternatives, empty languages, sentences with more than one reading).
"""

from __future__ import annotations

import itertools

import pynini

from . import counting, openfst
from . import grammar as g
from .compiler import compile_grammar
from .errors import GrammarFstError, Location
from .model import CompiledGrammar
from .validate import Diagnostic, errors, references


def check(grammar: g.Grammar) -> list[Diagnostic]:
    """All findings for `grammar`, errors first where they exist, in source order."""
    found = errors(grammar)
    found += _unused(grammar) + _duplicate_alternatives(grammar)
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
            found += _language_findings(grammar)
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


def _duplicate_alternatives(grammar: g.Grammar) -> list[Diagnostic]:
    found = []
    for stmt in grammar.statements:
        if isinstance(stmt, g.Import) or not _own(grammar, stmt):
            continue
        for node in g.walk(stmt.body):
            if not isinstance(node, g.Alternation):
                continue
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


def _language_findings(grammar: g.Grammar) -> list[Diagnostic]:
    """Findings that need the FSTs: empty languages and ambiguity."""
    compiled = CompiledGrammar(compile_grammar(grammar), grammar.path)
    fsts, found = compiled.fsts, []
    for name, slot in grammar.slots.items():
        if fsts.slots[name].start() < 0 or fsts.slots[name].num_states() == 0:
            found.append(
                Diagnostic("error", f"slot {name} has no values (all weights are zero)", slot.loc)
            )
    sentences = {}
    for name, intent in grammar.intents.items():
        sentences[name] = counting.sentences(fsts, name)
        if counting.count_strings(sentences[name]) == 0:
            found.append(Diagnostic("error", f"intent {name} has an empty language", intent.loc))
            continue
        text, readings = counting.most_readings(fsts, name)
        if readings > 1:
            shown = " | ".join(sorted(map(_reading, compiled.readings(text, limit=3)))[:3])
            found.append(
                Diagnostic(
                    "warning", f"ambiguous: '{text}' has {readings} readings: {shown}", intent.loc
                )
            )
    for (a, fa), (b, fb) in itertools.combinations(sentences.items(), 2):
        with openfst.captured("intersecting intents"):
            shared = pynini.shortestpath(pynini.arcmap(pynini.intersect(fa, fb), map_type="to_std"))
        if shared.start() >= 0 and shared.num_states():
            text = counting.path_text(shared, fsts.symbols)
            found.append(
                Diagnostic(
                    "warning",
                    f"'{text}' is a sentence of both intent {a} and intent {b}",
                    grammar.intents[b].loc,
                )
            )
    return found


def _reading(utterance) -> str:
    """The annotation of one reading, with the canonical value of any synonym."""
    shown = utterance.annot_utt
    for slot in utterance.slots:
        if slot.canonical is not None:
            shown += f" ({slot.value} = {slot.canonical})"
    return shown
