"""Start-up of the `grammar-fst` command: CPU seconds of `--help`, `sample --help` and a
one-sentence sample, each in its own process, against the interpreter alone and against
`import pynini, numpy` (the floor of any command that loads a grammar).

    python benchmarks/startup.py                      # this source tree
    python benchmarks/startup.py --before OLD_TREE    # and another one, in the same run
    python benchmarks/startup.py --w1 --runs 5        # and W1 of peers.py

`--w1` adds W1 of `peers.py` (the toy grammar with a 40,000-value genre catalogue,
100,000 unique sentences, written by `ports.py`), whose CPU time beside Chatette's is
mostly the fixed costs measured here; with `--before`, its output is compared byte for
byte between the trees.

The package is imported from the tree measured (PYTHONPATH), by the environment's
`grammar-fst` script. `--before` names the root of another checkout (e.g. `git worktree
add /tmp/old HEAD~3`): its rows are measured in turn with this tree's, run by run, so
that a drift of the machine's speed falls on both. Each figure is the median of `--runs`
runs (user + system seconds of the command's process, from `os.wait4`, see measure.py).

Commands run as an installed package runs: with its bytecode cached (PYTHONDONTWRITEBYTECODE
is dropped and every command runs once before the measured runs), since compiling the
package's sources would add about 80 ms to every row.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
from pathlib import Path

import ports
from measure import measure

ROOT = Path(__file__).resolve().parent.parent
TOY = ROOT / "grammars" / "toy.grm"
SCRIPT = Path(sys.executable).with_name("grammar-fst")  # the console script, as users run it
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "grammar_fst"]
ROWS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import pynini, numpy'": [sys.executable, "-c", "import pynini, numpy"],
    "the same, OPENBLAS_NUM_THREADS=1": [
        "env",
        "OPENBLAS_NUM_THREADS=1",
        sys.executable,
        "-c",
        "import pynini, numpy",
    ],
    "grammar-fst --help": [*COMMAND, "--help"],
    "grammar-fst sample --help": [*COMMAND, "sample", "--help"],
    "grammar-fst sample toy.grm -n 1": [*COMMAND, "sample", str(TOY), "-n", "1"],
}
YARDSTICKS = tuple(list(ROWS)[:3])  # the interpreter and the libraries: the same in any tree
W1 = "W1: sample w1.grm -n 100000 --unique"


def w1_command(folder: Path) -> list[str]:
    """W1 of peers.py, its grammar and catalogue written into `folder`."""
    (folder / "genres.txt").write_text("\n".join(ports.w1_genres()) + "\n")
    (folder / "w1.grm").write_text(ports.w1_grm("genres.txt"))
    grammar, out = str(folder / "w1.grm"), str(folder / "w1.jsonl")
    return [*COMMAND, "sample", grammar, "-n", "100000", "--unique", "-o", out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (default: 9)")
    parser.add_argument("--before", type=Path, metavar="TREE", help="another source tree")
    parser.add_argument("--w1", action="store_true", help="add W1 of peers.py")
    args = parser.parse_args(argv)
    trees = {"this tree": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    cpu: dict[tuple[str, str], list[float]] = {}
    outputs: dict[str, str] = {}
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "out.log"
        rows = {**ROWS, **({W1: w1_command(Path(scratch))} if args.w1 else {})}
        for run in range(args.runs + 1):  # the first run writes the bytecode caches
            for row, cmd in rows.items():
                for tree, root in trees.items():
                    if row in YARDSTICKS and tree != "this tree":
                        continue
                    os.environ["PYTHONPATH"] = str(root)
                    spent = measure(cmd, root, log).cpu_s
                    if run:
                        cpu.setdefault((row, tree), []).append(spent)
                    if row == W1:
                        outputs[tree] = hashlib.sha256(Path(cmd[-1]).read_bytes()).hexdigest()
    print(f"\nmedians of {args.runs} runs, CPU s (user + system)\n")
    print("| command | " + " | ".join(trees) + (" | this tree / before |" if args.before else " |"))
    print("|---|" + "---:|" * (len(trees) + bool(args.before)))
    for row in rows:
        medians = [statistics.median(cpu[row, t]) if (row, t) in cpu else None for t in trees]
        cells = ["-" if m is None else f"{m:.3f}" for m in medians]
        if args.before:
            ratio = f"{medians[0] / medians[1]:.2f}x" if medians[1] else "-"
            cells.append(ratio)
        print(f"| `{row}` | " + " | ".join(cells) + " |")
    if args.w1 and args.before:
        same = outputs["this tree"] == outputs["before"]
        print(f"\nW1's output {'the same' if same else 'NOT the same'} in both trees")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
