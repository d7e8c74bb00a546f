"""A sampling run: the plan of blocks that makes the output the same for any number of
processes, the workers that walk and render the blocks, and what `unique` adds.

The output is cut into blocks of at most `BLOCK` sentences. How many sentences of each
intent a block holds is drawn up front (a multivariate hypergeometric draw from what is
left, so the quotas hold exactly and the intents are mixed as in one big shuffle); each
block then has its own random stream, derived from the seed and the block's index alone.
So the sentences depend on the seed, never on how many processes walk the blocks, and a
run holds one block at a time per process, however large N is.

Blocks run in this process, in worker processes (`jobs`) or on a Dask cluster (a
`client`, see `parallel.py`): the job (the walker's arrays, the speller's words, the seed:
the compiled network, not grammar files) is sent to each worker once, each block is sent
as its plan (a few numbers), and a block of lines comes back as one UTF-8 chunk (`Chunk`)
that the main process writes as it is. Through the pool's pipe, the bytes would cost the
main process more CPU than the workers can spare it, so forked workers given the
output's turns (`Job.turns`) write that chunk straight into the output, in block order,
and give back only how many lines it held (a `turns.Written`); the workers of a local
Dask cluster, given a ring of files (`Job.pieces`), write it to one of them and give
back where it is (a `pieces.Piece`, which the main process copies into the output
without reading it into Python). The workers need grammar-fst, not the grammar.

With `unique`, repeats are dropped in block order (by the block itself when it runs in
this process, else by the main process as the blocks come back) and drawn again in
further blocks at the end, until every quota is met; an intent asked for much of its
language is not walked but chosen from its enumeration (`without_replacement`).
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .. import parallel
from ..data.records import Utterance
from ..errors import UsageError, Wording
from ..fst.counting import Number, log10
from ..fst.spelling import Speller
from ..fst.walks import Walks
from .walker import Enumeration, Walker

if TYPE_CHECKING:
    from ..pieces import Piece, Ring
    from ..turns import Turns, Written

BLOCK = 8192
# Blocks in one task, at most (a future of the process pool, a Dask task): handing a task
# over and back costs the main process the same whatever it holds, and on a cluster also
# the scheduler and the worker, about 9 ms of their event loops in all (docs/benchmarks.md).
TASK_BLOCKS = 4
CLUSTER_TASK_BLOCKS = 16
PATIENCE = 100_000  # draws in a row without a new sentence before `unique` gives up
MAX_SENTENCES = 999_999_999  # numpy's hypergeometric draws stop below 10**9
HEAP_PAD = 64 << 20  # bytes of freed memory malloc keeps for the next block (`keep_freed`)
MAPPED_ABOVE = 32 << 20  # bytes: smaller allocations come from malloc's heap (`keep_freed`)

# With `unique`, an intent asked for more than this share of its distinct sentences, or
# with few sentences, has them drawn from its enumeration (at most five times what was
# asked for, or 50,000); otherwise repeats are drawn and dropped, which costs more the
# closer the share gets to all, and more still under skewed weights.
ENUMERATE_ABOVE = 0.2
ENUMERATE_ALWAYS = 50_000  # a language this small is enumerated whatever is asked of it
ENUMERATE_PATHS = 500_000  # derivations: an intent with more is never enumerated

Render = Callable[[Utterance, int], object]


def stream(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream for `seed` and `key` (same pair, same stream)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def quotas(n: int, intents: list[str], sizes: dict[str, int] | None = None) -> dict[str, int]:
    """`n` split over `intents`: evenly, or in proportion to `sizes` when given.

    Largest remainders: every share is the floor of its exact part, and the leftover
    units go to the largest fractional parts (the first intents on ties), so shares sum
    to `n` and the split is deterministic.
    """
    weights = [1 if sizes is None else sizes[name] for name in intents]
    total = sum(weights) or 1
    exact = [n * w / total for w in weights]
    shares = [int(x) for x in exact]
    leftover = n - sum(shares)
    order = sorted(range(len(intents)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:leftover]:
        shares[i] += 1
    return dict(zip(intents, shares))


@dataclass(frozen=True)
class Block:
    """A run of consecutive sentences: `counts[i]` of intent i, starting at position
    `first` of the stream of drawn sentences, after `before[i]` of intent i in the
    blocks of the same plan before it."""

    index: int
    first: int
    counts: tuple[int, ...]
    before: tuple[int, ...]


def blocks_of(counts: list[int], seed: int, index: int = 0, first: int = 0) -> list[Block]:
    """Blocks holding `counts[i]` sentences of intent i in all, numbered from `index`."""
    rng = stream(seed, 0, index)
    left = np.array(counts, dtype=np.int64)
    before = np.zeros_like(left)
    blocks = []
    while left.sum():
        size = int(min(BLOCK, left.sum()))
        taken = rng.multivariate_hypergeometric(left, size)
        blocks.append(Block(index, first, tuple(taken.tolist()), tuple(before.tolist())))
        left -= taken
        before += taken
        index += 1
        first += size
    return blocks


SentenceKey = tuple[bytes, int]  # a sentence's input words and its intent's index


@dataclass
class Shard:
    """A block's sentences, per position: its intent's index, its key (with `unique`,
    for walked intents) and its rendering (None for a repeat that was not spelled). With
    `chunk`, the renderings are only True and the lines of those not None are there."""

    order: list[int]
    keys: list[SentenceKey | None]
    rendered: list[object]
    chunk: Chunk | None = None


@dataclass(frozen=True)
class Chunk:
    """A block's rendered lines as one UTF-8 string of bytes, each line ending in a
    newline: what a worker gives back, written out without touching each line."""

    data: bytes
    count: int

    def __len__(self) -> int:
        return self.count


@dataclass
class Job:
    """What a worker needs to turn blocks into sentences (sent to each process once).

    `enumerated` maps an intent's index to how many distinct sentences to take from its
    enumeration (see `without_replacement`), none of them `excluded`; those intents are
    not walked. Each process makes the same selection once, from the seed. With `joined`
    (a `render` giving lines, no `unique`), a block's lines come back as one `Chunk`;
    with `chunked` (a `render` giving lines), so do those of a block run with `unique`
    in this process, which knows every sentence given before it (see `run`). With
    `turns`, a forked worker writes a joined block's lines into the output itself and
    gives back a `turns.Written`; with `pieces`, a worker writes them to a file of that
    ring and gives back a `pieces.Piece`.
    """

    walker: Walker
    speller: Speller
    intents: list[str]
    seed: int
    render: Render | None = None
    unique: bool = False
    enumerated: dict[int, int] = field(default_factory=dict)
    excluded: frozenset[SentenceKey] = frozenset()
    joined: bool = False
    chunked: bool = False
    turns: Turns | None = None
    pieces: Ring | None = None
    _selected: dict[int, Walks] = field(default_factory=dict, repr=False)
    _drawn: dict[int, Drawn] = field(default_factory=dict, repr=False)
    _bulk: object = field(default=None, repr=False)  # the format's bulk writer, or False

    def __getstate__(self) -> dict:
        """What a worker is sent: not the enumerations drawn here (it draws its own)."""
        return {**self.__dict__, "_drawn": {}}

    def run(self, block: Block, seen: set[SentenceKey] | None = None) -> Shard:
        """The block's sentences. With `unique`, repeats within the block or of `seen`
        are not spelled (their rendering is None). With `chunked`, a bulk writer and
        `seen` (this process gives the sentences in order), the lines of the others are
        written at once (`Shard.chunk`)."""
        order, keys, kept, walks = self.walks(block, seen)
        rendered: list[object] = [None] * len(order)
        if self.chunked and seen is not None and self.bulk():
            numbers = block.first + np.array(kept, dtype=np.int64)
            data = self.bulk().lines(self.speller.spell(walks), numbers)
            for position in kept:
                rendered[position] = True
            return Shard(order.tolist(), keys, rendered, Chunk(data, len(kept)))
        utterances = self.speller.walks(walks)
        render, first = self.render or _as_is, block.first
        for position, utterance in zip(kept, utterances):
            rendered[position] = render(utterance, first + position)
        return Shard(order.tolist(), keys, rendered)

    def walks(
        self, block: Block, seen: set[SentenceKey] | None = None
    ) -> tuple[np.ndarray, list[SentenceKey | None], list[int], Walks]:
        """The block's walks: each position's intent and key (with `unique`), and the
        positions kept (with `unique`, not a repeat within the block or of `seen`) with
        their walks, in order."""
        rng = stream(self.seed, 1, block.index)
        order = np.repeat(np.arange(len(block.counts)), block.counts)
        order = order[rng.permutation(len(order))]
        walked_at = np.flatnonzero(~np.isin(order, list(self.enumerated)))
        starts = np.array([self.walker.intent_start[name] for name in self.intents], dtype=np.int64)
        walked = self.walker.walk(starts[order[walked_at]], rng)
        keys: list[SentenceKey | None] = [None] * len(order)  # enumerated intents never repeat
        keep = np.ones(len(order), dtype=bool)
        if self.unique:
            known, fresh = seen or set(), set()
            for at, key in zip(walked_at.tolist(), zip(walked.keys(), order[walked_at].tolist())):
                keys[at] = key
                if key in known or key in fresh:
                    keep[at] = False
                fresh.add(key)
        walks, kept = walked, np.flatnonzero(keep)
        if self.enumerated:
            pieces, placed = ([walked], [walked_at]) if len(walked_at) else ([], [])
            for intent in self.enumerated:
                at = np.flatnonzero(order == intent)
                pieces.append(self.selected(intent).span(block.before[intent], len(at)))
                placed.append(at)
            walks = Walks.concat(pieces) if len(pieces) > 1 else pieces[0]
            at = np.concatenate(placed)
            if (np.diff(at) < 0).any():  # else they are in order already (one intent)
                walks = walks.take(np.argsort(at, kind="stable"))
        if len(kept) < len(order):
            walks = walks.take(kept)
        return order, keys, kept.tolist(), walks

    def lines(self, block: Block) -> Chunk:
        """The block's rendered lines as one chunk (a `joined` job): written at once by
        the format's bulk writer when it has one for the grammar's symbols, else line by
        line."""
        if self.bulk():
            _, _, kept, walks = self.walks(block)
            numbers = block.first + np.arange(len(kept))
            return Chunk(self.bulk().lines(self.speller.spell(walks), numbers), len(kept))
        lines = self.run(block).rendered
        return Chunk("".join(line + "\n" for line in lines).encode(), len(lines))

    def bulk(self):
        """The format's bulk writer for the grammar's symbols (`_bulk.BulkWriter`), made
        once per process, or False."""
        if self._bulk is None:
            made = getattr(self.render, "block_writer", None)
            self._bulk = (made and made(self.speller.words, self.speller.tags)) or False
        return self._bulk

    def selected(self, intent: int) -> Walks:
        """The enumerated intent's selection, made once per process (the enumeration it
        is made from is let go then)."""
        if intent not in self._selected:
            self._selected[intent] = without_replacement(self, intent)
            self._drawn.pop(intent, None)
        return self._selected[intent]

    def drawn(self, intent: int) -> Drawn:
        """Every sentence of intent number `intent` with its draw (see `without_replacement`),
        made once per process (its arrays, freed, kept for the blocks': `keep_freed`)."""
        if intent not in self._drawn:
            keep_freed()
            self._drawn[intent] = _draws(self, intent)
        return self._drawn[intent]

    def left(self, intent: int) -> int:
        """How many distinct sentences intent number `intent` has that are not `excluded`,
        from its enumeration: what `unique` can give of an intent it enumerates anyway
        (`enumerated_anyway`), without counting them on its FSTs."""
        return int(np.isfinite(self.drawn(intent).draws).sum())


def _as_is(utterance: Utterance, position: int) -> Utterance:
    return utterance


def enumerates(wanted: int, left: Number, paths: Number) -> bool:
    """Whether `unique` takes `wanted` sentences of an intent that has `left` distinct
    ones not yet given and `paths` derivations from its enumeration (`without_replacement`)
    rather than drawing them and dropping repeats."""
    if too_many_to_enumerate(paths):
        return False
    return wanted / ENUMERATE_ABOVE > left or left <= ENUMERATE_ALWAYS


def enumerated_anyway(wanted: int, paths: Number) -> bool:
    """Whether `enumerates` holds of `wanted` sentences of an intent of `paths` derivations
    however many distinct sentences it has left (never more than `paths`)."""
    return bool(wanted) and enumerates(wanted, paths, paths)


def too_many_to_enumerate(paths: Number) -> bool:
    """Whether an intent of `paths` derivations has too many to go through them all: `$r =
    x{1,12}` then `$r{1,9}` has 108 sentences and 5.6 billion derivations."""
    return log10(paths) > math.log10(ENUMERATE_PATHS)


class Drawn(NamedTuple):
    """Every path of an intent (`paths`), the first path of each of its sentences
    (`first`) and each sentence's draw (`draws`, -inf for one `excluded`). (A named
    tuple: a class is made faster than a dataclass, at every start of the command.)"""

    paths: Enumeration
    first: np.ndarray
    draws: np.ndarray


def without_replacement(job: Job, intent: int) -> Walks:
    """`job.enumerated[intent]` distinct sentences of intent number `intent`, none excluded,
    drawn by weight without replacement, in the order of the draws: what `unique` gives
    when asked for much of a language, where drawing and dropping repeats would stall."""
    drawn = job.drawn(intent)
    return drawn.paths.walks(drawn.first[_largest(drawn.draws, job.enumerated[intent])])


def _draws(job: Job, intent: int) -> Drawn:
    """Efraimidis and Spirakis's method: each sentence gets the key log(u) / p, and the
    largest keys come first. A sentence's p adds up the probabilities of its readings."""
    paths = job.walker.every_path(job.intents[intent])
    sentence, first = paths.sentences()
    probability = np.bincount(sentence, paths.probability, minlength=len(first))
    draws = np.log(stream(job.seed, 2, intent).random(len(first))) / probability
    if job.excluded:
        keys = paths.walks(first).keys()
        draws[[i for i, words in enumerate(keys) if (words, intent) in job.excluded]] = -np.inf
    return Drawn(paths, first, draws)


def _largest(values: np.ndarray, k: int) -> np.ndarray:
    """The indices of the `k` largest values, largest first (a partial sort)."""
    if k < len(values):
        chosen = np.argpartition(-values, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
    else:
        chosen = np.arange(len(values))
    keys = -values[chosen]
    order = np.argsort(keys)  # a quicker sort, the same order while no two keys are equal
    ranked = keys[order]
    if (ranked[1:] == ranked[:-1]).any():
        order = np.argsort(keys, kind="stable")
    return chosen[order]


@functools.cache
def keep_freed() -> None:
    """Have glibc's malloc keep up to `HEAP_PAD` bytes of freed memory instead of giving
    it back to the kernel: each block makes and frees the same large arrays, and memory
    fetched again from the kernel costs a page fault per page (a fifth of the CPU time
    of streaming a million jsonl sentences was the kernel's). Arrays below `MAPPED_ABOVE`
    (glibc's own ceiling for its adaptive threshold) come from the heap, not from a
    mapping of their own: a thread other than the main one (a Dask worker's) has a heap
    of its own that the pad does not reach, and there every block's arrays were mapped
    and unmapped afresh (a third of its CPU time). Once per process; nothing where the C
    library is not glibc."""
    if sys.platform.startswith("linux"):
        import ctypes

        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
        if mallopt is not None:
            mallopt(-2, HEAP_PAD)  # M_TOP_PAD
            mallopt(-3, MAPPED_ABOVE)  # M_MMAP_THRESHOLD


def run_block(job: Job, block: Block) -> Shard | Chunk | Written | Piece:
    """What a worker that was sent `job` gives back for `block` (it knows nothing of
    the sentences given before, so blocks run with `unique` come back line by line)."""
    keep_freed()
    if not job.joined:
        return job.run(block)
    if job.turns is not None:
        return job.turns.render(block.index, lambda: job.lines(block))
    chunk = job.lines(block)
    if job.pieces is None:
        return chunk
    return job.pieces.put(block.index, chunk.data, chunk.count)


def task_blocks(on_cluster: bool) -> int:
    """The most blocks `run` sends in one task to the process pool or to a cluster (fewer,
    so that each worker gets four tasks or more)."""
    return CLUSTER_TASK_BLOCKS if on_cluster else TASK_BLOCKS


def _shards(
    job: Job, blocks: list[Block], seen: set[SentenceKey], jobs: int, client, pool
) -> Iterator[Shard | Chunk | Written | Piece]:
    """The blocks' shards in block order, from `jobs` processes, the workers of a Dask
    `client`, or this process. In this process a block runs only once the one before it
    has been consumed, so it can skip what is already `seen` (other workers skip repeats
    within a block only)."""
    if client is None and jobs <= 1:
        run = run_block if job.joined else lambda job, block: job.run(block, seen)
        return (run(job, block) for block in blocks)
    most = task_blocks(client is not None)
    per_task = min(most, max(1, len(blocks) // (4 * parallel.workers(jobs, client))))
    shards = parallel.mapped(run_block, blocks, job, jobs, client, per_task, pool)
    if job.turns is not None:
        return _in_turn(job.turns, shards, blocks[-1].index + 1)
    return shards


def _in_turn(turns: Turns, written: Iterator[Written], blocks: int) -> Iterator[Written]:
    """What workers that write the `blocks` blocks into the output themselves give back;
    the last once every block is written (the workers still running: `turns.finish`).
    A block whose turn was abandoned raises the error that ended the turns."""
    from ..turns import Abandoned

    try:
        for done, block in enumerate(written, 1):
            if done == blocks:
                turns.finish(blocks)
            yield block
    except Abandoned:
        raise turns.failure() from None


def run(
    job: Job,
    counts: list[int],
    jobs: int = 1,
    seen: set[SentenceKey] | None = None,
    first: int = 0,
    client=None,
) -> Iterator[list | Chunk | Written | Piece]:
    """`counts[i]` sentences of intent i, mixed, rendered, a list per block (a `Chunk`
    per block for a `joined` job run by other workers, a `Written` with `job.turns`, a
    `Piece` with `job.pieces`);
    with `job.unique`, no repeated key (`seen` holds those already given). The first
    sentence is at position `first` of the output (what came before was given).
    `client`: a Dask client whose workers run the blocks instead of `jobs` processes."""
    seen = set() if seen is None else seen
    keep_freed()
    blocks = blocks_of(counts, job.seed, first=first)
    drawn = first + sum(counts)
    since_new = [0] * len(counts)
    here = False  # whether this round runs in this process, which skips what was seen
    with parallel.kept_pool(job, jobs, client) as pool:  # the same job every round
        while blocks:
            missing = [0] * len(counts)
            again = blocks[0].index > 0  # a round of repeats drawn again (`unique`)
            alone = again and (here or len(blocks) == 1)
            where = (1, None, None) if alone else (jobs, client, pool)
            for shard in _shards(job, blocks, seen, *where):
                if not job.unique:
                    yield shard.rendered if isinstance(shard, Shard) else shard  # or bytes
                    continue
                yield _fresh(shard, job, seen, since_new, missing)
            # Workers cannot skip what was seen, only drop it after: once most of a round
            # came back repeated, the rounds after it run here, skipping it as they walk
            # (a grammar of few sentences: 428 rounds of 50,000 took twice as long on
            # two workers as on one). So does such a round of one block, for which the
            # round trip costs more than it spares. The same bytes either way.
            here = here or 2 * sum(missing) > sum(sum(b.counts) for b in blocks)
            more = any(missing)
            blocks = blocks_of(missing, job.seed, blocks[-1].index + 1, drawn) if more else []
            drawn += sum(missing)


def _fresh(
    shard: Shard, job: Job, seen: set[SentenceKey], since_new: list[int], missing: list[int]
) -> list | Chunk:
    """The renderings of a shard's sentences not `seen` before (now seen), or its chunk
    (it holds those: the shard was run knowing `seen`); per intent, the repeats dropped
    are counted as `missing` and as draws `since_new`, and too many of these in a row is
    an error."""
    if shard.chunk is not None and not any(shard.keys):  # only enumerated: none repeats
        return shard.chunk
    kept: list = []
    for intent, key, rendered in zip(shard.order, shard.keys, shard.rendered):
        if key is None:
            kept.append(rendered)
            continue
        if rendered is not None and key not in seen:
            seen.add(key)
            since_new[intent] = 0
            kept.append(rendered)
            continue
        missing[intent] += 1
        since_new[intent] += 1
        if since_new[intent] > PATIENCE:
            raise UsageError(
                Wording(
                    "gave up finding a new sentence for intent {intent} after {patience} "
                    "draws; its remaining sentences are too unlikely under the weights (try "
                    "{all})",
                    intent=job.intents[intent],
                    patience=PATIENCE,
                )
            )
    return kept if shard.chunk is None else shard.chunk
