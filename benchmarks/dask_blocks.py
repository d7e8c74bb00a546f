"""Where a Dask worker's time goes when sampling, in three tables:

1. the same 40 blocks of `music.far` jsonl, timed block by block in the thread that runs
   them (`time.thread_time`, `RUSAGE_THREAD` for system time and minor page faults), in
   the main thread of a plain process, in a thread of a plain process and in a Dask
   worker, with malloc set as before (`M_TOP_PAD` alone) and as now (`plan.keep_freed`:
   also `M_MMAP_THRESHOLD`); each case in a fresh process (malloc's settings stay);
2. one LocalCluster of two workers walking the same blocks `per_task` at a time: wall
   seconds, CPU seconds of this process (client, scheduler and nannies) and of the
   workers;
3. `grammar-fst sample music.far -n N --seed 3 -o FILE` with `--jobs 1` and with
   `--dask local:2`: wall seconds, CPU seconds of the command's own process and of the
   processes it started (the workers), and whether the bytes are those of `--jobs 1`.

    nice .venv/bin/python benchmarks/dask_blocks.py --sizes 1000000,10000000

The wall-clock speed-up says something only on idle cores; the CPU seconds hold up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = 40
CASES = {  # name: (where the blocks run, malloc as now)
    "plain process, main thread | M_TOP_PAD (before)": ("main", False),
    "plain process, main thread | + M_MMAP_THRESHOLD (now)": ("main", True),
    "plain process, first thread to allocate | M_TOP_PAD (before)": ("thread", False),
    "plain process, first thread to allocate | + M_MMAP_THRESHOLD (now)": ("thread", True),
    "Dask worker, nanny's environment | M_TOP_PAD (before)": ("dask", False),
    "Dask worker, nanny's environment | + M_MMAP_THRESHOLD (now)": ("dask", True),
}


def _job(far: Path, blocks: int):
    from grammar_fst.data import formats
    from grammar_fst.model import load
    from grammar_fst.sampling import plan

    grammar = load(far)
    counts = grammar._counts(blocks * plan.BLOCK, None, None, "even")
    job = grammar._job(counts, 3, formats.get("jsonl").line_writer(locale=None), False, True)
    return job, plan.blocks_of(list(counts.values()), 3)


def _pad_only() -> None:
    """`plan.keep_freed` as it was: the heap's pad alone."""
    import ctypes

    ctypes.CDLL(None).mallopt(-2, 64 << 20)  # M_TOP_PAD


def _as_before() -> None:
    from grammar_fst.sampling import plan

    plan.keep_freed = _pad_only  # run_block looks it up by name


def _timed(job, block) -> tuple[float, float, int]:
    """The block's thread CPU seconds, system seconds and minor page faults."""
    from grammar_fst.sampling import plan

    before, start = resource.getrusage(resource.RUSAGE_THREAD), time.thread_time()
    plan.run_block(job, block)
    spent, after = time.thread_time() - start, resource.getrusage(resource.RUSAGE_THREAD)
    return spent, after.ru_stime - before.ru_stime, after.ru_minflt - before.ru_minflt


def _case(far: Path, where: str, now: bool) -> list[tuple[float, float, int]]:
    job, blocks = _job(far, BLOCKS)
    if where == "dask":
        import distributed

        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=1, dashboard_address=":0"
            ) as local,
            distributed.Client(local) as client,
        ):
            if not now:
                client.run(_as_before)
            [sent] = client.scatter([job], broadcast=True)
            return [client.submit(_timed, sent, b, pure=False).result() for b in blocks]
    if not now:
        _as_before()
    if where == "main":
        return [_timed(job, block) for block in blocks]
    rows: list = []
    thread = threading.Thread(target=lambda: rows.extend(_timed(job, b) for b in blocks))
    thread.start()
    thread.join()
    return rows


def per_block(far: Path) -> list[str]:
    rows = [
        f"| {BLOCKS - 2} blocks of 8,192 jsonl sentences | malloc | thread CPU s | of it "
        "system s | minor faults / block |",
        "|---|---|---:|---:|---:|",
    ]
    for name in CASES:
        done = subprocess.run(
            [sys.executable, __file__, "--case", name, "--far", str(far)],
            capture_output=True,
            text=True,
            check=True,
        )
        timed = json.loads(done.stdout.splitlines()[-1])[2:]  # the first two warm up
        cpu, system = sum(t[0] for t in timed), sum(t[1] for t in timed)
        faults = sum(t[2] for t in timed) / len(timed)
        rows.append(f"| {name} | {cpu:.3f} | {system:.3f} | {faults:,.0f} |")
    return rows


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_task(far: Path, blocks: int, sizes: list[int]) -> list[str]:
    from grammar_fst import parallel
    from grammar_fst.sampling import plan

    job, planned = _job(far, blocks)
    rows = [
        f"| {blocks} blocks, blocks per task | wall s | CPU s, this process | CPU s, workers |",
        "|---:|---:|---:|---:|",
    ]
    with parallel.connect("local:2") as client, tempfile.TemporaryFile() as out:
        for size in sizes:
            workers, mine, start = sum(client.run(_cpu).values()), _cpu(), time.perf_counter()
            for chunk in parallel.mapped(
                plan.run_block, planned, job, client=client, per_task=size
            ):
                out.write(chunk.data)
            wall, mine = time.perf_counter() - start, _cpu() - mine
            workers = sum(client.run(_cpu).values()) - workers
            rows.append(f"| {size} | {wall:.2f} | {mine:.2f} | {workers:.2f} |")
    return rows


def _command(argv: list[str]) -> None:
    """Run grammar-fst in this process; print its CPU seconds and its children's."""
    from grammar_fst.cli.main import main

    start = time.perf_counter()
    status = main(argv)
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    print(
        json.dumps(
            {
                "status": status,
                "wall": time.perf_counter() - start,
                "own": own.ru_utime + own.ru_stime,
                "children": children.ru_utime + children.ru_stime,
            }
        )
    )


def end_to_end(far: Path, sizes: list[int], scratch: Path) -> list[str]:
    rows = [
        "| sentences | way | wall s | CPU s, command | CPU s, workers | speed-up (wall) "
        "| same bytes as --jobs 1 |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for n in sizes:
        out, first, one = scratch / "out.jsonl", None, None
        for way in ([], ["--dask", "local:2"]):
            out.unlink(missing_ok=True)
            argv = ["sample", str(far), "-n", str(n), "--seed", "3", "-o", str(out), *way]
            done = subprocess.run(
                [sys.executable, __file__, "--command", *argv],
                capture_output=True,
                text=True,
                check=True,
            )
            usage = json.loads(done.stdout.splitlines()[-1])
            digest = hashlib.sha256(out.read_bytes()).hexdigest()
            first, one = first or usage, one or digest
            same = "-" if usage is first else str(digest == one)
            rows.append(
                f"| {n:,} | {' '.join(way) or '--jobs 1'} | {usage['wall']:.2f} | "
                f"{usage['own']:.2f} | {usage['children']:.2f} | "
                f"{first['wall'] / usage['wall']:.2f}x | {same} |"
            )
    out.unlink(missing_ok=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000", help="sentences for the third table")
    parser.add_argument("--tasks", default="1,2,4,8", help="blocks per task, second table")
    parser.add_argument("--task-blocks", type=int, default=244, help="blocks, second table")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--far", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.command:
        _command(args.command)
        return 0
    if args.case:
        print(json.dumps(_case(args.far, *CASES[args.case])))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        far = scratch / "music.far"
        compiled = [
            sys.executable,
            "-m",
            "grammar_fst",
            "compile",
            str(ROOT / "grammars" / "music.grm"),
        ]
        subprocess.run([*compiled, "-o", str(far)], capture_output=True, check=True)
        print("\n".join(per_block(far)), end="\n\n", flush=True)
        tasks = [int(size) for size in args.tasks.split(",")]
        print("\n".join(per_task(far, args.task_blocks, tasks)), end="\n\n", flush=True)
        sizes = [int(n) for n in args.sizes.split(",")]
        print("\n".join(end_to_end(far, sizes, scratch)))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
