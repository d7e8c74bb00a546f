"""The commands on annotated data: convert between formats, resample (new utterances by
swapping slot values), and evaluate a grammar or resampled data against held-out data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator

from ..defaults import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_THRESHOLD
from ..errors import UsageError
from ..plurals import amount
from . import PROG, printable
from .arguments import (
    Command,
    bindings,
    data_arguments,
    grammar_arguments,
    named_grammar,
    on_error_option,
    selected,
    selection_options,
    worker_options,
    workers,
)
from .io import (
    batches,
    data_locale,
    output_options,
    progress_options,
    read_all,
    report_skipped,
    warn_locale_lost,
    write_utterances,
)
from .values import at_least_one, binding, fraction, non_negative, whole_number


def _convert_arguments(p: argparse.ArgumentParser) -> None:
    data_arguments(p, _convert, "--from")
    output_options(p, "--to")


CONVERT = Command(
    "convert",
    help="convert annotated data between formats",
    description="Read annotated utterances in one format and write them in another "
    "(offsets, slots and canonical values kept where the target format has room for "
    "them). Bad records stop the run with their FILE:LINE:COL, or with --on-error skip "
    "are reported one by one and counted; exit status 1 if any was skipped.",
    add=_convert_arguments,
)


def _convert(args: argparse.Namespace) -> int:
    from ..data import formats

    records = formats.read(args.data, args.source_format, args.on_error)
    unwritable: list = []
    written = formats.writable(records, args.to, args.on_error, args.data, unwritable)
    locale = data_locale(args)
    synonyms = [0]  # slots written with a canonical value, counted as they are written
    if not formats.get(args.to).canonical:
        written = _counted(written, synonyms)
    write_utterances(batches(written), args.to, args.output, language=args.language, locale=locale)
    warn_locale_lost(args, locale)
    _warn_synonyms_lost(args.to, synonyms[0])
    return report_skipped(records, unwritable)


def _counted(utterances: Iterable, synonyms: list[int]) -> Iterator:
    """The utterances, adding to `synonyms[0]` each one's slots with a canonical value."""
    for utterance in utterances:
        synonyms[0] += sum(slot.canonical is not None for slot in utterance.slots)
        yield utterance


def _warn_synonyms_lost(fmt: str, lost: int) -> None:
    """Warn when slot values with a canonical value were written in a format without a
    field for it: the output says the values as written, and their meaning is lost."""
    if not lost:
        return
    from ..data import formats

    keeping = formats.described(lambda f: f.canonical, " or ")
    sys.stderr.write(
        f"{PROG}: warning: {amount(lost, 'slot value')} with a canonical value written as "
        f"said: {fmt} has no field for it ({keeping} would keep it)\n"
    )


def _resample_arguments(p: argparse.ArgumentParser) -> None:
    from ..data import joins, kinds
    from ..data.context import DEFAULT_EVIDENCE
    from ..data.distribution import ALLOCATIONS
    from ..data.subtypes import DEFAULT_SIMILARITY

    data_arguments(p, _resample, "--format")
    p.add_argument(
        "-n",
        type=at_least_one,
        required=True,
        metavar="N",
        help="utterances in the output, originals included",
    )
    p.add_argument(
        "--seed",
        type=whole_number,
        default=DEFAULT_SEED,
        help=f"random seed (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--threshold",
        type=fraction,
        default=DEFAULT_THRESHOLD,
        metavar="J",
        help=f"the Jaccard index from which two intents share a slot type's values "
        f"(default: {DEFAULT_THRESHOLD}; 1 keeps values within their intent)",
    )
    p.add_argument(
        "--catalogue",
        action="append",
        type=binding,
        metavar="[INTENT:]SLOT=FILE",
        help="add a catalogue's values to slot type SLOT in every intent, or with INTENT: "
        "to that intent's own values, which other intents get only through the Jaccard "
        "gate (repeatable)",
    )
    p.add_argument(
        "--allocate",
        choices=ALLOCATIONS,
        default="entropy",
        help="how -n is shared by patterns: in proportion to their complexity (entropy, "
        "default), to their number in DATA (source), or evenly (uniform)",
    )
    p.add_argument(
        "--per-intent",
        action="store_true",
        help="share -n evenly among the intents first, then among each intent's patterns "
        "by --allocate (default: all patterns of all intents share -n)",
    )
    p.add_argument(
        "--floor",
        type=whole_number,
        default=1,
        metavar="K",
        help="utterances every pattern gets at least (default: 1)",
    )
    p.add_argument("--no-originals", action="store_true", help="leave the input utterances out")
    p.add_argument(
        "--context",
        type=non_negative,
        default=DEFAULT_EVIDENCE,
        metavar="E",
        help="the context gate's evidence: a value is kept out of a slot occurrence when "
        "one of its edges and the neighbouring word were never seen together in DATA "
        f"although E times were expected (default: {DEFAULT_EVIDENCE:g}; smaller blocks more)",
    )
    p.add_argument(
        "--no-context",
        action="store_true",
        help="no context gate (the join gate stays unless --no-joins)",
    )
    p.add_argument(
        "--joins",
        type=whole_number,
        default=joins.DEFAULT_RARE,
        metavar="K",
        help="where two slots touch, the last word of one value and the first of the next "
        "must be seen side by side in DATA, unless one of them is seen fewer than K times "
        f"(default: {joins.DEFAULT_RARE})",
    )
    p.add_argument(
        "--no-joins", action="store_true", help="let the values of touching slots meet freely"
    )
    p.add_argument(
        "--kinds",
        type=fraction,
        default=kinds.DEFAULT_SIMILARITY,
        metavar="S",
        help="group the first and last words of each slot type's values in DATA into kinds "
        "(by the words around the values and the words next to them inside; likeness 0 to "
        "1 at least S) and let a value take the place only of one whose ends that have a "
        f"kind are of the same kind in it (default: {kinds.DEFAULT_SIMILARITY:g})",
    )
    p.add_argument(
        "--kinds-seen",
        type=whole_number,
        default=kinds.MIN_SEEN,
        metavar="N",
        help="an edge word seen fewer than N times in DATA has no kind: its places are too "
        f"few to tell (default: {kinds.MIN_SEEN}; lower it for small data)",
    )
    p.add_argument("--no-kinds", action="store_true", help="let values of any kind swap")
    p.add_argument(
        "--subtypes",
        type=fraction,
        metavar="S",
        help="split each slot type into sub-types by the words around its values in DATA "
        "(a value joins the most alike sub-type when their likeness, 0 to 1, reaches S; "
        f"{DEFAULT_SIMILARITY:g} was measured on SLURP) and swap values only within their "
        "sub-type (default: off)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="list the swaps the gates block, and why, on standard error",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="print the Jaccard indices, the allocation table, and the output's "
        "naturalness and diversity on standard error",
    )
    output_options(p, "--to", ", with each record's provenance")
    progress_options(p, "; it counts the new utterances as they are made")


RESAMPLE = Command(
    "resample",
    help="make new annotated utterances by swapping slot values",
    description="Recombine annotated utterances: each new one takes an input utterance "
    "and draws its slot values from the values of the same slot type in the same intent, "
    "in other intents whose value sets are alike (Jaccard index at least --threshold), "
    "and in --catalogue files. Each semantic pattern (intent and set of slot types) gets "
    "a share of -n by --allocate. The input utterances are kept unless --no-originals; "
    "no (text, intent) repeats; jsonl records carry their provenance.",
    add=_resample_arguments,
)


def _resample(args: argparse.Namespace) -> int:
    """`_resample_all` with the cycle collector paused: resampling makes hundreds of
    thousands of objects that form no cycles and live until the command ends, and each
    collection walked them all again (a tenth of the command's time)."""
    from ..collector import paused

    with paused(freeze=True):
        return _resample_all(args)


def _resample_all(args: argparse.Namespace) -> int:
    from ..data import formats, resample
    from ..data.catalogue import read_catalogue

    records, utterances = read_all(args.data, args.source_format, args.on_error, "resample")
    catalogues = {slot: read_catalogue(file) for slot, file in bindings(args).items()}
    generated, table, pools = resample.resample(
        utterances,
        args.n,
        args.seed,
        args.threshold,
        args.allocate,
        args.floor,
        not args.no_originals,
        catalogues,
        args.per_intent,
        None if args.no_context else args.context,
        args.subtypes,
        None if args.no_kinds else args.kinds,
        None if args.no_joins else args.joins,
        args.kinds_seen,
    )
    if args.explain:
        sys.stderr.write(printable(resample.explain(utterances, pools)))
    if args.report:
        measure = resample.measured(generated, utterances)
        sys.stderr.write(printable(resample.report(table, pools, measure)))
    unwritable: list = []
    fmt = formats.get(args.to)
    locale = data_locale(args)
    if fmt.has("provenance"):  # lines already written, as write_utterances takes them
        lines = (line[:-1] for line in resample.provenance_lines(generated, fmt))
        write_utterances(batches(lines), args.to, args.output, rendered=True)
    else:
        utterances = [g.utterance for g in generated]
        kept = formats.writable(utterances, args.to, args.on_error, "the output", unwritable)
        write_utterances([list(kept)], args.to, args.output, language=args.language, locale=locale)
    warn_locale_lost(args, locale)
    return report_skipped(records, unwritable)


def _evaluate_arguments(p: argparse.ArgumentParser) -> None:
    from ..data import formats

    grammar_arguments(p, _evaluate)
    p.add_argument("--heldout", required=True, metavar="DATA", help="annotated utterances")
    p.add_argument(
        "--format",
        dest="source_format",
        choices=formats.READABLE,
        help="DATA's format (default: from its name)",
    )
    p.add_argument(
        "--samples",
        type=whole_number,
        metavar="N",
        help=f"sentences sampled for the precision proxies (default: {DEFAULT_SAMPLES})",
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    p.add_argument(
        "--originals",
        metavar="DATA",
        help="with annotated data in place of GRAMMAR: the data it was made from "
        "(resample's or induce's input); its utterances, which resample keeps in its "
        "output, are not counted as new (its format from its name)",
    )
    selection_options(p, "evaluate on", "the sampled sentences and of --sample")
    p.add_argument(
        "--heldout-rest",
        action="store_true",
        help="evaluate on the utterances --limit or --sample leaves out (the rest of a "
        "golden set given to induce with the same options)",
    )
    on_error_option(p)
    worker_options(p, "parse the held-out utterances and walk the samples", "parse and walk")
    progress_options(p)


EVALUATE = Command(
    "evaluate",
    help="measure a grammar, or resampled data, against held-out annotated utterances",
    description="Recall of the grammar on held-out utterances (right intent; right "
    "intent and slots; carrier phrase with slot values delexicalized), precision "
    "proxies of its sampled sentences against them (exact, template, trigram), and its "
    "size. Given annotated data in place of GRAMMAR (a data file's ending, such as "
    ".jsonl), the naturalness of its utterances that the held-out data lacks (the share "
    "of their slot occurrences whose boundary bigrams the held-out text has) and their "
    "diversity. Text on standard output, or one JSON object with --json.",
    add=_evaluate_arguments,
)


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from .. import evaluate
    from ..data import formats

    if formats.is_data_file(args.grammar):
        return _evaluate_data(args)
    if args.originals:
        raise UsageError("--originals is for annotated data in place of GRAMMAR (made from them)")
    cluster = workers(args, "the parsing and sampling")
    grammar = named_grammar(args)
    records, heldout = read_all(args.heldout, args.source_format, args.on_error, "evaluate against")
    heldout = selected(args, heldout, args.heldout, args.heldout_rest)
    samples = DEFAULT_SAMPLES if args.samples is None else args.samples
    with cluster as client:
        report = evaluate.evaluate(grammar, heldout, samples, args.seed, args.jobs, client)
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(str(report))
    return report_skipped(records)


def _evaluate_data(args: argparse.Namespace) -> int:
    """Naturalness and diversity of annotated data (resample's output) against held-out
    utterances."""
    import json

    from ..data import naturalness

    given = {
        "--samples": args.samples is not None, "--catalogue": bool(args.catalogue),
        "--limit": args.limit is not None, "--sample": args.sample is not None,
        "--heldout-rest": args.heldout_rest, "--jobs": args.jobs > 1,
        "--dask": args.dask is not None,
    }  # fmt: skip
    wrong = next((option for option, said in given.items() if said), None)
    if wrong:
        raise UsageError(f"{wrong} is for a grammar in place of {args.grammar}, not for data")
    records, data = read_all(args.grammar, None, args.on_error, "evaluate")
    held, heldout = read_all(args.heldout, args.source_format, args.on_error, "evaluate against")
    read, originals = [records, held], []
    if args.originals:
        made_from, originals = read_all(args.originals, None, args.on_error, "leave out")
        read.append(made_from)
    found = naturalness.measure(data, heldout, originals=originals)
    if args.json:
        sys.stdout.write(json.dumps(found.as_dict(), allow_nan=False) + "\n")
    else:
        sys.stdout.write(str(found))
    return max(report_skipped(r) for r in read)
