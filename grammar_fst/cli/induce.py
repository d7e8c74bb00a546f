"""`induce`: a grammar learned from golden utterances (see docs/induction.md)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..defaults import AUTO, DEFAULT_INTENT
from . import printable
from .arguments import (
    Command,
    bindings,
    data_arguments,
    selected,
    selection_options,
    source_output,
    worker_options,
    workers,
)
from .io import progress_options, read_all, report_skipped
from .values import binding, lambda_value, language_tag, text_argument


def _induce_arguments(p: argparse.ArgumentParser) -> None:
    from ..data import formats

    data_arguments(p, _induce, "--format")
    p.add_argument(
        "--catalogue",
        action="append",
        type=binding,
        metavar="SLOT=FILE",
        help="define SLOT from a catalogue file, and turn a learned word class that the "
        "catalogue holds entirely into SLOT (catalogue widening); repeatable",
    )
    p.add_argument(
        "--lambda",
        dest="weight",
        type=lambda_value,
        default=AUTO,
        metavar="L",
        help="weight of the structure prior: higher merges more and generalizes further, "
        f"0 merges only what the data supports; {AUTO} chooses it per intent by "
        "cross-validation on the golden utterances, and the header says what it chose "
        f"(default: {AUTO})",
    )
    p.add_argument(
        "--intent",
        default=DEFAULT_INTENT,
        type=text_argument,
        metavar="NAME",
        help=f"intent of utterances that have none, as plain text lines "
        f"(default: {DEFAULT_INTENT})",
    )
    p.add_argument(
        "--keep-case",
        action="store_true",
        help="keep upper case (default: fold words to lower case)",
    )
    p.add_argument(
        "--language",
        type=language_tag,
        metavar="TAG",
        help="the language the grammar declares (language th); default: the data's locale, "
        f"when its format has one ({formats.described(lambda f: f.has('read_locale'), ', ')})",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print every operation (merge, widen, chunk) and its score gain on standard error",
    )
    p.add_argument(
        "--reorder",
        action="store_true",
        help="learn slot phrases said in several orders ('at {time}', 'in {city}') as one "
        "class said in any order, each phrase once (costs precision on SNIPS: see "
        "docs/induction.md)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.grm",
        help="write the grammar to OUT.grm (atomically) instead of standard output",
    )
    worker_options(p, "learn the intents, one intent at a time each", "learn the intents")
    progress_options(p)
    selection_options(p, "learn from", "--sample")


INDUCE = Command(
    "induce",
    help="learn a grammar from golden utterances",
    description="Learn a .grm grammar from golden utterances by Bayesian model merging: "
    "states of a model that says exactly the utterances are merged while that raises "
    "lambda * log P(grammar) + log P(utterances | grammar), never into a cycle. Slot "
    "values become slots named by their type; recurring parts become named rules. The "
    "grammar compiles and samples like a hand-written one. See docs/induction.md.",
    add=_induce_arguments,
)


def _induce(args: argparse.Namespace) -> int:
    from .. import progress
    from ..induction import induce
    from ..output import write_text

    source_output(args.output, "induce")
    cluster = workers(args, "the intents")
    records, utterances = read_all(
        args.data, args.source_format, args.on_error, "learn from", args.limit
    )
    utterances = selected(args, utterances, args.data)
    if args.intent != DEFAULT_INTENT and all(u.intent for u in utterances):
        logging.getLogger("grammar_fst").warning(
            "--intent %s is the intent of utterances without one, and every utterance of "
            "%s has its own: it is not used",
            args.intent,
            args.data,
        )
    base = Path(args.output).parent if args.output else Path()
    with cluster as client:
        result = induce(
            utterances,
            args.weight,
            bindings(args),
            base,
            args.intent,
            not args.keep_case,
            lambda intents: progress.steps(intents, len(intents), "intents"),
            language=args.language or _language_read(args.data, args.source_format),
            reorder=args.reorder,
            jobs=args.jobs,
            client=client,
        )
    if args.explain:
        sys.stderr.write(printable("".join(f"{step}\n" for step in result.trace)))
    write_text([result.text(args.data)], args.output)
    summary = result.summary()
    if result.skipped:
        summary += f" ({result.skipped} without a word left out)"
    if args.output and args.output != "-":
        summary = f"wrote {args.output}: {summary}"
    sys.stderr.write(f"{summary}\n")
    return report_skipped(records)


def _language_read(path: str, fmt: str | None) -> str | None:
    """A data file's locale as it spells it (`th_TH` stays `th_TH`: sampled records then
    carry the locale of the data), if it names one that is a language tag."""
    from ..data import formats
    from ..grm.syntax import LANGUAGE_TAG

    locale = formats.locale_read(path, fmt)
    return locale if locale and LANGUAGE_TAG.fullmatch(locale) else None
