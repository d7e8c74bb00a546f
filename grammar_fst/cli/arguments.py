"""The arguments several commands share, and what they name once parsed: a grammar
(GRAMMAR, --catalogue, --allow-path), annotated data (DATA, its format, --on-error), the
utterances taken from it (--limit, --sample, --seed), and the states budget."""

from __future__ import annotations

import argparse

from ..data.formats import READERS
from ..data.selection import select
from ..errors import UsageError
from ..fst import counting
from ..grm import sources
from ..model import CompiledGrammar, load
from ..output import refuse_inputs
from ..sampling.walker import DEFAULT_SEED
from .values import at_least_one, binding, folder, whole_number


def grammar_command(commands, run, help: str, description: str, source_only: bool = False):
    """A sub-command named after its `run` function, taking a grammar as first argument."""
    parser = commands.add_parser(run.__name__.lstrip("_"), help=help, description=description)
    if source_only:
        parser.add_argument("grammar", metavar="GRAMMAR.grm", help="the grammar source")
    else:
        parser.add_argument(
            "grammar", metavar="GRAMMAR", help="a grammar: .grm source or compiled .far archive"
        )
        parser.add_argument(
            "--catalogue",
            action="append",
            type=binding,
            metavar="SLOT=FILE",
            help="fill SLOT from a catalogue file (.txt, .tsv, or Alexa .json[#Type]), "
            "overriding its values in the grammar; repeat for several slots",
        )
    parser.add_argument(
        "--allow-path",
        action="append",
        type=folder,
        default=[],
        metavar="DIR",
        help="let the grammar's imports and catalogues read files in DIR too (by default "
        "they must lie in the grammar's own folder tree); repeatable",
    )
    parser.set_defaults(run=run)
    return parser


def named_grammar(args: argparse.Namespace) -> CompiledGrammar:
    """The grammar named on the command line, with its --catalogue bindings; an -o that
    names one of the files it was read from is refused."""
    grammar = load(args.grammar, bindings(args), args.allow_path)
    if grammar.grammar is not None:
        refuse_inputs(getattr(args, "output", None), sources.files_read(grammar.grammar))
    return grammar


def bindings(args: argparse.Namespace) -> dict[str, str]:
    """--catalogue SLOT=FILE options as a mapping; one slot bound twice is an error."""
    bound: dict[str, str] = {}
    for slot, file in args.catalogue or []:
        if slot in bound:
            raise UsageError(
                f"--catalogue {slot}=... is given twice ({bound[slot]}, {file}); "
                "put the values in one file"
            )
        bound[slot] = file
    return bound


def selection_options(parser: argparse.ArgumentParser, purpose: str, seeded: str) -> None:
    """--limit N | --sample N: which utterances of the data a command takes; and --seed,
    the random seed of what `seeded` says."""
    parser.add_argument(
        "--seed",
        type=whole_number,
        default=DEFAULT_SEED,
        help=f"random seed of {seeded} (default: {DEFAULT_SEED})",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--limit",
        type=at_least_one,
        metavar="N",
        help=f"{purpose} the first N utterances of the data only",
    )
    which.add_argument(
        "--sample",
        type=at_least_one,
        metavar="N",
        help=f"{purpose} N utterances drawn at random with --seed (in the file's order)",
    )


def selected(args: argparse.Namespace, utterances: list, path: str, rest: bool = False):
    """The utterances --limit or --sample picks (or, with `rest`, leaves out)."""
    if not rest:
        return select(utterances, args.limit, args.sample, args.seed)[0]
    if args.limit is None and args.sample is None:
        raise UsageError("--heldout-rest evaluates on what --limit N or --sample N leaves out")
    others = select(utterances, args.limit, args.sample, args.seed)[1]
    if not others:
        option = f"--limit {args.limit}" if args.limit else f"--sample {args.sample}"
        raise UsageError(
            f"{path}: {option} takes all {len(utterances)} utterances; "
            "none is left for --heldout-rest"
        )
    return others


def budget_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--budget",
        type=at_least_one,
        default=counting.DEFAULT_BUDGET,
        metavar="STATES",
        help=f"states a flat form and its determinization may have for {what} "
        f"(default: {counting.DEFAULT_BUDGET:,})",
    )


def data_command(commands, run, format_flag: str, help: str, description: str):
    """A sub-command named after its `run` function that reads annotated data: DATA, its
    format (`format_flag`), and --on-error."""
    parser = commands.add_parser(run.__name__.lstrip("_"), help=help, description=description)
    parser.add_argument("data", metavar="DATA", help="annotated utterances")
    parser.add_argument(
        format_flag,
        dest="source_format",
        choices=sorted(READERS),
        help="DATA's format (default: from its name: .jsonl (MASSIVE or grammar-fst "
        "records), .json (snips-nlu or snips-benchmark, by its first key), .yml/.yaml = "
        "rasa, .conll/.bio = bio, .txt = text)",
    )
    on_error_option(parser)
    parser.set_defaults(run=run)

    return parser


def on_error_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on-error",
        choices=("stop", "skip"),
        default="stop",
        help="on a bad record: stop with its location (default), or report it, skip it and go on",
    )
