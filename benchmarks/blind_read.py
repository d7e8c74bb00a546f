"""A blind read of resampled utterances: SLURP devel resampled to N under each arm (by
default today's default, the kinds with the context gate at 2.0 and the join gate, and the
default before the kinds, the context gate at 0.5 with the join gate), 100 new utterances
drawn at random from each, shuffled together into one sheet that does not say which is
which. `--arms` picks other arms (`no gate`: `--no-context`; `gate 4 + kinds`: `--context
4 --kinds 0.3`); the sheets of seeds 0 and 7 were drawn with `--arms gate "no gate"`, that
of seed 11 with `--arms "gate + sub-types" gate`, that of seed 17 with `--arms "gate 4 +
kinds" gate`, that of seed 19 with `--arms "gate + kinds" gate`, that of seed 23 with
`--arms "gate 0.6 + joins" gate`, that of seed 29 with the default arms of then, "default"
and "gate" (the arms of the earlier sheets are drawn as they were, but for the kinds of
seeds 17 and 19, which were the kinds of one end, with two sightings: the tree of commit
e5822fe scores those sheets again).

The sheets of seeds 31, 37 and 43 compare a tree with the tree of commit e5822fe (`main`:
the context gate at 0.5 with the join gate, no kinds), each arm drawn by its own tree as
`sheet` draws it (the arms in that order, shuffled together); their `.arms.tsv` files say
which row is whose, and `score --key` counts them. Seed 37's other arm is commit a414f09
(marked forms, words said twice, one value twice), seed 43's commit 71d5e90 (today's
default); seed 31's was a trial not kept (the kinds of one end with 6 sightings, the
context gate at 2). The sheet of seed 47 compares today's default with a trial not kept,
both drawn by this tree (a value sharing the kind of every kinded end of the value it
replaces, words seen 10 times). The sheets of seeds 53 and 59 compare the default of the
commit that added them (a value's end of no kind takes no kinded place, a word alone in
its groups a kind of its own, the context gate at 2) with main at 82e9b6f (the rule
before, the context gate at 1), each arm drawn by its own tree as `sheet --arms default`
draws it, this tree's first, then shuffled together; `.arms.tsv` says whose each row is.
The sheets of seeds 67 and 71 set the default beside `real`, 100 utterances of SLURP
devel as they are (`--arms default real`): how the same reader reads the data itself.

    .venv/bin/python benchmarks/blind_read.py sheet [--data ../shared/data] [--seed 0] > sheet.tsv
    (judge each line: natural, awkward or unnatural, in the third column)
    .venv/bin/python benchmarks/blind_read.py score sheet.tsv [--data ../shared/data] [--seed 0]
    .venv/bin/python benchmarks/blind_read.py score sheet.tsv --key sheet.arms.tsv

`score` makes the same draws again (everything is seeded) to tell the two arms apart,
checks that the sheet holds the same utterances, and counts the judgments of each arm.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections import Counter
from pathlib import Path

from grammar_fst.data import formats, kinds, subtypes
from grammar_fst.data import resample as rs

logging.getLogger("grammar_fst").setLevel(logging.ERROR)
JUDGMENTS = ("natural", "awkward", "unnatural")
# arm -> the options of `resample.resample` it differs by from the defaults (None: off);
# the arms of the earlier sheets are as they were drawn, before the join gate
BEFORE = {"context": 0.4, "joins": None, "kinds": None}
# `real`: utterances of SLURP devel as they are, no swap: what the reader calls unnatural
# in the data itself, the floor a resampled arm is read against
ARMS: dict[str, dict | None] = {
    "default": {},
    "real": None,
    "before the kinds": {"context": 0.5, "kinds": None},
    "gate 0.6 + joins": {"context": 0.6, "kinds": None},
    "gate + kinds": {**BEFORE, "kinds": kinds.DEFAULT_SIMILARITY},
    "gate 4 + kinds": {**BEFORE, "context": 4.0, "kinds": kinds.DEFAULT_SIMILARITY},
    "gate + sub-types": {**BEFORE, "subtypes": subtypes.DEFAULT_SIMILARITY},
    "gate": BEFORE,
    "no gate": {**BEFORE, "context": None},
}
DEFAULT_ARMS = ("default", "before the kinds")


def draws(
    data: Path, n: int, size: int, seed: int = 0, arms: tuple[str, ...] = DEFAULT_ARMS
) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """(arm, annotated utterance) for the sheet, in sheet order; and per arm, the share of
    the values swapped in that the data holds once only."""
    utterances = list(formats.read(data / "slurp" / "devel.jsonl", "massive", on_error="skip"))
    seen = Counter((s.slot, s.value.casefold()) for u in utterances for s in u.slots)
    drawn, rare = [], {}
    for arm in arms:
        options = ARMS[arm]
        if options is None:  # the real utterances
            real = [u.annot_utt for u in utterances]
            drawn += [(arm, text) for text in random.Random(seed + 1).sample(real, size)]
            continue
        out, _, _ = rs.resample(utterances, n, seed=seed, **options)
        new = [g.utterance.annot_utt for g in out if g.swaps is not None]
        drawn += [(arm, text) for text in random.Random(seed + 1).sample(new, size)]
        swaps = [(s["slot"], s["to"].casefold()) for g in out for s in g.swaps or []]
        rare[arm] = sum(seen[swap] == 1 for swap in swaps) / len(swaps)
    random.Random(seed + 2).shuffle(drawn)
    return drawn, rare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("sheet", "score"))
    parser.add_argument("sheet", nargs="?", type=Path, help="the judged sheet (score)")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=100, help="utterances per arm")
    parser.add_argument("--seed", type=int, default=0, help="a new seed draws a new sheet")
    parser.add_argument(
        "--arms", nargs="+", choices=ARMS, default=DEFAULT_ARMS, help="what the sheet compares"
    )
    parser.add_argument("--key", type=Path, help="score: the arm of each row, from this file")
    args = parser.parse_args()
    if args.what == "score" and args.key is not None:
        print(scored(_rows(args.sheet), _rows(args.key), args.sheet))
        return
    if not (args.data / "slurp" / "devel.jsonl").is_file():
        sys.exit(f"no SLURP data in {args.data} (give --data): nothing to read")
    drawn, rare = draws(args.data, args.n, args.size, args.seed, tuple(args.arms))
    if args.what == "sheet":
        print("#\tutterance\tjudgment")
        for i, (_, text) in enumerate(drawn, 1):
            print(f"{i}\t{text}\t")
        return
    if args.sheet is None:
        sys.exit("score needs the judged sheet")
    rows = _rows(args.sheet)
    if [row[1] for row in rows] != [text for _, text in drawn]:
        sys.exit(f"{args.sheet}: not the sheet these draws give")
    print(scored(rows, [[row[0], arm] for (arm, _), row in zip(drawn, rows)], args.sheet, rare))


def _rows(path: Path) -> list[list[str]]:
    """The tab-separated rows of a sheet or key, without its header."""
    return [line.split("\t") for line in path.read_text("utf-8").splitlines()[1:]]


def scored(rows: list, arms: list, sheet: Path, rare: dict[str, float] | None = None) -> str:
    """The judgments of `rows` counted per arm (`arms`: row number, arm), as a table."""
    if [row[0] for row in rows] != [row[0] for row in arms]:
        sys.exit(f"{sheet}: its rows are not those of the key")
    counts: dict[str, Counter] = {}
    for (_, arm), row in zip(arms, rows):
        judgment = row[2].strip()
        if judgment not in JUDGMENTS:
            sys.exit(f"{sheet}: line {row[0]}: judgment {judgment!r} is not one of {JUDGMENTS}")
        counts.setdefault(arm, Counter())[judgment] += 1
    seen_once = " | swapped-in values seen once" if rare else ""
    lines = [
        "| arm | " + " | ".join(JUDGMENTS) + seen_once + " |",
        "| --- | " + " | ".join("---" for _ in JUDGMENTS) + " | ---" * bool(rare) + " |",
    ]
    for arm, counted in counts.items():
        share = (f" | {100 * rare[arm]:.1f}%" if arm in rare else " | -") if rare else ""
        lines.append(f"| {arm} | " + " | ".join(str(counted[j]) for j in JUDGMENTS) + share + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
