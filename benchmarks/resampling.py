"""Guided resampling on real data: SLURP's devel split (MASSIVE format), and the Jaccard
indices of SNIPS behind the default threshold.

1. `resample` of SLURP devel (2,033 utterances, 71 intents) to N utterances under each
   allocation: CPU time, throughput, patterns, and the allocation table's largest rows;
   the best CPU time of five at the default, before the kinds (`--context 0.5
   --no-kinds`) and before the join gate (`--context 0.4 --no-joins --no-kinds`).
2. The context gate at several --context evidences (and off), variants of it, the join
   gate (--joins) at several rarities with several evidences, the sub-types (--subtypes)
   and the kinds (--kinds) at several similarities, alone and with the gates (rows
   without the join gate and the kinds unless they say so), the default (the kinds with
   the join gate and the context gate) at several evidences and sightings, and without
   its parts: SLURP devel
   split in two halves at random (three times), one resampled to N/2, the other held out
   as the reference of the naturalness measure; diversity beside it; CPU time of
   resampling the whole split to N.
3. For each slot type shared by two SNIPS intents (the `_full` files), the Jaccard index
   of their value sets and whether the default threshold lets values flow.

    .venv/bin/python benchmarks/resampling.py [--data ../shared/data] [-n 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import random
import sys
import time
from pathlib import Path
from unittest import mock

from grammar_fst.data import context, formats, joins, kinds, naturalness
from grammar_fst.data import resample as rs

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
    print(f"\n### CPU seconds, best of {REPEATS} (the load of a shared machine only adds)\n")
    print(row("setting", "CPU s", "utterances / s"))
    print(row(*["---"] * 3))
    for name, options in (
        ("default", {}),
        ("--context 0.5 --no-kinds (the default before the kinds)", BEFORE_KINDS),
        (
            "--context 0.4 --no-joins --no-kinds (before the join gate)",
            {"context": 0.4, "joins": None, "kinds": None},
        ),
    ):
        times = []
        for _ in range(REPEATS):
            start = time.process_time()
            out, _, _ = rs.resample(utterances, n, seed=0, **options)
            times.append(time.process_time() - start)
        print(row(name, f"{min(times):.2f}", f"{len(out) / min(times):,.0f}"))
    table = tables["entropy"]
    by_size = sorted(range(len(table.stats)), key=lambda i: -table.allocated[i])[:top]
    print(f"\n### The {top} largest patterns under each allocation\n")
    print(row("pattern", "input", "complexity (bits)", "entropy", "source", "uniform"))
    print(row(*["---"] * 6))
    for i in by_size:
        s = table.stats[i]
        shares = [tables[how].allocated[i] for how in ("entropy", "source", "uniform")]
        print(row(s.pattern, s.count, f"{s.complexity:.1f}", *shares))


EVIDENCES = (None, 2.0, 1.0, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.0)
# (context evidence, sub-type similarity), None: off
SUBTYPES = (
    (None, 0.1),
    (None, 0.2),
    (None, 0.3),
    (None, 0.5),
    (1.0, 0.1),
    (1.0, 0.3),
    (0.4, 0.1),
    (0.4, 0.2),
    (0.4, 0.3),
    (0.4, 0.5),
)
# (context evidence, kinds similarity), None: off
KINDS = (
    (None, 0.3),
    (0.4, 0.3),
    (1.0, 0.3),
    (2.0, 0.3),
    (4.0, 0.3),
    (4.0, 0.2),
    (4.0, 0.4),
)
# (context evidence, join rarity), None: off
JOINS = (
    (None, 2),
    (None, 5),
    (0.4, 2),
    (0.4, 3),
    (0.4, 5),
    (0.5, 2),
    (0.6, 2),
    (0.7, 2),
    (1.0, 2),
)
# (context evidence, kinds' sightings), with the kinds at 0.3 and the join gate at 2
DEFAULTS = (
    (2.0, 8),
    (1.0, 8),
    (1.5, 8),
    (3.0, 8),
    (None, 8),
    (2.0, 4),
    (2.0, 12),
)
BEFORE_KINDS = {"context": 0.5, "kinds": None}
HALVINGS = 3
REPEATS = 5


class KindsBefore(kinds.ValueKinds):
    """The rule of the kinds before: no end of the value of another kind than the same end
    of the value it replaces, and one end's kind shared unless that value has an end of no
    kind (so "ten minutes", its last word of no kind, took the place of "five pm")."""

    def compatible(self, slot: str, place: kinds.Kinds, value: str) -> bool:
        ends = self.kinds(slot, value)
        if any(p is not None and v is not None and p != v for p, v in zip(place, ends)):
            return False
        return place[0] is None or place[1] is None or place[0] == ends[0] or place[1] == ends[1]


def no_lone_kinds(*args, **options) -> kinds.ValueKinds:
    """The kinds without the kinds of one word (as before: a word that shared its groups
    with no other had none)."""
    found = LEARN(*args, **options)
    members = {label: words for label, words in found.members.items() if len(words) > 1}
    labels = {key: label for key, label in found.labels.items() if label in members}
    return kinds.ValueKinds(labels, members)


LEARN = kinds.learn


class SidesOnly(context.ContextGate):
    """The context gate without the marked forms and the words said twice."""

    def beyond(self, slot: str, value: str, left: str, right: str) -> tuple:
        return ()


class WordsOnly(context.ContextGate):
    """The gate without the endings: whole first and last words only."""

    def _blocks(self, e: context.Evidence) -> bool:
        return not e.side.endswith("~") and super()._blocks(e)


class NearEdgesOnly(context.ContextGate):
    """The gate without the far sides (each neighbour against the value's far edge)."""

    def _blocks(self, e: context.Evidence) -> bool:
        return not e.side.endswith("^") and super()._blocks(e)


class SlotPairsOnly(context.ContextGate):
    """The gate without letting through word pairs that the text says outside slots."""

    def _blocks(self, e: context.Evidence) -> bool:
        return not e.seen and e.expected >= self.evidence and e.expected > 0


def halvings(utterances: list) -> list[tuple[list, list]]:
    """SLURP devel split in two at random, `HALVINGS` times: (resampled, held out)."""
    found = []
    for seed in range(HALVINGS):
        order = list(range(len(utterances)))
        random.Random(seed).shuffle(order)
        half = len(order) // 2
        found.append(
            (
                [utterances[i] for i in sorted(order[:half])],
                [utterances[i] for i in sorted(order[half:])],
            )
        )
    return found


def measured(splits: list[tuple[list, list]], n: int, evidence: float | None, **options) -> tuple:
    """Mean naturalness and diversity of the new utterances over the halvings (`options`:
    more of `resample.resample`'s; the join gate off unless given)."""
    shares, fillings = [], []
    options = {"joins": None, "kinds": None, **options}
    for made_from, held_out in splits:
        out, _, _ = rs.resample(made_from, n, seed=0, context=evidence, **options)
        found = naturalness.measure([g.utterance for g in out if g.swaps is not None], held_out)
        shares.append(found.naturalness)
        fillings.append(found.fillings)
    return sum(shares) / len(shares), sum(fillings) / len(fillings)


def gate(data: Path, n: int) -> None:
    """Naturalness and diversity at each --context evidence, for variants of the gate and
    for the sub-types, against no context gate; CPU time of the whole split at each."""
    utterances = list(formats.read(data / "slurp" / "devel.jsonl", "massive", on_error="skip"))
    splits = halvings(utterances)
    print(
        f"\n## The context gate: half of SLURP devel ({len(splits[0][0]):,} utterances) -> "
        f"{n // 2:,}, measured against the other half; means of {HALVINGS} random halvings\n"
    )
    real = sum(naturalness.measure(a, b).naturalness for a, b in splits) / len(splits)
    print(f"The resampled halves themselves, as written: naturalness {real:.3f}.\n")
    header = ["gate", "naturalness", "change", "diversity", "change"]
    print(row(*header, f"CPU s ({len(utterances):,} -> {n:,})"))
    print(row(*["---"] * 6))
    base = measured(splits, n // 2, None)

    def line(name: str, found: tuple, *extra: str) -> str:
        return row(
            name,
            f"{found[0]:.3f}",
            f"{100 * (found[0] / base[0] - 1):+.0f}%",
            f"{found[1]:,.0f}",
            f"{100 * (found[1] / base[1] - 1):+.0f}%",
            *extra,
        )

    def seconds(evidence: float | None, **options) -> str:
        start = time.process_time()
        rs.resample(
            utterances, n, seed=0, context=evidence, **{"joins": None, "kinds": None, **options}
        )
        return f"{time.process_time() - start:.2f}"

    for evidence in EVIDENCES:
        found = base if evidence is None else measured(splits, n // 2, evidence)
        name = "off (--no-context)" if evidence is None else f"--context {evidence:g}"
        print(line(name, found, seconds(evidence)))
    for evidence, rare in JOINS:
        found = measured(splits, n // 2, evidence, joins=rare)
        gated = "--no-context" if evidence is None else f"--context {evidence:g}"
        print(line(f"--joins {rare}, {gated}", found, seconds(evidence, joins=rare)))
    for evidence, similarity in KINDS[:2]:
        found = measured(splits, n // 2, evidence, kinds=similarity, joins=joins.DEFAULT_RARE)
        gated = "--no-context" if evidence is None else f"--context {evidence:g}"
        took = seconds(evidence, kinds=similarity, joins=joins.DEFAULT_RARE)
        print(line(f"--kinds {similarity:g}, --joins 2, {gated}", found, took))
    for option, settings in (("subtypes", SUBTYPES), ("kinds", KINDS)):
        for evidence, similarity in settings:
            found = measured(splits, n // 2, evidence, **{option: similarity})
            gated = "--no-context" if evidence is None else f"--context {evidence:g}"
            took = seconds(evidence, **{option: similarity})
            print(line(f"--{option} {similarity:g}, {gated}", found, took))
    on = {"kinds": kinds.DEFAULT_SIMILARITY, "joins": joins.DEFAULT_RARE}
    for evidence, seen in DEFAULTS:
        found = measured(splits, n // 2, evidence, kinds_seen=seen, **on)
        gated = "--no-context" if evidence is None else f"--context {evidence:g}"
        took = seconds(evidence, kinds_seen=seen, **on)
        print(line(f"--kinds 0.3 --kinds-seen {seen}, --joins 2, {gated}", found, took))
    default = context.DEFAULT_EVIDENCE
    for name, patches in (
        ("the rule of the kinds before", [(kinds, "ValueKinds", KindsBefore)]),
        ("no kinds of one word", [(kinds, "learn", no_lone_kinds)]),
        (
            "the kinds as before (their rule, no kinds of one word)",
            [(kinds, "ValueKinds", KindsBefore), (kinds, "learn", no_lone_kinds)],
        ),
        ("no marked forms or words said twice", [(context, "ContextGate", SidesOnly)]),
    ):
        with contextlib.ExitStack() as stack:
            for where, what, variant in patches:
                stack.enter_context(mock.patch.object(where, what, variant))
            found = measured(splits, n // 2, default, **on)
        print(line(f"default, {name}", found, ""))
    before = measured(splits, n // 2, 0.5, joins=joins.DEFAULT_RARE)
    print(line("the default before the kinds (--context 0.5 --no-kinds)", before, ""))
    for name, variant, evidence in (
        ("near edges only (no far sides)", NearEdgesOnly, default),
        ("whole words only", WordsOnly, default),
        ("whole words only", WordsOnly, 0.1),
        ("slot pairs only (text pairs not let through)", SlotPairsOnly, default),
    ):
        with mock.patch.object(context, "ContextGate", variant):
            found = measured(splits, n // 2, evidence)
        print(line(f"{name}, --context {evidence:g}", found, ""))
    print(
        f"\nDefault: --context {default:g} --joins {joins.DEFAULT_RARE} --kinds "
        f"{kinds.DEFAULT_SIMILARITY:g} --kinds-seen {kinds.MIN_SEEN}."
    )


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
