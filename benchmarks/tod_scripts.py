"""Thai and Spanish as written: a grammar induced from golden utterances of the
multilingual task-oriented dialog data (`--format tod`), its parse recall on the rest of
the training split as written and pre-split into the dataset's own tokens, and what its
samples look like.

Per language, the three largest intents; `--golden` utterances of each (drawn with
`--seed`) are induced into one grammar (`induce`, lambda 1), the other utterances of the
three intents are held out. Recall is `grammar_fst.evaluate`'s: the held-out sentence is a
sentence of its intent (`recall`), and its reading has the right slots (`slot recall`).
"Pre-split" rewrites each held-out utterance as the dataset's tokenization column cuts it,
one space between tokens (slot offsets follow), for the same grammar. Then `--samples`
sentences: the share with a space between two Thai words, and the share that `parse`
gives back with the same intent and slots. Last, the same round trip for `--round-trip`
samples of the bundled Thai, Japanese and Hindi grammars.

    .venv/bin/python benchmarks/tod_scripts.py [--data ../shared/data] [--golden 50]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import time
from collections import Counter
from pathlib import Path

import grammar_fst as gf
from grammar_fst.data import formats
from grammar_fst.evaluate import evaluate
from grammar_fst.induction import induce
from grammar_fst.induction.incorporate import as_name

LANGUAGES = ("es", "th")
THAI_GAP = re.compile("[\u0e00-\u0e7f] [\u0e00-\u0e7f]")


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def token_spans(path: Path) -> dict[str, list[tuple[int, int]]]:
    """The dataset's own tokens of each text (stripped, as the reader gives it), as spans."""
    spans = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) < 5:
            continue
        shift = len(cells[2]) - len(cells[2].lstrip())
        try:
            tokens = json.loads(cells[4])["tokenizations"][0]["tokenSpans"]
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        spans[cells[2].strip()] = [
            (t.get("start", 0) - shift, t.get("start", 0) - shift + t["length"]) for t in tokens
        ]
    return spans


def named(u: gf.Utterance) -> gf.Utterance:
    """`u` with its intent and slots named as a grammar names them (`alarm/set_alarm` ->
    `alarm_set_alarm`), so that the induced grammar's names are the data's."""
    slots = tuple(s._replace(slot=as_name(s.slot)) for s in u.slots)
    return gf.Utterance(u.text, as_name(u.intent), slots)


def presplit(u: gf.Utterance, spans: list[tuple[int, int]]) -> gf.Utterance:
    """`u` as its tokens, one space between them; a slot covers the tokens inside it."""
    words, starts = [], []
    for start, end in spans:
        starts.append(sum(len(w) + 1 for w in words))
        words.append(u.text[start:end])
    text = " ".join(words)
    slots = []
    for s in u.slots:
        inside = [k for k, (a, b) in enumerate(spans) if a >= s.start and b <= s.end]
        if not inside:
            return u
        a, b = starts[inside[0]], starts[inside[-1]] + len(words[inside[-1]])
        slots.append(s._replace(value=text[a:b], start=a, end=b))
    return gf.Utterance(text, u.intent, tuple(slots))


def run(language: str, data: Path, golden_size: int, samples: int, seed: int) -> list[str]:
    path = data / "tod" / f"train-{language}.tsv"
    records = formats.read(path, "tod", on_error="skip")
    utterances = [named(u) for u in records]
    largest = [i for i, _ in Counter(u.intent for u in utterances).most_common(3)]
    golden, heldout = [], []
    rng = random.Random(seed)
    for intent in largest:
        mine = [u for u in utterances if u.intent == intent]
        rng.shuffle(mine)
        golden += mine[:golden_size]
        taken = {u.text for u in mine[:golden_size]}
        heldout += [u for u in mine[golden_size:] if u.text not in taken]
    spans = token_spans(path)
    split = [presplit(u, spans[u.text]) if u.text in spans else u for u in heldout]
    clock = time.process_time()
    induction = induce(golden)
    grammar = gf.from_text(induction.text(), f"{language}.grm")
    induce_s = time.process_time() - clock
    on_golden = evaluate(grammar, golden, samples=0)
    written = evaluate(grammar, heldout, samples=0)
    pre = evaluate(grammar, split, samples=0)
    drawn = list(grammar.sample(samples, seed=seed))
    thai_gaps = sum(bool(THAI_GAP.search(u.text)) for u in drawn)
    return [
        row(
            language,
            len(records.skipped),
            len(golden),
            len(heldout),
            f"{induce_s:.1f}",
            f"{on_golden.recall:.3f} / {on_golden.slot_recall:.3f}",
            f"{written.recall:.3f} / {written.slot_recall:.3f}",
            f"{pre.recall:.3f} / {pre.slot_recall:.3f}",
            f"{thai_gaps / len(drawn):.3f}",
            f"{parsed_back(grammar, drawn):.3f}",
        )
    ]


def parsed_back(grammar: gf.CompiledGrammar, samples: list[gf.Utterance]) -> float:
    """The share of `samples` that `parse` reads back with their own intent and slots."""
    back = 0
    for u in samples:
        reading = grammar.parse(u.text)
        back += reading is not None and (reading.intent, reading.slots) == (u.intent, u.slots)
    return back / len(samples)


def bundled(names: list[str], samples: int, seed: int) -> None:
    """The round trip on the bundled grammars: `samples` sentences each, parsed back."""
    print("\n| grammar | samples | with a space between Thai words | parsed back |")
    print(row(*["---"] * 4))
    folder = Path(__file__).resolve().parent.parent / "grammars"
    for name in names:
        grammar = gf.load(folder / name)
        drawn = list(grammar.sample(samples, seed=seed))
        gaps = sum(bool(THAI_GAP.search(u.text)) for u in drawn)
        print(row(name, len(drawn), gaps, f"{parsed_back(grammar, drawn):.4f}"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data", type=Path)
    parser.add_argument("--golden", type=int, default=50, help="golden utterances per intent")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--round-trip", type=int, default=10_000, help="samples of each bundled grammar"
    )
    args = parser.parse_args()
    logging.getLogger("grammar_fst").setLevel(logging.ERROR)  # the skipped rows are counted
    print(
        row(
            "language",
            "bad rows skipped",
            "golden",
            "held out",
            "induce CPU s",
            "golden recall / slots",
            "held-out recall / slots, as written",
            "pre-split",
            "samples with a space between Thai words",
            "samples parsed back",
        )
    )
    print(row(*["---"] * 10))
    for language in LANGUAGES:
        for line in run(language, args.data, args.golden, args.samples, args.seed):
            print(line, flush=True)
    bundled(["thai.grm", "japanese.grm", "hindi.grm"], args.round_trip, args.seed)


if __name__ == "__main__":
    main()
