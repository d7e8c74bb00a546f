"""Downstream benchmark on SNIPS: is an NLU model trained on 50 golden utterances per intent
better with grammar-fst's synthetic data, and how close does it come to one trained on
the full training files?

The split (the same for every row and seed): per intent, a `--test-share` of
`train_<Intent>_full.json` is the test set, drawn from the sentences that are not in the
intent's pool `train_<Intent>.json` (sentences compared by their case-folded words,
punctuation aside); the rest of the full file, with the pool, is the training side. The
catalogues (one per intent and slot type) hold the slot values of the training side only.

Per selection seed, `--golden` utterances per intent are drawn from the pool (as the
induction benchmark draws them), and the training sets are (every set holds the golden
utterances; sizes per intent):

a. golden only;
b. + `--samples` sentences sampled from a grammar induced (`induce`, default lambda) from
   the intent's golden utterances with its catalogues, one size per row;
c. + guided resampling (`resample --per-intent`: Jaccard gate at its default threshold,
   context gate at its default evidence, entropy allocation within each intent) of all
   golden utterances, the catalogues bound to their intents (`--catalogue
   INTENT:SLOT=FILE`);
c0. the same without the context gate (`--no-context`);
c′. the same with the allocation pooled over all intents (resample's default), which
   gives the intents unequal shares;
d. + plain slot swapping: (c) without the gate (threshold 0), so a slot type's values
   flow between all intents that have it;
e. + half from the grammars (`sample --allocate entropy`) and half from guided resampling;
f. the ceiling: the training side of the full files; it does not depend on the seed, so
   it is trained once and compared with each seed's (a).

Grammar samples are drawn as `sample` draws by default (with replacement: the "distinct"
column counts sentences); resampling gives distinct utterances. c, c′, d and e make the
largest `--samples` size in all, so that they compare with b at equal size. `--rows`
builds and trains some rows only (a always, as the baseline of the changes).

No test utterance and no value seen only in the test set reaches training. A synthetic
sentence can still say a test sentence word for word, from a carrier phrase and values of
the training side: "test said" gives the share of test utterances that a training set
holds so.

Each set is written as grammar-fst records (`.jsonl`) and read back to train the model
of `nlu_models` (TF-IDF + logistic regression for intents, a CRF for slots). The tables
give mean ± standard deviation over the seeds, then the change against (a) seed by seed.
The last line compares rows a, b (largest) and e with the ceiling: rows named in
advance, not the best of the table.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/nlu_snips.py [--data ../shared/data] [--seeds 5] [--jobs 2]
        [--rows a,b2000,c,c0]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlu_models import CRF_ITERATIONS, Model, Scores, score, sentence_key
from snips_data import INTENTS, catalogue_value, full_of, intents_in, pool_of, write_catalogues
from threadpoolctl import threadpool_limits

import grammar_fst as gf
from grammar_fst.data import context, formats, resample
from grammar_fst.data.formats import jsonl
from grammar_fst.induction import induce

CEILING = "f"


@dataclass(frozen=True)
class Settings:
    """What every run shares."""

    data: Path
    work: Path  # training sets, catalogues and grammars are written here
    golden: int  # per intent
    samples: tuple[int, ...]  # synthetic utterances per intent, one b row each
    test_share: float
    iterations: int
    only: frozenset[str] | None = None  # the rows to build and train (None: all)

    def wants(self, row: str) -> bool:
        return self.only is None or row in self.only

    @property
    def intents(self) -> tuple[str, ...]:
        return intents_in(self.data)

    @property
    def test(self) -> Path:
        return self.work / "test.jsonl"

    def catalogues(self, intent: str) -> Path:
        return self.work / "catalogues" / intent


@dataclass(frozen=True)
class Row:
    key: str  # a, b500, ...; the file name of its training set
    label: str


def rows(settings: Settings) -> list[Row]:
    largest = f"{max(settings.samples):,}"
    return [
        Row("a", "(a) golden only"),
        *(Row(f"b{n}", f"(b) + induced grammar, {n:,}/intent") for n in settings.samples),
        Row("c", f"(c) + guided resampling, {largest}/intent"),
        Row("c0", f"(c0) + guided resampling without the context gate, {largest}/intent"),
        Row("c_pooled", f"(c′) + guided resampling, pooled: {largest}/intent on average"),
        Row("d", f"(d) + plain slot swapping, {largest}/intent"),
        Row("e", f"(e) + grammar & guided resampling, entropy, {largest}/intent"),
        Row(CEILING, "(f) training side of the full files (ceiling)"),
    ]


def write_records(utterances: Iterable[gf.Utterance], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (jsonl.line(u, i) + "\n" for i, u in enumerate(utterances))
    path.write_text("".join(lines), encoding="utf-8")
    return path


@cache
def read_records(path: Path) -> tuple[gf.Utterance, ...]:
    return tuple(formats.read(path, "jsonl"))


# -- the split -------------------------------------------------------------------------


def split(settings: Settings) -> tuple[Path, float]:
    """Write the test set, the ceiling's training set and the catalogues; the ceiling's
    path, and the share of the test set's slot values that the catalogues hold. The test
    utterances are drawn with a fixed seed, whatever the selection seeds."""
    test, ceiling, held_values = [], [], []
    for intent in settings.intents:
        pool, full = pool_of(settings.data, intent), full_of(settings.data, intent)
        in_pool = {sentence_key(u) for u in pool}
        candidates = sorted({sentence_key(u) for u in full} - in_pool)
        size = min(len(candidates), round(settings.test_share * len(full)))
        held = set(random.Random(f"test {intent}").sample(candidates, size))
        chosen = {sentence_key(u): u for u in full if sentence_key(u) in held}  # the last copy
        test += chosen.values()
        side = [u for u in full if sentence_key(u) not in held]
        ceiling += side
        catalogues = write_catalogues([*side, *pool], settings.catalogues(intent))
        known = {
            slot: set(path.read_text("utf-8").splitlines()) for slot, path in catalogues.items()
        }
        held_values += [
            catalogue_value(s.value) in known.get(s.slot, set())
            for u in chosen.values()
            for s in u.slots
        ]
    write_records(test, settings.test)
    coverage = statistics.fmean(held_values) if held_values else 1.0
    return write_records(ceiling, settings.work / f"{CEILING}.jsonl"), coverage


# -- the training sets of one seed -----------------------------------------------------


def golden_of(settings: Settings, seed: int) -> dict[str, list[gf.Utterance]]:
    return {
        intent: random.Random(seed).sample(pool_of(settings.data, intent), settings.golden)
        for intent in settings.intents
    }


def bound_catalogues(settings: Settings, intent: str) -> dict[str, Path]:
    return {f.stem: f for f in sorted(settings.catalogues(intent).glob("*.txt"))}


def grammars(settings: Settings, golden: dict[str, list[gf.Utterance]], into: Path) -> dict:
    """Per intent, the grammar induced from its golden utterances, compiled."""
    compiled = {}
    for intent, utterances in golden.items():
        path = into / f"{intent}.grm"
        into.mkdir(parents=True, exist_ok=True)
        result = induce(utterances, catalogues=bound_catalogues(settings, intent), base=into)
        path.write_text(result.text(f"{settings.golden} golden utterances"), encoding="utf-8")
        compiled[intent] = gf.load(path, allow=[settings.catalogues(intent)])
    return compiled


def sampled(compiled: dict, n: int, seed: int, allocate: str | None = None) -> list:
    """`n` sentences per intent from its grammar, drawn as `sample` draws by default."""
    return [
        u for grammar in compiled.values() for u in grammar.sample(n, seed=seed, allocate=allocate)
    ]


def resampled(
    settings: Settings,
    golden: list[gf.Utterance],
    n: int,
    seed: int,
    gate: bool = True,
    per_intent: bool = True,
    with_context: bool = True,
) -> list[gf.Utterance]:
    """The golden utterances and `n` per intent (on average, unless `per_intent`) made from
    them by swapping slot values."""
    catalogues = {
        f"{intent}:{slot}": gf.read_catalogue(path)
        for intent in settings.intents
        for slot, path in bound_catalogues(settings, intent).items()
        if any(s.slot == slot for u in golden if u.intent == intent for s in u.slots)
    }
    threshold = resample.DEFAULT_THRESHOLD if gate else 0.0
    total = len(golden) + n * len(settings.intents)
    evidence = context.DEFAULT_EVIDENCE if with_context else None
    made, _, _ = resample.resample(
        golden,
        total,
        seed,
        threshold,
        catalogues=catalogues,
        per_intent=per_intent,
        context=evidence,
    )
    return [g.utterance for g in made]


def training_sets(job: tuple[Settings, int]) -> dict[str, Path]:
    """Write the seed's training sets (all rows but the ceiling); their paths by row."""
    settings, seed = job
    folder = settings.work / f"seed{seed}"
    by_intent = golden_of(settings, seed)
    golden = [u for utterances in by_intent.values() for u in utterances]
    largest = max(settings.samples)
    half = largest // 2
    grammar_rows = {f"b{n}" for n in settings.samples} | {"e"}
    wanted = settings.wants
    compiled = (
        grammars(settings, by_intent, folder / "grammars") if any(map(wanted, grammar_rows)) else {}
    )
    made: dict[str, Callable[[], list[gf.Utterance]]] = {"a": lambda: golden}
    for n in settings.samples:
        made[f"b{n}"] = lambda n=n: golden + sampled(compiled, n, seed)
    made["c"] = lambda: resampled(settings, golden, largest, seed)
    made["c0"] = lambda: resampled(settings, golden, largest, seed, with_context=False)
    made["c_pooled"] = lambda: resampled(settings, golden, largest, seed, per_intent=False)
    made["d"] = lambda: resampled(settings, golden, largest, seed, gate=False)
    made["e"] = lambda: (
        resampled(settings, golden, half, seed)
        + sampled(compiled, largest - half, seed, allocate="entropy")
    )
    return {
        key: write_records(make(), folder / f"{key}.jsonl")
        for key, make in made.items()
        if key == "a" or wanted(key)
    }


# -- training and scoring --------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    row: str
    seed: int | None  # None for the ceiling
    size: int
    distinct: int  # sentences, by `sentence_key`
    seen: float  # share of the test utterances that the training set says word for word
    scores: Scores
    seconds: float


def train_and_score(job: tuple[str, int | None, Path, Path, int]) -> Result:
    row, seed, training, test, iterations = job
    started = time.perf_counter()
    utterances, truth = read_records(training), read_records(test)
    with threadpool_limits(1):  # one core per process: `jobs` processes share the machine
        model = Model(utterances, iterations)
        scores = score(truth, model.predict(truth))
    said = {sentence_key(u) for u in utterances}
    seen = sum(sentence_key(u) in said for u in truth) / len(truth)
    seconds = time.perf_counter() - started
    return Result(row, seed, len(utterances), len(said), seen, scores, seconds)


# -- the table -------------------------------------------------------------------------

MEASURES: tuple[tuple[str, Callable[[Scores], float]], ...] = (
    ("intent accuracy", lambda s: s.intent_accuracy),
    ("slot F1", lambda s: s.slot_f1),
    ("exact match", lambda s: s.exact_match),
)


def spread(values: Sequence[float], signed: bool = False) -> str:
    """Mean ± standard deviation, in percentage points."""
    mean = f"{100 * statistics.fmean(values):{'+' if signed else ''}.1f}"
    return f"{mean} ± {100 * statistics.stdev(values):.1f}" if len(values) > 1 else mean


def _by_row(results: Sequence[Result]) -> dict[str, dict[int | None, Result]]:
    by_row: dict[str, dict[int | None, Result]] = {}
    for r in results:
        by_row.setdefault(r.row, {})[r.seed] = r
    return by_row


def _markdown(header: Sequence[str], lines: Iterable[Sequence[str]]) -> str:
    rows_ = [header, ["---"] * len(header), *lines]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in rows_)


def table(results: Sequence[Result], settings: Settings) -> str:
    """Two tables, one line per training set: its sizes, how much of the test set it says
    word for word, and each measure (mean ± standard deviation over the seeds); then each
    measure's change against (a), seed by seed (the ceiling against each seed's a)."""
    by_row = _by_row(results)
    scores, changes = [], []
    for row in rows(settings):
        found = by_row.get(row.key)
        if not found:
            continue
        runs = list(found.values())
        scores.append(
            [
                row.label,
                f"{statistics.fmean(r.size for r in runs):,.0f}",
                f"{statistics.fmean(r.distinct for r in runs):,.0f}",
                f"{100 * statistics.fmean(r.seen for r in runs):.1f}",
                *(spread([get(r.scores) for r in runs]) for _, get in MEASURES),
            ]
        )
        if row.key != "a":
            base = by_row["a"]
            if None in found:  # the ceiling: against each seed's golden-only model
                pairs = [(found[None], a) for a in base.values()]
            else:
                pairs = [(r, base[seed]) for seed, r in found.items()]
            changes.append(
                [
                    row.label,
                    *(
                        spread([get(r.scores) - get(a.scores) for r, a in pairs], signed=True)
                        for _, get in MEASURES
                    ),
                ]
            )
    names = [f"{name} %" for name, _ in MEASURES]
    return (
        _markdown(["training set", "utterances", "distinct", "test said %", *names], scores)
        + "\n\nChange against (a), in points (mean ± standard deviation of the seeds' changes):\n\n"
        + _markdown(["training set", *names], changes)
    )


def headline(results: Sequence[Result], settings: Settings) -> str:
    """Slot F1 of the largest grammar row and of grammar + resampling (chosen before the
    runs, not picked by their scores), as shares of the ceiling's."""
    by_row = _by_row(results)
    named = ("a", f"b{max(settings.samples)}", "e", CEILING)
    if not all(row in by_row for row in named):
        return "Slot F1 against the ceiling: not all of rows " + ", ".join(named) + " were run"

    def f1(row: str) -> float:
        return statistics.fmean(r.scores.slot_f1 for r in by_row[row].values())

    ceiling = by_row[CEILING][None]
    parts = [
        f"{label}: {100 * f1(row):.1f} ({100 * f1(row) / f1(CEILING):.0f}%)"
        for row, label in (
            ("a", "golden only"),
            (f"b{max(settings.samples)}", "golden + grammar (b)"),
            ("e", "golden + grammar + resampling (e)"),
        )
    ]
    return (
        f"Slot F1 against the ceiling ({ceiling.size:,} real utterances): "
        f"{100 * f1(CEILING):.1f}; " + "; ".join(parts)
    )


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(settings: Settings, seeds: int, jobs: int) -> tuple[list[Result], float]:
    """Build every training set, then train and score a model on each, `jobs` at a time;
    the results, and the share of the test set's slot values in the catalogues."""
    started = time.perf_counter()
    ceiling, coverage = split(settings)
    with ProcessPoolExecutor(jobs) as pool:
        sets = {}
        for seed, paths in enumerate(
            pool.map(training_sets, [(settings, s) for s in range(seeds)])
        ):
            sets[seed] = paths
            say(f"seed {seed}: training sets written ({time.perf_counter() - started:.0f} s)")
        work = [(CEILING, None, ceiling, settings.test, settings.iterations)]
        work = work if settings.wants(CEILING) else []
        work += [
            (row, seed, path, settings.test, settings.iterations)
            for seed, paths in sets.items()
            for row, path in paths.items()
        ]
        work.sort(key=lambda job: -len(read_records(job[2])))  # largest first: fewer idle ends
        results = []
        for result in pool.map(train_and_score, work):
            results.append(result)
            say(
                f"{len(results)}/{len(work)}: {result.row} seed {result.seed}: "
                f"{result.size:,} utterances, {result.seconds:.0f} s"
            )
    return results, coverage


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=int, default=5, help="selection seeds 0 .. N-1")
    parser.add_argument("--golden", type=int, default=50, help="golden utterances per intent")
    parser.add_argument(
        "--samples",
        type=lambda t: tuple(int(x) for x in t.split(",")),
        default=(500, 2000),
        help="synthetic utterances per intent, one (b) row each (default: 500,2000)",
    )
    parser.add_argument("--test-share", type=float, default=0.2, help="of each full file")
    parser.add_argument("--iterations", type=int, default=CRF_ITERATIONS, help="CRF passes")
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--work", type=Path, help="keep the training sets in this folder")
    parser.add_argument(
        "--rows",
        type=lambda t: frozenset(t.split(",")),
        help="build and train these rows only, by key: a, b<N>, c, c0, c_pooled, d, e, f "
        "(default: all; a is always run)",
    )
    args = parser.parse_args(argv)
    if not intents_in(args.data):
        sys.exit(f"no SNIPS data in {args.data / 'snips'} (give --data): nothing to measure")
    if set(intents_in(args.data)) != set(INTENTS):
        say(f"note: not the 7 SNIPS intents but {', '.join(intents_in(args.data))}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            args.data,
            args.work or Path(scratch),
            args.golden,
            args.samples,
            args.test_share,
            args.iterations,
            args.rows,
        )
        unknown = sorted((args.rows or set()) - {row.key for row in rows(settings)})
        if unknown:
            sys.exit(f"no such row: {', '.join(unknown)}")
        results, coverage = run(settings, args.seeds, args.jobs)
    print(table(results, settings))
    print(f"\nThe catalogues hold {100 * coverage:.1f}% of the test set's slot values.")
    print(f"\n{headline(results, settings)}")
    say(f"wall time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
