"""`sample --dask local:N` against `--jobs 1` and `--jobs N` on the same sentences, for one
or more checkouts of the project: wall seconds, the CPU seconds of the main process alone
(client, scheduler and nannies of the local cluster) and of all processes, the wall-clock
speed-up over `--jobs 1` of the same checkout, and whether the bytes are those of
`--jobs 1`; then the CPU an idle local cluster spends in 10 s, with Dask's default
settings and with those `local:N` runs with (`parallel.local_config`).

    nice .venv/bin/python benchmarks/dask_local.py --n 10000000 --trees .,/tmp/before --repeat 3

Each round runs every checkout and flag once, one after the other, so that a busy moment
hits each alike; the table shows medians over the rounds. The speed-up says something
only on idle cores (give `uptime` with it); the CPU seconds hold up better. An older
commit can be unpacked with `git archive COMMIT | tar -x -C /tmp/before`. The package's
bytecode is compiled first, as an installed package has it.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from jobs_output import LAUNCHER  # noqa: E402

HERE = Path(__file__).resolve().parent

# an idle LocalCluster of two workers for argv[2] seconds, with the settings argv[1]
# names: the CPU seconds of this process (client, scheduler, nannies) and of the workers
IDLE = """
import logging, resource, sys, time
import dask, distributed
from grammar_fst import parallel
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
settings = parallel.local_config() if sys.argv[1] == "local:N" else {parallel.PROFILER: False}
with dask.config.set(settings), distributed.LocalCluster(
    n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR
) as cluster, distributed.Client(cluster) as client:
    main, workers = cpu(), sum(client.run(cpu).values())
    time.sleep(float(sys.argv[2]))
    print(cpu() - main, sum(client.run(cpu).values()) - workers)
"""


@dataclass
class Run:
    wall_s: float
    main_cpu_s: float
    cpu_s: float  # the main process and every process it waited for
    digest: str


def run(tree: Path, far: Path, work: Path, n: int, flags: list[str]) -> Run:
    """`grammar-fst sample far -n N --seed 3 FLAGS -o FILE` of `tree`."""
    report, out = work / "own-cpu", work / "out.jsonl"
    out.unlink(missing_ok=True)  # replacing a large file costs the kernel seconds: not ours
    argv = [sys.executable, "-c", LAUNCHER, str(report), "sample", str(far), "-n", str(n)]
    argv += ["--seed", "3", *flags, "-o", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(  # not in a checkout: `python -c` imports from its folder
        argv, cwd=work, env={**os.environ, "PYTHONPATH": str(tree)}, stdin=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv[3:])} failed")
    with open(out, "rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    main_cpu = float(report.read_text().split()[0])
    return Run(wall, main_cpu, usage.ru_utime + usage.ru_stime, digest)


def idle(tree: Path, settings: str, seconds: float) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", IDLE, settings, str(seconds)],
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    main, workers = done.stdout.split()
    return float(main), float(workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="sentences")
    parser.add_argument("--workers", type=int, default=2, help="N of --jobs N and local:N")
    parser.add_argument("--trees", default=str(HERE.parent), help="checkouts, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, the median shown")
    parser.add_argument("--idle", type=float, default=10, help="seconds of an idle cluster")
    args = parser.parse_args()
    trees = [Path(tree).resolve() for tree in args.trees.split(",")]
    for tree in trees:
        compileall.compile_dir(tree / "grammar_fst", quiet=1)
    variants = [["--jobs", "1"], ["--jobs", str(args.workers)], ["--dask", f"local:{args.workers}"]]
    runs: dict[tuple[Path, str], list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        far = work / "music.far"
        grammar = HERE.parent / "grammars/music.grm"
        subprocess.run(
            [sys.executable, "-m", "grammar_fst", "compile", str(grammar), "-o", str(far)],
            env={**os.environ, "PYTHONPATH": str(trees[0])},
            check=True,
            capture_output=True,
        )
        for _ in range(args.repeat):
            for tree in trees:
                for flags in variants:
                    runs.setdefault((tree, " ".join(flags)), []).append(
                        run(tree, far, work, args.n, flags)
                    )
    lines = [
        f"| {args.n:,} sentences | wall s | main process CPU s | CPU s (all) | "
        "speed-up (wall) | same bytes as --jobs 1 |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for (tree, flags), done in runs.items():
        one = runs[tree, "--jobs 1"]
        wall = statistics.median(d.wall_s for d in done)
        digests = {d.digest for d in done + one}
        same = "-" if flags == "--jobs 1" else str(digests == {one[0].digest})
        name = f"{tree.name} {flags}" if len(trees) > 1 else flags
        lines.append(
            f"| {name} | {wall:.2f} | {statistics.median(d.main_cpu_s for d in done):.2f} | "
            f"{statistics.median(d.cpu_s for d in done):.2f} | "
            f"{statistics.median(d.wall_s for d in one) / wall:.2f}x | {same} |"
        )
    lines += [
        "",
        f"| idle local cluster of 2, {args.idle:g} s | main process CPU s | workers CPU s |",
        "|---|---:|---:|",
    ]
    for settings in ("Dask's defaults, no profiler", "local:N"):
        main_cpu, workers_cpu = idle(trees[0], settings, args.idle)
        lines.append(f"| {settings} | {main_cpu:.2f} | {workers_cpu:.2f} |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
