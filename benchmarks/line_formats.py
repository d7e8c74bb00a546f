"""Streaming the line formats: `grammar-fst sample music.far -n N --format F -o FILE` for
jsonl, massive, text and bio, CPU seconds and sentences per CPU second (start-up
included), peak RSS, against another source tree in the same run, and whether the two
trees wrote the same bytes.

    python benchmarks/line_formats.py                          # this source tree
    python benchmarks/line_formats.py --before OLD_TREE        # and another one

`music.far` is compiled from grammars/music.grm by this tree. `--before` names the root
of another checkout (`git archive HEAD~1 | tar -x -C /tmp/before`): its runs alternate
with this tree's, so that a drift of the machine's speed falls on both. Each figure is
the median of `--runs` runs (user + system seconds of the command's process, `os.wait4`,
see measure.py). Then the CPU time of a jsonl sentence's stages, for each tree in a
process of its own: the walk (on the unfolded network, and with a stack, which networks
too large to unfold keep), spelling and the lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import Usage, measure

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "grammar_fst"]
FORMATS = ("jsonl", "massive", "text", "bio")


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 24):
            sha.update(chunk)
    return sha.hexdigest()


def stages(far: Path, blocks: int = 8) -> dict[str, float]:
    """Where a jsonl sentence's time goes, in this process (the package on its path): the
    walk, the same walks with a stack, spelling the arrays, assembling the lines (CPU µs a
    sentence, over `blocks` blocks)."""
    import time

    import numpy as np

    import grammar_fst as gf
    from grammar_fst.data import formats
    from grammar_fst.sampling import plan
    from grammar_fst.sampling.walker import Walker

    plan.keep_freed()  # as a sampling run has it
    grammar = gf.load(far)
    render = formats.get("jsonl").line_writer()
    job = grammar._job({name: 10**6 for name in grammar.intents}, 1, render, False, True)
    stacked = dataclasses.replace(job, walker=Walker(grammar.fsts))
    stacked.walker._unfolded = False  # never unfolded: the walk with a stack
    writer = render.block_writer(grammar._speller.words, grammar._speller.tags)
    spent = {"walk": 0.0, "walk with a stack": 0.0, "spell": 0.0, "lines": 0.0}
    chosen = plan.blocks_of([10**6] * len(grammar.intents), 1)[:blocks]
    job.walks(chosen[0]), stacked.walks(chosen[0])  # the walkers' tables made first
    for block in chosen:
        start = time.process_time()
        walks = job.walks(block)[3]
        walked = time.process_time()
        stacked.walks(block)
        restart = time.process_time()
        spelled = grammar._speller.spell(walks)
        done = time.process_time()
        writer.lines(spelled, block.first + np.arange(len(spelled.base)))
        spent["walk"] += walked - start
        spent["walk with a stack"] += restart - walked
        spent["spell"] += done - restart
        spent["lines"] += time.process_time() - done
    sentences = sum(sum(block.counts) for block in chosen)
    return {stage: 1e6 * seconds / sentences for stage, seconds in spent.items()}


def print_stages(trees: dict[str, Path], far: Path) -> None:
    """The stages of each tree, measured in a process of its own."""
    rows = {}
    for tree, root in trees.items():
        done = subprocess.run(
            [sys.executable, __file__, "--stages-of", str(far)],
            env={**os.environ, "PYTHONPATH": str(root)},
            capture_output=True,
            text=True,
            check=True,
        )
        rows[tree] = dict(zip(STAGES, map(float, done.stdout.split())))
    print("\njsonl in one process, 8 blocks of music.far: CPU µs a sentence\n")
    print("| tree | " + " | ".join(STAGES) + " | all but the walk with a stack |")
    print("|---|" + "---:|" * (len(STAGES) + 1))
    for tree, spent in rows.items():
        kept = sum(v for k, v in spent.items() if k != "walk with a stack")
        print(f"| {tree} | " + " | ".join(f"{v:.2f}" for v in (*spent.values(), kept)) + " |")


STAGES = ("walk", "walk with a stack", "spell", "lines")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="sentences (default: 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default: 3)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="comma-separated")
    parser.add_argument("--before", type=Path, metavar="TREE", help="another source tree")
    parser.add_argument("--stages-of", type=Path, metavar="FAR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages_of:  # a child process of print_stages
        print(*(f"{v:.4f}" for v in stages(args.stages_of).values()))
        return 0
    trees = {"this tree": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    formats = args.formats.split(",")
    usage: dict[tuple[str, str], list[Usage]] = {}
    digests: dict[tuple[str, str], set[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        far = work / "music.far"
        os.environ["PYTHONPATH"] = str(ROOT)
        measure(
            [*COMMAND, "compile", str(ROOT / "grammars" / "music.grm"), "-o", str(far)],
            work,
            work / "compile.log",
        )
        for _ in range(args.runs):
            for fmt in formats:
                for tree, root in trees.items():
                    out = work / f"out.{fmt}"
                    cmd = [*COMMAND, "sample", str(far), "-n", str(args.n), "--format", fmt]
                    os.environ["PYTHONPATH"] = str(root)
                    usage.setdefault((fmt, tree), []).append(
                        measure([*cmd, "-o", str(out)], work, work / "sample.log")
                    )
                    digests.setdefault((fmt, tree), set()).add(digest(out))
                    out.unlink()
        print_stages(trees, far)
    print(
        f"\n{args.n:,} sentences of music.far; medians of {args.runs} runs, CPU s (user + system)\n"
    )
    head = "| format | " + " | ".join(f"{t} CPU s | {t} sentences / CPU s" for t in trees)
    head += " | peak RSS MB |" + (" this tree / before | same bytes |" if args.before else "")
    print(head)
    print(
        "|---|"
        + "---:|" * (2 * len(trees) + 1 + bool(args.before))
        + ("---|" if args.before else "")
    )
    for fmt in formats:
        cpu = [statistics.median(u.cpu_s for u in usage[fmt, t]) for t in trees]
        cells = [c for s in cpu for c in (f"{s:.2f}", f"{args.n / s:,.0f}")]
        cells.append(f"{max(u.peak_rss_mb for u in usage[fmt, 'this tree']):.0f}")
        if args.before:
            same = len(digests[fmt, "this tree"] | digests[fmt, "before"]) == 1
            cells += [f"{cpu[0] / cpu[1]:.2f}x", "yes" if same else "NO"]
        print(f"| {fmt} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
