"""Guided resampling on real data: SLURP's devel split (MASSIVE format), and the Jaccard
indices of SNIPS behind the default threshold.

1. `resample` of SLURP devel (2,033 utterances, 71 intents) to N utterances under each
   allocation: CPU time, throughput, patterns, and the allocation table's largest rows.
2. The context gate at several --context evidences (and off): SLURP devel split in two
   halves at random (seed 0), one resampled to N/2, the other held out as the reference
   of the naturalness measure; diversity beside it, and CPU time on the whole split.
3. For each slot type shared by two SNIPS intents (the `_full` files), the Jaccard index
   of their value sets and whether the default threshold lets values flow.

    .venv/bin/python benchmarks/resampling.py [--data ../shared/data] [-n 20000]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import sys
import time
from pathlib import Path

from grammar_fst import context, formats, naturalness
from grammar_fst import resample as rs

logging.getLogger("grammar_fst").setLevel(logging.ERROR)  # skipped records, exhausted patterns


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def slurp(data: Path, n: int, top: int) -> None:
    path = data / "slurp" / "devel.jsonl"
    utterances = list(formats.read(path, "massive", on_error="skip"))
    print(f"## SLURP devel: {len(utterances):,} utterances -> {n:,}\n")
    print(row("allocation", "patterns", "output", "CPU s", "utterances / s"))
    print(row(*["---"] * 5))
    tables = {}
    for how in ("entropy", "source", "uniform"):
        start = time.process_time()
        out, table, _ = rs.resample(utterances, n, seed=0, allocation=how)
        elapsed = time.process_time() - start
        tables[how] = table
        print(
            row(
                how,
                len(table.stats),
                f"{len(out):,}",
                f"{elapsed:.2f}",
                f"{len(out) / elapsed:,.0f}",
            )
        )
    table = tables["entropy"]
    by_size = sorted(range(len(table.stats)), key=lambda i: -table.allocated[i])[:top]
    print(f"\n### The {top} largest patterns under each allocation\n")
    print(row("pattern", "input", "complexity (bits)", "entropy", "source", "uniform"))
    print(row(*["---"] * 6))
    for i in by_size:
        s = table.stats[i]
        shares = [tables[how].allocated[i] for how in ("entropy", "source", "uniform")]
        print(row(s.pattern, s.count, f"{s.complexity:.1f}", *shares))


EVIDENCES = (None, 2.0, 1.0, 0.5, 0.4, 0.3, 0.25, 0.0)


def gate(data: Path, n: int) -> None:
    """Naturalness and diversity at each --context evidence, against no context gate."""
    utterances = list(formats.read(data / "slurp" / "devel.jsonl", "massive", on_error="skip"))
    order = list(range(len(utterances)))
    random.Random(0).shuffle(order)
    half = len(order) // 2
    made_from = [utterances[i] for i in sorted(order[:half])]
    held_out = [utterances[i] for i in sorted(order[half:])]
    print(
        f"\n## The context gate: {len(made_from):,} SLURP devel utterances -> {n // 2:,}, "
        f"measured against the other {len(held_out):,}\n"
    )
    real = naturalness.measure(made_from, held_out)
    print(f"The utterances resampled, as they are: naturalness {real.naturalness:.3f}.\n")
    print(
        row(
            "--context",
            "naturalness",
            "change",
            "diversity",
            "change",
            f"CPU s ({len(utterances):,} -> {n:,})",
        )
    )
    print(row(*["---"] * 6))
    base = None
    for evidence in EVIDENCES:
        out, _, _ = rs.resample(made_from, n // 2, seed=0, context=evidence)
        found = naturalness.measure([g.utterance for g in out if g.swaps is not None], held_out)
        base = base or found
        start = time.process_time()
        rs.resample(utterances, n, seed=0, context=evidence)
        seconds = time.process_time() - start
        print(
            row(
                "off (--no-context)" if evidence is None else f"{evidence:g}",
                f"{found.naturalness:.3f}",
                f"{100 * (found.naturalness / base.naturalness - 1):+.0f}%",
                f"{found.fillings:,}",
                f"{100 * (found.fillings / base.fillings - 1):+.0f}%",
                f"{seconds:.2f}",
            )
        )
    print(f"\nDefault: --context {context.DEFAULT_EVIDENCE:g}.")


def snips_jaccard(data: Path) -> None:
    values: dict[str, dict[str, set[str]]] = {}
    for path in sorted((data / "snips").glob("train_*_full.json")):
        for u in formats.read(path, "snips", on_error="skip"):
            for s in u.slots:
                values.setdefault(s.slot, {}).setdefault(u.intent, set()).add(s.value.casefold())
    print(f"\n## SNIPS: shared slot types (default threshold {rs.DEFAULT_THRESHOLD})\n")
    print(row("slot type", "intents", "values", "Jaccard", "values flow"))
    print(row(*["---"] * 5))
    for slot, by_intent in sorted(values.items()):
        for a, b in itertools.combinations(sorted(by_intent), 2):
            j = rs.jaccard(by_intent[a], by_intent[b])
            sizes = f"{len(by_intent[a])} / {len(by_intent[b])}"
            flows = "yes" if j >= rs.DEFAULT_THRESHOLD else "no"
            print(row(slot, f"{a} / {b}", sizes, f"{j:.3f}", flows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    if not (args.data / "slurp" / "devel.jsonl").is_file():
        sys.exit(f"no SLURP data in {args.data} (give --data): nothing to measure")
    slurp(args.data, args.n, args.top)
    gate(args.data, args.n)
    if (args.data / "snips").is_dir():
        snips_jaccard(args.data)


if __name__ == "__main__":
    main()
