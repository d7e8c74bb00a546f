"""Induction on two source trees: byte-identical grammars, and the CPU time of each.

A change meant to make induction faster must not change what it learns. This runs the
same cases under an old tree and the new one (each first on PYTHONPATH), alternating old
and new `--repeats` times, and prints per case the median CPU seconds of each, their
ratio, and whether the grammars and the traces (`--explain`) are byte-identical:

- whole files: `grammar-fst induce train_<Intent>_full.json -o FILE --explain` at the
  default settings, `--lambda 1` and `--lambda 3 --reorder` (`--intents`), each one
  command, start-up included;
- with `--small`: the runs of benchmarks/induction_snips.py (50 golden utterances of
  each intent drawn with seeds 0 .. `--seeds`-1, catalogues from the full file) at
  `auto`, lambda 3, and lambda 1.5 with `--reorder`, all in one process per tree.

    nice .venv/bin/python benchmarks/induction_identical.py --old /tmp/old --small

where /tmp/old holds the old `grammar_fst` (`git archive <commit> grammar_fst | tar -x -C
/tmp/old`). Exit status 1 when any output differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEW = HERE.parent
WHOLE = (
    ("default", []),
    ("lambda 1", ["--lambda", "1"]),
    ("lambda 3 reorder", ["--lambda", "3", "--reorder"]),
)
SMALL = (("auto", "auto", False), ("lambda 3", 3.0, False), ("lambda 1.5 reorder", 1.5, True))


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree: Path, cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """`cmd` under `tree`'s grammar_fst, with its CPU seconds."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = children_cpu()
    # in an empty folder: `python -m` puts the working folder (which may hold another
    # grammar_fst) before PYTHONPATH
    with tempfile.TemporaryDirectory() as empty:
        done = subprocess.run(cmd, env=env, cwd=empty, capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed under {tree}:\n{done.stderr.decode()[-2000:]}")
    return children_cpu() - before, done


def digest(*parts: bytes) -> str:
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:12]


def whole(tree: Path, data: Path, intent: str, flags: list[str]) -> tuple[float, str]:
    source = data / "snips" / f"train_{intent}_full.json"
    cmd = [sys.executable, "-m", "grammar_fst", "induce", str(source), "-o", "-", "--explain"]
    seconds, done = run(tree, [*cmd, *flags])
    return seconds, digest(done.stdout, done.stderr)


def small(tree: Path, data: Path, seeds: int) -> dict[str, tuple[float, str]]:
    """Every small case under `tree`, in one child process: case -> (CPU s, digest)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--data",
        str(data),
        "--seeds",
        str(seeds),
    ]
    _, done = run(tree, cmd)
    loaded, *cases = done.stdout.splitlines()
    if not Path(json.loads(loaded)).is_relative_to(tree):
        sys.exit(f"the child ran {loaded}, not the grammar_fst of {tree}")
    return {case: (cpu, sha) for case, cpu, sha in map(json.loads, cases)}


def child(data: Path, seeds: int) -> None:
    """The small cases, in this process: one JSON line each (case, CPU s, digest)."""
    sys.path.insert(0, str(HERE))
    from induction_snips import draw
    from snips_data import INTENTS, full_of, write_catalogues

    import grammar_fst
    from grammar_fst.induction import induce

    print(json.dumps(grammar_fst.__file__), flush=True)
    for intent in INTENTS:
        for seed in range(seeds):
            golden, _ = draw(data, intent, seed, 50)
            for name, weight, reorder in SMALL:
                with tempfile.TemporaryDirectory() as tmp:
                    catalogues = write_catalogues(full_of(data, intent), Path(tmp))
                    start = time.process_time()
                    induced = induce(golden, weight, catalogues, base=tmp, reorder=reorder)
                    seconds = time.process_time() - start
                # the catalogues' folder differs from run to run: named alike
                text = induced.text().replace(tmp, "CATALOGUES").encode()
                trace = "".join(f"{step}\n" for step in induced.trace).encode()
                case = f"{intent} seed {seed} {name}"
                print(json.dumps([case, seconds, digest(text, trace)]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="tree holding the old grammar_fst")
    parser.add_argument("--new", type=Path, default=NEW, help="tree holding the new one")
    parser.add_argument("--data", type=lambda p: Path(p).resolve(), default="../shared/data")
    parser.add_argument("--intents", default="BookRestaurant,GetWeather")
    parser.add_argument("--whole", default=",".join(name for name, _ in WHOLE))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="also the 50-utterance runs")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.data, args.seeds)
        return
    if args.old is None:
        parser.error("--old is required")
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) at the start\n")
    print(row("case", "old CPU s", "new CPU s", "new / old", "identical"))
    print(row(*["---"] * 5))
    differ = 0
    wanted = [(name, flags) for name, flags in WHOLE if name in args.whole.split(",")]
    for intent in filter(None, args.intents.split(",")):
        for name, flags in wanted:
            times: dict[str, list[float]] = {"old": [], "new": []}
            digests: dict[str, set[str]] = {"old": set(), "new": set()}
            for _ in range(args.repeats):
                for side, tree in trees.items():
                    seconds, sha = whole(tree, args.data, intent, flags)
                    times[side].append(seconds)
                    digests[side].add(sha)
            same = len(digests["old"] | digests["new"]) == 1
            differ += not same
            old, new = (statistics.median(times[side]) for side in trees)
            print(
                row(
                    f"{intent}_full {name}",
                    f"{old:.2f}",
                    f"{new:.2f}",
                    f"{new / old:.2f}",
                    "yes" if same else "**no**",
                ),
                flush=True,
            )
    if args.small:
        runs = {side: small(tree, args.data, args.seeds) for side, tree in trees.items()}
        cases = list(runs["old"])
        same_cases = [c for c in cases if runs["old"][c][1] == runs["new"].get(c, (0, ""))[1]]
        differ += len(cases) - len(same_cases)
        for c in sorted(set(cases) - set(same_cases)):
            print(
                row(
                    c,
                    f"{runs['old'][c][0]:.2f}",
                    f"{runs['new'].get(c, (0,))[0]:.2f}",
                    "",
                    "**no**",
                )
            )
        old, new = (sum(cpu for cpu, _ in runs[side].values()) for side in trees)
        print(
            row(
                f"{len(cases)} small runs, in all",
                f"{old:.2f}",
                f"{new:.2f}",
                f"{new / old:.2f}",
                f"{len(same_cases)} of {len(cases)}",
            )
        )
    print(f"\nload: {os.getloadavg()[0]:.2f} (1 min) at the end")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
