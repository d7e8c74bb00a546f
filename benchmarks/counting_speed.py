"""`count` and `check` on grammars whose flat form is out of reach: CPU seconds and peak
memory of each command (the whole process: start-up, reading and compiling included).

Cases: rules that double at every level (15 and 18 levels), a repetition of a repeated
rule, the bundled music grammar, and a grammar induced from every BookRestaurant
utterance of SNIPS (`--lambda 0.8`; induced once into the work folder, which is kept).

    python benchmarks/counting_speed.py [--data /path/to/data] [--work DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from measure import measure

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "grammar_fst.cli.main"]


def doubling(levels: int) -> str:
    lines = ["$r0 = a | b"]
    lines += [f"$r{i} = $r{i - 1} $r{i - 1} | x{i}" for i in range(1, levels + 1)]
    return "\n".join([*lines, f"intent I = $r{levels}"]) + "\n"


def cases(work: Path, data: Path) -> list[tuple[str, Path]]:
    found = []
    for levels in (15, 18):
        path = work / f"doubling{levels}.grm"
        path.write_text(doubling(levels), encoding="utf-8")
        found.append((f"doubling rules, {levels} levels", path))
    path = work / "repeat.grm"
    path.write_text("$w = a | b\n$p = $w{1,100}\nintent I = $p{1,100}\n", encoding="utf-8")
    found.append(("$p = $w{1,100}, intent = $p{1,100}", path))
    found.append(("grammars/music.grm", ROOT / "grammars" / "music.grm"))
    source = data / "snips" / "train_BookRestaurant_full.json"
    induced = work / "book_restaurant_full.grm"
    if source.is_file():
        if not induced.is_file():
            cmd = [*CLI, "induce", str(source), "--lambda", "0.8", "-o", str(induced)]
            measure(cmd, ROOT, work / "induce.log")
        found.append(("BookRestaurant, all utterances, induced", induced))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, help="folder for the grammars (default: a new one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="counting-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| grammar | command | CPU s | peak MB | first line of output |")
    print("|---|---|---:|---:|---|")
    for name, path in cases(work, args.data):
        for command in ("count", "check"):
            log = work / f"{path.stem}.{command}.log"
            usage = measure([*CLI, command, str(path), "--quiet"], ROOT, log)
            first = log.read_text(encoding="utf-8").splitlines()[0]
            shown = first if len(first) <= 70 else first[:67] + "..."
            print(
                f"| {name} | {command} | {usage.cpu_s:.2f} | {usage.peak_rss_mb:.0f} "
                f"| `{shown}` |"
            )


if __name__ == "__main__":
    main()
