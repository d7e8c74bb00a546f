"""What writing a large output costs the kernel, with and without letting its written
pages go behind the writer (`grammar_fst/page_cache.py`): user and system CPU seconds of
writing `--gb` GB in 2 MB blocks (the size of a 10-million-line jsonl run's blocks) to a
new file in the temporary folder, the two ways taking turns, each run in
a process of its own after a `sync`.

    nice .venv/bin/python benchmarks/page_cache.py --gb 2.5 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BLOCK = (b'{"text": "play the new album by the beatles", "intent": "PlayMusic"}\n' * 30_000)[
    : 2 << 20
]


def write(path: str, gb: float, let_go: bool) -> None:
    """The child's work: `gb` GB of blocks to a new file at `path`, then its CPU."""
    from grammar_fst.page_cache import WrittenPages

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    pages = WrittenPages(fd)
    for _ in range(int(gb * (1 << 30)) // len(BLOCK)):
        view = memoryview(BLOCK)
        while view:
            view = view[os.write(fd, view) :]
        if let_go:
            pages.let_go()
    os.close(fd)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(usage.ru_utime, usage.ru_stime)


def measured(folder: Path, gb: float, let_go: bool) -> tuple[float, float]:
    path = folder / "out"
    os.sync()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(gb), str(int(let_go))],
        capture_output=True,
        text=True,
        check=True,
    )
    path.unlink()
    user, system = map(float, done.stdout.split())
    return user, system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.5, help="GB written per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way, in turns")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, gb, let_go = args.child
        write(path, float(gb), let_go == "1")
        return
    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            for let_go in (False, True):
                runs[let_go].append(measured(Path(tmp), args.gb, let_go))
    base = statistics.median(u + s for u, s in runs[False])
    lines = [
        f"| {args.gb} GB in 2 MB blocks | user s | system s (each run) | "
        "CPU s, median | against the page cache |",
        "|---|---:|---|---:|---:|",
    ]
    for let_go, name in ((False, "through the page cache"), (True, "pages let go every step")):
        got = runs[let_go]
        total = statistics.median(u + s for u, s in got)
        users = statistics.median(u for u, _ in got)
        systems = " ".join(f"{s:.2f}" for _, s in got)
        lines.append(f"| {name} | {users:.2f} | {systems} | {total:.2f} | {total / base:.2f}x |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
