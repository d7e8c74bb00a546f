"""`sample`: random (or all) annotated sentences of a grammar, in any output format, on
worker processes or a Dask cluster, optionally cut into sets that share no sentence."""

from __future__ import annotations

import argparse
import contextlib
import sys

from ..defaults import DEFAULT_SEED
from ..errors import UsageError
from ..plurals import amount
from .arguments import Command, grammar_arguments, named_grammar, worker_options
from .io import batches, output_options, progress_options, progress_shown, write_utterances
from .values import intent_quota, partition_shares, whole_number


def _sample_arguments(p: argparse.ArgumentParser) -> None:
    from ..data import formats

    grammar_arguments(p, _sample)
    how_many = p.add_mutually_exclusive_group()
    how_many.add_argument(
        "-n", type=whole_number, default=10, metavar="N", help="how many sentences (default: 10)"
    )
    how_many.add_argument(
        "--all",
        action="store_true",
        help="every sentence of the grammar, in a fixed order, instead of a sample",
    )
    p.add_argument(
        "--seed",
        type=whole_number,
        default=DEFAULT_SEED,
        help=f"random seed; same seed, same output (default: {DEFAULT_SEED})",
    )
    p.add_argument(
        "--intent",
        action="append",
        type=intent_quota,
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
        f"for the training-set formats {formats.described(lambda f: f.training_set)}, off "
        "for the others; --no-unique lets sentences repeat)",
    )
    p.add_argument(
        "--partition",
        type=partition_shares,
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
    worker_options(p, "walk the grammar", "walk")
    output_options(
        p,
        "--format",
        f"; {formats.described(lambda f: f.has('document'))} are whole documents, written once "
        "every sentence is drawn",
    )
    progress_options(p)
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


SAMPLE = Command(
    "sample",
    help="print random annotated sentences",
    description="Print weighted random sentences with their intent and "
    "slots. Weights on alternatives are relative probabilities; -n is "
    "split evenly over the chosen intents.",
    add=_sample_arguments,
)


def _sample(args: argparse.Namespace) -> int:
    from .. import output, parallel, progress
    from ..data import formats
    from ..sampling import plan

    names = [name for name, _ in args.intent or []]
    if len(set(names)) < len(names):
        raise UsageError("an intent is named twice with --intent; name each once")
    quotas_given = any(count is not None for _, count in args.intent or [])
    nothing = [f"--intent {name}=0" for name, count in args.intent or [] if count == 0]
    if args.n == 0 and (not names or None in [count for _, count in args.intent]):
        nothing.insert(0, "-n 0")  # some intents share -n
    if nothing and not args.cover:
        raise UsageError(
            f"{nothing[0]} asks for no sentence: give a number above 0, or --cover for the "
            "covering sentences alone"
        )
    if args.all and (quotas_given or args.allocate or args.cover):
        raise UsageError("--all gives every sentence: no quota, --allocate or --cover with it")
    if args.dask is not None and (args.jobs > 1 or args.all):
        raise UsageError("--dask runs the blocks on the cluster: no --jobs or --all with it")
    if args.report and not args.allocate:
        raise UsageError("--report prints the table of --allocate; give --allocate too")
    if args.partition and (not args.output or args.output == "-" or output.is_folder(args.output)):
        raise UsageError("--partition writes one file per set: name the output with -o FILE")
    if args.partition and args.unique is False:
        raise UsageError("--partition makes sets that share no sentence: drop --no-unique")
    fmt = formats.get(args.format)
    unique = fmt.training_set if args.unique is None else args.unique
    unique = unique or bool(args.partition)
    plan.keep_freed()  # from the start: compiling a catalogue makes and frees arrays too
    grammar = named_grammar(args)
    if args.partition:
        _refuse_unsafe_sets(args, grammar)
    locale = args.locale or (fmt.locale_of and fmt.locale_of(grammar.fsts.language))
    render = fmt.line_writer(locale=locale)  # lines are rendered by the workers
    if args.partition or args.all:
        render = None  # the sets are cut from utterances; --all gives utterances
    local = args.dask is not None and parallel.local_workers(args.dask)
    forked = bool(local) and parallel.forks_here()
    with contextlib.ExitStack() as run:
        folder = turns = opened = client = None
        handing = _handing_over(args, bool(local), forked, render is not None and not unique)
        if handing == "pieces":
            from .. import pieces

            folder = run.enter_context(pieces.folder(args.output))
        elif handing == "turns":  # opened before the workers are forked: they share it
            opened = run.enter_context(output.binary(args.output))
            from ..turns import for_output

            per_task = plan.task_blocks(on_cluster=bool(local))
            turns = for_output(opened, parallel.in_flight(local or args.jobs, None, per_task))
        if args.dask is not None:
            client = run.enter_context(parallel.connect(args.dask, fork=forked))
        blocks, total = _drawn(args, grammar, names, unique, render, client, turns, folder)
        blocks = run.enter_context(  # closed (its workers stopped) before the folder goes
            contextlib.closing(progress.counted(blocks, total, "sentences", progress_shown(args)))
        )
        if turns is not None:  # a run stopped early: the workers waiting for a turn give up
            run.callback(turns.stop)  # before they are waited for
        if args.partition:
            from ..data.partition import part_path, partition

            drawn = [u for block in blocks for u in block]
            for name, part in partition(drawn, args.partition, args.seed).items():
                path = part_path(args.output, name)
                write_utterances([part], args.format, path, language=args.language, locale=locale)
                sys.stderr.write(f"wrote {path}: {amount(len(part), 'sentence')}\n")
            return 0
        rendered = render is not None
        write_utterances(blocks, args.format, args.output, rendered, args.language, locale, opened)
    return 0


def _refuse_unsafe_sets(args: argparse.Namespace, grammar) -> None:
    """The files of the sets (`--partition`) are outputs as `-o` is: none may be one of
    the files read, nor a link that the command line does not name."""
    from pathlib import Path

    from ..data.partition import part_path
    from ..grm.sources import files_read, split_spec
    from ..output import refuse_inputs

    read = [args.grammar, *(split_spec(file)[0] for _, file in args.catalogue or [])]
    read += files_read(grammar.grammar) if grammar.grammar is not None else []
    for name in args.partition:
        path = part_path(args.output, name)
        refuse_inputs(path, read)
        if Path(path).is_symlink():
            raise UsageError(
                f"{path} is a symbolic link; not writing set {name} through a link the "
                "command line does not name: remove it, or name another output"
            )


def _drawn(
    args: argparse.Namespace,
    grammar,
    names: list[str],
    unique: bool,
    render,
    client,
    turns,
    folder: str | None,
):
    """The blocks of sentences the arguments ask for, and how many sentences (None for
    --all)."""
    if args.all:
        return batches(grammar.all(names or None, unique=unique)), None
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
        turns=turns,
        pieces=folder,
    )
    if args.report:
        from ..data.distribution import table

        shares = grammar.allocation(args.n, names or None, args.allocate)
        rows = [(str(p.pattern), None, p.carrier_entropy, p.complexity, k) for p, k in shares]
        sys.stderr.write(table(rows))
    return blocks, total


def _handing_over(
    args: argparse.Namespace, local: bool, forked: bool, joined: bool
) -> str | None:
    """How worker processes hand their `joined` blocks (lines, no `--unique`) to the
    output, to a file or standard output (a folder of shards takes a block a file, as
    it is): "turns", forked processes (`--jobs`, or a `--dask local:N` cluster's that
    are `forked`) write them into it themselves (see `turns`); "pieces", the spawned
    workers of a `local` cluster (this machine's, which see its files) write them to
    files the main process copies (see `pieces`); None, through the process pool's pipe
    or the connections of a cluster elsewhere."""
    from ..output import is_folder

    if not joined or is_folder(args.output):
        return None
    if args.dask is None:
        return "turns" if args.jobs > 1 else None
    if not local:
        return None
    return "turns" if forked else "pieces"
