"""AST to FSTs: one transducer per intent and one per slot class, over one word-level
symbol table.

Input side: the surface words. Output side: the intent tag, the same words, and slot
boundary tags. A slot use is `eps:<slot s>  <class s>:<class s>  eps:</slot s>`; the
nonterminal `<class s>` is filled from the slot's own FST when sampling, or expanded with
`pynini.replace` where a flat FST is needed. Weights are -log probabilities: each
alternation, optional and repetition splits probability 1 among its choices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pynini

from . import grammar as g
from . import labels, openfst, validate
from .catalogue import Catalogue, CatalogueError, read_catalogue, split_spec
from .errors import GrammarError, Location, UsageError

T = TypeVar("T")


@dataclass
class CompiledFsts:
    """What a compiled grammar is made of; also exactly what a `.far` stores."""

    symbols: pynini.SymbolTable
    intents: dict[str, pynini.Fst]
    slots: dict[str, pynini.Fst]
    derived: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def memo(self, kind: str, name: str, build: Callable[[], T]) -> T:
        """Something derived from an intent or slot (flat form, sentence acceptor,
        patterns, entropy), built once: parse, count, check and sampling share them, and
        with a large catalogue they are costly. Callers must not modify what they get."""
        key = (kind, name)
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]


def symbol_table(grammar: g.Grammar, catalogues: Iterable[Catalogue] = ()) -> pynini.SymbolTable:
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
        word
        for stmt in grammar.statements
        if not isinstance(stmt, g.Import)
        for node in g.walk(stmt.body)
        for word in g.written_words(node)
    }
    for catalogue in catalogues:
        words |= catalogue_words(catalogue)
    for word in sorted(words):
        table.add_symbol(word)
    return table


def catalogue_words(catalogue: Catalogue) -> set[str]:
    """Every word of a catalogue, surface and canonical."""
    return {w for e in catalogue.entries for w in (*e.words, *(e.canonical or ()))}


def catalogue_fst(catalogue: Catalogue, symbols: pynini.SymbolTable) -> pynini.Fst:
    """A slot class from a catalogue: surface words in, canonical words out.

    Entries are equally likely unless weighted, and the class's probabilities sum to 1.
    They live on whole entries and the sampler pushes them, so a value whose first word
    is rare is not favoured. An unweighted catalogue is compiled without weights (faster)
    and normalized afterwards on its final states.
    """
    weighted = any(e.weight is not None for e in catalogue.entries)
    weights = [1.0 if e.weight is None else e.weight for e in catalogue.entries]
    total = sum(weights)
    lines = [
        (" ".join(e.words), " ".join(e.canonical or e.words))
        + ((repr(-math.log(w / total)),) if weighted else ())
        for e, w in zip(catalogue.entries, weights)
        if w > 0
    ]
    if not lines:
        return openfst.empty()
    with openfst.captured(f"compiling catalogue {catalogue.path}"):
        fst = pynini.string_map(
            lines, input_token_type=symbols, output_token_type=symbols, arc_type=openfst.ARC_TYPE
        )
        fst.set_input_symbols(None)
        fst.set_output_symbols(None)
        fst = openfst.optimize(fst)
    if not weighted:  # every path has weight 0: give each probability 1/len(lines)
        share = pynini.Weight(openfst.ARC_TYPE, math.log(len(lines)))
        zero = pynini.Weight.zero(openfst.ARC_TYPE)
        for state in fst.states():
            if fst.final(state) != zero:
                fst.set_final(state, pynini.times(fst.final(state), share))
    return fst


def compile_grammar(
    grammar: g.Grammar, catalogues: Mapping[str, Catalogue] | None = None
) -> CompiledFsts:
    """Check `grammar` and build its FSTs; errors are located GrammarErrors.

    `catalogues` binds slots to catalogues, overriding their values in the grammar.
    """
    validate.require_valid(grammar)
    if not grammar.intents:
        raise GrammarError(
            "the grammar defines no intent; add one: intent Name = ...",
            Location(grammar.path, 1, 1),
        )
    bound = slot_catalogues(grammar, catalogues or {})
    builder = _Builder(grammar, symbol_table(grammar, bound.values()))
    slots = {}
    for name, slot in sorted(grammar.slots.items()):
        if name in bound:
            slots[name] = catalogue_fst(bound[name], builder.symbols)
        else:
            with openfst.captured(f"compiling slot {name}"):
                slots[name] = openfst.optimize(builder.expr(slot.body))
    with openfst.captured("compiling the intents"):
        intents = {name: builder.intent(i) for name, i in sorted(grammar.intents.items())}
    return CompiledFsts(builder.symbols, intents, slots)


def compile_rule(grammar: g.Grammar, symbols: pynini.SymbolTable, name: str) -> pynini.Fst:
    """One rule of `grammar` on its own, over the grammar's symbols (to draw it)."""
    with openfst.captured(f"compiling rule {name}"):
        return openfst.optimize(_Builder(grammar, symbols).expr(grammar.rules[name].body))


def slot_catalogues(grammar: g.Grammar, overrides: Mapping[str, Catalogue]) -> dict[str, Catalogue]:
    """The catalogue of every catalogue-backed or overridden slot."""
    unknown = sorted(set(overrides) - set(grammar.slots))
    if unknown:
        known = ", ".join(sorted(grammar.slots)) or "none"
        raise UsageError(
            f"no slot '{unknown[0]}' in {grammar.path} to bind a catalogue to; slots: {known}"
        )
    bound = dict(overrides)
    for name, slot in grammar.slots.items():
        if name not in bound and isinstance(slot.body, g.CatalogueRef):
            written, type_name = split_spec(slot.body.path)  # model.json#Type picks a type
            file = Path(slot.body.loc.file).parent / written
            if not file.is_file():
                raise GrammarError(
                    f"catalogue file '{written}' not found (looked for {file}); "
                    f"or bind one with --catalogue {name}=FILE",
                    slot.body.loc,
                )
            try:
                bound[name] = read_catalogue(f"{file}#{type_name}" if type_name else file)
            except CatalogueError as err:
                if err.location is not None and err.location.line:
                    raise  # a line of the catalogue: its own location says most
                # a whole-file problem (empty, no such type): where the grammar names it
                raise GrammarError(f"catalogue {file}: {err.message}", slot.body.loc) from None
    return bound


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
            present = expr.presence
            absent = openfst.chain([])
            return openfst.choice([(self.expr(expr.expr), present), (absent, 1 - present)])
        if isinstance(expr, g.Synonym):  # surface words in, the canonical value out
            surface = self.expr(expr.expr).project("input")
            canonical = openfst.chain([(w, w) for w in map(self.label, expr.canonical)])
            return pynini.cross(surface, canonical)
        if isinstance(expr, g.Repeat):
            return self.repeat(expr)
        raise GrammarError("a catalogue can only be the whole value of a slot", expr.loc)

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
    """The intent's FST with every slot nonterminal replaced by its class FST (cached)."""

    def build() -> pynini.Fst:
        root = fsts.symbols.find(labels.ROOT)
        pairs = [(root, fsts.intents[intent])]
        pairs += [(fsts.symbols.find(labels.slot_class(n)), f) for n, f in fsts.slots.items()]
        with openfst.captured(f"expanding the slots of intent {intent}"):
            return pynini.replace(
                pairs, call_arc_labeling="neither", return_arc_labeling="neither"
            ).rmepsilon()

    return fsts.memo("flat", intent, build)
