"""The `grammar-fst` command: argument parsing and messages; the work is done elsewhere.

Exit status: 0 success, 1 the command ran but found problems (`check` errors, `parse`
sentences outside the grammar), 2 user error (one line, `grammar-fst: error: ...`), 130
Ctrl-C, 128 + N signal N (SIGTERM, SIGHUP); see docs/security.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import __version__, check, draw, evaluate, progress, signals
from ..data import formats, resample
from ..data.catalogue import read_catalogue
from ..data.context import DEFAULT_EVIDENCE
from ..data.distribution import ALLOCATIONS, table
from ..data.formats import DOCUMENT_WRITERS, READERS, TRAINING_SETS, Records, massive, snips_nlu
from ..data.partition import parse_shares, part_path, partition
from ..data.resample import DEFAULT_THRESHOLD
from ..data.selection import select
from ..errors import GrammarError, GrammarFstError, Location, UsageError
from ..fst import counting
from ..grm import sources
from ..grm.sources import split_spec
from ..grm.syntax import LANGUAGE_TAG, format_grammar
from ..grm.validate import Diagnostic
from ..importers import IMPORTERS, import_grammar
from ..induction import DEFAULT_INTENT, DEFAULT_LAMBDA, induce
from ..model import CompiledGrammar, load
from ..output import is_folder, refuse_inputs, shard_paths, stdout_checked, write_bytes, write_text
from ..sampling.walker import DEFAULT_SEED

PROG = "grammar-fst"


class _Parser(argparse.ArgumentParser):
    """argparse with the project's one-line error form and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(_fail(f"{message} (see '{self.prog} --help')"))


def _fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is negative")
    return value


def _at_least_one(text: str) -> int:
    value = _positive(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is less than 1")
    return value


def _command(commands, run, help: str, description: str, source_only: bool = False):
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
            type=_binding,
            metavar="SLOT=FILE",
            help="fill SLOT from a catalogue file (.txt, .tsv, or Alexa .json[#Type]), "
            "overriding its values in the grammar; repeat for several slots",
        )
    parser.add_argument(
        "--allow-path",
        action="append",
        type=_folder,
        default=[],
        metavar="DIR",
        help="let the grammar's imports and catalogues read files in DIR too (by default "
        "they must lie in the grammar's own folder tree); repeatable",
    )
    parser.set_defaults(run=run)
    return parser


def _folder(text: str) -> str:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is not a folder")
    return text


def _intent_quota(text: str) -> tuple[str, int | None]:
    name, sep, count = text.partition("=")
    if not sep:
        return name, None
    return name, _positive(count)


def _binding(text: str) -> tuple[str, str]:
    slot, sep, file = text.partition("=")
    if not sep or not slot or not file:
        raise argparse.ArgumentTypeError(f"'{text}' is not SLOT=FILE")
    return slot, file


def _load(args: argparse.Namespace) -> CompiledGrammar:
    """The grammar named on the command line, with its --catalogue bindings; an -o that
    names one of the files it was read from is refused."""
    grammar = load(args.grammar, _bindings(args), args.allow_path)
    if grammar.grammar is not None:
        refuse_inputs(getattr(args, "output", None), sources.files_read(grammar.grammar))
    return grammar


def _named_inputs(args: argparse.Namespace) -> list[str]:
    """The files named on the command line that the command reads (an archive that
    `compile --catalogue` rewrites in place is not one: replacing it is the point)."""
    rewritten = args.command == "compile" and args.grammar.endswith(".far")
    named = [getattr(args, key, None) for key in ("data", "heldout")]
    named += [None if rewritten else getattr(args, "grammar", None)]
    named += [split_spec(file)[0] for _, file in getattr(args, "catalogue", None) or []]
    return [name for name in named if name]


def _bindings(args: argparse.Namespace) -> dict[str, str]:
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


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also the source of docs/cli.md)."""
    parser = _Parser(
        prog=PROG,
        description="Finite-state grammars for NLU training data: compile .grm grammars "
        "to OpenFst archives, sample annotated sentences, parse, count, check and draw "
        "them, and convert annotated data between formats.",
        epilog="Run 'grammar-fst COMMAND --help' for a command's options. Exit status: 0 "
        "success; 1 problems found (check errors, parse misses, skipped records); 2 user "
        "error; 130 interrupted; 128+N stopped by signal N. Nothing already written is lost.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    p = _command(
        commands,
        _compile,
        help="compile a .grm grammar to a .far archive",
        description="Compile a .grm grammar (and its imports) to a .far archive that sample, "
        "parse and count read without the source. Given a .far and --catalogue, rewrite the "
        "archive with those slots' catalogues replaced; its intent FSTs are kept as they are.",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.far",
        help="where to write the archive (default: GRAMMAR.far beside the source, or the "
        "input archive itself)",
    )
    _progress_options(p)

    p = _command(
        commands,
        _sample,
        help="print random annotated sentences",
        description="Print weighted random sentences with their intent and "
        "slots. Weights on alternatives are relative probabilities; -n is "
        "split evenly over the chosen intents.",
    )
    how_many = p.add_mutually_exclusive_group()
    how_many.add_argument(
        "-n", type=_positive, default=10, metavar="N", help="how many sentences (default: 10)"
    )
    how_many.add_argument(
        "--all",
        action="store_true",
        help="every sentence of the grammar, in a fixed order, instead of a sample",
    )
    p.add_argument(
        "--seed",
        type=_positive,
        default=DEFAULT_SEED,
        help=f"random seed; same seed, same output (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--intent",
        action="append",
        type=_intent_quota,
        metavar="I[=N]",
        help="sample only this intent, N sentences of it if given (repeat for several; "
        "default: all intents, sharing -n)",
    )
    p.add_argument(
        "--split",
        choices=("even", "proportional"),
        default="even",
        help="how -n is shared by intents without a quota: evenly (default), or in "
        "proportion to their number of distinct sentences",
    )
    p.add_argument(
        "--unique",
        action=argparse.BooleanOptionalAction,
        help="no repeated (text, intent); fewer when the grammar has fewer (default: on "
        f"for the training-set formats {' and '.join(TRAINING_SETS)}, off for the others; "
        "--no-unique lets sentences repeat)",
    )
    p.add_argument(
        "--partition",
        type=parse_shares,
        metavar="NAME=SHARE,...",
        help="cut the sentences into sets that share no sentence, e.g. train=0.8,test=0.2, "
        "written to OUT.train.EXT and OUT.test.EXT beside -o OUT.EXT (same seed, same sets)",
    )
    p.add_argument(
        "--cover",
        action="store_true",
        help="start each intent with sentences that use every alternative of every rule it "
        "reaches (they count toward its share); needs the .grm source",
    )
    p.add_argument(
        "--jobs",
        type=_at_least_one,
        default=1,
        metavar="J",
        help="processes that walk the grammar; the output is the same for any J (default: 1)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="walk on a Dask cluster instead: a scheduler's address (tcp://host:8786) or "
        "local:N for a local cluster of N worker processes; the output is the same as with "
        "--jobs 1 (needs the dask extra)",
    )
    _output_options(
        p,
        "--format",
        "; snips-nlu, snips-benchmark and rasa are whole documents, written once every "
        "sentence is drawn",
    )
    _progress_options(p)
    p.add_argument(
        "--allocate",
        choices=("entropy", "uniform"),
        help="share -n among the semantic patterns (intent and set of slot types) of the "
        "chosen intents: in proportion to their entropy, or evenly",
    )
    p.add_argument(
        "--report",
        action="store_true",
        help="with --allocate, print the allocation table on standard error",
    )

    p = _command(
        commands,
        _parse,
        help="find the intent and slots of sentences",
        description="Parse sentences with the grammar: one JSON record per "
        "input line, or null when the sentence is not in the grammar. "
        "Exit status 1 if any sentence was not.",
    )
    p.add_argument(
        "sentences",
        nargs="*",
        metavar="SENTENCE",
        help="sentences to parse (default: one per line from standard input)",
    )
    _progress_options(p, "; by default shown on a terminal over lines read from standard input")

    p = _command(
        commands,
        _count,
        help="count the distinct sentences of a grammar",
        description="Print the number of distinct sentences per intent and in total (a "
        "sentence of two intents counts once in the total): exact where the grammar's flat "
        "form fits the budget, else 'at most' the number of derivations, with the reason. "
        "Numbers too long for decimal are printed in scientific form.",
    )
    p.add_argument("--intent", action="append", metavar="I", help="count only this intent")
    _budget_option(p, "exact counts")
    _progress_options(p)

    p = _command(
        commands,
        _check,
        help="report errors and warnings in a .grm grammar",
        description="Lint a grammar: errors (what compile would refuse, syntax errors "
        "and empty languages included) and warnings (unused or unreachable rules, repeated "
        "alternatives, ambiguous sentences, sentences of two intents: exact where the "
        "grammar's flat form fits the budget, else found on a sample of sentences), one per "
        "line on standard output, then a summary line. Exit status 1 on errors, 2 if the "
        "grammar cannot be read at all.",
        source_only=True,
    )
    _budget_option(p, "exact ambiguity and overlap checks")
    _progress_options(p)

    p = _data_command(
        commands,
        _convert,
        "--from",
        help="convert annotated data between formats",
        description="Read annotated utterances in one format and write them in another "
        "(offsets, slots and canonical values kept where the target format has room for "
        "them). Bad records stop the run with their FILE:LINE:COL, or with --on-error skip "
        "are reported one by one and counted; exit status 1 if any was skipped.",
    )
    _output_options(p, "--to")

    p = _command(
        commands,
        _draw,
        help="draw an intent, rule or slot as a graph",
        description="Draw the transducer of an intent (default: every intent), a rule "
        "(needs the .grm source) or a slot class: words on the arcs, slots by their class "
        "names, each arc's probability of being taken. The output's ending chooses the "
        "format: .dot (Graphviz text, always), .svg or .png (need Graphviz's dot program).",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--intent", metavar="I", help="draw this intent")
    which.add_argument("--rule", metavar="R", help="draw this rule (without its $)")
    which.add_argument("--slot", metavar="S", help="draw this slot class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.dot, .svg or .png")

    p = _data_command(
        commands,
        _resample,
        "--format",
        help="make new annotated utterances by swapping slot values",
        description="Recombine annotated utterances: each new one takes an input utterance "
        "and draws its slot values from the values of the same slot type in the same intent, "
        "in other intents whose value sets are alike (Jaccard index at least --threshold), "
        "and in --catalogue files. Each semantic pattern (intent and set of slot types) gets "
        "a share of -n by --allocate. The input utterances are kept unless --no-originals; "
        "no (text, intent) repeats; jsonl records carry their provenance.",
    )
    p.add_argument(
        "-n",
        type=_positive,
        required=True,
        metavar="N",
        help="utterances in the output, originals included",
    )
    p.add_argument(
        "--seed",
        type=_positive,
        default=DEFAULT_SEED,
        help=f"random seed (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--threshold",
        type=_fraction,
        default=DEFAULT_THRESHOLD,
        metavar="J",
        help=f"the Jaccard index from which two intents share a slot type's values "
        f"(default: {DEFAULT_THRESHOLD}; 1 keeps values within their intent)",
    )
    p.add_argument(
        "--catalogue",
        action="append",
        type=_binding,
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
        type=_positive,
        default=1,
        metavar="K",
        help="utterances every pattern gets at least (default: 1)",
    )
    p.add_argument("--no-originals", action="store_true", help="leave the input utterances out")
    p.add_argument(
        "--context",
        type=_non_negative,
        default=DEFAULT_EVIDENCE,
        metavar="E",
        help="the context gate's evidence: a value is kept out of a slot occurrence when "
        "one of its edges and the neighbouring word were never seen together in DATA "
        f"although E times were expected (default: {DEFAULT_EVIDENCE:g}; smaller blocks more)",
    )
    p.add_argument(
        "--no-context", action="store_true", help="no context gate: the Jaccard gate alone"
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
    _output_options(p, "--to", ", with each record's provenance")
    p = _command(
        commands,
        _evaluate,
        help="measure a grammar, or resampled data, against held-out annotated utterances",
        description="Recall of the grammar on held-out utterances (right intent; right "
        "intent and slots; carrier phrase with slot values delexicalized), precision "
        "proxies of its sampled sentences against them (exact, template, trigram), and its "
        "size. Given annotated data in place of GRAMMAR (a data file's ending, such as "
        ".jsonl), the naturalness of its utterances that the held-out data lacks (the share "
        "of their slot occurrences whose boundary bigrams the held-out text has) and their "
        "diversity. Text on standard output, or one JSON object with --json.",
    )
    p.add_argument("--heldout", required=True, metavar="DATA", help="annotated utterances")
    p.add_argument(
        "--format",
        dest="source_format",
        choices=sorted(READERS),
        help="DATA's format (default: from its name)",
    )
    p.add_argument(
        "--samples",
        type=_positive,
        default=1000,
        metavar="N",
        help="sentences sampled for the precision proxies (default: 1000)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    _selection_options(p, "evaluate on", "the sampled sentences and of --sample")
    p.add_argument(
        "--heldout-rest",
        action="store_true",
        help="evaluate on the utterances --limit or --sample leaves out (the rest of a "
        "golden set given to induce with the same options)",
    )
    _on_error_option(p)
    _progress_options(p)

    p = _data_command(
        commands,
        _induce,
        "--format",
        help="learn a grammar from golden utterances",
        description="Learn a .grm grammar from golden utterances by Bayesian model merging: "
        "states of a model that says exactly the utterances are merged while that raises "
        "lambda * log P(grammar) + log P(utterances | grammar), never into a cycle. Slot "
        "values become slots named by their type; recurring parts become named rules. The "
        "grammar compiles and samples like a hand-written one. See docs/induction.md.",
    )
    p.add_argument(
        "--catalogue",
        action="append",
        type=_binding,
        metavar="SLOT=FILE",
        help="define SLOT from a catalogue file, and turn a learned word class that the "
        "catalogue holds entirely into SLOT (catalogue widening); repeatable",
    )
    p.add_argument(
        "--lambda",
        dest="weight",
        type=_non_negative,
        default=DEFAULT_LAMBDA,
        metavar="L",
        help=f"weight of the structure prior: higher merges more and generalizes further, "
        f"0 merges only what the data supports (default: {DEFAULT_LAMBDA:g})",
    )
    p.add_argument(
        "--intent",
        default=DEFAULT_INTENT,
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
        type=_language_tag,
        metavar="TAG",
        help="the language the grammar declares (language th); default: the data's "
        "locale, when its format has one (massive, tod)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print every operation (merge, widen, chunk) and its score gain on standard error",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.grm",
        help="write the grammar to OUT.grm (atomically) instead of standard output",
    )
    _progress_options(p)
    _selection_options(p, "learn from", "--sample")

    p = commands.add_parser(
        "import",
        help="turn Chatette, Chatito or Alexa templates into a .grm grammar",
        description="Write a .grm grammar with the sentences of a Chatette (.chatette) or "
        "Chatito (.chatito) template file, or of the intents of an Alexa interaction model "
        "(.json; its slot types become catalogues). A construct .grm cannot express is an "
        "error at its FILE:LINE:COL; one that does not change the sentences (generation "
        "counts) is left out with a warning. See docs/importing.md.",
    )
    p.add_argument("source", metavar="FILE", help="the template file or model")
    p.add_argument(
        "--from",
        dest="kind",
        choices=sorted(IMPORTERS),
        help="what FILE is (default: from its suffix: .chatette, .chatito, .json = alexa)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.grm",
        help="write the grammar to OUT.grm (atomically) instead of standard output",
    )
    p.set_defaults(run=_import)
    return parser


def _import(args: argparse.Namespace) -> int:
    output = None if args.output in (None, "-") else args.output
    grammar = import_grammar(args.source, args.kind, output)
    header = f"# Imported by {PROG} from {Path(args.source).name}.\n\n"
    write_text([header, format_grammar(grammar)], args.output)
    summary = (
        f"{len(grammar.intents)} intents, {len(grammar.slots)} slots, {len(grammar.rules)} rules"
    )
    sys.stderr.write(f"wrote {output}: {summary}\n" if output else f"{summary}\n")
    return 0


def _selection_options(parser: argparse.ArgumentParser, purpose: str, seeded: str) -> None:
    """--limit N | --sample N: which utterances of the data a command takes; and --seed,
    the random seed of what `seeded` says."""
    parser.add_argument(
        "--seed",
        type=_positive,
        default=DEFAULT_SEED,
        help=f"random seed of {seeded} (default: {DEFAULT_SEED})",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--limit",
        type=_at_least_one,
        metavar="N",
        help=f"{purpose} the first N utterances of the data only",
    )
    which.add_argument(
        "--sample",
        type=_at_least_one,
        metavar="N",
        help=f"{purpose} N utterances drawn at random with --seed (in the file's order)",
    )


def _selected(args: argparse.Namespace, utterances: list, path: str, rest: bool = False):
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


def _budget_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--budget",
        type=_at_least_one,
        default=counting.DEFAULT_BUDGET,
        metavar="STATES",
        help=f"states a flat form and its determinization may have for {what} "
        f"(default: {counting.DEFAULT_BUDGET:,})",
    )


def _compile(args: argparse.Namespace) -> int:
    if args.grammar.endswith(".far") and not args.catalogue:
        raise UsageError(
            f"{args.grammar} is already compiled; give a .grm source, or --catalogue SLOT=FILE "
            "to replace a catalogue in the archive"
        )
    grammar = _load(args)
    output = args.output or str(Path(args.grammar).with_suffix(".far"))
    if not args.output and args.grammar.endswith(".grm") and Path(output).is_symlink():
        raise UsageError(
            f"{output} is a symbolic link; not writing through a link the command line does "
            f"not name: remove it, or name it with -o {output}"
        )
    grammar.write_far(output)
    fsts = grammar.fsts
    sys.stderr.write(
        f"wrote {output}: {len(grammar.intents)} intents, {len(fsts.rules)} rules, "
        f"{len(grammar.slots)} slots, {fsts.states()} states\n"
    )
    return 0


def _sample(args: argparse.Namespace) -> int:
    if args.dask is None:
        return _sample_on(args, None)
    if args.jobs > 1 or args.all:
        raise UsageError("--dask runs the blocks on the cluster: no --jobs or --all with it")
    from ..sampling import cluster

    with cluster.connect(args.dask) as client:
        return _sample_on(args, client)


def _sample_on(args: argparse.Namespace, client) -> int:
    names = [name for name, _ in args.intent or []]
    if len(set(names)) < len(names):
        raise UsageError("an intent is named twice with --intent; name each once")
    quotas_given = any(count is not None for _, count in args.intent or [])
    if args.all and (quotas_given or args.allocate or args.cover):
        raise UsageError("--all gives every sentence: no quota, --allocate or --cover with it")
    if args.report and not args.allocate:
        raise UsageError("--report prints the table of --allocate; give --allocate too")
    if args.partition and (not args.output or args.output == "-" or is_folder(args.output)):
        raise UsageError("--partition writes one file per set: name the output with -o FILE")
    if args.partition and args.unique is False:
        raise UsageError("--partition makes sets that share no sentence: drop --no-unique")
    unique = args.format in TRAINING_SETS if args.unique is None else args.unique
    unique = unique or bool(args.partition)
    grammar = _load(args)
    locale = args.locale or massive.locale_of(grammar.fsts.language)
    render = formats.writers(args.format, locale)[0]  # lines are rendered by the workers
    if args.partition:
        render = None  # the sets are cut from utterances
    if args.all:
        total, render = None, None
        blocks = _batches(grammar.all(names or None, unique=unique))
    else:
        quota = {name: count for name, count in args.intent or [] if count is not None}
        shared = not names or len(quota) < len(set(names))  # some intents share -n
        total = sum(quota.values()) + (args.n if shared else 0)
        blocks = grammar.sample_blocks(
            args.n,
            args.seed,
            intents=names,
            unique=unique,
            quota=quota,
            split=args.split,
            cover=args.cover,
            jobs=args.jobs,
            render=render,
            allocate=args.allocate,
            client=client,
            chunks=True,
        )
        if args.report:
            shares = grammar.allocation(args.n, names or None, args.allocate)
            rows = [(str(p.pattern), None, p.carrier_entropy, p.complexity, k) for p, k in shares]
            sys.stderr.write(table(rows))
    blocks = progress.counted(blocks, total, "sentences", _shown(args))
    if args.partition:
        drawn = [u for block in blocks for u in block]
        for name, part in partition(drawn, args.partition, args.seed).items():
            path = part_path(args.output, name)
            _write([part], args.format, path, language=args.language, locale=locale)
            sys.stderr.write(f"wrote {path}: {len(part)} sentences\n")
        return 0
    _write(blocks, args.format, args.output, render is not None, args.language, locale)
    return 0


def _convert(args: argparse.Namespace) -> int:
    records = formats.read(args.data, args.source_format, args.on_error)
    unwritable: list = []
    written = formats.writable(records, args.to, args.on_error, args.data, unwritable)
    locale = args.locale or formats.locale_read(args.data, args.source_format)
    _write(_batches(written), args.to, args.output, language=args.language, locale=locale)
    return _report_skipped(records, unwritable)


def _batches(items: Iterable, size: int = 4096) -> Iterator[list]:
    iterator = iter(items)
    return iter(lambda: list(itertools.islice(iterator, size)), [])


def _write(
    blocks: Iterable[list],
    fmt: str,
    output: str | None,
    rendered: bool = False,
    language: str = snips_nlu.LANGUAGE,
    locale: str | None = None,
) -> None:
    """Write blocks of utterances (or of lines already `rendered` in a line format, or
    `Chunk`s of them) to `output` in format `fmt` (with `locale` where it has one): line
    formats and Parquet stream, document formats are written whole (a Snips NLU dataset
    says its `language`). An `output` ending with / is a folder of shards, one file per
    block."""
    from ..sampling.plan import Chunk  # what sampling workers give back

    if fmt == "parquet":
        from ..data.formats import parquet

        parquet.pyarrow()
        if not is_folder(output):
            parquet.write(blocks, output)
            return
        for block, path in zip(blocks, shard_paths(output, ".parquet")):
            parquet.write([block], path)
        return
    line, document = formats.writers(fmt, locale)
    if is_folder(output) and line is None:
        raise UsageError(f"{fmt} is one document: name a file, not a folder of shards")
    if line is None:
        options = {"language": language} if fmt == "snips-nlu" else {}
        write_text([document((u for block in blocks for u in block), **options)], output)
        return
    if not rendered:
        numbered = itertools.count()
        blocks = ([line(u, next(numbered)) for u in block] for block in blocks)
    chunks = (
        b.data if isinstance(b, Chunk) else "".join(line + "\n" for line in b).encode()
        for b in blocks
    )
    if not is_folder(output):
        write_bytes(chunks, output)
        return
    for chunk, path in zip(chunks, shard_paths(output, f".{fmt}")):
        write_bytes([chunk], path)


def _data_command(commands, run, format_flag: str, help: str, description: str):
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
    _on_error_option(parser)
    parser.set_defaults(run=run)

    return parser


def _output_options(parser: argparse.ArgumentParser, format_flag: str, note: str = "") -> None:
    """The output format (`format_flag`) and -o FILE."""
    parser.add_argument(
        format_flag,
        choices=sorted([*DOCUMENT_WRITERS, "parquet"]),
        default="jsonl",
        help=f"output format (default: jsonl{note}; parquet needs the parquet extra)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output; a name ending with / "
        "is a folder of shards part-00000.EXT, ... (line formats and parquet)",
    )
    parser.add_argument(
        "--language",
        choices=snips_nlu.LANGUAGES,
        default=snips_nlu.LANGUAGE,
        help=f"the language a snips-nlu dataset declares (default: {snips_nlu.LANGUAGE})",
    )
    parser.add_argument(
        "--locale",
        metavar="TAG",
        help="the locale field of formats that have one (massive); default: the "
        "grammar's language (th -> th-TH), the data's own locale, or en-US",
    )


def _progress_options(parser: argparse.ArgumentParser, note: str = "") -> None:
    """--progress and --quiet: a bar on standard error, by default on a terminal."""
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar on standard error even when it is not a terminal" + note,
    )
    shown.add_argument("--quiet", action="store_true", help="show no progress bar")


def _shown(args: argparse.Namespace) -> bool | None:
    """Whether to show a bar: asked for, refused, or None (on a terminal)."""
    return True if args.progress else False if args.quiet else None


def _on_error_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on-error",
        choices=("stop", "skip"),
        default="stop",
        help="on a bad record: stop with its location (default), or report it, skip it and go on",
    )


def _report_skipped(records: Records, unwritable: list = ()) -> int:
    """Say how many records were skipped, as unreadable or as not writable in the output
    format (each was reported as it was met); 1 if any."""
    if records.skipped:
        sys.stderr.write(
            f"{PROG}: warning: {records.path}: skipped {len(records.skipped)} bad records\n"
        )
    if unwritable:
        sys.stderr.write(
            f"{PROG}: warning: left out {len(unwritable)} records the output format cannot hold\n"
        )
    return 1 if records.skipped or unwritable else 0


def _draw(args: argparse.Namespace) -> int:
    grammar = _load(args)
    draw.write(
        grammar.draw(args.intent, args.rule and args.rule.lstrip("$"), args.slot), args.output
    )
    sys.stderr.write(f"wrote {args.output}\n")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    if Path(args.grammar).suffix.lower() in {*formats.SUFFIXES, ".jsonl"}:
        return _evaluate_data(args)
    grammar = _load(args)
    records, heldout = _read_all(
        args.heldout, args.source_format, args.on_error, "evaluate against"
    )
    heldout = _selected(args, heldout, args.heldout, args.heldout_rest)
    report = evaluate.evaluate(grammar, heldout, args.samples, args.seed)
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(str(report))
    return _report_skipped(records)


def _language_tag(text: str) -> str:
    if not LANGUAGE_TAG.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a language tag such as th or es-MX")
    return text


def _language_read(path: str, fmt: str | None) -> str | None:
    """The language tag of a data file's locale (`th_TH` -> `th-TH`), if it names one."""
    locale = formats.locale_read(path, fmt)
    return locale.replace("_", "-") if locale and LANGUAGE_TAG.fullmatch(locale) else None


def _evaluate_data(args: argparse.Namespace) -> int:
    """Naturalness and diversity of annotated data (resample's output) against held-out
    utterances."""
    from ..data import naturalness

    records, data = _read_all(args.grammar, None, args.on_error, "evaluate")
    held, heldout = _read_all(args.heldout, args.source_format, args.on_error, "evaluate against")
    found = naturalness.measure(data, heldout)
    if args.json:
        sys.stdout.write(json.dumps(found.as_dict()) + "\n")
    else:
        sys.stdout.write(str(found))
    return max(_report_skipped(records), _report_skipped(held))


def _induce(args: argparse.Namespace) -> int:
    records, utterances = _read_all(args.data, args.source_format, args.on_error, "learn from")
    utterances = _selected(args, utterances, args.data)
    base = Path(args.output).parent if args.output else Path()
    result = induce(
        utterances,
        args.weight,
        _bindings(args),
        base,
        args.intent,
        not args.keep_case,
        lambda intents: progress.steps(intents, len(intents), "intents"),
        language=args.language or _language_read(args.data, args.source_format),
    )
    if args.explain:
        sys.stderr.write("".join(f"{step}\n" for step in result.trace))
    write_text([result.text(args.data)], args.output)
    summary = result.summary()
    if result.skipped:
        summary += f" ({result.skipped} without a word left out)"
    if args.output and args.output != "-":
        summary = f"wrote {args.output}: {summary}"
    sys.stderr.write(f"{summary}\n")
    return _report_skipped(records)


def _resample(args: argparse.Namespace) -> int:
    records, utterances = _read_all(args.data, args.source_format, args.on_error, "resample")
    catalogues = {slot: read_catalogue(file) for slot, file in _bindings(args).items()}
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
    )
    if args.explain:
        sys.stderr.write(resample.explain(utterances, pools))
    if args.report:
        measure = resample.measured(generated, utterances)
        sys.stderr.write(resample.report(table, pools, measure))
    unwritable: list = []
    if args.to == "jsonl":
        lines = (resample.jsonl_line(g) + "\n" for g in generated)
        write_text(lines, args.output)
    else:
        utterances = [g.utterance for g in generated]
        kept = formats.writable(utterances, args.to, args.on_error, "the output", unwritable)
        locale = args.locale or formats.locale_read(args.data, args.source_format)
        _write([list(kept)], args.to, args.output, language=args.language, locale=locale)
    return _report_skipped(records, unwritable)


def _read_all(path: str, fmt: str | None, on_error: str, purpose: str):
    """The records of a data file and the utterances read from it; none is an error."""
    records = formats.read(path, fmt, on_error)
    utterances = list(records)
    if not utterances:
        raise UsageError(f"{path}: no utterance to {purpose}")
    return records, utterances


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of 0 or more")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not between 0 and 1")
    return value


def _parse(args: argparse.Namespace) -> int:
    grammar = _load(args)
    shown = _shown(args)
    if args.sentences:  # a few, typed on the command line: a bar only when asked
        sentences, total, shown = args.sentences, len(args.sentences), shown or False
    else:
        sentences, total = _stdin_lines(), None
    missed = 0
    for sentence in progress.counted(sentences, total, "sentences", shown, lambda _: 1):
        utterance = grammar.parse(sentence)
        missed += utterance is None
        record = None if utterance is None else utterance.to_dict()
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if missed else 0


def _stdin_lines():
    """Lines of standard input as text; a line that is not UTF-8 is a user error."""
    for number, raw in enumerate(sys.stdin.buffer, 1):
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as err:
            raise UsageError(
                f"<stdin>:{number}:{err.start + 1}: not valid UTF-8 (byte 0x{raw[err.start]:02X})"
            ) from None


def _count(args: argparse.Namespace) -> int:
    grammar = _load(args)
    per_intent, total = grammar.sizes(args.intent, args.budget)
    for name, size in per_intent.items():
        sys.stdout.write(f"{name}\t{size}\n")
    sys.stdout.write(f"total\t{total}\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    if args.grammar.endswith(".far"):
        raise UsageError(f"check reads a .grm source, not the archive {args.grammar}")
    try:
        findings = check.check(sources.load_grammar(args.grammar, args.allow_path), args.budget)
    except GrammarError as err:  # one that stops the reading: a syntax error, an import
        if err.location is None or err.location == Location(str(Path(args.grammar))):
            raise  # the file itself cannot be read: nothing was checked
        findings = [Diagnostic("error", err.message, err.location)]
    errors = sum(f.level == "error" for f in findings)
    summary = f"{args.grammar}: {errors} errors, {len(findings) - errors} warnings"
    sys.stdout.write("".join(f"{line}\n" for line in [*findings, summary]))
    return 1 if errors else 0


class _WarningFormat(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for name in ("stdout", "stderr"):  # closed by the caller (`>&-`): write nowhere
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_WarningFormat())
    logger = logging.getLogger("grammar_fst")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if extra and args.command == "parse" and not any(a.startswith("-") for a in extra):
            args.sentences += extra  # sentences written after an option
        elif extra:
            command = next(a for a in parser._actions if a.dest == "command").choices
            command[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
        progress.choose(_shown(args) if hasattr(args, "progress") else None)
        refuse_inputs(getattr(args, "output", None), _named_inputs(args))
        with signals.stop_cleanly(PROG), stdout_checked():
            status = args.run(args)
            sys.stdout.flush()
        return status
    except GrammarFstError as err:
        return _fail(str(err))
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # an output folder that does not exist, a full disk, ...
        where = f"{err.filename}: " if err.filename else ""
        return _fail(f"{where}{err.strerror or err}")
    except KeyboardInterrupt:  # where signals cannot be caught: main() outside the main thread
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    finally:
        logger.removeHandler(handler)
        progress.choose(False)  # as a library again


def _entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    _entry()
