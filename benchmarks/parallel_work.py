"""`induce` and `evaluate` on one process, on `--jobs 2` and on `--dask local:2`: wall
seconds, CPU seconds (the command and the processes it waited for), the speed-up in wall
time over one process, and whether the output is that of one process, byte for byte.

    nice .venv/bin/python benchmarks/parallel_work.py --data ../shared/data

The data: the seven SNIPS `train_<Intent>_full.json` files (about 14,000 utterances)
written as one jsonl file in a scratch folder. `induce` learns all seven intents from it
at a fixed lambda (the `--lambda` option; `auto` costs about a CPU second per intent
more); `evaluate` parses all of them with the grammar induced from the first 50 of each
intent. The speed-up is the wall-clock ratio, so it says something only on idle cores.
The package's bytecode is compiled first, as an installed package has it (each worker
process of `--dask local:2` would otherwise compile it again).
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import sys
import tempfile
from pathlib import Path

import snips_data
from measure import Usage, measure

from grammar_fst.data.formats import jsonl

COMMAND = [sys.executable, "-m", "grammar_fst"]
WAYS = ([], ["--jobs", "2"], ["--dask", "local:2"])


def _golden(data: Path, scratch: Path, per_intent: int | None) -> Path:
    """The intents' full files (or the first `per_intent` of each) as one jsonl file."""
    path = scratch / f"snips-{per_intent or 'full'}.jsonl"
    lines = []
    for intent in snips_data.intents_in(data):
        said = snips_data.read(snips_data.folder(data) / f"train_{intent}_full.json")
        lines += [jsonl.line(u, len(lines)) for u in said[:per_intent]]
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _runs(name: str, argv: list[str], out: Path | None, scratch: Path) -> list[str]:
    """One row per way of running `argv`; its output is the file `out`, or what it prints
    (None)."""
    rows, first, one = [], None, None
    log = scratch / "run.log"
    for way in WAYS:
        usage: Usage = measure([*COMMAND, *argv, *way], scratch, log)
        digest = hashlib.sha256((out or log).read_bytes()).hexdigest()
        first, one = first or usage, one or digest
        same = "-" if usage is first else str(digest == one)
        rows.append(
            f"| {name} | {' '.join(way) or '--jobs 1'} | {usage.wall_s:.2f} | {usage.cpu_s:.2f} "
            f"| {first.wall_s / usage.wall_s:.2f}x | {same} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--lambda", dest="weight", default="1", help="induce's lambda (default 1)")
    args = parser.parse_args(argv)
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "grammar_fst", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        full, small = _golden(args.data, scratch, None), _golden(args.data, scratch, 50)
        grammar, learned = scratch / "small.grm", scratch / "full.grm"
        quietly = ["--quiet", "--lambda", args.weight]
        measure(
            [*COMMAND, "induce", str(small), *quietly, "-o", str(grammar)],
            scratch,
            scratch / "run.log",
        )
        utterances = sum(1 for _ in full.open(encoding="utf-8"))
        rows = [
            "| command | workers | wall s | CPU s | speed-up (wall) | same output as --jobs 1 |",
            "|---|---|---:|---:|---:|---|",
        ]
        rows += _runs(
            f"induce {utterances:,} utterances (lambda {args.weight})",
            ["induce", str(full), *quietly, "-o", str(learned)],
            learned,
            scratch,
        )
        rows += _runs(
            f"evaluate on {utterances:,} utterances",
            ["evaluate", str(grammar), "--heldout", str(full), "--json", "--quiet"],
            None,
            scratch,
        )
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
