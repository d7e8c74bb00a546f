"""Parse speed: the chart parser over the network against the flat parser it replaced
(every intent expanded with pynini.replace, the union epsilon-removed, each sentence
composed with it), on sentences sampled from each grammar, in one process.

For each grammar: the CPU seconds to get each parser ready (the flat one expands the
grammar; the chart parser indexes what the first parse reaches, so its first parse is
timed alone), then sentences per CPU second on the sampled sentences, and the share of
sentences both parse to the same utterance. The flat parser is run only where the
expanded grammar fits --flat-budget states, and on at most --flat-seconds of CPU.

    .venv/bin/python benchmarks/parse_speed.py grammars/music.grm br.grm [--catalogue 1000000]

`--catalogue N` adds the grammar of benchmarks/catalogue_scale.py with an N-value catalogue.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pynini

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue_scale  # noqa: E402

import grammar_fst as gf  # noqa: E402
from grammar_fst.fst import openfst
from grammar_fst.fst.compiler import CompiledFsts, flat_size, flatten  # noqa: E402
from grammar_fst.fst.parse import Recognizer  # noqa: E402
from grammar_fst.fst.spelling import Speller  # noqa: E402
from grammar_fst.text import tokens  # noqa: E402


class FlatParser:
    """The parser grammar-fst had before the network: the union of the flattened intents,
    a composition and a shortest path per sentence, OpenFst's stderr captured per call."""

    def __init__(self, fsts: CompiledFsts):
        self.symbols = fsts.symbols
        self.spell = Speller([fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())])
        flat = [flatten(fsts, name) for name in fsts.intents]
        with openfst.captured("preparing the parser"):
            self.fst = pynini.union(*flat).rmepsilon().arcsort("ilabel")

    def parse(self, text: str) -> gf.Utterance | None:
        ids = [self.symbols.find(w) for w in tokens.words(text)]
        if not ids or min(ids) < 0:
            return None
        with openfst.captured("parsing"):
            lattice = pynini.compose(openfst.chain([(i, i) for i in ids]), self.fst)
            lattice.connect()
            if lattice.start() < 0:
                return None
            best = pynini.shortestpath(pynini.arcmap(lattice, map_type="to_std"))
        return self.spell(openfst.single_path(best))


def cpu() -> float:
    return time.process_time()


def measure(name: str, grammar: gf.CompiledGrammar, sentences: list[str], args) -> list[str]:
    """One table row."""
    started = cpu()
    chart = Recognizer(grammar.fsts)
    first = chart.parse(sentences[0])
    ready = cpu() - started
    started = cpu()
    parsed = [chart.parse(s) for s in sentences]
    new_rate = len(sentences) / (cpu() - started)
    missed = sum(p is None for p in parsed)
    assert first == parsed[0] and not missed, f"{missed} sampled sentences did not parse"
    states = sum(flat_size(grammar.fsts, i) for i in grammar.fsts.intents)
    flat_cells = ["over budget", "-", "-", "-"]
    if states <= args.flat_budget:
        started = cpu()
        flat = FlatParser(grammar.fsts)
        flat_ready = cpu() - started
        started, done = cpu(), []
        for s in sentences:
            done.append(flat.parse(s))
            if cpu() - started > args.flat_seconds:
                break
        flat_rate = len(done) / (cpu() - started)
        same = sum(a == b for a, b in zip(done, parsed)) / len(done)
        flat_cells = [f"{flat_ready:.3f}", f"{flat_rate:,.0f}", f"{new_rate / flat_rate:.1f}x"]
        flat_cells.append(f"{same:.1%} of {len(done):,}")
    return [
        name,
        f"{len(sentences):,}",
        f"{states:,}" if states < 10**9 else f"{states:.1e}",
        flat_cells[0],
        f"{ready:.3f}",
        flat_cells[1],
        f"{new_rate:,.0f}",
        flat_cells[2],
        flat_cells[3],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("grammars", nargs="*", default=["grammars/music.grm"])
    parser.add_argument("-n", type=int, default=5000, help="sentences sampled per grammar")
    parser.add_argument("--catalogue", type=int, default=0, metavar="N")
    parser.add_argument("--flat-budget", type=int, default=2_000_000, metavar="STATES")
    parser.add_argument("--flat-seconds", type=float, default=20.0, metavar="S")
    args = parser.parse_args()
    header = [
        "grammar",
        "sentences",
        "flat states",
        "flat: ready, CPU s",
        "chart: first parse, CPU s",
        "flat: sentences/CPU s",
        "chart: sentences/CPU s",
        "chart / flat",
        "same parse",
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = [(Path(p).name, Path(p)) for p in args.grammars]
        if args.catalogue:
            path = catalogue_scale.write_inputs(Path(tmp), args.catalogue, 100)
            sources.append((f"catalogue of {args.catalogue:,} values", path))
        for name, path in sources:
            grammar = gf.load(path)
            sentences = [u.text for u in grammar.sample(args.n, seed=0)]
            rows.append(measure(name, grammar, sentences, args))
            print(f"done: {name}", file=sys.stderr, flush=True)
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
