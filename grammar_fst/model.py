"""`CompiledGrammar`: the Python face of grammar-fst, behind `grammar_fst.load`; the one
module that joins the .grm language (grm/), the compiled network (fst/) and the walks
through it (sampling/).

Public functions:
- `load(path, catalogues, allow)`: a grammar from a `.grm` source or a `.far` archive.
- `from_text(text, name)`: a grammar compiled from source text.
- `CompiledGrammar`: sample (`sample`, `sample_blocks`, `allocation`), enumerate (`all`),
  parse (`parse`, `readings`), count (`count`, `counts`, `sizes`), bind a catalogue
  (`with_catalogue`), draw (`draw`) and write (`write_far`).

Sampling is a short chain: how many sentences of each intent (`_counts`; with `allocate`,
the shares of the semantic patterns, sampled from a network whose intents are the
patterns, `_by_pattern`), checked (`_check_counts`), then the job the walking processes
share (`_job`), the covering sentences first (`_covering_first`), what `unique` changes
(`_without_repeats`) and the blocks of `plan.run`. Errors about the caller's arguments
name its parameters (`errors.Wording`); the command line writes its options instead.
They are raised at the call: `sample`, `sample_blocks` and `all` check, then return the
generator of their sentences.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .data.catalogue import Catalogue, catalogue_of
from .data.records import Utterance
from .defaults import DEFAULT_SEED
from .errors import (
    GrammarError,
    Location,
    UsageError,
    Wording,
    callable_argument,
    catalogues_argument,
    flag_argument,
    kind_argument,
    names_argument,
    path_argument,
    whole_argument,
)
from .fst import counting, openfst
from .fst.compiler import CompiledFsts, callees, catalogue_fst, compile_grammar, compile_rule
from .fst.spelling import Speller
from .fst.walks import LabelPath, Walks
from .grm import sources, syntax
from .grm.ast import CatalogueRef, Grammar, Import
from .parallel import client_argument
from .plurals import amount
from .sampling import plan
from .sampling.plan import Render, SentenceKey, quotas
from .sampling.walker import MEAN_WORDS, Walker, mean_words_limit, overlong
from .text import tokens

if TYPE_CHECKING:
    from .fst.parse import Recognizer
    from .sampling import patterns
    from .turns import Turns

# Imported where they are used, so that sampling a grammar does not load them: `draw`
# (pictures), `fst.parse` (parsing), `fst.far` (archives), `sampling.cover` (--cover)
# and `sampling.patterns` (--allocate).

log = logging.getLogger("grammar_fst")
SPELL_BATCH = 4096  # paths spelled at a time by `all`


class CompiledGrammar:
    """A grammar compiled to FSTs: sample, enumerate, parse, count, write a `.far`."""

    def __init__(
        self,
        fsts: CompiledFsts,
        source: str = "<grammar>",
        grammar: Grammar | None = None,
        bound: Iterable[str] = (),
    ):
        """`grammar` is the AST the FSTs came from (None for a `.far`); `bound` names the
        slots whose catalogue replaced the values the grammar gives them. Made by `load`
        and `from_text`: a file name given for `fsts` is refused at once."""
        kind_argument(
            fsts,
            "fsts",
            CompiledFsts,
            "compiled FSTs (a CompiledFsts)",
            "; make a grammar with grammar_fst.load(path) or grammar_fst.from_text(text)",
        )
        self.fsts = fsts
        self.source = source
        self.grammar = grammar
        self.bound = frozenset(bound)

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
            f"<CompiledGrammar {self.source}: {amount(len(self.intents), 'intent')}, "
            f"{amount(len(self.slots), 'slot')}>"
        )

    @functools.cached_property
    def _walker(self) -> Walker:
        return Walker(self.fsts)

    @functools.cached_property
    def _speller(self) -> Speller:
        symbols = self.fsts.symbols
        return Speller([symbols.find(i) for i in range(symbols.num_symbols())])

    @functools.cached_property
    def _recognizer(self) -> Recognizer:
        from .fst.parse import Recognizer

        return Recognizer(self.fsts)

    def _chosen(self, intents: Iterable[str] | None) -> list[str]:
        chosen = _names(intents) or self.intents
        for name in chosen:
            if name not in self.fsts.intents:
                known = ", ".join(self.intents)
                raise UsageError(f"unknown intent '{name}' in {self.source}; known: {known}")
        return list(dict.fromkeys(chosen))

    def sample(self, n: int, seed: int = DEFAULT_SEED, **options) -> Iterator:
        """`n` random sentences, one at a time; the arguments are checked at the call.

        Args:
            n: how many sentences the intents without a quota share.
            seed: same seed, same sentences.
            **options: those of `sample_blocks`.

        Returns:
            An iterator of Utterances (or of what `render` makes of them).

        Raises:
            UsageError: as `sample_blocks`.
        """
        return itertools.chain.from_iterable(self.sample_blocks(n, seed, **options))

    def sample_blocks(
        self,
        n: int,
        seed: int = DEFAULT_SEED,
        intents: Iterable[str] | None = None,
        unique: bool = False,
        quota: Mapping[str, int] | None = None,
        split: str = "even",
        cover: bool = False,
        jobs: int = 1,
        render: Render | None = None,
        allocate: str | None = None,
        client=None,
        chunks: bool = False,
        turns: Turns | None = None,
        pieces: str | None = None,
    ) -> Iterator[list]:
        """`n` random sentences, the intents mixed, a list at a time (what writing them
        out at speed wants). Weights on alternatives are relative probabilities. The
        arguments are checked at the call, not at the first block.

        Args:
            n: how many sentences the chosen intents without a `quota` share.
            seed: same seed, same sentences, whatever `jobs` or `client`.
            intents: the intents to sample (default: all, or those of `quota`).
            unique: no (text, intent) repeats; an intent with fewer distinct sentences
                than its share gives all it has, with a warning.
            quota: fixed numbers of sentences of some intents.
            split: how `n` is split over the other intents: "even" (so small intents
                are not crowded out) or "proportional" to their numbers of distinct
                sentences.
            cover: each intent starts with sentences that use every alternative of
                every rule it reaches (they count toward its share).
            jobs: how many processes walk the sentences.
            render: `render(utterance, position)`, applied in those processes; its
                results are yielded instead of Utterances.
            allocate: "entropy" or "uniform": `n` is shared among the semantic
                patterns of the chosen intents instead (see `allocation`).
            client: a Dask client whose workers walk the sentences instead.
            chunks: with a `render` that gives lines, a block walked elsewhere (without
                `unique`) or written at once by the format's bulk writer comes back as
                one `plan.Chunk` of UTF-8 bytes, so the lines are not handled one by
                one here.
            turns: with `chunks` and `jobs` above 1 (forked processes), or a `client`
                whose workers were forked from this process once `turns` was made
                (`parallel.connect` on `local:N`), the output they share
                (`turns.for_output`): each writes such a block's bytes into
                it in block order, and the block comes back as a `turns.Written`
                holding its number of lines (what this process writes to the output
                meanwhile must be flushed before the next block is asked for).
            pieces: with `chunks` and a `client` whose workers see this machine's
                files, a folder (made by `pieces.folder`) where each worker writes
                such a block's bytes: it comes back as a `pieces.Piece` saying where
                they are, to be copied out (`output.write_parts` does) before the next
                block is asked for.

        Returns:
            An iterator of lists (of Utterances, renderings, Chunks, Writtens or
            Pieces).

        Raises:
            UsageError: an unknown intent, split or allocation; `allocate` with
                `quota`, `split` or `cover`; more than 999,999,999 sentences; an intent
                asked for sentences that has none; `cover` on a grammar read from a
                `.far`; with `unique`, an intent whose new sentences are too unlikely;
                an `n`, `seed`, `jobs` or quota that is not a whole number (`jobs` of 1
                or more, the others of 0 or more); `intents` that are not a str or an
                iterable of str; `unique`, `cover` or `chunks` not True or False; a
                `render` that cannot be called as `render(utterance, position)`; a
                `client` that is not a connected Dask client.
        """
        whole_argument(n, "n")
        whole_argument(seed, "seed")
        whole_argument(jobs, "jobs", least=1)
        for flag, name in ((unique, "unique"), (cover, "cover"), (chunks, "chunks")):
            flag_argument(flag, name)
        if render is not None:
            callable_argument(render, "render", "render(utterance, position)", 2)
        client_argument(client)
        if cover and self.grammar is None:
            raise UsageError(
                f"covering needs the grammar's rules: give the .grm source, not {self.source}"
            )
        if quota is not None and not isinstance(quota, Mapping):
            said = Wording("{quota} maps intents to counts, not {given}", given=repr(quota))
            raise UsageError(said)
        for wanted in (quota or {}).values():
            whole_argument(wanted, "quota")
        quota = None if quota is None else {_name(k): v for k, v in quota.items()}
        intents = _names(intents)
        self._check_lengths(self._chosen(list(intents or []) + list(quota or {}) or None))
        if allocate is not None:
            _alone_with_allocate(quota, split, cover)
            grammar, counts = self._by_pattern(n, intents, allocate)
        else:
            grammar, counts = self, self._counts(n, intents, quota, split)
        grammar._check_counts(counts)
        job = grammar._job(counts, seed, render, unique, chunks)
        if turns is not None and job.joined and (jobs > 1 or client is not None):
            job.turns = turns
        if pieces is not None and job.joined and client is not None:
            from .parallel import in_flight
            from .pieces import Ring

            ring = in_flight(jobs, client, plan.task_blocks(on_cluster=True)) + 1  # one to spare
            job.pieces = Ring(pieces, ring)
        return grammar._run(job, counts, cover, jobs, client)

    def _check_lengths(self, chosen: list[str]) -> None:
        """Refuse, before any walk, an intent whose sentences are too long to sample."""
        for name in chosen:
            if (error := too_long_to_sample(self, name)) is not None:
                raise error

    def _counts(
        self, n: int, intents: Iterable[str] | None, quota: Mapping[str, int] | None, split: str
    ) -> dict[str, int]:
        """How many sentences of each chosen intent: its `quota`, or its share of `n`."""
        quota = dict(quota or {})
        chosen = self._chosen(list(intents or []) + list(quota) or None)
        share = self._shares(n, [name for name in chosen if name not in quota], split)
        share.update(quota)
        return {name: share[name] for name in chosen}

    def _by_pattern(
        self, n: int, intents: Iterable[str] | None, how: str
    ) -> tuple[CompiledGrammar, dict[str, int]]:
        """The network whose intents are the semantic patterns of the chosen intents that
        get sentences (each its intent restricted to the pattern), with their shares."""
        from .sampling import patterns

        shares = [(p, k) for p, k in self.allocation(n, intents, how) if k]
        found = patterns.grammar_patterns(self.fsts, self._walker, self._chosen(intents))
        network = found.network(p.name for p, _ in shares)
        return CompiledGrammar(network, self.source), {p.name: k for p, k in shares}

    def _check_counts(self, counts: dict[str, int]) -> None:
        """A clear error for a run too large, or for an intent without sentences."""
        if sum(counts.values()) > plan.MAX_SENTENCES:
            raise UsageError(
                f"at most {plan.MAX_SENTENCES:,} sentences a run; for more, run again with "
                "other seeds"
            )
        self._refuse_empty([name for name, k in counts.items() if k])

    def _refuse_empty(self, intents: list[str]) -> None:
        """A clear error, at its definition, for the first of `intents` that has no
        sentence."""
        for name in intents:
            if not self._walker.has_paths(name):
                intent = self.grammar.intents.get(name) if self.grammar is not None else None
                where = intent.loc if intent is not None else Location(str(self.source))
                said = f"intent {name} has no sentences (all its weights are zero)"
                raise UsageError(said, where)

    def _job(
        self, counts: dict[str, int], seed: int, render: Render | None, unique: bool, chunks: bool
    ) -> plan.Job:
        """What the processes that walk the sentences of `counts` need."""
        job = plan.Job(self._walker, self._speller, list(counts), seed, render, unique)
        job.joined = chunks and render is not None and not unique
        job.chunked = chunks and render is not None
        return job

    def _run(
        self, job: plan.Job, counts: dict[str, int], cover: bool, jobs: int, client
    ) -> Iterator[list]:
        """The sentences of `counts`: with `cover`, the covering ones first, as a list
        of their own; then the blocks of the walks."""
        counts = dict(counts)
        seen: set[SentenceKey] = set()
        covering: list = []
        if cover:
            covering = self._covering_first(job, counts, seen)
            yield covering
        if job.unique:
            self._without_repeats(job, counts, seen)
        yield from plan.run(
            job, list(counts.values()), jobs, seen, first=len(covering), client=client
        )

    def _covering_first(
        self, job: plan.Job, counts: dict[str, int], seen: set[SentenceKey]
    ) -> list:
        """The covering sentences of each intent of `job`, each once (added to `seen`),
        rendered; each is one sentence less for its intent's count."""
        covering: list = []
        for index, path in self._covering(job.intents, job.seed):
            key = (Walks.of([path]).keys()[0], index)
            if key not in seen:
                seen.add(key)
                name = job.intents[index]
                counts[name] = max(0, counts[name] - 1)
                utterance = self._speller(path)
                covering.append(job.render(utterance, len(covering)) if job.render else utterance)
        return covering

    def _without_repeats(
        self, job: plan.Job, counts: dict[str, int], seen: set[SentenceKey]
    ) -> None:
        """What `unique` changes: nothing of `seen` again, each count capped at the
        distinct sentences its intent has left, and an intent asked for much of those
        chosen from its enumeration (`plan.enumerates`)."""
        job.excluded = frozenset(seen)
        paths = counting.derivations(self.fsts)
        for index, name in enumerate(job.intents):
            given = sum(i == index for _, i in seen)
            derivations = paths[("intent", name)]
            if plan.enumerated_anyway(counts[name], derivations):
                left = job.left(index)  # no need to count the sentences on the FSTs
            else:
                left = self.count(name) - given
            counts[name] = self._capped(name, counts[name], left, given)
            if plan.enumerates(counts[name], left, derivations):
                job.enumerated[index] = counts[name]
            elif counts[name] / plan.ENUMERATE_ABOVE > left:  # as `plan.enumerates` compares
                log.warning(
                    "intent %s: %d of its %d distinct sentences left are drawn one by one, "
                    "repeats dropped (it has too many derivations to go through them all): "
                    "the last ones take long to come; all() (sample --all) gives every one "
                    "at once, in a fixed order",
                    name,
                    counts[name],
                    left,
                )

    def allocation(
        self, n: int, intents: Iterable[str] | None = None, how: str = "entropy"
    ) -> list[tuple[patterns.GrammarPattern, int]]:
        """`n` shared among the semantic patterns (intent and set of slot types) of the
        chosen intents, at least one sentence each when there are at most `n` patterns
        (else some get none, with a warning).

        Args:
            n: the sentences to share; the shares add up to `n`.
            intents: the intents whose patterns share them (default: all).
            how: "entropy", in proportion to each pattern's complexity (the entropy of
                the intent restricted to the pattern plus its slot classes'), or
                "uniform", evenly.

        Returns:
            Each pattern with its share, in the order of the intents, then of the
            patterns' slot sets.

        Raises:
            UsageError: an unknown intent or `how`; an intent without sentences; an `n`
                that is not a whole number of 0 or more.
        """
        whole_argument(n, "n")
        if how not in ("entropy", "uniform"):
            raise UsageError(f"unknown allocation '{how}' for a grammar; use entropy or uniform")
        chosen = self._chosen(intents)
        self._refuse_empty(chosen)
        from .sampling import patterns

        found = patterns.grammar_patterns(self.fsts, self._walker, chosen).patterns
        weights = [p.complexity if how == "entropy" else 1.0 for p in found]
        floor = 1 if n >= len(found) else 0
        if not floor:
            log.warning(
                "%s for %s: shares follow the weights, and some patterns get none",
                amount(len(found), "pattern"),
                amount(n, "sentence"),
            )
        from .data.distribution import allocate

        shares = allocate(n, weights, [floor] * len(found), [math.inf] * len(found))
        return list(zip(found, shares))

    def _covering(self, chosen: list[str], seed: int) -> Iterator[tuple[int, LabelPath]]:
        """Covering paths of each chosen intent (see `cover`, refused by `sample_blocks`
        without the grammar's rules), with its index."""
        assert self.grammar is not None
        walked = set(self.bound) | {
            name for name, slot in self.grammar.slots.items() if isinstance(slot.body, CatalogueRef)
        }
        from .sampling.cover import Coverer

        coverer = Coverer(
            self.grammar, self.fsts.symbols, self._walker, walked, plan.stream(seed, 3)
        )
        for index, name in enumerate(chosen):
            for path in coverer.paths(name):
                yield index, path

    def _shares(self, n: int, intents: list[str], split: str) -> dict[str, int]:
        if not intents:
            return {}
        if split == "even":
            return quotas(n, intents)
        if split == "proportional":
            return quotas(n, intents, counting.proportions(self.sizes(intents)[0]))
        raise UsageError(f"unknown split '{split}'; use even or proportional")

    def _capped(self, intent: str, wanted: int, left: int, given: int) -> int:
        """`wanted`, or fewer when the intent has fewer distinct sentences (`left`) not yet
        given (`given` were)."""
        size = left if wanted else 0
        if size < wanted:
            log.warning(
                "intent %s has only %d distinct sentences (asked for %d); producing all of them",
                intent,
                size + given,
                wanted + given,
            )
        return min(wanted, size)

    def all(
        self, intents: Iterable[str] | None = None, unique: bool = False
    ) -> Iterator[Utterance]:
        """Every sentence with its annotation, intent by intent, in a fixed order; with
        `unique`, only the first reading of a sentence that has several. Two derivations
        of one reading (a rule that may say nothing, under an optional part) give it once:
        the readings given are remembered by a 64-bit hash of their labels. The arguments
        are checked at the call."""
        flag_argument(unique, "unique")
        return self._all(self._chosen(intents), unique)

    def _all(self, chosen: list[str], unique: bool) -> Iterator[Utterance]:
        for name in chosen:
            seen: set[str] = set()
            given: set[int] = set()
            paths = self._every_path(name)
            while batch := list(itertools.islice(paths, SPELL_BATCH)):
                for path, utterance in zip(batch, self._speller.walks(Walks.of(batch))):
                    reading = hash(tuple(path))
                    if reading in given or (unique and utterance.text in seen):
                        continue
                    given.add(reading)
                    seen.add(utterance.text)
                    yield utterance

    def _every_path(self, intent: str) -> Iterator[LabelPath]:
        """The intent's paths for `all`: its derivations in the network's arc order; for an
        intent of too many derivations (`plan.too_many_to_enumerate`) whose readings fit
        the counting budget, one path per distinct reading, in the order of their minimal
        FST: a few sentences said in billions of ways would take hours."""
        if plan.too_many_to_enumerate(counting.derivations(self.fsts)[("intent", intent)]):
            distinct = counting.readings(self.fsts, intent, counting.DEFAULT_BUDGET)
            if distinct is not None:
                return openfst.every_path(distinct)
        return self._walker.all_paths(intent)

    def parse(self, text: str) -> Utterance | None:
        """The most probable reading of `text`, or None if the grammar does not hold it."""
        return self._recognizer.parse(_sentence(text))

    def readings(self, text: str, limit: int | None = None) -> list[Utterance]:
        """The distinct readings of `text`, at most `limit` of them when given: the most
        probable first (the one `parse` gives), then the others in a fixed order, the
        same on every run."""
        if limit is not None:
            whole_argument(limit, "limit")
        return self._recognizer.readings(_sentence(text), limit)

    def count(self, intent: str | None = None) -> int | float:
        """The number of distinct sentences of one intent or of the whole grammar where
        it can be counted exactly, else an upper bound (the number of derivations); the
        CLI's `count` says which, as `sizes` does here (see `counts`)."""
        return self.counts(_intent(intent))[1]

    def counts(
        self, intents: Iterable[str] | None = None
    ) -> tuple[dict[str, int | float], int | float]:
        """Distinct sentences per intent, and in all (shared sentences counted once):
        exact where the flat form fits the counting budget; otherwise an upper bound, the
        number of derivations, an int (`math.inf` beyond 100,000 bits). `sizes` says
        which figures are exact."""
        per_intent, total = self.sizes(intents)
        return {name: c.number() for name, c in per_intent.items()}, total.number()

    def sizes(
        self, intents: Iterable[str] | None = None, budget: int = counting.DEFAULT_BUDGET
    ) -> tuple[dict[str, counting.Count], counting.Count]:
        """Distinct sentences per intent, and in all, as `Count`s: exact when the flat
        form and its determinization take at most `budget` states; else (`exact` False)
        at most the number of derivations, in which a sentence said in several ways counts
        once per way."""
        whole_argument(budget, "budget", least=1, most=sys.maxsize)
        return counting.counts(self.fsts, self._chosen(intents), budget)

    def with_catalogue(self, slot: str, catalogue: CatalogueLike) -> CompiledGrammar:
        """This grammar with `slot` filled from `catalogue`: a Catalogue, a catalogue
        file, or a list of values (`["new york", "paris"]`). The intent FSTs are shared.

        New words are appended to the symbol table, so existing labels keep their ids and
        the intents need no recompiling. Its sentences for a seed are not those of
        `load(..., catalogues=...)`, which compiles the catalogue into the symbols first
        (see docs/catalogues.md).
        """
        slot = _name(slot)
        if slot not in self.fsts.slots:
            known = ", ".join(self.slots) or "none"
            raise UsageError(f"no slot '{slot}' in {self.source}; slots: {known}")
        catalogue = catalogue_of(catalogue)
        symbols = self.fsts.symbols.copy()
        for word in sorted(catalogue.words()):
            if symbols.find(word) < 0:
                symbols.add_symbol(word)
        slots = dict(self.fsts.slots)
        slots[slot] = catalogue_fst(catalogue, symbols)
        fsts = CompiledFsts(symbols, self.fsts.intents, slots, self.fsts.rules)
        return CompiledGrammar(fsts, self.source, self.grammar, self.bound | {slot})

    def draw(
        self, intent: str | None = None, rule: str | None = None, slot: str | None = None
    ) -> str:
        """Graphviz DOT text of one intent, rule (needs the .grm source) or slot class,
        or, given none, of every intent: words on the arcs, slots by their class names,
        each arc's probability of being taken. An intent comes with the rules it enters,
        each drawn once, as the network holds them."""
        from . import draw

        if sum(name is not None for name in (intent, rule, slot)) > 1:
            raise UsageError(Wording("draw one of {intent}, {rule} or {slot}, not several"))
        intent, rule, slot = (None if x is None else _name(x) for x in (intent, rule, slot))
        if rule is not None:
            if self.grammar is None or rule not in self.grammar.rules:
                known = ", ".join(sorted(self.grammar.rules)) if self.grammar else ""
                where = f"rules: {known}" if self.grammar else "give the .grm source"
                raise UsageError(f"no rule '{rule}' to draw in {self.source}; {where}")
            fst = compile_rule(self.grammar, self.fsts.symbols, rule)
            return draw.dot_source(self.fsts, [(f"${rule}", fst)])
        if slot is not None:
            if slot not in self.fsts.slots:
                raise UsageError(
                    f"no slot '{slot}' in {self.source}; slots: {', '.join(self.slots)}"
                )
            return draw.dot_source(self.fsts, [(f"slot {slot}", self.fsts.slots[slot])])
        chosen = self._chosen(_intent(intent))
        drawn = [(f"intent {n}", self.fsts.intents[n]) for n in chosen]
        reached = {c for n in chosen for c in self._reached(("intent", n)) if c[0] == "rule"}
        drawn += [(f"${name}", self.fsts.rules[name]) for _, name in sorted(reached)]
        return draw.dot_source(self.fsts, drawn)

    def _reached(self, key: tuple[str, str]) -> set[tuple[str, str]]:
        """The rules and slot classes the FST of `key` enters, directly or not."""
        reached: set[tuple[str, str]] = set()
        todo = [key]
        while todo:
            for callee in callees(self.fsts, todo.pop()):
                if callee not in reached:
                    reached.add(callee)
                    todo.append(callee)
        return reached

    def _repr_svg_(self) -> str | None:
        """The grammar's intents as a picture in a notebook (text without Graphviz)."""
        from . import draw

        try:
            return draw.render(self.draw(), "svg").decode("utf-8")
        except UsageError:
            return None

    def write_far(self, path: str | Path) -> None:
        """Write the grammar to a `.far` archive (atomically); refused (a UsageError)
        over one of the files the grammar was read from or to a name ending in `.grm`, as
        the command line refuses, and when an intent has no sentence."""
        from .fst import far
        from .output import archive_output, refuse_inputs

        path_argument(path)
        if self.grammar is not None:
            refuse_inputs(path, sources.files_read(self.grammar))
        archive_output(path, "write_far")
        self._refuse_empty(list(self.intents))  # an archive that nothing could sample
        far.write_far(self.fsts, path)


CatalogueLike = Catalogue | str | Path | Iterable[str]  # see `catalogue_of`


def _names(intents: object, name: str = "intents") -> list[str] | None:
    """The intents named (`names_argument`: a str is one name, not its letters), each as
    the grammar holds names (`_name`)."""
    named = names_argument(intents, name)
    return None if named is None else [_name(n) for n in named]


def _name(name: str) -> str:
    """An intent's, slot's or rule's name as a grammar holds it (NFC, `tokens.normalize`):
    a terminal or a file name may give it decomposed, which looks the same."""
    return tokens.normalize(name) if isinstance(name, str) else name


def _intent(intent: str | None) -> list[str] | None:
    """The one intent a method that takes an `intent` names, as a list (None: all)."""
    if intent is None:
        return None
    kind_argument(intent, "intent", str, "an intent's name (a str)")
    return [_name(intent)]


def _sentence(text: object) -> str:
    """`text`, or a clear error for what is not a str (None, a list of sentences)."""
    if not isinstance(text, str):
        raise UsageError(f"a sentence to parse is a str, not {type(text).__name__}")
    at = tokens.surrogate(text)
    if at >= 0:
        raise UsageError(
            f"a sentence to parse holds U+{ord(text[at]):04X} (character {at + 1}), a lone "
            "surrogate, which is not text"
        )
    return text


def _alone_with_allocate(quota: Mapping[str, int] | None, split: str, cover: bool) -> None:
    if quota or split != "even" or cover:
        raise UsageError(
            Wording("{allocate} shares {n} among patterns: no {quota}, {split} or {cover} with it")
        )


def load(
    path: str | Path,
    catalogues: Mapping[str, CatalogueLike] | None = None,
    allow: Iterable[str | Path] = (),
) -> CompiledGrammar:
    """A grammar from a `.grm` source (compiled now) or a `.far` archive.

    Args:
        path: the `.grm` source or `.far` archive.
        catalogues: slots bound to catalogue files (or Catalogues, or lists of values),
            overriding the values the grammar gives them; a `.far` keeps its intent FSTs
            as they are.
        allow: folders besides the source's own folder tree that the files it imports
            or reads catalogues from may lie in.

    Returns:
        The compiled grammar.

    Raises:
        GrammarError: a source that cannot be read or compiled (its location named).
        CatalogueError: a catalogue file that cannot be read.
        FarError: an archive that cannot be read.
        UsageError: a catalogue bound to a slot the grammar does not have.
    """
    catalogues_argument(catalogues)
    path_argument(path)
    path = Path(path)
    bound = {slot: catalogue_of(c) for slot, c in (catalogues or {}).items()}
    if path.suffix == ".far":
        from .fst import far

        grammar = CompiledGrammar(far.read_far(path), str(path))
        for slot, catalogue in bound.items():
            grammar = grammar.with_catalogue(slot, catalogue)
        return grammar
    grammar = sources.load_grammar(path, allow)
    return CompiledGrammar(compile_grammar(grammar, bound), str(path), grammar, bound)


def from_text(text: str, name: str = "<string>") -> CompiledGrammar:
    """A grammar compiled from `.grm` source text; imports need files, so use `load`.

    Args:
        text: the source.
        name: what locations in error messages call it.

    Returns:
        The compiled grammar.

    Raises:
        GrammarError: a source that cannot be compiled, or that imports a file.
        UsageError: a `text` that is not a str (bytes not decoded).
    """
    grammar = syntax.parse(text, name)
    for stmt in grammar.of_kind(Import):
        raise GrammarError(
            "imports are resolved relative to a file: write the grammar to a "
            "file and use grammar_fst.load(path)",
            stmt.loc,
        )
    return CompiledGrammar(compile_grammar(grammar), name, grammar)


def too_long_to_sample(grammar: CompiledGrammar, intent: str) -> GrammarError | None:
    """The error, located where the grammar blows up, when the sentences of `intent`
    are too long to sample (see `sampling.walker.overlong`); None when they are not."""
    where = overlong(grammar.fsts, grammar._walker, intent)
    if where is None:
        return None
    kind, name = where
    definitions = {"intent": "intents", "slot": "slots", "rule": "rules"}
    found = getattr(grammar.grammar, definitions[kind], {}).get(name)
    what = f"rule ${name}" if kind == "rule" else f"{kind} {name}"
    return GrammarError(
        f"intent {intent} is too long to sample: a sentence of {what} has "
        f"{grammar._walker.mean_words[where]:,.0f} words on average, more than the "
        f"{mean_words_limit(grammar._walker):,} a sampled sentence may have (the larger of "
        f"{MEAN_WORDS:,} and the number of states of the grammar's FSTs: nested repetitions "
        "multiply); lower a repetition bound",
        found.loc if found is not None else Location(grammar.source),
    )
