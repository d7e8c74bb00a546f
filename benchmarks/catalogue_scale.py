"""Catalogue scale: a grammar of 100 rules around a 100,000-entry catalogue of multi-word
values. Compiles it, writes the .far, parses sentences, and prints one table.

The baseline, measured in the same run, is the flat form that parsing and counting need
(every slot use expanded with pynini.replace): it shows what keeping catalogue slots as
separate classes saves.

    .venv/bin/python benchmarks/catalogue_scale.py [--entries 100000] [--rules 100]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path

import grammar_fst as gf
from grammar_fst.fst.compiler import flatten

VOCABULARY = [f"name{i}" for i in range(20_000)]


def catalogue_values(entries: int) -> list[str]:
    """Distinct values of two or three words drawn at random (seeded) from the vocabulary,
    so that the catalogue does not collapse into a small product FST."""
    rng = random.Random(0)
    values: dict[str, None] = {}
    while len(values) < entries:
        values[" ".join(rng.choices(VOCABULARY, k=rng.choice((2, 2, 3))))] = None
    return list(values)


def write_inputs(folder: Path, entries: int, rules: int, intents: int = 10) -> Path:
    """A grammar with `rules` rules and `intents` intents, each using the catalogue slot."""
    names = catalogue_values(entries)
    (folder / "artists.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    lines = ['slot artist from "artists.txt"']
    for r in range(rules):
        lines.append(f"$r{r} = w{r}a | w{r}b w{r}c? | (w{r}d | w{r}e) w{r}f <2>")
    per_intent = rules // intents
    for i in range(intents):
        used = " ".join(f"$r{r}" for r in range(i * per_intent, (i + 1) * per_intent, 3))
        lines.append(f"intent Intent{i} = {used} {{artist}} | {{artist}} please {used}")
    path = folder / "scale.grm"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def size(fsts) -> tuple[int, int]:
    all_fsts = fsts.all_fsts()
    return sum(f.num_states() for f in all_fsts), sum(
        f.num_arcs(s) for f in all_fsts for s in f.states()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_inputs(folder, args.entries, args.rules)
        cpu, wall = time.process_time(), time.perf_counter()
        grammar = gf.load(source)
        grammar.write_far(folder / "scale.far")
        compile_cpu, compile_wall = time.process_time() - cpu, time.perf_counter() - wall
        states, arcs = size(grammar.fsts)
        far_bytes = os.path.getsize(folder / "scale.far")

        wall = time.perf_counter()
        loaded = gf.load(folder / "scale.far")
        read_wall = time.perf_counter() - wall

        wall = time.perf_counter()
        flat = [flatten(loaded.fsts, name) for name in loaded.intents]
        flat_wall = time.perf_counter() - wall
        flat_states = sum(f.num_states() for f in flat)
        flat_arcs = sum(f.num_arcs(s) for f in flat for s in f.states())

        sentences = [u.text for u in loaded.sample(50, seed=1)]
        loaded = gf.load(folder / "scale.far")  # fresh: no flat forms cached yet
        wall = time.perf_counter()
        loaded.parse(sentences[0])  # builds the parser: expands the slots once
        first_parse = time.perf_counter() - wall
        wall = time.perf_counter()
        parsed = [loaded.parse(s) for s in sentences]
        parse_each = (time.perf_counter() - wall) / len(sentences)
        assert all(p is not None for p in parsed)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"catalogue: {args.entries:,} values of 2-3 words; grammar: {args.rules} rules, "
        f"{len(grammar.intents)} intents"
    )
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| compile + write .far, wall | {compile_wall:.2f} s |")
    print(f"| compile + write .far, CPU | {compile_cpu:.2f} s |")
    print(f"| states / arcs (intents, rules, slot classes) | {states:,} / {arcs:,} |")
    print(f"| .far size | {far_bytes / 1e6:.1f} MB |")
    print(f"| read .far | {read_wall:.2f} s |")
    print(f"| baseline: flat (slots expanded), states / arcs | {flat_states:,} / {flat_arcs:,} |")
    print(f"| flat / classes, states | {flat_states / states:.1f}x |")
    print(f"| expanding the slots (pynini.replace), wall | {flat_wall:.2f} s |")
    first = f"{first_parse * 1000:.0f} ms"
    print(f"| first parse (chart parser: reads the FSTs it reaches) | {first} |")
    print(f"| parse one sentence, mean of {len(sentences)} | {parse_each * 1000:.2f} ms |")
    print(f"| peak RSS | {peak_mb:.0f} MB |")


if __name__ == "__main__":
    main()
