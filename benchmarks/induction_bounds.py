"""What 50 golden utterances allow on the induction benchmark: n-gram closures of the
golden carrier phrases as reference points for `induction_snips.py`'s recall and precision.

Same draws as `induction_snips.py` (golden from `train_<Intent>.json`, held out = the rest
of the `_full` file, case-folded and delexicalized by the golden utterances' slots), and
the same measures as `grammar_fst.evaluate`:

- **vocabulary**: the share of held-out carrier phrases whose every word is a golden word,
  a ceiling on the delexicalized recall of any grammar that says only golden words;
- **closure n**: the share whose every n-gram (with sentence boundaries) is a golden
  n-gram: what an order-(n-1) Markov chain of the golden phrases accepts (n = 2 is
  Alergia's chain once every state with the same last word is merged);
- **precision n at temperature t**: the trigram precision of 1,000 random walks of that
  chain, each next word drawn in proportion to its golden count to the power `1/t`, with
  the distinct walks the golden phrases do not hold ("new"). Recall depends only on what a
  grammar accepts; the precision proxy also depends on how its weights spread the samples.

    .venv/bin/python benchmarks/induction_bounds.py [--data ../shared/data] [--seeds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from induction_snips import END, START, draw, floats, golden_slots, shape
from snips_data import INTENTS

from grammar_fst.evaluate import trigrams

SAMPLES, LONGEST = 1000, 60  # walks per chain; words a walk may say before it is cut


def ngrams(words: list[str], n: int) -> list[tuple[str, ...]]:
    padded = [START] * (n - 1) + words + [END]
    return [tuple(padded[i : i + n]) for i in range(len(padded) - n + 1)]


def chain(phrases: list[list[str]], n: int) -> dict[tuple[str, ...], Counter]:
    """The next words after each (n-1)-word history of the phrases, with their counts."""
    nexts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for words in phrases:
        for gram in ngrams(words, n):
            nexts[gram[:-1]][gram[-1]] += 1
    return nexts


def walk(nexts: dict, n: int, rng: random.Random, temperature: float) -> list[str]:
    history, words = (START,) * (n - 1), []
    while len(words) < LONGEST:
        options = nexts[history]
        word = rng.choices(list(options), [c ** (1 / temperature) for c in options.values()])[0]
        if word == END:
            break
        words.append(word)
        history = (*history[1:], word)
    return words


def measured(golden: list[list[str]], heldout: list[list[str]], seed: int, temperatures) -> dict:
    seen = set().union(*(trigrams(words) for words in heldout))
    vocabulary = {w for words in golden for w in words}
    said = {tuple(words) for words in golden}
    row = {"vocabulary": sum(set(h) <= vocabulary for h in heldout) / len(heldout)}
    for n in (2, 3, 4):
        grams = {g for words in golden for g in ngrams(words, n)}
        row[f"closure {n}"] = sum(set(ngrams(h, n)) <= grams for h in heldout) / len(heldout)
        nexts = chain(golden, n)
        for t in temperatures:
            rng = random.Random(seed)
            walks = [walk(nexts, n, rng, t) for _ in range(SAMPLES)]
            row[f"precision {n}, t={t:g}"] = sum(set(trigrams(w)) <= seen for w in walks) / SAMPLES
            row[f"new {n}, t={t:g}"] = len({tuple(w) for w in walks} - said)
    row["golden precision"] = sum(set(trigrams(w)) <= seen for w in golden) / len(golden)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--golden", type=int, default=50)
    parser.add_argument(
        "--temperatures", type=floats, default=floats("1,0.67,0.5"), help="of the chains' walks"
    )
    args = parser.parse_args()
    if not all((args.data / "snips" / f"train_{i}_full.json").is_file() for i in INTENTS):
        sys.exit(f"no SNIPS data in {args.data / 'snips'} (give --data): nothing to measure")
    if args.seeds < 1 or args.golden < 1 or not all(t > 0 for t in args.temperatures):
        sys.exit("--seeds and --golden must be at least 1, and every temperature above 0")
    temperatures = args.temperatures
    per_intent: dict[str, list[dict]] = defaultdict(list)
    for intent in INTENTS:
        for seed in range(args.seeds):
            golden, heldout = draw(args.data, intent, seed, args.golden)
            slots = golden_slots(golden)
            row = measured(
                [shape(u, slots) for u in golden],
                [shape(u, slots) for u in heldout],
                seed,
                temperatures,
            )
            per_intent[intent].append(row)
    columns = list(per_intent[INTENTS[0]][0])
    print(f"# {args.golden} golden utterances, seeds 0-{args.seeds - 1}: means\n")
    print("| intent | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    everything = [row for rows in per_intent.values() for row in rows]
    for name, rows in [*per_intent.items(), ("all", everything)]:
        cells = [sum(r[c] for r in rows) / len(rows) for c in columns]
        shown = [f"{v:.0f}" if c.startswith("new") else f"{v:.3f}" for c, v in zip(columns, cells)]
        print(f"| {name} | " + " | ".join(shown) + " |")


if __name__ == "__main__":
    main()
