"""The sub-commands' common shape (`Command`) and the arguments several of them share,
with what they name once parsed: a grammar (GRAMMAR, --catalogue, --allow-path),
annotated data (DATA, its format, --on-error), the utterances taken from it (--limit,
--sample, --seed), and the states budget.

Nothing here imports pynini, numpy or the formats at import time: the parser is built
for every run, `grammar-fst --help` included, and each command's arguments only when
that command runs (see `main.build_parser`).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..defaults import DEFAULT_BUDGET, DEFAULT_SEED
from ..errors import UsageError
from .values import at_least_one, binding, folder, whole_number

if TYPE_CHECKING:
    from ..model import CompiledGrammar


@dataclass(frozen=True)
class Command:
    """A sub-command: its name and line in `grammar-fst --help`, the description of its
    own --help, and `add`, which gives its parser the arguments and the handler (and
    imports what their choices and defaults need)."""

    name: str
    help: str
    description: str
    add: Callable[[argparse.ArgumentParser], None]


def grammar_arguments(parser: argparse.ArgumentParser, run, source_only: bool = False) -> None:
    """A grammar as first argument (with --catalogue unless `source_only`), --allow-path,
    and `run`, the handler."""
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


def source_output(output: str | None, command: str) -> None:
    """Refuse to write the .grm text `command` writes to a name ending with .far: every
    later command would read it as a damaged archive."""
    if output and output.lower().endswith(".far"):
        source = output[:-4] + ".grm"
        raise UsageError(
            f"{command} writes .grm source, not an archive: name the output {source}, then "
            f"compile it with: grammar-fst compile {source} -o {output}"
        )


def named_grammar(args: argparse.Namespace) -> CompiledGrammar:
    """The grammar named on the command line, with its --catalogue
    bindings; an -o that names one of the files it was read from is refused."""
    from ..grm import sources
    from ..model import load
    from ..output import refuse_inputs

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
    from ..data.selection import select

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
        default=DEFAULT_BUDGET,
        metavar="STATES",
        help=f"states a flat form and its determinization may have for {what} "
        f"(default: {DEFAULT_BUDGET:,})",
    )


def worker_options(parser: argparse.ArgumentParser, work: str, on_cluster: str) -> None:
    """`--jobs J` and `--dask ADDRESS`: who does the command's `work`."""
    parser.add_argument(
        "--jobs",
        type=at_least_one,
        default=1,
        metavar="J",
        help=f"processes that {work}, at most 4 for each CPU; the output is the same for any "
        "J (default: 1)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help=f"{on_cluster} on a Dask cluster instead: a scheduler's address "
        "(tcp://host:8786) or local:N for a local cluster of N worker processes; the "
        "output is the same as with --jobs 1 (needs the dask extra)",
    )


def workers(args: argparse.Namespace, work: str) -> contextlib.AbstractContextManager:
    """What gives the Dask client that `--dask` names (None without it: `--jobs`
    processes do the `work`); both at once are refused here, before any work."""
    if args.dask is None:
        return contextlib.nullcontext()
    if args.jobs > 1:
        raise UsageError(f"--dask runs {work} on the cluster: no --jobs with it")
    from ..parallel import connect

    return connect(args.dask)


def data_arguments(parser: argparse.ArgumentParser, run, format_flag: str) -> None:
    """Annotated data as first argument: DATA, its format (`format_flag`), --on-error;
    and `run`, the handler."""
    from ..data import formats

    parser.add_argument("data", metavar="DATA", help="annotated utterances")
    parser.add_argument(
        format_flag,
        dest="source_format",
        choices=formats.READABLE,
        help=f"DATA's format (default: from its name: {formats.endings()})",
    )
    on_error_option(parser)
    parser.set_defaults(run=run)


def on_error_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on-error",
        choices=("stop", "skip"),
        default="stop",
        help="on a bad record: stop with its location (default), or report it, skip it and go on",
    )
