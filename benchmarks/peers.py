"""grammar-fst beside Chatette and Chatito, streaming throughput, and the speed-up of
--jobs and --dask, in one table of CPU seconds (each command measured in its own child
process, see measure.py).

W1  the toy grammar with a 40,000-value genre catalogue, 100,000 unique sentences
W2  grammars/music.grm without weights (ports in benchmarks/music.chatette and .chatito,
    made by ports.py), 100,000 unique sentences over its four intents

Then `grammar-fst sample music.far` streamed as jsonl for each size of --stream
(sentences per CPU second, peak RSS), and the first size of --scale with --jobs 2 and
--dask local:2 against one process: the wall-clock speed-up (CPU seconds are the sum over
all processes) and whether the bytes are those of --jobs 1, then the same to /dev/null
(what the kernel spends filling the page cache of a 2.5 GB file left out). Chatito is run with
`--chatito DIR` (a folder where `npm install chatito@2.3.5` was run), and stopped after
--budget seconds on a workload it cannot finish.

    nice .venv/bin/python benchmarks/peers.py --chatito /tmp/chatito

grammar-fst runs as its `grammar-fst` command does (`python -m grammar_fst`), with the
package's bytecode compiled first, as an installed package has it.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ports  # noqa: E402
from measure import Usage, measure  # noqa: E402

HERE = Path(__file__).resolve().parent
GRAMMAR_FST = [sys.executable, "-m", "grammar_fst"]
UNIQUE = 100_000
SCALED = (["--jobs", "2"], ["--dask", "local:2"])  # each against --jobs 1


def jsonl_sentences(path: Path) -> set[tuple[str, str]]:
    return {(r["text"], r["intent"]) for r in map(json.loads, path.read_text().splitlines())}


def chatette_sentences(folder: Path) -> set[tuple[str, str]]:
    return {
        (r["text"], r["intent-name"])
        for path in (folder / "train").glob("output*.jsonl")
        for r in map(json.loads, path.read_text().splitlines())
    }


def chatito_sentences(folder: Path) -> set[tuple[str, str]]:
    data = json.loads((folder / "default_dataset_training.json").read_text())
    return {
        ("".join(part["value"] for part in example), intent)
        for intent, examples in data.items()
        for example in examples
    }


def workloads(work: Path) -> dict[str, tuple[list[str], str]]:
    """Each workload's grammar-fst arguments (grammar, quotas) and template for the peers."""
    (work / "genres.txt").write_text("\n".join(ports.w1_genres()) + "\n")
    (work / "w1.grm").write_text(ports.w1_grm("genres.txt"))
    (work / "w2.grm").write_text(ports.w2_grm())
    quotas = [f"--intent={intent}={n}" for intent, n in ports.W2_QUOTAS.items()]
    return {
        "W1": ([str(work / "w1.grm"), "-n", str(UNIQUE)], ports.w1_template(UNIQUE)),
        "W2": ([str(work / "w2.grm"), *quotas], (HERE / "music.chatette").read_text()),
    }


def peers(work: Path, chatito: Path | None, budget: float) -> list[list]:
    rows = []
    for name, (arguments, template) in workloads(work).items():
        out = work / f"{name}.jsonl"
        ours = measure(
            [*GRAMMAR_FST, "sample", *arguments, "--unique", "-o", str(out)],
            work,
            work / "gf.log",
        )
        rows.append([name, "grammar-fst", ours, len(jsonl_sentences(out)), "1.0x"])
        (work / f"{name}.chatette").write_text(template)
        chatette_out = work / f"{name}-chatette"
        theirs = measure(
            [
                sys.executable,
                "-m",
                "chatette",
                str(work / f"{name}.chatette"),
                "-o",
                str(chatette_out),
                "-a",
                "jsonl",
                "-s",
                "1",
                "-f",
            ],
            work,
            work / "chatette.log",
        )
        rows.append(
            [
                name,
                "Chatette 1.6.3",
                theirs,
                len(chatette_sentences(chatette_out)),
                f"{theirs.cpu_s / ours.cpu_s:.1f}x",
            ]
        )
        if chatito is None:
            rows.append([name, "Chatito 2.3.5", None, "not run (no --chatito)", ""])
            continue
        (work / f"{name}.chatito").write_text(template)
        chatito_out = work / f"{name}-chatito"
        command = [
            "timeout",
            str(budget),
            str(chatito / "node_modules/.bin/chatito"),
            str(work / f"{name}.chatito"),
            "--format=default",
            f"--outputPath={chatito_out}",
        ]
        try:
            theirs = measure(command, work, work / "chatito.log")
        except RuntimeError:
            rows.append([name, "Chatito 2.3.5", None, f"stopped after {budget:.0f} s wall", ""])
            continue
        rows.append(
            [
                name,
                "Chatito 2.3.5",
                theirs,
                len(chatito_sentences(chatito_out)),
                f"{theirs.cpu_s / ours.cpu_s:.1f}x",
            ]
        )
    return rows


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stream(work: Path, far: Path, n: int, *flags: str, to: str = "") -> tuple[Usage, str]:
    """`sample` of `n` jsonl sentences to a file in `work` (or to `to`), and the file's
    digest ("" for `to`)."""
    out = Path(to) if to else work / "stream.jsonl"
    if not to:
        out.unlink(missing_ok=True)  # replacing a large file costs the kernel seconds
    cmd = [*GRAMMAR_FST, "sample", str(far), "-n", str(n), "--seed", "3", *flags, "-o", str(out)]
    usage = measure(cmd, work, work / "stream.log")
    return usage, "" if to else digest(out)


def cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chatito", type=Path, help="folder with node_modules/.bin/chatito")
    parser.add_argument("--budget", type=float, default=120, help="wall seconds Chatito may take")
    parser.add_argument("--stream", default="1000000,10000000", help="streamed sizes")
    parser.add_argument("--scale", type=int, default=10_000_000, help="sentences for the speed-ups")
    parser.add_argument("--skip-peers", action="store_true", help="only grammar-fst's own rows")
    args = parser.parse_args()
    compileall.compile_dir(HERE.parent / "grammar_fst", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lines = [
            "| workload | tool | CPU s | peak RSS MB | sentences | CPU / grammar-fst |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for workload, tool, usage, sentences, ratio in (
            [] if args.skip_peers else peers(work, args.chatito, args.budget)
        ):
            cpu, rss = (usage.cpu_s, usage.peak_rss_mb) if usage else ("-", "-")
            lines.append(
                f"| {workload} | {tool} | {cell(cpu)} | {cell(rss)} | {cell(sentences)} | {ratio} |"
            )
        far = work / "music.far"
        measure(
            [*GRAMMAR_FST, "compile", str(HERE.parent / "grammars/music.grm"), "-o", str(far)],
            work,
            work / "compile.log",
        )
        lines += [
            "",
            "| streaming jsonl, music.far | CPU s | peak RSS MB | sentences / CPU s |",
            "|---|---:|---:|---:|",
        ]
        for n in (int(size) for size in args.stream.split(",")):
            usage, _ = stream(work, far, n)
            lines.append(
                f"| {n:,} | {cell(usage.cpu_s)} | {cell(usage.peak_rss_mb)} | "
                f"{usage and n / usage.cpu_s:,.0f} |"
            )
        lines += [
            "",
            f"| {args.scale:,} sentences | wall s | CPU s (all processes) | "
            "speed-up (wall) | same bytes as --jobs 1 |",
            "|---|---:|---:|---:|---|",
        ]
        one, reference = stream(work, far, args.scale)
        lines.append(f"| --jobs 1 | {cell(one.wall_s)} | {cell(one.cpu_s)} | 1.00x | - |")
        for flags in SCALED:
            usage, same = stream(work, far, args.scale, *flags)
            lines.append(
                f"| {' '.join(flags)} | {cell(usage.wall_s)} | {cell(usage.cpu_s)} | "
                f"{one.wall_s / usage.wall_s:.2f}x | {same == reference} |"
            )
        lines += [
            "",
            f"| {args.scale:,} sentences to /dev/null (no page cache to fill) | wall s | "
            "CPU s (all processes) | speed-up (wall) |",
            "|---|---:|---:|---:|",
        ]
        one, _ = stream(work, far, args.scale, to=os.devnull)
        lines.append(f"| --jobs 1 | {cell(one.wall_s)} | {cell(one.cpu_s)} | 1.00x |")
        for flags in SCALED:
            usage, _ = stream(work, far, args.scale, *flags, to=os.devnull)
            lines.append(
                f"| {' '.join(flags)} | {cell(usage.wall_s)} | {cell(usage.cpu_s)} | "
                f"{one.wall_s / usage.wall_s:.2f}x |"
            )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
