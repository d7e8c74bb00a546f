"""Does a fast JSON encoder pay for the jsonl record? One table of CPU seconds for
formatting the same utterances of grammars/music.grm, against the walk and spelling
that made them (the baseline, measured in the same run):

- `jsonl.line`, today's writer: json's C string encoder inside one f-string per record;
- orjson on the record's dict: compact separators (`{"text":"..."}`), so other bytes;
- orjson as the string encoder inside today's f-string: the same bytes.

    .venv/bin/pip install orjson; nice .venv/bin/python benchmarks/json_encoders.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import orjson

from grammar_fst.data.formats import jsonl
from grammar_fst.model import load

MUSIC = Path(__file__).resolve().parent.parent / "grammars" / "music.grm"


def cpu(work) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def orjson_record(utterance) -> bytes:
    return orjson.dumps(utterance.to_dict())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200_000)
    n = parser.parse_args().n
    grammar = load(MUSIC)
    walk, utterances = cpu(lambda: list(grammar.sample(n, seed=1)))
    today, lines = cpu(lambda: [jsonl.line(u, i) for i, u in enumerate(utterances)])
    compact, _ = cpu(lambda: [orjson_record(u) for u in utterances])
    original = jsonl._quote
    jsonl._quote = lambda text: orjson.dumps(text).decode()
    try:
        quoted, same = cpu(lambda: [jsonl.line(u, i) for i, u in enumerate(utterances)])
    finally:
        jsonl._quote = original
    rows = [
        ("walk and spell (baseline)", walk, "-"),
        ("jsonl.line (today)", today, "yes"),
        ("orjson.dumps(record dict)", compact, "no (compact separators)"),
        ("orjson as the string encoder", quoted, "yes" if same == lines else "no"),
    ]
    print(f"{n:,} records of music.grm\n")
    print("| step | CPU s | per record µs | / walk | same bytes as today |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, identical in rows:
        print(f"| {name} | {seconds:.3f} | {seconds / n * 1e6:.2f} | {seconds / walk:.2f} "
              f"| {identical} |")


if __name__ == "__main__":
    main()
