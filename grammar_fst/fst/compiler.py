"""AST to a network of FSTs: one transducer per intent, per rule and per slot class, over
one word-level symbol table.

Input side: the surface words. Output side: the intent tag, the same words, and slot
boundary tags. A slot use is `eps:<slot s>  <class s>:<class s>  eps:</slot s>`; a rule
use is the one arc `<rule r>:<rule r>`. Each rule is compiled and optimized once, however
many places use it, so a grammar whose rules share rules stays as small as its text: the
sampler enters a nonterminal's FST and comes back, the parser charts over the rule FSTs,
and counting is dynamic programming over the rules. `flatten` expands the nonterminals
with `pynini.replace` for the few operations that need one flat FST, within a budget.
Weights are -log probabilities: each alternation, optional and repetition splits
probability 1 among its choices.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pynini
import pywrapfst

from .. import progress
from ..data.catalogue import Catalogue, read_catalogue
from ..errors import CatalogueError, GrammarError, Location, UsageError, Wording
from ..grm import ast as g
from ..grm import branches, validate
from ..grm.sources import split_spec
from ..text import tokens
from . import labels, openfst

T = TypeVar("T")


@dataclass
class CompiledFsts:
    """What a compiled grammar is made of; also exactly what a `.far` stores: the intents,
    the slot classes and the rules they use, each its own FST."""

    symbols: pynini.SymbolTable
    intents: Mapping[str, pynini.Fst]
    slots: Mapping[str, pynini.Fst]
    rules: Mapping[str, pynini.Fst] = field(default_factory=dict)
    language: str | None = None  # the grammar's `language` declaration
    derived: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def nonterminals(self) -> dict[int, tuple[str, str]]:
        """`label: ("slot" | "rule", name)` for every slot class and rule nonterminal
        (found once: every FST's callees need it)."""

        def build() -> dict[int, tuple[str, str]]:
            found = {self.symbols.find(labels.slot_class(n)): ("slot", n) for n in self.slots}
            found.update({self.symbols.find(labels.rule_call(n)): ("rule", n) for n in self.rules})
            return found

        return self.memo("nonterminals", "", build)

    def states(self) -> int:
        """States of every FST of the network."""
        return sum(f.num_states() for f in self.all_fsts())

    def all_fsts(self) -> list[pynini.Fst]:
        return [*self.intents.values(), *self.rules.values(), *self.slots.values()]

    def fst(self, key: tuple[str, str]) -> pynini.Fst:
        """The FST of `("intent" | "slot" | "rule", name)`."""
        return self._group(key[0])[key[1]]

    def _group(self, kind: str) -> Mapping[str, pynini.Fst]:
        return {"intent": self.intents, "slot": self.slots, "rule": self.rules}[kind]

    def arrays(self, key: tuple[str, str]) -> openfst.Arrays:
        """The arrays of one FST, from the archive's bytes when it came from one and has
        not been needed as an FST (sampling never does)."""
        group = self._group(key[0])
        if isinstance(group, Archived) and not group.built(key[1]):
            return openfst.const_arrays(group.serialized(key[1]))
        return openfst.arrays(group[key[1]])

    def serialized(self, key: tuple[str, str]) -> bytes | memoryview:
        """One FST in OpenFst's ConstFst layout, as archives store it."""
        group = self._group(key[0])
        if isinstance(group, Archived) and not group.built(key[1]):
            return group.serialized(key[1])
        return pywrapfst.convert(group[key[1]], "const").write_to_string()


    def memo(self, kind: str, name: str, build: Callable[[], T]) -> T:
        """Something derived from an intent or slot (flat form, sentence acceptor,
        patterns, entropy), built once: parse, count, check and sampling share them, and
        with a large catalogue they are costly. Callers must not modify what they get."""
        key = (kind, name)
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]


class Archived(Mapping):
    """FSTs read from an archive, kept as their bytes (ConstFst: compact, and read into
    arrays without OpenFst) and made into FSTs only when an operation asks for one;
    `source` names the archive when OpenFst cannot read one."""

    def __init__(self, serialized: Mapping[str, bytes | memoryview], source: str):
        self._serialized = serialized
        self._built: dict[str, pynini.Fst] = {}
        self.source = source

    def __getitem__(self, name: str) -> pynini.Fst:
        if name not in self._built:
            with openfst.captured(f"reading {name} from {self.source}"):
                self._built[name] = pynini.Fst.read_from_string(bytes(self._serialized[name]))
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._serialized)

    def __len__(self) -> int:
        return len(self._serialized)

    def built(self, name: str) -> bool:
        return name in self._built

    def __reduce__(self):
        """Pickled as the bytes themselves: the views into the archive's file are not
        picklable (a grammar sent to `multiprocessing` or saved with `pickle`)."""
        return Archived, ({k: bytes(v) for k, v in self._serialized.items()}, self.source)

    def serialized(self, name: str) -> bytes | memoryview:
        return self._serialized[name]


def symbol_table(grammar: g.Grammar, catalogues: Iterable[Catalogue] = ()) -> pynini.SymbolTable:
    """Epsilon, the root label, tags (intents, slots, then rules), then every word, sorted."""
    table = pynini.SymbolTable()
    table.add_symbol(labels.EPSILON)
    table.add_symbol(labels.ROOT)
    for name in sorted(grammar.intents):
        table.add_symbol(labels.intent_tag(name))
    for name in sorted(grammar.slots):
        for tag in (labels.slot_open(name), labels.slot_close(name), labels.slot_class(name)):
            table.add_symbol(tag)
    for name in sorted(grammar.rules):
        table.add_symbol(labels.rule_call(name))
    words = {
        word
        for stmt in grammar.statements
        if not isinstance(stmt, g.Import)
        for node in g.walk(stmt.body)
        for word in g.written_words(node)
    }
    for catalogue in catalogues:
        words |= catalogue.words()
    for word in sorted(words):
        table.add_symbol(word)
    return table


def catalogue_fst(catalogue: Catalogue, symbols: pynini.SymbolTable) -> pynini.Fst:
    """A slot class from a catalogue: surface words in, canonical words out.

    Entries are equally likely unless weighted, and the class's probabilities sum to 1;
    they live on whole entries and the sampler pushes them, so a value whose first word
    is rare is not favoured. The class is a tree of the entries' label pairs built with
    numpy from the catalogue's columns (`openfst.trie`): deterministic, so parsing looks a
    value up word by word, and a million entries take seconds, where `string_map` and
    optimization took half a minute.
    """
    columns = catalogue.columns
    weights = np.where(np.isnan(columns.weights), 1.0, columns.weights)
    kept = np.flatnonzero(weights > 0)
    if not len(kept):
        return openfst.empty()
    label = {symbol: key for key, symbol in symbols}
    ids = np.array([label[w] for w in columns.vocabulary], dtype=np.int64)[columns.tokens]
    lengths = np.diff(columns.bounds)
    width = max([int(lengths.max()), *(len(c) for c in columns.canonical.values())])
    paths = np.zeros((len(lengths), width), dtype=np.int64)
    paths[np.arange(width) < lengths[:, None]] = (ids << 32) | ids
    for row, meant in columns.canonical.items():  # a synonym: said and meant words in pairs
        said = ids[columns.bounds[row] : columns.bounds[row + 1]].tolist()
        pairs = itertools.zip_longest(said, [label[w] for w in meant], fillvalue=0)
        codes = [(i << 32) | o for i, o in pairs]
        paths[row, : len(codes)] = codes
        lengths[row] = len(codes)
    with openfst.captured(f"compiling catalogue {catalogue.path}"):
        chosen = weights[kept]
        return openfst.trie(paths[kept], lengths[kept], -np.log(chosen / chosen.sum()))


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
    builder = _Builder(symbol_table(grammar, bound.values()), grammar.rules)
    used = used_rules(grammar, [s for n, s in grammar.slots.items() if n not in bound])
    work = [("slot", n) for n in sorted(grammar.slots)]
    work += [("intent", n) for n in sorted(grammar.intents)] + [("rule", n) for n in used]
    built: dict[str, dict[str, pynini.Fst]] = {"slot": {}, "intent": {}, "rule": {}}
    for kind, name in progress.steps(work, len(work), "definitions"):
        if kind == "intent":
            built[kind][name] = builder.intent(grammar.intents[name])
        elif kind == "rule":
            built[kind][name] = builder.definition(f"rule {name}", grammar.rules[name].body)
        elif name in bound:
            built[kind][name] = catalogue_fst(bound[name], builder.symbols)
        else:
            built[kind][name] = builder.definition(f"slot {name}", grammar.slots[name].body)
    language = grammar.language.code if grammar.language else None
    fsts = built["intent"], built["slot"], built["rule"]
    return CompiledFsts(builder.symbols, *fsts, language)


def used_rules(grammar: g.Grammar, slots: Iterable[g.Slot]) -> list[str]:
    """The rules the intents and the given slots reach, sorted."""
    rules, reached = grammar.rules, set()
    stack = [i.body for i in grammar.intents.values()] + [s.body for s in slots]
    while stack:
        for node in g.walk(stack.pop()):
            if isinstance(node, g.RuleRef) and node.name not in reached:
                reached.add(node.name)
                stack.append(rules[node.name].body)
    return sorted(reached)


def compile_rule(grammar: g.Grammar, symbols: pynini.SymbolTable, name: str) -> pynini.Fst:
    """One rule of `grammar` on its own, over the grammar's symbols (to draw it)."""
    return _Builder(symbols, grammar.rules).definition(f"rule {name}", grammar.rules[name].body)


def slot_catalogues(grammar: g.Grammar, overrides: Mapping[str, Catalogue]) -> dict[str, Catalogue]:
    """The catalogue of every catalogue-backed or overridden slot (an override's name in
    NFC, as the grammar's names are)."""
    overrides = {tokens.normalize(name): catalogue for name, catalogue in overrides.items()}
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
                missing = "is a folder, not a file" if file.is_dir() else "not found"
                raise GrammarError(
                    Wording(
                        "catalogue file '{written}' {missing} (looked for {file}); "
                        "or bind one with {catalogues}",
                        written=written,
                        missing=missing,
                        file=file,
                        slot=name,
                    ),
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
    """Compiles definitions: each to its own optimized FST, a rule use to one arc."""

    def __init__(self, symbols: pynini.SymbolTable, rules: Mapping[str, g.Rule]):
        self.symbols = symbols
        self.rules = rules
        self.inlining = False  # inside a synonym's surface, rules are copied in

    def label(self, symbol: str) -> int:
        return self.symbols.find(symbol)

    def definition(self, what: str, body: g.Expr) -> pynini.Fst:
        """The optimized FST of a rule's or an inline slot's body."""
        with openfst.captured(f"compiling {what}"):
            return openfst.optimize(self.expr(body))

    def intent(self, intent: g.Intent) -> pynini.Fst:
        tag = self.label(labels.intent_tag(intent.name))
        with openfst.captured(f"compiling intent {intent.name}"):
            head = openfst.chain([(0, tag)])
            return openfst.optimize(pynini.concat(head, self.expr(intent.body)))

    def expr(self, expr: g.Expr) -> pynini.Fst:
        match expr:
            case g.Word(text=text):
                word = self.label(text)
                return openfst.chain([(word, word)])
            case g.SlotRef(name=name):
                nonterminal = self.label(labels.slot_class(name))
                return openfst.chain(
                    [
                        (0, self.label(labels.slot_open(name))),
                        (nonterminal, nonterminal),
                        (0, self.label(labels.slot_close(name))),
                    ]
                )
            case g.RuleRef(name=name):
                if self.inlining:
                    return self.expr(self.rules[name].body)
                nonterminal = self.label(labels.rule_call(name))
                return openfst.chain([(nonterminal, nonterminal)])
            case g.Sequence(items=items):
                return _concat_all([self.expr(item) for item in items])
            case g.Alternation(options=options):
                probabilities = branches.option_probabilities(expr)
                if probabilities is None:
                    return openfst.empty()
                return openfst.choice(
                    [(self.expr(o.expr), p) for o, p in zip(options, probabilities)]
                )
            case g.OptionalPart(expr=inner):
                present = branches.presence(expr)
                absent = openfst.chain([])
                return openfst.choice([(self.expr(inner), present), (absent, 1 - present)])
            case g.Synonym(expr=inner, canonical=canonical):
                return self.synonym(inner, canonical)
            case g.Repeat():
                return self.repeat(expr)
            case g.CatalogueRef(loc=loc):  # a slot's whole value is compiled by catalogue_fst
                raise GrammarError("a catalogue can only be the whole value of a slot", loc)
            case _:
                g.assert_never(expr)

    def synonym(self, surface_expr: g.Expr, canonical: tuple[str, ...]) -> pynini.Fst:
        """Surface words in, the canonical value out. A rule the surface uses is copied in:
        its words are said, not meant, so no arc of the surface may enter an FST that
        would put them on the output side."""
        inlining, self.inlining = self.inlining, True
        try:
            surface = self.expr(surface_expr).project("input")
        finally:
            self.inlining = inlining
        meant = openfst.chain([(w, w) for w in map(self.label, canonical)])
        return pynini.cross(surface, meant)

    def repeat(self, expr: g.Repeat) -> pynini.Fst:
        """x{low,high} with every count equally likely (`branches.counts`).

        Built from the end: after k copies, stop with `branches.stop_probability`, with
        O(high) copies of x.
        """
        body = self.expr(expr.expr)
        tail = openfst.chain([])
        for k in reversed(branches.counts(expr)[:-1]):
            stop = branches.stop_probability(expr, k)
            tail = openfst.choice(
                [(openfst.chain([]), stop), (pynini.concat(body, tail), 1 - stop)]
            )
        head = openfst.chain([])
        for _ in range(expr.low):
            head.concat(body)
        return head.concat(tail)


def _concat_all(fsts: list[pynini.Fst]) -> pynini.Fst:
    """The FSTs one after the other, joined in pairs, then pairs of pairs: OpenFst's
    concatenation visits every state of its left side, so joining item by item would
    take time quadratic in the length of a long sequence."""
    while len(fsts) > 1:
        joined = [left.concat(right) for left, right in zip(fsts[::2], fsts[1::2])]
        fsts = joined + fsts[len(joined) * 2 :]
    return fsts[0]


def flatten(fsts: CompiledFsts, intent: str) -> pynini.Fst:
    """The intent's FST with every rule and slot nonterminal replaced by its FST (cached).
    Its size is the grammar's expansion: callers check `flat_size` against a budget."""

    def build() -> pynini.Fst:
        root = fsts.symbols.find(labels.ROOT)
        pairs = [(root, fsts.intents[intent])]
        pairs += [(fsts.symbols.find(labels.slot_class(n)), f) for n, f in fsts.slots.items()]
        pairs += [(fsts.symbols.find(labels.rule_call(n)), f) for n, f in fsts.rules.items()]
        with openfst.captured(f"expanding the rules and slots of intent {intent}"):
            return pynini.replace(
                pairs, call_arc_labeling="neither", return_arc_labeling="neither"
            ).rmepsilon()

    return fsts.memo("flat", intent, build)


def flat_size(fsts: CompiledFsts, intent: str) -> int:
    """The number of states `flatten` would give the intent before optimization: each
    nonterminal arc costs a copy of its FST, counted once per FST by dynamic programming
    over the rules (they are acyclic), so a figure that does not fit is known at once.
    The figures of every intent are made together, once per network: count and check
    ask for each intent and each pair of intents, and every intent shares the rules."""

    def build() -> dict[Key, int]:
        size: dict[Key, int] = {}
        for key in [*call_order(fsts), *(("intent", n) for n in sorted(fsts.intents))]:
            own = fsts.arrays(key).num_states()
            size[key] = own + sum(size[c] * arcs for c, arcs in callees(fsts, key).items())
        return size

    return fsts.memo("flat sizes", "", build)[("intent", intent)]


Key = tuple[str, str]  # ("intent" | "slot" | "rule", name)


def callees(
    fsts: CompiledFsts, key: Key, arrays: openfst.Arrays | None = None
) -> dict[Key, int]:
    """The rules and slot classes the FST of `key` enters, with its number of arcs into
    each (found once per network; from its `arrays` when the caller has them)."""

    def build() -> dict[Key, int]:
        nonterminals = fsts.memo("nonterminals", "", fsts.nonterminals)
        arcs = fsts.arrays(key) if arrays is None else arrays
        called = arcs.ilabel[np.isin(arcs.ilabel, list(nonterminals))]
        labels_, counts = np.unique(called, return_counts=True)
        return {nonterminals[int(k)]: int(c) for k, c in zip(labels_, counts)}

    return fsts.memo("callees", " ".join(key), build)


def call_order(fsts: CompiledFsts) -> list[Key]:
    """Every rule and slot class, each after the ones its FST enters (callees first;
    found once per network: every intent's count asks). A rule that enters itself
    (possible only in a hand-made archive) is a ValueError."""

    def build() -> list[Key]:
        order: list[Key] = []
        done: set[Key] = set()
        for first in sorted([("slot", n) for n in fsts.slots] + [("rule", n) for n in fsts.rules]):
            if first in done:
                continue
            path = [first]
            stack = [iter(sorted(callees(fsts, first)))]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    stack.pop()
                    done.add(path[-1])
                    order.append(path.pop())
                elif nxt in path:
                    raise ValueError(f"{nxt[0]} {nxt[1]} enters itself")
                elif nxt not in done:
                    path.append(nxt)
                    stack.append(iter(sorted(callees(fsts, nxt))))
        return order

    return fsts.memo("call order", "", build)
