"""Grammar induction on SNIPS: Bayesian model merging (`induce`) against the golden
utterances as a literal grammar and against Alergia (aalpy), by held-out recall and by the
precision proxies of `grammar_fst.evaluate`.

For each intent and selection seed, `--golden` utterances are drawn from
`train_<Intent>.json`; the rest of `train_<Intent>_full.json` (by text) is held out, and
the slot values of the full file make the catalogues (one `.txt` per slot type, case-folded).

1. golden-only: one intent saying exactly the golden carrier phrases, slots from the
   catalogues;
2. Alergia: a Markov chain (aalpy, 'mc') learned on the delexicalized golden token
   sequences between explicit start and end tokens. It may be cyclic, so the metrics are
   computed on the chain itself, with evaluate's definitions: a held-out carrier phrase is
   recalled when it is a path from the start to the end token; samples are random walks.
   On 50 sequences the Hoeffding bound is loose, so eps matters little until near its
   maximum: 0.001 and 0.05 (aalpy's default) give the same chains, 1 keeps a few more
   states, and 2 keeps the prefix tree (the golden-only language); hence `--eps 0.05,1`;
3. BMM: `induce` at each lambda of `--lambdas` (`auto`, induce's default, chooses it per
   intent by cross-validation; a table says what it chose), and with reorderable
   modifiers at each lambda of `--reorder`; of 10,000 samples of each grammar, how many
   say a phrase of 3+ words twice back to back.

Then the time `induce` takes for 60 golden utterances of one intent and for 2,000 across
all seven intents, and for each intent's whole `_full` file and all seven at once,
against the targets (CPU seconds).

    .venv/bin/python benchmarks/induction_snips.py [--data ../shared/data] [--quick]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from snips_data import INTENTS, full_of, pool_of, text_key, write_catalogues

import grammar_fst as gf
from grammar_fst.evaluate import delexicalized, evaluate, normalized, trigrams
from grammar_fst.fst import labels
from grammar_fst.grm import ast as g
from grammar_fst.induction import AUTO, induce

START, END = "<s>", "</s>"  # Alergia's sequence boundaries; evaluate's trigram padding
MAX_WALK = 200  # tokens; a longer random walk of a cyclic chain is cut (and scored as is)
SMALL, LARGE = 60, 2000  # golden utterances timed
TARGETS = {SMALL: 2.0, LARGE: 60.0}  # induce seconds
ONE_INTENT, EVERY_FILE = 10.0, 60.0  # induce seconds: one intent's whole file, all seven
REPEAT_SAMPLES, REPEATED = 10_000, 3  # samples checked for a phrase of 3+ words said twice


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def shown(weight: float | str) -> str:
    """A lambda as the tables name it: `1.5`, or `auto`."""
    return weight if isinstance(weight, str) else f"{weight:g}"


@dataclass(frozen=True)
class Settings:
    """What every run shares."""

    data: Path
    golden: int
    samples: int
    lambdas: tuple[float | str, ...]  # a number, or AUTO: chosen per intent (the default)
    eps: tuple[float, ...]  # empty without aalpy
    reorder: tuple[float | str, ...] = ()  # lambdas also induced with reorderable modifiers


@dataclass
class Score:
    """One method on one (intent, seed) run; None where the method has no such measure."""

    method: str
    intent: str
    seed: int
    delexicalized_recall: float
    trigram: float
    template: float
    recall: float | None = None
    slot_recall: float | None = None
    rules: int | None = None
    sentences: int | None = None
    seconds: float | None = None  # learning time
    states: int | None = None  # Alergia's
    cyclic: bool | None = None  # Alergia's
    repeating: int | None = None  # of REPEAT_SAMPLES samples, those saying a phrase twice
    chosen: float | None = None  # the lambda `auto` chose


# -- data ------------------------------------------------------------------------------


def draw(
    data: Path, intent: str, seed: int, n: int
) -> tuple[list[gf.Utterance], list[gf.Utterance]]:
    """`n` golden utterances drawn from the intent's pool, and the full file without them."""
    golden = random.Random(seed).sample(pool_of(data, intent), n)
    seen = {text_key(u) for u in golden}
    return golden, [u for u in full_of(data, intent) if text_key(u) not in seen]


def shape(u: gf.Utterance, slots: Sequence[str]) -> list[str]:
    """The case-folded words of `u`, each value of `slots` replaced by its class symbol,
    exactly as evaluate delexicalizes held-out utterances."""
    return delexicalized(normalized(u, fold=True), slots)


def golden_slots(golden: Sequence[gf.Utterance]) -> list[str]:
    return sorted({s.slot for u in golden for s in u.slots})


# -- the methods -----------------------------------------------------------------------


def golden_grammar(golden: Sequence[gf.Utterance], intent: str, catalogues: dict) -> g.Grammar:
    """One intent: the alternation of the golden carrier phrases (weighted by their count),
    and a slot from its catalogue for every slot they use."""
    slots = golden_slots(golden)
    counts = Counter(tuple(shape(u, slots)) for u in golden)
    options = tuple(g.Option(_sequence(words), float(n)) for words, n in counts.items())
    body = options[0].expr if len(options) == 1 else g.Alternation(options)
    defined = [g.Slot(s, g.CatalogueRef(catalogues[s].name)) for s in slots if s in catalogues]
    return g.Grammar((g.Intent(intent, body), *defined))


def _sequence(words: Sequence[str]) -> g.Expr:
    """Words and slot class symbols as an expression."""
    items = []
    for word in words:
        tag = labels.parse_tag(word)
        items.append(g.SlotRef(tag[1]) if tag else g.Word(word))
    return items[0] if len(items) == 1 else g.Sequence(tuple(items))


def grammar_score(method: str, text: str, heldout, folder: Path, seed: int, samples: int) -> Score:
    """Evaluate the grammar `text`, saved in `folder` beside its catalogues, on `heldout`."""
    path = folder / "grammar.grm"
    path.write_text(text, encoding="utf-8")
    report = evaluate(gf.load(path), heldout, samples=samples, seed=seed)
    return Score(
        method,
        heldout[0].intent,
        seed,
        report.delexicalized_recall,
        report.trigram,
        report.template,
        recall=report.recall,
        slot_recall=report.slot_recall,
        rules=report.rules,
        sentences=report.sentences if report.sentences_exact else None,  # a bound: none
    )


class Chain:
    """A Markov chain learned by Alergia as plain tables: per state, the next state for each
    token and the tokens with their probabilities; a path ends on the END token's state."""

    def __init__(self, sequences: list[list[str]], eps: float):
        from aalpy.learning_algs import run_Alergia

        model = run_Alergia([[START, *s, END] for s in sequences], "mc", eps=eps)
        index = {state: i for i, state in enumerate(model.states)}
        self.start = index[model.initial_state]
        self.next = [{t.output: index[t] for t, _ in s.transitions} for s in model.states]
        self.probabilities = [[p for _, p in s.transitions] for s in model.states]
        self.tokens = [[t.output for t, _ in s.transitions] for s in model.states]

    def says(self, words: list[str]) -> bool:
        """Whether `words` then the end token is a path from the start."""
        state = self.start
        for word in [*words, END]:
            state = self.next[state].get(word)
            if state is None:
                return False
        return True

    def walk(self, rng: random.Random) -> list[str]:
        """A random sentence: tokens drawn by the learned probabilities until the end."""
        words, state = [], self.start
        while len(words) < MAX_WALK:
            word = rng.choices(self.tokens[state], self.probabilities[state])[0]
            if word == END:
                break
            words.append(word)
            state = self.next[state][word]
        return words

    def cyclic(self) -> bool:
        """Whether some state can be reached from itself (depth-first, iteratively)."""
        on_path, done = {self.start}, set()
        stack = [(self.start, iter(self.next[self.start].values()))]
        while stack:
            state, successors = stack[-1]
            child = next(successors, None)
            if child is None:
                stack.pop()
                on_path.discard(state)
                done.add(state)
            elif child in on_path:
                return True
            elif child not in done:
                on_path.add(child)
                stack.append((child, iter(self.next[child].values())))
        return False


def alergia_score(golden, heldout, intent: str, seed: int, eps: float, samples: int) -> Score:
    """Alergia on the golden carrier phrases, scored like evaluate scores a grammar."""
    slots = golden_slots(golden)
    start = time.perf_counter()
    chain = Chain([shape(u, slots) for u in golden], eps)
    seconds = time.perf_counter() - start
    shapes = [shape(u, slots) for u in heldout]
    templates = {tuple(s) for s in shapes}
    seen = {t for s in shapes for t in trigrams(s)}
    rng = random.Random(seed)
    drawn = [chain.walk(rng) for _ in range(samples)]
    return Score(
        f"Alergia eps={eps:g}",
        intent,
        seed,
        sum(map(chain.says, shapes)) / len(shapes),
        sum(set(trigrams(w)) <= seen for w in drawn) / len(drawn),
        sum(tuple(w) in templates for w in drawn) / len(drawn),
        seconds=seconds,
        states=len(chain.next),
        cyclic=chain.cyclic(),
    )


def run(task: tuple[str, int, Settings]) -> list[Score]:
    """Every method on one intent and selection seed."""
    intent, seed, settings = task
    golden, heldout = draw(settings.data, intent, seed, settings.golden)
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalogues = write_catalogues(full_of(settings.data, intent), folder)
        text = gf.format_grammar(golden_grammar(golden, intent, catalogues))
        scores.append(grammar_score("golden-only", text, heldout, folder, seed, settings.samples))
        for eps in settings.eps:
            scores.append(alergia_score(golden, heldout, intent, seed, eps, settings.samples))
        runs = [(w, False) for w in settings.lambdas] + [(w, True) for w in settings.reorder]
        for weight, reorder in runs:
            start = time.process_time()
            induced = induce(
                golden, weight=weight, catalogues=catalogues, base=folder, reorder=reorder
            )
            seconds = time.process_time() - start
            method = f"BMM λ={shown(weight)}" + " reorder" * reorder
            score = grammar_score(method, induced.text(), heldout, folder, seed, settings.samples)
            score.seconds = seconds
            if weight == AUTO:
                score.chosen = induced.lambdas[intent].weight
            score.repeating = repeating(gf.load(folder / "grammar.grm"), seed)
            scores.append(score)
    return scores


def repeats(words: list[str], shortest: int = REPEATED) -> bool:
    """Whether `words` say a phrase of `shortest` or more words twice back to back."""
    return any(
        words[i : i + n] == words[i + n : i + 2 * n]
        for n in range(shortest, len(words) // 2 + 1)
        for i in range(len(words) - 2 * n + 1)
    )


def repeating(grammar: gf.CompiledGrammar, seed: int) -> int:
    """How many of REPEAT_SAMPLES samples of `grammar` repeat a phrase back to back."""
    return sum(repeats(u.text.split()) for u in grammar.sample(REPEAT_SAMPLES, seed=seed))


# -- tables ----------------------------------------------------------------------------


def mean(values: list) -> float:
    return statistics.fmean(values)


def share(values: list) -> str:
    return "n/a" if None in values else f"{mean(values):.3f}"


def summary(scores: list[Score], runs: int) -> None:
    """Means over the runs, one row per method, in the order the methods ran."""
    methods = list(dict.fromkeys(s.method for s in scores))
    base = mean([s.delexicalized_recall for s in scores if s.method == "golden-only"])
    print(f"## Means over {runs} runs (intent x seed)\n")
    print(
        row(
            "method",
            "delex recall",
            "x golden-only",
            "trigram prec.",
            "template prec.",
            "recall",
            "slot recall",
            "rules",
            "sentences mean / median",
            "learn CPU s mean / max",
            f"repeating of {REPEAT_SAMPLES:,} (max)",
        )
    )
    print(row(*["---"] * 11))
    for method in methods:
        mine = [s for s in scores if s.method == method]
        delex = mean([s.delexicalized_recall for s in mine])
        rules = [s.rules for s in mine]
        sentences = [s.sentences for s in mine]
        if not all(isinstance(n, int) for n in sentences):  # a bound or a huge count
            sentences = [None]
        seconds = [s.seconds for s in mine]
        print(
            row(
                method,
                f"{delex:.3f}",
                f"{delex / base:.2f}" if base else "n/a",
                share([s.trigram for s in mine]),
                share([s.template for s in mine]),
                share([s.recall for s in mine]),
                share([s.slot_recall for s in mine]),
                "n/a" if None in rules else f"{mean(rules):.1f}",
                "n/a"
                if None in sentences
                else f"{mean(sentences):.2g} / {statistics.median(sentences):.2g}",
                "n/a" if None in seconds else f"{mean(seconds):.3f} / {max(seconds):.3f}",
                "n/a" if mine[0].repeating is None else max(s.repeating for s in mine),
            )
        )
    chains = [s for s in scores if s.states is not None]
    if chains:
        print(
            "\nAlergia's recall with values would equal its delexicalized recall (every "
            "held-out value is in its catalogue by construction), so it is left n/a."
        )
    for method in dict.fromkeys(s.method for s in chains):
        mine = [s for s in chains if s.method == method]
        cyclic = sum(bool(s.cyclic) for s in mine)
        states = mean([s.states for s in mine])
        print(f"{method}: {states:.1f} states on average, {cyclic} of {len(mine)} cyclic.")


def per_intent(scores: list[Score]) -> None:
    """Delexicalized recall / trigram precision per intent, means over the seeds; then the
    lambdas `auto` chose, per intent, one per seed."""
    intents = list(dict.fromkeys(s.intent for s in scores))
    intent_table(
        "Per intent: delexicalized recall / trigram precision (means over seeds)",
        scores,
        intents,
        lambda mine: (
            f"{mean([s.delexicalized_recall for s in mine]):.3f} / "
            f"{mean([s.trigram for s in mine]):.3f}"
        ),
    )
    intent_table(
        "The lambdas auto chose (per intent, seeds 0, 1, ...)",
        [s for s in scores if s.chosen is not None],
        intents,
        lambda mine: ", ".join(f"{s.chosen:g}" for s in sorted(mine, key=lambda s: s.seed)),
    )


def intent_table(title: str, scores: list[Score], intents: list[str], cell) -> None:
    """A table of one row per method of `scores` and one `cell` per intent, made from the
    method's scores of that intent (nothing when `scores` is empty)."""
    methods = list(dict.fromkeys(s.method for s in scores))
    if not methods:
        return
    print(f"\n## {title}\n")
    print(row("method", *intents))
    print(row(*["---"] * (len(intents) + 1)))
    for method in methods:
        cells = [
            cell([s for s in scores if s.method == method and s.intent == intent])
            for intent in intents
        ]
        print(row(method, *cells))


# -- timing ----------------------------------------------------------------------------


def timed_induce(golden, catalogues, folder: Path, weight: float | str, repeats: int) -> float:
    """The median of `repeats` induce times, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        induce(golden, weight=weight, catalogues=catalogues, base=folder)
        times.append(time.process_time() - start)
    return statistics.median(times)


def timing_sets(data: Path) -> list[tuple[list[gf.Utterance], list[gf.Utterance]]]:
    """Golden utterances and the utterances whose values make the catalogues: the first
    SMALL of PlayMusic's pool with its full file, and LARGE drawn across the pools of all
    intents (seed 0, as evenly as can be) with all the full files."""
    small = list(pool_of(data, "PlayMusic")[:SMALL])
    rng = random.Random(0)
    size, extra = divmod(LARGE, len(INTENTS))
    large = [
        u
        for i, intent in enumerate(INTENTS)
        for u in rng.sample(pool_of(data, intent), size + (i < extra))
    ]
    everything = [u for intent in INTENTS for u in full_of(data, intent)]
    return [(small, list(full_of(data, "PlayMusic"))), (large, everything)]


def timing(data: Path, lambdas: Sequence[float | str], repeats: int = 3) -> None:
    """Induce time against the targets, at each lambda (median of `repeats` runs)."""
    print(f"\n## Induce time (median of {repeats} runs, seconds; ✗ misses the target)\n")
    print(row("golden utterances", "target", *(f"λ={shown(w)}" for w in lambdas)))
    print(row(*["---"] * (len(lambdas) + 2)))
    for golden, values in timing_sets(data):
        target = TARGETS[len(golden)]
        with tempfile.TemporaryDirectory() as tmp:
            catalogues = write_catalogues(values, Path(tmp))
            cells = []
            for weight in lambdas:
                print(f"timing {len(golden)} at λ={shown(weight)}", file=sys.stderr, flush=True)
                seconds = timed_induce(golden, catalogues, Path(tmp), weight, repeats)
                cells.append(f"{seconds:.2f}" + (" ✗" if seconds > target else ""))
        print(row(f"{len(golden):,}", f"≤ {target:g}", *cells))


def whole_files(data: Path) -> None:
    """Induce CPU time of each intent's whole `_full` file, then of all seven at once (with
    progress on standard error), at the default settings, once each."""
    print("\n## Whole files at the default settings (CPU seconds, once; ✗ misses the target)\n")
    print(row("golden utterances", "utterances", "target", "CPU s", "rules"))
    print(row(*["---"] * 5))
    sets = [(intent, list(full_of(data, intent)), ONE_INTENT) for intent in INTENTS]
    sets.append(("all seven", [u for _, us, _ in sets for u in us], EVERY_FILE))
    for name, golden, target in sets:
        with tempfile.TemporaryDirectory() as tmp:
            catalogues = write_catalogues(golden, Path(tmp))
            print(f"timing {name} ({len(golden):,})", file=sys.stderr, flush=True)
            start = time.process_time()
            induced = induce(golden, catalogues=catalogues, base=Path(tmp), progress=_progress)
            seconds = time.process_time() - start
        mark = " ✗" if seconds > target else ""
        print(
            row(
                name,
                f"{len(golden):,}",
                f"≤ {target:g}",
                f"{seconds:.1f}{mark}",
                len(induced.grammar.rules),
            )
        )


def _progress(intents: list[str]):
    """Induce's progress: each intent on standard error as it is learned."""
    for done, intent in enumerate(intents, 1):
        print(f"  learning {intent} ({done}/{len(intents)})", file=sys.stderr, flush=True)
        yield intent


# -- main ------------------------------------------------------------------------------


def aalpy_available() -> bool:
    try:
        import aalpy  # noqa: F401
    except ImportError:
        return False
    return True


def compare(settings: Settings, intents: Sequence[str], seeds: int, jobs: int) -> None:
    """Every method on every (intent, seed) run, `jobs` runs at a time; the tables. (A
    process pool that fails loudly should a worker die, where multiprocessing.Pool hangs.)"""
    tasks = [(intent, seed, settings) for intent in intents for seed in range(seeds)]
    scores: list[Score] = []
    with ProcessPoolExecutor(jobs) as workers:
        for done, result in enumerate(workers.map(run, tasks), 1):
            where = f"{result[0].intent} seed {result[0].seed}"
            print(f"run {done}/{len(tasks)}: {where}", file=sys.stderr, flush=True)
            scores += result
    print(
        f"# Induction on SNIPS: {settings.golden} golden utterances, "
        f"{settings.samples} samples per precision\n"
    )
    summary(scores, len(tasks))
    per_intent(scores)


def floats(text: str) -> tuple[float, ...]:
    """Comma-separated numbers; empty for none."""
    return tuple(float(x) for x in text.split(",") if x)


def lambdas(text: str) -> tuple[float | str, ...]:
    """Comma-separated lambdas, each a number or `auto`; empty for none."""
    return tuple(x if x == AUTO else float(x) for x in text.split(",") if x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=int, default=5, help="selection seeds 0 .. N-1")
    parser.add_argument("--golden", type=int, default=50, help="golden utterances per run")
    parser.add_argument("--samples", type=int, default=1000, help="sentences per precision")
    parser.add_argument(
        "--lambdas",
        type=lambdas,
        default=lambdas("auto,0.5,1,1.5,2,3"),
        help="lambdas induced (auto: chosen per intent, the default of induce)",
    )
    parser.add_argument(
        "--reorder", type=lambdas, default=lambdas("1,3"), help="lambdas also run with --reorder"
    )
    parser.add_argument(
        "--eps", type=floats, default=floats("0.05,1"), help="Alergia's eps ('': no Alergia)"
    )
    parser.add_argument("--intents", type=lambda t: tuple(t.split(",")), default=INTENTS)
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel")
    parser.add_argument("--quick", action="store_true", help="1 seed, 2 intents")
    parser.add_argument("--timing-only", action="store_true")
    parser.add_argument("--no-timing", action="store_true", help="the comparison tables only")
    args = parser.parse_args()
    if not all((args.data / "snips" / f"train_{i}_full.json").is_file() for i in INTENTS):
        sys.exit(f"no SNIPS data in {args.data / 'snips'} (give --data): nothing to measure")
    unknown = set(args.intents) - set(INTENTS)
    if unknown:
        sys.exit(f"unknown intents {', '.join(sorted(unknown))}; SNIPS has {', '.join(INTENTS)}")
    started = time.perf_counter()
    if not args.timing_only:
        eps = args.eps
        if not aalpy_available():
            print(
                "aalpy is not installed (pip install '.[bench]'): no Alergia row", file=sys.stderr
            )
            eps = ()
        settings = Settings(args.data, args.golden, args.samples, args.lambdas, eps, args.reorder)
        seeds, intents = (1, args.intents[:2]) if args.quick else (args.seeds, args.intents)
        compare(settings, intents, seeds, args.jobs)
    if not args.no_timing:
        timing(args.data, args.lambdas)
        whole_files(args.data)
    print(f"\nWall time: {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
