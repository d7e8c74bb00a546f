"""The whole `grammar-fst resample` command, as a user runs it: reading the data,
resampling, writing the records (jsonl with their provenance). CPU seconds of each run
in its own process, this tree against another in the same run, and whether both trees
write the same bytes.

    nice python benchmarks/resample_command.py --before OLD_TREE [--data ../shared/data]

Rows: SLURP devel (2,033 records, 2,029 read; MASSIVE annotation) to 20,000, the issue's
"2,000 utterances to 20,000" target; the same written as MASSIVE records (no
provenance); SNIPS GetWeather's `_full` file (2,000 utterances) to 20,000; Thai TOD
(`train-th.tsv`, 2,156 rows) to 20,000. `--before` names the root of another checkout
(e.g. `git worktree add /tmp/old main`): its runs take turns with this tree's, run by
run, so that a drift of the machine's speed falls on both. Each figure is user + system
seconds of the command's process (`os.wait4`, see measure.py).

Commands run as an installed package runs: with its bytecode cached (PYTHONDONTWRITEBYTECODE
is dropped and every command runs once before the measured runs).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
from pathlib import Path

from measure import measure

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("grammar-fst")  # the console script, as users run it
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "grammar_fst"]
ROWS = {  # the row's name: the data file (under --data) and the options
    "SLURP devel -> 20,000, jsonl": ("slurp/devel.jsonl", ["--on-error", "skip"]),
    "SLURP devel -> 20,000, massive": (
        "slurp/devel.jsonl",
        ["--on-error", "skip", "--to", "massive"],
    ),
    "SNIPS GetWeather -> 20,000, jsonl": ("snips/train_GetWeather_full.json", []),
    "Thai TOD -> 20,000, jsonl": ("tod/train-th.tsv", ["--on-error", "skip"]),
}


def command(data: Path, row: str, output: Path) -> list[str]:
    path, options = ROWS[row]
    return [*COMMAND, "resample", str(data / path), "-n", "20000", *options, "-o", str(output)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default: 5)")
    parser.add_argument("--before", type=Path, metavar="TREE", help="another source tree")
    parser.add_argument("--rows", help="the rows to run, by number from 1 (default: all)")
    args = parser.parse_args(argv)
    args.data = args.data.resolve()  # each tree's commands run in that tree
    if not (args.data / "slurp" / "devel.jsonl").exists():
        print(f"no SLURP data under {args.data} (give --data): skipped", file=sys.stderr)
        return 0
    rows = list(ROWS)
    if args.rows:
        rows = [rows[int(k) - 1] for k in args.rows.split(",")]
    trees = {"this tree": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    cpu: dict[tuple[str, str], list[float]] = {}
    same: dict[str, bool] = {}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "out.log"
        for run in range(args.runs + 1):  # the first run writes the bytecode caches
            for row in rows:
                written = {}
                for tree, root in trees.items():
                    output = Path(scratch) / f"{tree}.out"
                    os.environ["PYTHONPATH"] = str(root)
                    spent = measure(
                        command(args.data, row, output), root, log, succeeds=(0, 1)
                    ).cpu_s
                    if run:
                        cpu.setdefault((row, tree), []).append(spent)
                    written[tree] = digest(output)
                same[row] = same.get(row, True) and len(set(written.values())) == 1
    print(f"\nCPU s (user + system) of {args.runs} runs each, sorted; median\n")
    header = "| command | " + " | ".join(trees)
    print(header + (" | this tree / before | same bytes |" if args.before else " |"))
    print("|---|" + "---:|" * (len(trees) + 2 * bool(args.before)))
    for row in rows:
        medians = [statistics.median(cpu[row, t]) for t in trees]
        cells = [
            " ".join(f"{s:.2f}" for s in sorted(cpu[row, t])) + f"; **{m:.2f}**"
            for t, m in zip(trees, medians)
        ]
        if args.before:
            cells += [f"{medians[0] / medians[1]:.2f}x", "yes" if same[row] else "NO"]
        print(f"| {row} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
