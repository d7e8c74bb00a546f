"""The network compiler at scale: grammars induced from SNIPS and a 1,000,000-value
catalogue, every command measured in a child process (CPU seconds, peak RSS). One table.

1. the baseline: compiling a one-word grammar, what starting the program costs;
2. BookRestaurant and AddToPlaylist induced from 50, 150 and 300 utterances (the first of
   `train_<Intent>.json`), 1,000 (the first of `train_<Intent>_full.json`) and the whole
   full file: induce and compile CPU and peak RSS, rules and states of the network, and
   compile CPU per rule above the baseline (flat when compiling grows linearly in rules);
3. every other SNIPS intent from its whole full file; for each whole file, `check` and
   `count` too (a record that is not valid UTF-8, as PlayMusic's full file has, is left
   out, as benchmarks/snips_data.py reads the files);
4. the catalogue grammar of benchmarks/catalogue_scale.py around `--entries` values:
   compile, the first parse of a sampled sentence in a fresh process (loading excluded),
   and sampling 100,000 sentences from the `.far`.

A command past `--timeout` CPU seconds is stopped and shown as `> T`.

    .venv/bin/python benchmarks/network_scale.py [--data ../shared/data] [--timeout 30]
        [--intents BookRestaurant,...] [--entries 1000000] [--no-catalogue]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalogue_scale import write_inputs  # noqa: E402
from measure import Usage, measure  # noqa: E402
from snips_data import INTENTS, folder, full_of, pool_of  # noqa: E402

import grammar_fst as gf  # noqa: E402
from grammar_fst.data.formats import jsonl  # noqa: E402

GRAMMAR_FST = [sys.executable, "-m", "grammar_fst.cli.main"]
SCALED = ("BookRestaurant", "AddToPlaylist")
SIZES = (50, 150, 300, 1000)  # then the whole full file
POOL = 300  # utterances of train_<Intent>.json
SAMPLES = 100_000
FIRST_PARSE = (
    "import sys, time, grammar_fst as gf\n"
    "grammar = gf.load(sys.argv[1])\n"
    "start = time.process_time()\n"
    "found = grammar.parse(sys.argv[2])\n"
    "print(time.process_time() - start, found is not None)\n"
)
COLUMNS = (
    "grammar",
    "utterances",
    "rules",
    "states",
    "induce CPU s",
    "induce MB",
    "compile CPU s",
    "compile MB",
    "compile ms / rule",
    "check CPU s",
    "count CPU s",
    "first parse s",
    f"sample {SAMPLES // 1000}k MB",
)


class Runner:
    """Runs grammar-fst commands in `work`, each measured, each with the CPU limit."""

    def __init__(self, work: Path, timeout: int):
        self.work, self.timeout = work, timeout

    def run(self, *args: str, limit: bool = True) -> Usage:
        log = self.work / "command.log"
        return measure([*GRAMMAR_FST, *args], self.work, log, self.timeout if limit else 0)

    def compiled(self, grammar: Path) -> tuple[Usage, Path]:
        far = grammar.with_suffix(".far")
        return self.run("compile", str(grammar), "-o", str(far), limit=False), far


def cpu(usage: Usage | None, timeout: int) -> str:
    if usage is None:
        return "—"
    return f"> {timeout}" if usage.timed_out else f"{usage.cpu_s:.2f}"


def mb(usage: Usage | None) -> str:
    return "—" if usage is None or usage.timed_out else f"{usage.peak_rss_mb:.0f}"


def network_size(far: Path) -> tuple[int, int]:
    """Rules and states of a compiled network."""
    fsts = gf.load(far).fsts
    return len(fsts.rules), fsts.states()


def row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def induced_row(
    runner: Runner, data: Path, name: str, utterances: int, baseline: Usage, whole: bool
) -> str:
    """Induce `data` (a whole SNIPS file: check and count it too), compile, measure."""
    grammar = runner.work / f"{name}.grm"
    induced = runner.run("induce", str(data), "-o", str(grammar), limit=False)
    compiled, far = runner.compiled(grammar)
    rules, states = network_size(far)
    per_rule = (compiled.cpu_s - baseline.cpu_s) * 1000 / max(rules, 1)
    checked = runner.run("check", str(grammar)) if whole else None
    counted = runner.run("count", str(far)) if whole else None
    return row(
        name,
        f"{utterances:,}",
        f"{rules:,}",
        f"{states:,}",
        cpu(induced, 0),
        mb(induced),
        cpu(compiled, 0),
        mb(compiled),
        f"{per_rule:.2f}",
        cpu(checked, runner.timeout),
        cpu(counted, runner.timeout),
        "—",
        "—",
    )


def first_utterances(runner: Runner, data: Path, intent: str, n: int | None = None) -> Path:
    """The first `n` utterances of the pool (n <= 300) or of the full file (all of it when
    `n` is None), as records: a record that is not valid UTF-8 is left out."""
    source = pool_of(data, intent) if n is not None and n <= POOL else full_of(data, intent)
    assert n is None or len(source) >= n, f"{intent} has fewer than {n} utterances"
    path = runner.work / f"{intent}_{n or 'full'}.jsonl"
    path.write_text(jsonl.write_document(source[:n]), encoding="utf-8")
    return path


def first_parse(runner: Runner, far: Path, sentence: str) -> str:
    """CPU seconds of the first parse in a fresh process, loading the `.far` excluded."""
    script, log = runner.work / "first_parse.py", runner.work / "parse.log"
    script.write_text(FIRST_PARSE, encoding="utf-8")
    cmd = [sys.executable, str(script), str(far), sentence]
    if measure(cmd, runner.work, log, runner.timeout).timed_out:
        return f"> {runner.timeout}"
    seconds, found = log.read_text().split()
    assert found == "True", "a sampled sentence did not parse"
    return f"{float(seconds):.2f}"


def catalogue_row(runner: Runner, entries: int) -> str:
    grammar = write_inputs(runner.work, entries, rules=100)
    compiled, far = runner.compiled(grammar)
    rules, states = network_size(far)
    out = runner.work / "samples.jsonl"
    sampled = runner.run(
        "sample", str(far), "-n", str(SAMPLES), "--seed", "1", "-o", str(out), limit=False
    )
    sentence = json.loads(out.open(encoding="utf-8").readline())["text"]
    first = first_parse(runner, far, sentence)
    return row(
        f"catalogue of {entries:,} values",
        "—",
        f"{rules:,}",
        f"{states:,}",
        "—",
        "—",
        cpu(compiled, 0),
        mb(compiled),
        "—",  # the catalogue, not the rules, is what costs
        "—",
        "—",
        first,
        mb(sampled),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--timeout", type=int, default=30, help="CPU seconds for each check, count and parse"
    )
    parser.add_argument("--entries", type=int, default=1_000_000, help="catalogue values")
    parser.add_argument(
        "--intents", default=",".join(INTENTS), help="SNIPS intents, comma-separated (default: all)"
    )
    parser.add_argument("--no-catalogue", action="store_true", help="leave out the catalogue row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(Path(tmp), args.timeout)
        one_word = runner.work / "baseline.grm"
        one_word.write_text("intent A = hello\n", encoding="utf-8")
        baseline, _ = runner.compiled(one_word)
        print(row(*COLUMNS))
        print(row(*["---"] * len(COLUMNS)))
        cells = ["—"] * len(COLUMNS)
        cells[:4], cells[6:8] = ["baseline: one word", "—", 0, 1], [cpu(baseline, 0), mb(baseline)]
        print(row(*cells), flush=True)
        snips = folder(args.data)
        if not snips.is_dir():
            print(f"\n(no SNIPS data in {snips}: its rows are left out)", file=sys.stderr)
        else:
            chosen = args.intents.split(",")
            for intent in (
                *(i for i in SCALED if i in chosen),
                *(i for i in chosen if i not in SCALED),
            ):
                for n in SIZES if intent in SCALED else ():
                    data = first_utterances(runner, args.data, intent, n)
                    line = induced_row(runner, data, f"{intent} {n:,}", n, baseline, False)
                    print(line, flush=True)
                full = first_utterances(runner, args.data, intent)
                n = len(full_of(args.data, intent))
                print(induced_row(runner, full, f"{intent} full", n, baseline, True), flush=True)
        if not args.no_catalogue:
            print(catalogue_row(runner, args.entries), flush=True)


if __name__ == "__main__":
    main()
