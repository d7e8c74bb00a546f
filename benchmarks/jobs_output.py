"""`sample --jobs N` against `--jobs 1` for each kind of output (a file, a pipe,
/dev/null): wall seconds, the CPU seconds of the main process alone and of all processes,
the wall-clock speed-up, and whether the bytes are those of `--jobs 1`.

    nice .venv/bin/python benchmarks/jobs_output.py --n 10000000 --jobs 2

The main process's own CPU time (`RUSAGE_SELF` as it exits) is what joining the workers'
output costs, and its waits (voluntary context switches) how often it slept for more;
both hold better than the speed-up under load, which says something only on idle cores.
`--trees A,B` runs several checkouts of the project (an older commit unpacked with `git
archive`, say) on the same grammar, one after the other for each measurement, and
`--repeat N` shows the median of N such rounds. The package's bytecode is compiled
first, as an installed package has it.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("file", "pipe", "/dev/null")

# grammar-fst run as its command is, writing its own CPU seconds to argv[1] as it exits
LAUNCHER = """
import atexit, resource, runpy, sys
report = sys.argv.pop(1)
def own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open(report, "w") as out:
        out.write(f"{usage.ru_utime + usage.ru_stime} {usage.ru_nvcsw}")
atexit.register(own_cpu)
sys.argv[0] = "grammar-fst"
runpy.run_module("grammar_fst", run_name="__main__", alter_sys=True)
"""


@dataclass
class Run:
    wall_s: float
    main_cpu_s: float  # the main process alone
    main_waits: int  # how often the main process slept, waiting (voluntary switches)
    cpu_s: float  # the main process and the workers it waited for
    digest: str | None  # of the bytes written (None for /dev/null)


def run(tree: Path, far: Path, work: Path, n: int, jobs: int, target: str) -> Run:
    """`grammar-fst sample far -n N --jobs J` of `tree`, written to `target`."""
    report, out = work / "own-cpu", work / "out.jsonl"
    out.unlink(missing_ok=True)  # replacing a large file costs the kernel seconds: not ours
    argv = [sys.executable, "-c", LAUNCHER, str(report), "sample", str(far), "-n", str(n)]
    argv += ["--seed", "3", "--jobs", str(jobs)] + (["-o", str(out)] if target == "file" else [])
    env = {**os.environ, "PYTHONPATH": str(tree)}
    sink = {"file": subprocess.DEVNULL, "pipe": subprocess.PIPE}.get(target)
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        child = subprocess.Popen(  # not in a checkout: `python -c` imports from its folder
            argv, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=sink or null
        )
        digest = None
        if target == "pipe":
            hashed = hashlib.sha256()
            while data := child.stdout.read(1 << 20):
                hashed.update(data)
            digest = hashed.hexdigest()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv[3:])} failed")
    if target == "file":
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
    main_cpu, main_waits = report.read_text().split()
    return Run(wall, float(main_cpu), int(main_waits), usage.ru_utime + usage.ru_stime, digest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="sentences")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes to compare")
    parser.add_argument(
        "--trees", default=str(HERE.parent), help="checkouts to run, separated by commas"
    )
    parser.add_argument("--targets", default=",".join(TARGETS), help="file, pipe, /dev/null")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, the median shown")
    args = parser.parse_args()
    trees = [Path(tree).resolve() for tree in args.trees.split(",")]
    for tree in trees:
        compileall.compile_dir(tree / "grammar_fst", quiet=1)
    runs: dict[tuple[Path, str, int], list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        far = work / "music.far"
        compiling = [sys.executable, "-m", "grammar_fst", "compile"]
        subprocess.run(
            [*compiling, str(HERE.parent / "grammars/music.grm"), "-o", str(far)],
            env={**os.environ, "PYTHONPATH": str(trees[0])},
            check=True,
            capture_output=True,
        )
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits each alike
            for target in args.targets.split(","):
                for tree in trees:
                    for jobs in (1, args.jobs):
                        done = run(tree, far, work, args.n, jobs, target)
                        runs.setdefault((tree, target, jobs), []).append(done)
    lines = [
        f"| {args.n:,} sentences | output | wall s | main process CPU s | main process waits "
        "| CPU s (all) | speed-up (wall) | same bytes as --jobs 1 |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for (tree, target, jobs), done in runs.items():
        one = runs[tree, target, 1]
        digests = {d.digest for d in done + one}
        same = "-" if jobs == 1 or None in digests else str(len(digests) == 1)
        wall = statistics.median(d.wall_s for d in done)
        name = f"{tree.name} --jobs {jobs}" if len(trees) > 1 else f"--jobs {jobs}"
        lines.append(
            f"| {name} | {target} | {wall:.2f} | "
            f"{statistics.median(d.main_cpu_s for d in done):.2f} | "
            f"{statistics.median(d.main_waits for d in done):,.0f} | "
            f"{statistics.median(d.cpu_s for d in done):.2f} | "
            f"{statistics.median(d.wall_s for d in one) / wall:.2f}x | {same} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
