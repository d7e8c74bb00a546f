"""Sampling at scale: grammar-fst against Chatette on the same workload, streaming
millions of sentences, and the speed-up of --jobs.

1. 100,000 unique sentences of the workload in benchmarks/music_workload.py (40,000 +
   30,000 + 30,000 over three intents), by `grammar-fst sample --unique` (the median of
   --repeat runs, which must all give the same bytes) and by Chatette 1.6.3 (one run of
   about 40 s), each in a child process: CPU seconds, peak RSS, and their ratio; each
   output is checked (counts per intent, uniqueness, every slot's offsets).
2. `grammar-fst sample -n N` streamed to a file for each N of --sizes: sentences per
   second and peak RSS (flat as N grows).
3. The first size again with --jobs 2: wall-clock speed-up, and the output compared
   byte for byte with the one-process run.

    .venv/bin/pip install -e '.[bench]'      # Chatette
    .venv/bin/python benchmarks/sampling_speed.py [--sizes 1000000,10000000] [--no-chatette]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chatette_side  # noqa: E402
from measure import Usage, measure  # noqa: E402
from music_workload import QUOTAS, write_grammar  # noqa: E402

GRAMMAR_FST = [sys.executable, "-m", "grammar_fst.cli.main"]

Record = tuple[str, str, list[tuple[str, str, int, int]]]


def check(utterances: list[Record]) -> dict:
    """Counts against the quotas, uniqueness of (text, intent), slots whose offsets do not
    hold their value."""
    counts = Counter(intent for _, intent, _ in utterances)
    bad = sum(
        text[start:end] != value for text, _, slots in utterances for _, value, start, end in slots
    )
    return {
        "quotas met": all(counts.get(i, 0) == n for i, n in QUOTAS.items()),
        "unique": len({(t, i) for t, i, _ in utterances}) == len(utterances),
        "slots": sum(len(slots) for _, _, slots in utterances),
        "bad offsets": bad,
    }


def read_records(path: Path) -> list[Record]:
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        slots = [(s["slot"], s["value"], s["start"], s["end"]) for s in r["slots"]]
        records.append((r["text"], r["intent"], slots))
    return records


def grammar_fst_unique(folder: Path, grammar: Path, repeat: int) -> tuple[Usage, list[Record]]:
    """The run of median CPU time among `repeat` runs, which must give the same bytes."""
    out = folder / "unique.jsonl"
    quotas = [a for name, n in QUOTAS.items() for a in ("--intent", f"{name}={n}")]
    cmd = [*GRAMMAR_FST, "sample", str(grammar), *quotas, "--unique", "--seed", "1"]
    runs, outputs = [], set()
    for _ in range(repeat):
        runs.append(measure([*cmd, "-o", str(out)], folder, folder / "unique.log"))
        outputs.add(out.read_bytes())
    if len(outputs) != 1:
        raise RuntimeError("the same command gave different outputs")
    return sorted(runs, key=lambda u: u.cpu_s)[repeat // 2], read_records(out)


def stream(folder: Path, grammar: Path, n: int, jobs: int = 1) -> tuple[Usage, str]:
    """Sample `n` sentences to a file; the usage and the output's SHA-256."""
    out = folder / f"stream_{n}_{jobs}.jsonl"
    cmd = [*GRAMMAR_FST, "sample", str(grammar), "-n", str(n), "--seed", "1"]
    usage = measure([*cmd, "--jobs", str(jobs), "-o", str(out)], folder, folder / "stream.log")
    digest = hashlib.sha256()
    with out.open("rb") as file:
        while chunk := file.read(1 << 24):
            digest.update(chunk)
    out.unlink()
    return usage, digest.hexdigest()


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="N to stream, comma-separated")
    parser.add_argument("--no-chatette", action="store_true", help="skip the Chatette run")
    parser.add_argument(
        "--repeat", type=int, default=3, help="grammar-fst runs of the unique workload (median)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        grammar = write_grammar(folder)

        print("## 100,000 unique sentences (40,000 + 30,000 + 30,000)\n")
        print(row("tool", "CPU s", "peak RSS MB", "wall s", "quotas met", "unique", "bad offsets"))
        print(row(*["---"] * 7))
        ours, records = grammar_fst_unique(folder, grammar, args.repeat)
        facts = check(records)
        print(
            row(
                "grammar-fst",
                f"{ours.cpu_s:.2f}",
                f"{ours.peak_rss_mb:.0f}",
                f"{ours.wall_s:.2f}",
                facts["quotas met"],
                facts["unique"],
                facts["bad offsets"],
            )
        )
        if not args.no_chatette:
            result = chatette_side.run(folder)
            theirs, facts = result["usage"], check(result["utterances"])
            print(
                row(
                    f"Chatette {chatette_side.CHATETTE_VERSION}",
                    f"{theirs.cpu_s:.2f}",
                    f"{theirs.peak_rss_mb:.0f}",
                    f"{theirs.wall_s:.2f}",
                    facts["quotas met"],
                    facts["unique"],
                    facts["bad offsets"],
                )
            )
            print(
                f"\nChatette / grammar-fst: CPU {theirs.cpu_s / ours.cpu_s:.1f}x, "
                f"peak RSS {theirs.peak_rss_mb / ours.peak_rss_mb:.1f}x"
            )

        print("\n## Streaming `sample -n N` (jsonl) to a file\n")
        print(row("N", "wall s", "CPU s", "sentences / s", "peak RSS MB"))
        print(row(*["---"] * 5))
        digests = {}
        for n in sizes:
            usage, digests[n] = stream(folder, grammar, n)
            print(
                row(
                    f"{n:,}",
                    f"{usage.wall_s:.1f}",
                    f"{usage.cpu_s:.1f}",
                    f"{n / usage.wall_s:,.0f}",
                    f"{usage.peak_rss_mb:.0f}",
                )
            )

        n = sizes[0]
        print(f"\n## --jobs, {n:,} sentences\n")
        print(row("jobs", "wall s", "speed-up", "same bytes as --jobs 1"))
        print(row(*["---"] * 4))
        one, _ = stream(folder, grammar, n, 1)
        two, digest = stream(folder, grammar, n, 2)
        print(row(1, f"{one.wall_s:.1f}", "1.00x", "(reference)"))
        same = "yes" if digest == digests[n] else "NO"
        print(row(2, f"{two.wall_s:.1f}", f"{one.wall_s / two.wall_s:.2f}x", same))


if __name__ == "__main__":
    main()
