"""How `--lambda auto` chooses, against other rules, on the SNIPS runs of
`induction_snips.py`: for each intent, selection seed and candidate lambda, with and without
`--reorder`, the cross-validated scores that `auto` sees (golden utterances only) and the
benchmark's scores of the grammar (held-out delexicalized recall, trigram precision).
Then each rule picks per run from what it may see, and the table gives the means of the
benchmark scores of its picks:

- `auto`'s own rule (`crossval.pick`) at several precision floors, without and with a
  choice of `--reorder` per intent (the one of the two picks with the higher
  cross-validated recall, without unless it recalls more than TIE more);
- the best cross-validated recall + k x precision;
- each fixed lambda, and two oracles that see the held-out scores (bounds, not rules).

    .venv/bin/python benchmarks/induction_lambda_choice.py [--data ../shared/data] [--seeds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from induction_snips import draw, grammar_score, row
from snips_data import INTENTS, full_of, write_catalogues

from grammar_fst.induction import crossval, induce
from grammar_fst.induction.incorporate import incorporate
from grammar_fst.induction.modifiers import induce_modifiers
from grammar_fst.induction.punctuation import strip

FLOORS = (0.2, 0.35, 0.5, 0.6)  # 0.35 is auto's
MIXES = (0.25, 0.5, 1.0)  # k of recall + k x precision


@dataclass(frozen=True)
class Candidate:
    """One lambda (with or without reorder) on one run: what auto sees, what it gets."""

    weight: float
    reorder: bool
    cv_recall: float
    cv_precision: float
    recall: float  # held-out delexicalized recall of the grammar
    precision: float  # its trigram precision


def candidates(task: tuple[Path, str, int, int]) -> list[Candidate]:
    """Every candidate of one (intent, seed) run."""
    data, intent, seed, samples = task
    golden, heldout = draw(data, intent, seed, 50)
    paths = {name: strip(said)[0] for name, said in incorporate(golden, True, "").paths.items()}
    reordered, _ = induce_modifiers(paths, lambda name: name, lambda step: None, {})
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalogues = write_catalogues(full_of(data, intent), folder)
        for reorder, seen in ((False, paths), (True, reordered)):
            for weight in crossval.CANDIDATES:
                cv = crossval.cross_validated(seen[intent], weight)
                induced = induce(
                    golden, weight=weight, catalogues=catalogues, base=folder, reorder=reorder
                )
                score = grammar_score("", induced.text(), heldout, folder, seed, samples)
                out.append(
                    Candidate(weight, reorder, *cv, score.delexicalized_recall, score.trigram)
                )
    return out


Rule = Callable[[list[Candidate]], Candidate]


def auto_rule(floor: float, reorder_choice: bool = False) -> Rule:
    """auto's own rule at `floor`, choosing reorder too when `reorder_choice`."""

    def rule(run: list[Candidate]) -> Candidate:
        picks = []
        for reorder in (False, True) if reorder_choice else (False,):
            mine = [c for c in run if c.reorder == reorder]
            scored = [(c.weight, c.cv_recall, c.cv_precision) for c in mine]
            picked = crossval.pick(scored, floor)
            weight = picked[0] if picked else 1.0  # induce's default when nothing recalls
            picks.append(next(c for c in mine if c.weight == weight))
        if len(picks) == 2 and picks[1].cv_recall > picks[0].cv_recall + crossval.TIE:
            return picks[1]
        return picks[0]

    return rule


def mixed(k: float) -> Rule:
    return lambda run: max(
        (c for c in run if not c.reorder),
        key=lambda c: (c.cv_recall + k * c.cv_precision, -c.weight),
    )


def fixed(weight: float, reorder: bool) -> Rule:
    return lambda run: next(c for c in run if c.weight == weight and c.reorder == reorder)


def table(runs: dict[tuple[str, int], list[Candidate]], rules: Sequence[tuple[str, Rule]]) -> None:
    intents = list(dict.fromkeys(intent for intent, _ in runs))
    print(row("rule", "delex recall", "trigram prec.", *intents))
    print(row(*["---"] * (len(intents) + 3)))
    for name, rule in rules:
        picks = {key: rule(run) for key, run in runs.items()}
        cells = []
        for intent in intents:
            mine = [c for (i, _), c in picks.items() if i == intent]
            cells.append(
                f"{statistics.fmean(c.recall for c in mine):.3f} / "
                f"{statistics.fmean(c.precision for c in mine):.3f}"
            )
        recall = statistics.fmean(c.recall for c in picks.values())
        precision = statistics.fmean(c.precision for c in picks.values())
        print(row(name, f"{recall:.3f}", f"{precision:.3f}", *cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=int, default=5, help="selection seeds 0 .. N-1")
    parser.add_argument("--samples", type=int, default=1000, help="sentences per precision")
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel")
    args = parser.parse_args()
    if not all((args.data / "snips" / f"train_{i}_full.json").is_file() for i in INTENTS):
        sys.exit(f"no SNIPS data in {args.data / 'snips'} (give --data): nothing to measure")
    keys = [(intent, seed) for intent in INTENTS for seed in range(args.seeds)]
    tasks = [(args.data, intent, seed, args.samples) for intent, seed in keys]
    runs = {}
    with ProcessPoolExecutor(args.jobs) as workers:
        for done, (key, result) in enumerate(zip(keys, workers.map(candidates, tasks)), 1):
            print(f"run {done}/{len(keys)}: {key[0]} seed {key[1]}", file=sys.stderr, flush=True)
            runs[key] = result
    rules: list[tuple[str, Rule]] = [(f"auto, floor {f:g}", auto_rule(f)) for f in FLOORS]
    rules += [(f"auto, floor {f:g}, reorder chosen", auto_rule(f, True)) for f in FLOORS]
    rules += [(f"best cv recall + {k:g} x precision", mixed(k)) for k in MIXES]
    rules += [
        (f"λ={w:g}" + " reorder" * r, fixed(w, r))
        for r in (False, True)
        for w in crossval.CANDIDATES
    ]
    rules.append(("oracle: best held-out recall", lambda run: max(run, key=lambda c: c.recall)))
    rules.append(
        (
            "oracle: best held-out recall + precision",
            lambda run: max(run, key=lambda c: c.recall + c.precision),
        )
    )
    print(f"# How auto chooses: {len(keys)} runs (intent x seed), 50 golden utterances\n")
    table(runs, rules)


if __name__ == "__main__":
    main()
