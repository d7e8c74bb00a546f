"""AST to FSTs: one transducer per intent and one per slot class, over one word-level
symbol table.

Input side: the surface words. Output side: the intent tag, the same words, and slot
boundary tags. A slot use is `eps:<slot s>  <class s>:<class s>  eps:</slot s>`; the
nonterminal `<class s>` is filled from the slot's own FST when sampling, or expanded with
`pynini.replace` where a flat FST is needed. Weights are -log probabilities: each
alternation, optional and repetition splits probability 1 among its choices.
"""

from __future__ import annotations

from dataclasses import dataclass

import pynini

from . import grammar as g
from . import labels, openfst, validate
from .errors import GrammarError, Location


@dataclass
class CompiledFsts:
    """What a compiled grammar is made of; also exactly what a `.far` stores."""

    symbols: pynini.SymbolTable
    intents: dict[str, pynini.Fst]
    slots: dict[str, pynini.Fst]


def symbol_table(grammar: g.Grammar) -> pynini.SymbolTable:
    """Epsilon, the root label, tags (intents, then slots), then every word, sorted."""
    table = pynini.SymbolTable()
    table.add_symbol(labels.EPSILON)
    table.add_symbol(labels.ROOT)
    for name in sorted(grammar.intents):
        table.add_symbol(labels.intent_tag(name))
    for name in sorted(grammar.slots):
        for tag in (labels.slot_open(name), labels.slot_close(name), labels.slot_class(name)):
            table.add_symbol(tag)
    words = {
        node.text
        for stmt in grammar.statements
        if not isinstance(stmt, g.Import)
        for node in g.walk(stmt.body)
        if isinstance(node, g.Word)
    }
    for word in sorted(words):
        table.add_symbol(word)
    return table


def compile_grammar(grammar: g.Grammar) -> CompiledFsts:
    """Check `grammar` and build its FSTs; errors are located GrammarErrors."""
    validate.require_valid(grammar)
    if not grammar.intents:
        raise GrammarError(
            "the grammar defines no intent; add one: intent Name = ...",
            Location(grammar.path, 1, 1),
        )
    builder = _Builder(grammar, symbol_table(grammar))
    with openfst.captured("compiling the grammar"):
        slots = {
            name: openfst.optimize(builder.expr(s.body))
            for name, s in sorted(grammar.slots.items())
        }
        intents = {name: builder.intent(i) for name, i in sorted(grammar.intents.items())}
    return CompiledFsts(builder.symbols, intents, slots)


class _Builder:
    """Compiles expressions, each rule once (copied at every use)."""

    def __init__(self, grammar: g.Grammar, symbols: pynini.SymbolTable):
        self.rules = grammar.rules
        self.symbols = symbols
        self.rule_fsts: dict[str, pynini.Fst] = {}

    def label(self, symbol: str) -> int:
        return self.symbols.find(symbol)

    def intent(self, intent: g.Intent) -> pynini.Fst:
        tag = self.label(labels.intent_tag(intent.name))
        return openfst.optimize(pynini.concat(openfst.chain([(0, tag)]), self.expr(intent.body)))

    def expr(self, expr: g.Expr) -> pynini.Fst:
        if isinstance(expr, g.Word):
            word = self.label(expr.text)
            return openfst.chain([(word, word)])
        if isinstance(expr, g.SlotRef):
            nonterminal = self.label(labels.slot_class(expr.name))
            return openfst.chain(
                [
                    (0, self.label(labels.slot_open(expr.name))),
                    (nonterminal, nonterminal),
                    (0, self.label(labels.slot_close(expr.name))),
                ]
            )
        if isinstance(expr, g.RuleRef):
            if expr.name not in self.rule_fsts:
                self.rule_fsts[expr.name] = openfst.optimize(self.expr(self.rules[expr.name].body))
            return self.rule_fsts[expr.name].copy()
        if isinstance(expr, g.Sequence):
            fst = self.expr(expr.items[0])
            for item in expr.items[1:]:
                fst.concat(self.expr(item))
            return fst
        if isinstance(expr, g.Alternation):
            weights = [1.0 if o.weight is None else o.weight for o in expr.options]
            total = sum(weights)
            if total == 0:
                return openfst.empty()
            return openfst.choice(
                [(self.expr(o.expr), w / total) for o, w in zip(expr.options, weights)]
            )
        if isinstance(expr, g.Optional):
            return openfst.choice([(self.expr(expr.expr), 0.5), (openfst.chain([]), 0.5)])
        if isinstance(expr, g.Repeat):
            return self.repeat(expr)
        raise TypeError(f"not an expression: {expr!r}")

    def repeat(self, expr: g.Repeat) -> pynini.Fst:
        """x{low,high} with every count equally likely.

        Built from the end: after k copies, stop with probability 1/(high-k+1), so each
        count low..high has probability 1/(high-low+1), with O(high) copies of x.
        """
        body = self.expr(expr.expr)
        tail = openfst.chain([])
        for k in range(expr.high - 1, expr.low - 1, -1):
            stop = 1 / (expr.high - k + 1)
            tail = openfst.choice(
                [(openfst.chain([]), stop), (pynini.concat(body, tail), 1 - stop)]
            )
        head = openfst.chain([])
        for _ in range(expr.low):
            head.concat(body)
        return head.concat(tail)


def flatten(fsts: CompiledFsts, intent: str) -> pynini.Fst:
    """The intent's FST with every slot nonterminal replaced by its class FST."""
    root = fsts.symbols.find(labels.ROOT)
    pairs = [(root, fsts.intents[intent])]
    pairs += [(fsts.symbols.find(labels.slot_class(n)), f) for n, f in fsts.slots.items()]
    with openfst.captured(f"expanding the slots of intent {intent}"):
        return pynini.replace(
            pairs, call_arc_labeling="neither", return_arc_labeling="neither"
        ).rmepsilon()
