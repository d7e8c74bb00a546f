"""The long fuzz run (`make fuzz`): mutated grammars, data, archives and arguments, each run as one
`grammar-fst` command in a child process with a CPU, memory and wall-clock budget (see
tests/fuzzing.py), for a number of cases or seconds, whichever ends first. Prints a
table per category (cases, clean, tracebacks, signals, hangs, over budget, leftover
temporary files, changed inputs, CPU seconds) and the distinct failures found, and keeps
one case of each under tests/fuzz_cases/open/ to be replayed as a regression fixture.

    python benchmarks/fuzz.py --cases 100000 --seconds 3600 --jobs 2
    python benchmarks/fuzz.py --categories grammar,data --cases 2000 --seed 7

The categories: grammar (bundled grammars, mutated), data (annotated data in every
format, mutated), archive (compiled archives with damaged bytes), expansion (rules whose
expansion is exponential), archive-signed (archives with right checksums and hostile
content) and arguments (odd values for a command's options: out of range, not numbers,
bytes that are not UTF-8, `--opt=--`, ...; files are never named by them). Same seed and
options, same cases.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import random
import re
import sys
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing  # noqa: E402

# the command line, and what its commands import when they run
PRELOADED = (
    "grammar_fst.cli.main",
    "grammar_fst.model",
    "grammar_fst.check",
    "grammar_fst.data.resample",
    "grammar_fst.induction",
    "grammar_fst.importers.alexa",
)

OPEN = ROOT / "tests" / "fuzz_cases" / "open"
SMALL_INPUT = 4096  # bytes: the bound for "small inputs"
AHEAD = 4  # cases per job made ahead of the one counted
COLUMNS = ("cases", *fuzzing.KINDS, "over budget < 4 KB", "CPU s")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    categories = args.categories.split(",") if args.categories else list(fuzzing.ALL_CATEGORIES)
    unknown = sorted(set(categories) - set(fuzzing.ALL_CATEGORIES))
    if unknown:
        sys.exit(f"fuzz.py: no category {unknown[0]}; known: {', '.join(fuzzing.ALL_CATEGORIES)}")
    budget = fuzzing.Budget(args.cpu, args.memory << 20, args.wall)
    for module in PRELOADED:  # loaded once, before the children are forked
        importlib.import_module(module)

    table: dict[str, Counter] = defaultdict(Counter)
    failures: dict[tuple[str, str], list] = {}
    start = time.monotonic()
    shown = start

    def made(index: int) -> tuple[str, fuzzing.Case]:
        category = categories[index % len(categories)]
        rng = random.Random(f"{args.seed}:{category}:{index}")
        return category, fuzzing.ALL_CATEGORIES[category](rng)

    # runners forked now, before any thread, each forking its cases' children, while this
    # process makes the next cases; outcomes are counted in case order
    pending: deque = deque()
    with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        index = 0
        while index < args.cases or pending:
            while index < args.cases and len(pending) < AHEAD * args.jobs:
                category, case = made(index)
                pending.append((category, case, pool.submit(fuzzing.run, case, budget)))
                index += 1
            category, case, running = pending.popleft()
            outcome = running.result()
            _count(table[category], case, outcome)
            if not outcome.clean:
                key = (category, signature(case, outcome))
                failures.setdefault(key, [0, case, outcome])[0] += 1
            now = time.monotonic()
            if now - shown > 30:
                done = sum(row["cases"] for row in table.values())
                bad = sum(n for n, _, _ in failures.values())
                sys.stderr.write(f"{done} cases, {bad} failing, {now - start:.0f} s\n")
                shown = now
            if now - start > args.seconds:
                for *_, running in pending:
                    running.cancel()
                break
    print(render(table, failures, args, time.monotonic() - start))
    if args.keep:
        for (category, what), (_, case, _) in failures.items():
            case.save(OPEN / f"{category}-{_slug(what)}")
    return 0


def _count(row: Counter, case: fuzzing.Case, outcome: fuzzing.Outcome) -> None:
    row["cases"] += 1
    row[outcome.kind] += 1
    row["CPU s"] += outcome.cpu_seconds
    if outcome.kind == "over-budget" and case.size() < SMALL_INPUT:
        row["over budget < 4 KB"] += 1


def signature(case: fuzzing.Case, outcome: fuzzing.Outcome) -> str:
    """What tells one failure from another: the kind, the command, and for a traceback
    the exception and the innermost grammar_fst frame."""
    what = f"{outcome.kind} in {case.argv[0]}"
    if outcome.kind == "traceback":
        frames = re.findall(r'grammar_fst/([\w/]+\.py)", line \d+, in (\w+)', outcome.detail)
        lines = [line for line in outcome.detail.strip().splitlines() if line.strip()]
        error = lines[-1].split(":")[0] if lines else "?"
        where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else "?"
        return f"{what}: {error} at {where}"
    if outcome.kind == "signal":
        return f"{what}: signal {outcome.signal}"
    return what


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def render(table: dict[str, Counter], failures: dict, args, seconds: float) -> str:
    head = ["category", *COLUMNS]
    rows = [[name, *(_cell(table[name][c]) for c in COLUMNS)] for name in table]
    total = Counter()
    for row in table.values():
        total.update(row)
    rows.append(["total", *(_cell(total[c]) for c in COLUMNS)])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        f"fuzz: seed {args.seed}, budget {args.cpu} CPU s / {args.memory} MB / {args.wall} s "
        f"wall per case, {args.jobs} at a time, {seconds:.0f} s",
        "",
        "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(str(c).rjust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    if failures:
        lines += ["", "distinct failures (cases, category, what, size of the example):"]
        for (category, what), (count, case, _) in sorted(failures.items()):
            lines.append(f"  {count:6}  {category:14} {what}  ({case.size()} bytes)")
    return "\n".join(lines)


def _cell(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="at most this many cases")
    parser.add_argument("--seconds", type=float, default=600, help="at most this long (wall)")
    parser.add_argument("--seed", type=int, default=0, help="the cases' seed (default: 0)")
    parser.add_argument("--categories", help="comma-separated (default: all)")
    parser.add_argument("--cpu", type=int, default=10, help="CPU seconds per case (10)")
    parser.add_argument("--memory", type=int, default=2048, help="MB per case (2048)")
    parser.add_argument("--wall", type=float, default=60, help="wall seconds per case (60)")
    parser.add_argument(
        "--jobs", type=int, default=1, help="cases run at once, one per core (default: 1)"
    )
    parser.add_argument(
        "--keep", action="store_true", help=f"save one case per distinct failure in {OPEN}"
    )
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
