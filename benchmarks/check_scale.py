"""How `grammar-fst check` scales with one long line: CPU seconds of each of its phases on
an intent of N distinct words, and each phase's growth against the smallest N. A phase
that is linear grows as N does (x2, x4); one that grows faster is where the time goes.

    python benchmarks/check_scale.py            # N = 12,500, 25,000, 50,000
    python benchmarks/check_scale.py 20000 50000 100000
"""

from __future__ import annotations

import sys
import time

from grammar_fst import check
from grammar_fst.fst.compiler import compile_grammar
from grammar_fst.fst.counting import DEFAULT_BUDGET
from grammar_fst.grm import syntax, validate

PHASES = ("parse", "validate", "lint (syntax)", "compile", "lint (FSTs)")


def phases(n: int) -> dict[str, float]:
    """CPU seconds of each phase of `check` on `intent A = w0 w1 ... w(n-1)`."""
    text = "intent A = " + " ".join(f"w{i}" for i in range(n)) + "\n"
    steps = [
        lambda: syntax.parse(text, "long.grm"),
        lambda grammar: validate.errors(grammar),
        lambda grammar: check._unused(grammar) + check._duplicate_alternatives(grammar),
        lambda grammar: compile_grammar(grammar),
        lambda grammar: check._language_findings(grammar, DEFAULT_BUDGET),  # compiles again
    ]
    seconds, grammar = {}, None
    for name, step in zip(PHASES, steps):
        start = time.process_time()
        result = step() if grammar is None else step(grammar)
        seconds[name] = time.process_time() - start
        grammar = result if grammar is None else grammar
    return seconds


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [12_500, 25_000, 50_000]
    measured = {n: phases(n) for n in sizes}
    base = measured[sizes[0]]
    head = ["words", *PHASES, "total"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for n, row in measured.items():
        total = sum(row.values())
        cells = [f"{row[p]:.2f} (x{row[p] / max(base[p], 1e-9):.1f})" for p in PHASES]
        print(f"| {n:,} | " + " | ".join(cells) + f" | {total:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
