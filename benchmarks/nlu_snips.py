"""Downstream benchmark on SNIPS: is an NLU model trained on 50 golden utterances per intent
better with grammar-fst's synthetic data, and how close does it come to one trained on
the full training files?

The split (the same for every row and seed): per intent, a `--test-share` of
`train_<Intent>_full.json` is the test set, drawn from the utterances that are not in the
intent's pool `train_<Intent>.json` (compared by case-folded words); the rest of the full
file, with the pool, is the training side. The catalogues (one per intent and slot type)
hold the slot values of the training side only.

Per selection seed, `--golden` utterances per intent are drawn from the pool, and the
training sets are (sizes per intent; every set holds the golden utterances):

a. golden only;
b. + `--samples` sentences sampled from a grammar induced (`induce`, default lambda) from
   the intent's golden utterances with its catalogues, one size per row;
c. + guided resampling (`resample --per-intent`: Jaccard gate at its default threshold,
   entropy allocation within each intent) of all golden utterances, the catalogues bound
   to their intents (`--catalogue INTENT:SLOT=FILE`); and the same with the allocation
   pooled over all intents (resample's default), which skews the intents' shares;
d. + plain slot swapping: (c) without the gate (threshold 0), so a slot type's values
   flow between all intents that have it;
e. + half from the grammars (`sample --allocate entropy`) and half from guided resampling;
f. the ceiling: the training side of the full files, not seed-dependent, so trained once.

Grammar samples are drawn as `sample` draws by default (with replacement); resampling
gives distinct utterances. c, d and e make the largest `--samples` size in all, so that
they compare with b at equal size.

No test utterance and no value seen only in the test set reaches training. A synthetic
sentence can still say a test sentence word for word, from a carrier phrase and values of
the training side: "test said" gives the share of test utterances that a training set
holds so.
Each set is written as grammar-fst records (`.jsonl`) and read back to train the model
of `nlu_models` (TF-IDF + logistic regression for intents, a CRF for slots). The table
gives mean ± standard deviation over the seeds and the change against (a).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/nlu_snips.py [--data ../shared/data] [--seeds 5] [--jobs 2]
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

from nlu_models import CRF_ITERATIONS, Model, Scores, score
from snips_data import full_of, intents_in, pool_of, text_key, write_catalogues

import grammar_fst as gf
from grammar_fst import formats, resample
from grammar_fst.formats import jsonl
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
        Row("c_pooled", f"(c) + guided resampling, {largest}/intent on average, pooled"),
        Row("d", f"(d) + plain slot swapping, {largest}/intent"),
        Row("e", f"(e) + grammar & guided resampling, entropy, {largest}/intent"),
        Row(CEILING, "(f) full training files (ceiling)"),
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


def split(settings: Settings) -> Path:
    """Write the test set, the ceiling's training set and the catalogues; the ceiling's
    path. The test utterances are drawn with a fixed seed, whatever the selection seeds."""
    test, ceiling = [], []
    for intent in settings.intents:
        pool, full = pool_of(settings.data, intent), full_of(settings.data, intent)
        in_pool = {text_key(u) for u in pool}
        candidates = sorted({text_key(u) for u in full} - in_pool)
        size = min(len(candidates), round(settings.test_share * len(full)))
        held = set(random.Random(f"test {intent}").sample(candidates, size))
        chosen = {text_key(u): u for u in full if text_key(u) in held}  # one per sentence
        test += chosen.values()
        side = [u for u in full if text_key(u) not in held]
        ceiling += side
        write_catalogues([*side, *pool], settings.catalogues(intent))
    write_records(test, settings.test)
    return write_records(ceiling, settings.work / f"{CEILING}.jsonl")


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
        compiled[intent] = gf.load(path)
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
    made, _, _ = resample.resample(
        golden, total, seed, threshold, catalogues=catalogues, per_intent=per_intent
    )
    return [g.utterance for g in made]


def training_sets(job: tuple[Settings, int]) -> dict[str, Path]:
    """Write the seed's training sets (all rows but the ceiling); their paths by row."""
    settings, seed = job
    folder = settings.work / f"seed{seed}"
    by_intent = golden_of(settings, seed)
    golden = [u for utterances in by_intent.values() for u in utterances]
    compiled = grammars(settings, by_intent, folder / "grammars")
    largest = max(settings.samples)
    half = largest // 2
    sets: dict[str, list[gf.Utterance]] = {"a": golden}
    for n in settings.samples:
        sets[f"b{n}"] = golden + sampled(compiled, n, seed)
    sets["c"] = resampled(settings, golden, largest, seed)
    sets["c_pooled"] = resampled(settings, golden, largest, seed, per_intent=False)
    sets["d"] = resampled(settings, golden, largest, seed, gate=False)
    sets["e"] = resampled(settings, golden, half, seed) + sampled(
        compiled, largest - half, seed, allocate="entropy"
    )
    return {key: write_records(u, folder / f"{key}.jsonl") for key, u in sets.items()}


# -- training and scoring --------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    row: str
    seed: int | None  # None for the ceiling
    size: int
    seen: float  # share of the test utterances that the training set says word for word
    scores: Scores
    seconds: float


def train_and_score(job: tuple[str, int | None, Path, Path, int]) -> Result:
    row, seed, training, test, iterations = job
    started = time.perf_counter()
    utterances, truth = read_records(training), read_records(test)
    model = Model(utterances, iterations)
    scores = score(truth, model.predict(truth))
    said = {text_key(u) for u in utterances}
    seen = sum(text_key(u) in said for u in truth) / len(truth)
    return Result(row, seed, len(utterances), seen, scores, time.perf_counter() - started)


# -- the table -------------------------------------------------------------------------

MEASURES: tuple[tuple[str, Callable[[Scores], float]], ...] = (
    ("intent accuracy", lambda s: s.intent_accuracy),
    ("slot F1", lambda s: s.slot_f1),
    ("exact match", lambda s: s.exact_match),
)


def spread(values: Sequence[float]) -> str:
    """Mean ± standard deviation, in percent."""
    mean = 100 * statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.1f}"
    return f"{mean:.1f} ± {100 * statistics.stdev(values):.1f}"


def table(results: Sequence[Result], settings: Settings) -> str:
    """One line per row: size, then each measure with its change against (a)."""
    by_row: dict[str, list[Result]] = {}
    for r in results:
        by_row.setdefault(r.row, []).append(r)
    base = {name: statistics.fmean(get(r.scores) for r in by_row["a"]) for name, get in MEASURES}
    header = [
        "training set",
        "utterances",
        "test said %",
        *(f"{n} % (Δ vs a)" for n, _ in MEASURES),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows(settings):
        found = by_row.get(row.key)
        if not found:
            continue
        cells = [
            row.label,
            f"{statistics.fmean(r.size for r in found):,.0f}",
            f"{100 * statistics.fmean(r.seen for r in found):.1f}",
        ]
        for name, get in MEASURES:
            values = [get(r.scores) for r in found]
            change = 100 * (statistics.fmean(values) - base[name])
            cells.append(spread(values) + ("" if row.key == "a" else f" ({change:+.1f})"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline(results: Sequence[Result]) -> str:
    """The best synthetic row's slot F1 as a share of the ceiling's."""
    by_row: dict[str, list[float]] = {}
    for r in results:
        by_row.setdefault(r.row, []).append(r.scores.slot_f1)
    means = {row: statistics.fmean(v) for row, v in by_row.items()}
    synthetic = {row: m for row, m in means.items() if row not in ("a", CEILING)}
    best = max(synthetic, key=synthetic.__getitem__)
    ceiling, ceiling_size = means[CEILING], next(r.size for r in results if r.row == CEILING)
    return (
        f"best synthetic row ({best}): slot F1 {100 * means[best]:.1f}, "
        f"{100 * means[best] / ceiling:.0f}% of the ceiling's {100 * ceiling:.1f} "
        f"({ceiling_size:,} real utterances); golden only: {100 * means['a']:.1f} "
        f"({100 * means['a'] / ceiling:.0f}%)"
    )


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(settings: Settings, seeds: int, jobs: int) -> list[Result]:
    """Build every training set, then train and score a model on each, `jobs` at a time."""
    started = time.perf_counter()
    ceiling = split(settings)
    with ProcessPoolExecutor(jobs) as pool:
        sets = {}
        for seed, paths in enumerate(
            pool.map(training_sets, [(settings, s) for s in range(seeds)])
        ):
            sets[seed] = paths
            say(f"seed {seed}: training sets written ({time.perf_counter() - started:.0f} s)")
        work = [(CEILING, None, ceiling, settings.test, settings.iterations)]
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
    return results


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
    args = parser.parse_args(argv)
    if not intents_in(args.data):
        sys.exit(f"no SNIPS data in {args.data / 'snips'} (give --data): nothing to measure")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            args.data,
            args.work or Path(scratch),
            args.golden,
            args.samples,
            args.test_share,
            args.iterations,
        )
        results = run(settings, args.seeds, args.jobs)
    print(table(results, settings))
    print(f"\n{headline(results)}")
    say(f"wall time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
