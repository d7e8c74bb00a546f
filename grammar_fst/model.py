"""`CompiledGrammar`: the Python face of grammar-fst, behind `grammar_fst.load`."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from . import counting, far, sources, syntax
from .catalogue import Catalogue, read_catalogue
from .compiler import CompiledFsts, catalogue_fst, catalogue_words, compile_grammar
from .errors import GrammarError, UsageError
from .grammar import Import
from .recognize import Recognizer
from .sampler import DEFAULT_SEED, Walker, quotas, schedule, uniforms
from .utterance import Utterance, from_labels

log = logging.getLogger("grammar_fst")


class CompiledGrammar:
    """A grammar compiled to FSTs: sample, enumerate, parse, count, write a `.far`."""

    def __init__(self, fsts: CompiledFsts, source: str = "<grammar>"):
        self.fsts = fsts
        self.source = source
        self._words = [fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())]

    @property
    def intents(self) -> list[str]:
        """Intent names, sorted."""
        return sorted(self.fsts.intents)

    @property
    def slots(self) -> list[str]:
        """Slot class names, sorted."""
        return sorted(self.fsts.slots)

    def __repr__(self) -> str:
        return (
            f"<CompiledGrammar {self.source}: {len(self.intents)} intents, {len(self.slots)} slots>"
        )

    @functools.cached_property
    def _walker(self) -> Walker:
        return Walker(self.fsts)

    @functools.cached_property
    def _recognizer(self) -> Recognizer:
        return Recognizer(self.fsts)

    def _chosen(self, intents: Iterable[str] | None) -> list[str]:
        chosen = list(intents) if intents else self.intents
        for name in chosen:
            if name not in self.fsts.intents:
                known = ", ".join(self.intents)
                raise UsageError(f"unknown intent '{name}' in {self.source}; known: {known}")
        return list(dict.fromkeys(chosen))

    def sample(
        self,
        n: int,
        seed: int = DEFAULT_SEED,
        intents: Iterable[str] | None = None,
        unique: bool = False,
        quota: Mapping[str, int] | None = None,
        split: str = "even",
    ) -> Iterator[Utterance]:
        """`n` random sentences over `intents` (default: all, or those of `quota`), mixed.

        `quota` fixes some intents' numbers; `n` is split over the others evenly (`split=
        "even"`, so small intents are not crowded out) or in proportion to their number of
        distinct sentences (`"proportional"`). Weights on alternatives are relative
        probabilities. With `unique`, no (text, intent) repeats; an intent with fewer
        distinct sentences than its share gives all it has, with a warning.
        """
        quota = dict(quota or {})
        chosen = self._chosen(list(intents or []) + list(quota) or None)
        rng = np.random.default_rng(seed)
        stream = uniforms(int(rng.integers(2**63)))
        share = self._shares(n, [name for name in chosen if name not in quota], split)
        share.update(quota)
        share = {name: share[name] for name in chosen}
        empty = [name for name in chosen if share[name] and not self._walker.has_paths(name)]
        if empty:
            raise UsageError(f"intent {empty[0]} has no sentences (all its weights are zero)")
        exhausted: dict[str, Iterator[Utterance]] = {}
        if unique:
            share, whole = self._capped(share)
            exhausted = {name: self._shuffled_all(name, rng) for name in whole}
        seen: set[tuple[str, str]] = set()
        for name in schedule(share, rng):
            if name in exhausted:
                yield next(exhausted[name])
            else:
                yield self._draw(name, stream, seen if unique else None)

    def _shuffled_all(self, intent: str, rng: np.random.Generator) -> Iterator[Utterance]:
        """Every distinct sentence of `intent` in a seeded random order: what `unique`
        gives when asked for the whole language (rejection sampling would stall)."""
        pool = list(self.all([intent], unique=True))
        return iter([pool[i] for i in rng.permutation(len(pool))])

    def _shares(self, n: int, intents: list[str], split: str) -> dict[str, int]:
        if not intents:
            return {}
        if split == "even":
            return quotas(n, intents)
        if split == "proportional":
            return quotas(n, intents, self.counts(intents)[0])
        raise UsageError(f"unknown split '{split}'; use even or proportional")

    def _capped(self, share: dict[str, int]) -> tuple[dict[str, int], list[str]]:
        """Shares no larger than each intent's number of distinct sentences, and the
        intents whose share is all of their sentences."""
        capped, whole = {}, []
        for name, wanted in share.items():
            size = self.count(name) if wanted else 0
            if wanted and size <= wanted:
                whole.append(name)
            if size < wanted:
                log.warning(
                    "intent %s has only %d distinct sentences (asked for %d); "
                    "producing all of them",
                    name,
                    size,
                    wanted,
                )
            capped[name] = min(wanted, size)
        return capped, whole

    def _draw(self, intent: str, stream, seen: set | None, patience: int = 100_000) -> Utterance:
        for _ in range(patience):
            utterance = from_labels(self._walker.random_path(intent, stream), self._words)
            if seen is None:
                return utterance
            if (utterance.text, intent) not in seen:
                seen.add((utterance.text, intent))
                return utterance
        raise UsageError(
            f"gave up finding a new sentence for intent {intent} after {patience} draws; "
            "its remaining sentences are too unlikely under the weights (try --all)"
        )

    def all(
        self, intents: Iterable[str] | None = None, unique: bool = False
    ) -> Iterator[Utterance]:
        """Every sentence with its annotation, intent by intent, in a fixed order; with
        `unique`, only the first reading of a sentence that has several."""
        for name in self._chosen(intents):
            seen: set[str] = set()
            for path in self._walker.all_paths(name):
                utterance = from_labels(path, self._words)
                if not unique or utterance.text not in seen:
                    seen.add(utterance.text)
                    yield utterance

    def parse(self, text: str) -> Utterance | None:
        """The most probable reading of `text`, or None if the grammar does not hold it."""
        return self._recognizer.parse(text)

    def readings(self, text: str, limit: int | None = None) -> list[Utterance]:
        """The distinct readings of `text`, at most `limit` of them when given."""
        return self._recognizer.readings(text, limit)

    def count(self, intent: str | None = None) -> int:
        """The exact number of distinct sentences of one intent or of the whole grammar."""
        return self.counts(None if intent is None else [intent])[1]

    def counts(self, intents: Iterable[str] | None = None) -> tuple[dict[str, int], int]:
        """Distinct sentences per intent, and in all (shared sentences counted once)."""
        return counting.counts(self.fsts, self._chosen(intents))

    def with_catalogue(self, slot: str, catalogue: CatalogueLike) -> CompiledGrammar:
        """This grammar with `slot` filled from `catalogue`; the intent FSTs are shared.

        New words are appended to the symbol table, so existing labels keep their ids and
        the intents need no recompiling.
        """
        if slot not in self.fsts.slots:
            known = ", ".join(self.slots) or "none"
            raise UsageError(f"no slot '{slot}' in {self.source}; slots: {known}")
        catalogue = _catalogue(catalogue)
        symbols = self.fsts.symbols.copy()
        for word in sorted(catalogue_words(catalogue)):
            if symbols.find(word) < 0:
                symbols.add_symbol(word)
        slots = dict(self.fsts.slots)
        slots[slot] = catalogue_fst(catalogue, symbols)
        return CompiledGrammar(CompiledFsts(symbols, self.fsts.intents, slots), self.source)

    def write_far(self, path: str | Path) -> None:
        """Write the grammar to a `.far` archive (atomically)."""
        far.write_far(self.fsts, path)


CatalogueLike = Catalogue | str | Path


def _catalogue(value: CatalogueLike) -> Catalogue:
    return value if isinstance(value, Catalogue) else read_catalogue(value)


def load(
    path: str | Path, catalogues: Mapping[str, CatalogueLike] | None = None
) -> CompiledGrammar:
    """A grammar from a `.grm` source (compiled now) or a `.far` archive.

    `catalogues` binds slots to catalogue files (or Catalogue values), overriding the
    values the grammar gives them; a `.far` keeps its intent FSTs as they are.
    """
    path = Path(path)
    bound = {slot: _catalogue(c) for slot, c in (catalogues or {}).items()}
    if path.suffix == ".far":
        grammar = CompiledGrammar(far.read_far(path), str(path))
        for slot, catalogue in bound.items():
            grammar = grammar.with_catalogue(slot, catalogue)
        return grammar
    return CompiledGrammar(compile_grammar(sources.load_grammar(path), bound), str(path))


def from_text(text: str, name: str = "<string>") -> CompiledGrammar:
    """A grammar compiled from `.grm` source text; imports need files, so use `load`."""
    grammar = syntax.parse(text, name)
    for stmt in grammar.of_kind(Import):
        raise GrammarError(
            "imports are resolved relative to a file: write the grammar to a "
            "file and use grammar_fst.load(path)",
            stmt.loc,
        )
    return CompiledGrammar(compile_grammar(grammar), name)
