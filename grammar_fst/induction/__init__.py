"""Grammar induction from golden utterances by Bayesian model merging (Stolcke and
Omohundro 1994), written out as `.grm` text that compiles like a hand-written grammar.

    import grammar_fst as gf
    result = gf.induce(utterances, weight=1.0, catalogues={"team": "nba.txt"})
    print(result.text())

1. incorporate: each intent's utterances become a prefix tree of states that says
   exactly them; slot values become slot symbols;
2. merge: best-first, the pair of states sharing a context whose merge raises
   lambda * log P(M) + log P(X | M) most, never two states on one path;
3. widen: a class of words that a catalogue holds entirely becomes that catalogue's slot;
4. write: rules for shared parts and word classes, then chunk recurring runs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from math import log
from pathlib import Path
from textwrap import wrap

from .. import parallel
from ..data.catalogue import Catalogue, catalogue_of
from ..data.records import Utterance
from ..defaults import AUTO, DEFAULT_INTENT, DEFAULT_LAMBDA
from ..errors import UsageError, catalogues_argument, flag_argument, whole_argument
from ..grm import ast as g
from ..grm.folders import Folders
from ..grm.sources import split_spec
from ..grm.syntax import LANGUAGE_TAG, LINE_WIDTH, format_grammar
from ..plurals import amount
from .automaton import Automaton, Symbol
from .chunking import chunk
from .crossval import Choice, choose
from .incorporate import Golden, incorporate
from .modifiers import induce_modifiers
from .punctuation import Edges, strip
from .search import OverBudget, Step, Steps, describe, merge_states
from .writer import (
    RuleBook,
    alternation,
    class_counts,
    intent_statements,
    sequence,
    top_down,
)

logger = logging.getLogger("grammar_fst")

MAX_LAMBDA = 1e6  # far past where every merge is taken; beyond, scores overflow
MERGE_STEPS = 2_000  # per state of an intent's prefix tree (see `search.Steps`)

__all__ = ["AUTO", "DEFAULT_LAMBDA", "Induction", "Step", "induce"]


@dataclass
class Induction:
    """An induced grammar, the operations that made it, and what was read."""

    grammar: g.Grammar
    trace: list[Step] = field(default_factory=list)
    utterances: dict[str, int] = field(default_factory=dict)  # per intent
    skipped: int = 0  # utterances without a word
    lambdas: dict[str, Choice | float] = field(default_factory=dict)  # per intent

    def summary(self) -> str:
        """`12 rules, 3 intents, 13 golden utterances`."""
        total = sum(self.utterances.values())
        return ", ".join(
            (
                amount(len(self.grammar.rules), "rule"),
                amount(len(self.utterances), "intent"),
                amount(total, "golden utterance"),
            )
        )

    def text(self, source: str | None = None) -> str:
        """The grammar as `.grm` text, under a comment saying where it came from."""
        # one line whatever the name holds: line breaks and other controls as escapes
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in source or "")
        origin = f" from {shown}" if shown else ""
        header = (
            f"# Induced by grammar-fst{origin}:\n# {self.summary()}.\n"
            "# Rules are named after their words; edit freely, it compiles like any grammar.\n"
            + "".join(f"# {intent}: {_lambda(how)}\n" for intent, how in self.lambdas.items())
            + "\n"
        )
        return header + format_grammar(self.grammar)


def _lambda(how: Choice | float) -> str:
    """How an intent's lambda was set: chosen (with its scores) or given."""
    return str(how) if isinstance(how, Choice) else f"lambda {how:g} (given)"


def induce(
    utterances: Iterable[Utterance],
    weight: float | str = AUTO,
    catalogues: Mapping[str, str | Path] | None = None,
    base: str | Path = ".",
    default_intent: str = DEFAULT_INTENT,
    fold_case: bool = True,
    progress: Callable[[list[str]], Iterable[str]] | None = None,
    language: str | None = None,
    reorder: bool = False,
    jobs: int = 1,
    client=None,
) -> Induction:
    """Induce a grammar from annotated (or plain) utterances: Utterances, or strings.

    `weight` is lambda, the weight of the structure prior: higher merges more and
    generalizes further; `"auto"` chooses it per intent by cross-validation (`crossval`).
    `catalogues` maps slot names to catalogue files: a slot of the data with a catalogue
    is defined from it, and a learned word class that a catalogue holds entirely becomes
    its slot. Catalogue paths are written relative to `base`, the folder the grammar will
    be saved in. Utterances without an intent get `default_intent`.
    `progress`, given the intents' names, yields them as they are learned (a bar).
    `language`, a language tag, is declared by the grammar (`language th`).
    `reorder` learns reorderable modifiers first (see `modifiers`).
    The intents are learned one by one, on `jobs` processes, or on the workers of a Dask
    `client`; the grammar is the same whichever.
    """
    if weight != AUTO and not (isinstance(weight, (int, float)) and 0 <= weight <= MAX_LAMBDA):
        raise UsageError(f"lambda must be {AUTO} or between 0 and {MAX_LAMBDA:g}, not {weight}")
    if language is not None and not LANGUAGE_TAG.fullmatch(language):
        raise UsageError(f"{language!r} is not a language tag such as th or es-MX")
    whole_argument(jobs, "jobs", least=1)
    flag_argument(fold_case, "fold_case")
    flag_argument(reorder, "reorder")
    parallel.client_argument(client)
    golden = incorporate(utterances, fold_case, default_intent)
    if not golden.paths:
        raise UsageError("no utterance with a word to learn from")
    catalogues_argument(catalogues)
    read = {golden.slot_name(slot): _filed(c) for slot, c in (catalogues or {}).items()}
    catalogues = {slot: catalogue.path for slot, catalogue in read.items()}
    # as written: the grammar will say the catalogue's values as the file writes them
    known = {slot: catalogue.surface_values() for slot, catalogue in read.items()}
    trace: list[Step] = []
    models: dict[str, Automaton] = {}
    lambdas: dict[str, Choice | float] = {}
    edges: dict[str, Edges] = {}
    paths: dict[str, list] = {}
    for intent, said in golden.paths.items():
        paths[intent], edges[intent] = strip(said)
    taken: set[str] = set()
    phrases: list[g.Definition] = []
    holds: dict = {}
    if reorder:
        paths, phrases = induce_modifiers(paths, _reserver(taken), trace.append, holds)
    learned = parallel.mapped(
        _learned, paths.items(), _Settings(weight, holds, known), jobs, client
    )
    for intent in (progress or iter)(list(paths)):
        models[intent], lambdas[intent], steps = next(learned)
        trace += steps
    statements = [_fitted(s) for s in _written(models, edges, trace, taken, phrases)]
    statements += _slots(statements, golden, catalogues, known, Path(base))
    grammar = g.Grammar(tuple(statements), language=g.Language(language) if language else None)
    return Induction(
        grammar,
        trace,
        {intent: len(paths) for intent, paths in golden.paths.items()},
        golden.skipped,
        lambdas,
    )


@dataclass(frozen=True)
class _Settings:
    """What learning every intent reads (sent to each worker once)."""

    weight: float | str
    holds: dict
    known: Mapping[str, frozenset[str]]


def _learned(
    settings: _Settings, intent_paths: tuple[str, list]
) -> tuple[Automaton, Choice | float, list[Step]]:
    """One intent's model: lambda chosen by cross-validation (or given), states merged,
    catalogue classes widened; with what was done."""
    intent, paths = intent_paths
    trace: list[Step] = []
    weight = settings.weight
    how = choose(paths, DEFAULT_LAMBDA) if weight == AUTO else float(weight)
    if isinstance(how, Choice):
        trace.append(Step("lambda", intent, how.detail))
    model = Automaton(paths, _weight(how), settings.holds)
    _merge_within_budget(model, intent, trace)
    widen(model, intent, settings.known, trace.append)
    return model, how, trace


def _merge_within_budget(model: Automaton, intent: str, trace: list[Step]) -> None:
    """`merge_states`, or a UsageError when that takes more than MERGE_STEPS per state."""
    states = len(model.states)
    try:
        merge_states(model, intent, trace.append, Steps(MERGE_STEPS * states))
    except OverBudget:
        raise UsageError(
            f"intent {intent}: merging its {states:,} states would take more than "
            f"{MERGE_STEPS:,} steps per state (real data takes at most 750): its "
            "utterances say a few words in many places; leave out the longest or most "
            "repetitive ones"
        ) from None


def _weight(how: Choice | float) -> float:
    return how.weight if isinstance(how, Choice) else how


def _fitted(statement: g.Definition) -> g.Definition:
    """The statement with its comment broken into lines that fit the grammar's width
    (a class of long names was described on a line of 110 characters)."""
    comment = statement.comment
    if comment is None or all(len(line) + 2 <= LINE_WIDTH for line in comment.split("\n")):
        return statement
    lines = [kept for line in comment.split("\n") for kept in wrap(line, LINE_WIDTH - 2) or [""]]
    return replace(statement, comment="\n".join(lines))


def _reserver(taken: set[str]) -> Callable[[str], str]:
    """A function that turns a wanted rule name into a free one and takes it."""

    def reserve(wanted: str) -> str:
        name, number = wanted, 1
        while name in taken:
            number += 1
            name = f"{wanted}_{number}"
        taken.add(name)
        return name

    return reserve


def _written(
    models: dict[str, Automaton],
    edges: dict[str, Edges],
    trace: list[Step],
    taken: set[str],
    phrases: list[g.Definition],
) -> list[g.Definition]:
    """The intents' statements and their rules, chunked (a chunk's gain is traced at the
    intents' mean lambda: chunks are shared by all intents), with the modifier `phrases`,
    top-down; `taken` names are not used."""
    weight = sum(model.weight for model in models.values()) / len(models)
    book = RuleBook(class_counts(list(models.values())))
    book.taken |= taken
    statements: list[g.Definition] = []
    for intent, model in models.items():
        statements += intent_statements(intent, model, book, edges[intent])
    words = {s for model in models.values() for row in model.emit.values() for s in row}
    chunk(statements, book.name, weight * log(len(words) + len(statements) + 1), trace.append)
    return top_down(statements + phrases)


def widen(
    model: Automaton,
    intent: str,
    known: Mapping[str, frozenset[str]],
    trace: Callable[[Step], None],
) -> None:
    """Catalogue widening: a class of two or more words that lies entirely inside a
    catalogue becomes that catalogue's slot (the smallest such catalogue)."""
    for state in model.states:
        row = model.emit[state]
        words = {s.name for s in row if not s.slot and not s.rule}
        if len(row) < 2 or len(words) < len(row):
            continue
        fits = [slot for slot, values in known.items() if words <= values]
        if fits:
            slot = min(fits, key=lambda s: (len(known[s]), s))
            model.say(state, Symbol(slot, slot=True))
            trace(
                Step("widen", intent, f"{describe(row)} → {{{slot}}} ({len(known[slot])} values)")
            )


def _slots(
    statements: list[g.Definition],
    golden: Golden,
    catalogues: Mapping[str, str],
    known: Mapping[str, frozenset[str]],
    base: Path,
) -> list[g.Slot]:
    """A slot statement for every slot used: from its catalogue (saying which values seen
    it lacks, since the grammar will not say them), else the values seen."""
    used = dict.fromkeys(
        e.name for s in statements for e in g.walk(s.body) if isinstance(e, g.SlotRef)
    )
    slots = []
    for name in used:
        if name in catalogues:
            folded = {value.casefold() for value in known[name]}
            missing = sorted(v for v in golden.values.get(name, ()) if v.casefold() not in folded)
            if missing:
                verb, them = ("is", "it") if len(missing) == 1 else ("are", "them")
                logger.warning(
                    "slot %s: %s seen in the data %s not in %s, and the grammar will not say "
                    "%s (first: '%s'); add %s to the catalogue to keep %s",
                    name,
                    amount(len(missing), "value"),
                    verb,
                    catalogues[name],
                    them,
                    missing[0],
                    them,
                    them,
                )
            _readable(name, catalogues[name], base)
            body: g.Expr = g.CatalogueRef(_relative(catalogues[name], base))
            slots.append(g.Slot(name, body, comment=f"{name}: from {catalogues[name]}"))
            continue
        values = golden.values[name]
        ranked = sorted(values, key=lambda v: (-values[v], v))
        options = [(sequence([g.Word(w) for w in v.split()]), values[v]) for v in ranked]
        comment = f"{name}: {amount(len(values), 'value')} seen, {amount(values.total(), 'use')}"
        slots.append(g.Slot(name, alternation(options), comment=comment))
    return slots


def _readable(slot: str, spec: str, base: Path) -> None:
    """Warn when the grammar written in `base` may not read the catalogue: outside its
    folder tree, where compile and sample refuse it without --allow-path (docs/security.md)."""
    file = split_spec(spec)[0]
    if not Folders.of(base / "induced.grm").reads(file):  # any grammar file in `base`
        logger.warning(
            "slot %s: its catalogue %s is outside the folder the grammar is written in (%s), "
            "which compile and sample read only with --allow-path %s; or keep the catalogue "
            "in that folder",
            slot,
            spec,
            base,
            Path(os.path.realpath(file)).parent,
        )


def _relative(spec: str, base: Path) -> str:
    """A catalogue path as the grammar file in `base` must write it: relative to `base`
    when it was given relative, else as given."""
    file, type_name = split_spec(spec)
    path = file if Path(file).is_absolute() else os.path.relpath(file, base)
    path = path.replace(os.sep, "/")
    return f"{path}#{type_name}" if type_name else path


def _filed(catalogue: object) -> Catalogue:
    """A catalogue given to `induce` (a file, or a Catalogue read from one): the grammar
    it writes names the file (`slot team from "nba.txt"`)."""
    read = catalogue_of(catalogue)
    if not Path(split_spec(read.path)[0]).is_file():
        raise UsageError(
            f"induce names each catalogue's file in the grammar it writes; {read!r} has none: "
            "write its values to a file and give that"
        )
    return read
