"""The commands on a grammar alone: compile, parse, count, check and draw."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from ..errors import GrammarError, Location, UsageError
from ..plurals import amount
from . import parameters
from .arguments import Command, budget_option, grammar_arguments, named_grammar
from .io import progress_options, progress_shown
from .values import at_least_one, text_argument


def _compile_arguments(p: argparse.ArgumentParser) -> None:
    grammar_arguments(p, _compile)
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.far",
        help="where to write the archive (default: GRAMMAR.far beside the source, or the "
        "input archive itself)",
    )
    progress_options(p)


COMPILE = Command(
    "compile",
    help="compile a .grm grammar to a .far archive",
    description="Compile a .grm grammar (and its imports) to a .far archive that sample, "
    "parse and count read without the source. Given a .far and --catalogue, rewrite the "
    "archive with those slots' catalogues replaced; its intent FSTs are kept as they are.",
    add=_compile_arguments,
)


def _compile(args: argparse.Namespace) -> int:
    from ..output import archive_output

    if args.grammar.endswith(".far") and not args.catalogue:
        raise UsageError(
            f"{args.grammar} is already compiled; give a .grm source, or --catalogue SLOT=FILE "
            "to replace a catalogue in the archive"
        )
    grammar = named_grammar(args)  # first: it refuses an output that is an input
    archive_output(args.output or "", "compile")
    output = args.output or str(Path(args.grammar).with_suffix(".far"))
    if not args.output and args.grammar.endswith(".grm") and Path(output).is_symlink():
        raise UsageError(
            f"{output} is a symbolic link; not writing through a link the command line does "
            f"not name: remove it, or name it with -o {output}"
        )
    grammar.write_far(output)
    fsts = grammar.fsts
    sys.stderr.write(
        f"wrote {output}: {amount(len(grammar.intents), 'intent')}, "
        f"{amount(len(fsts.rules), 'rule')}, {amount(len(grammar.slots), 'slot')}, "
        f"{amount(fsts.states(), 'state')}\n"
    )
    return 0


def _parse_arguments(p: argparse.ArgumentParser) -> None:
    grammar_arguments(p, _parse)
    p.add_argument(
        "sentences",
        nargs="*",
        type=text_argument,
        metavar="SENTENCE",
        help="sentences to parse (default: one per line from standard input)",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="print every distinct reading of each sentence instead of the most probable "
        "one: one line per input line still, a JSON array of records, the most probable "
        "first (the one parse prints without --all), then the others in a fixed order; "
        "[] when the sentence is not in the grammar",
    )
    p.add_argument(
        "--limit",
        type=at_least_one,
        metavar="N",
        help="with --all, at most N readings per sentence (the most probable among them)",
    )
    progress_options(p, "; by default shown on a terminal over lines read from standard input")


PARSE = Command(
    "parse",
    help="find the intent and slots of sentences",
    description="Parse sentences with the grammar: one JSON record per "
    "input line, its most probable reading, or null when the sentence is not in the "
    "grammar; with --all, a JSON array of every reading per input line. A word the grammar "
    "lacks as written is looked up case-folded (full-width and half-width forms "
    "folded too: ７時, ｼﾞｬｽﾞ), then without the accents of Latin, Greek and Cyrillic "
    "letters (como for cómo), and punctuation of any script (?, 。, 「) and emoji "
    "it lacks are passed over, as are invisible characters (a zero-width space, a "
    "direction mark); text written without spaces (Thai, Japanese) is read in every "
    "cut into the grammar's words. The record keeps the sentence as given, composed or "
    "decomposed, its slots' offsets in it. Exit status 1 if any sentence was not.",
    add=_parse_arguments,
)


def _parse(args: argparse.Namespace) -> int:
    import json

    from .. import progress

    if args.limit is not None and not args.all:
        raise UsageError("--limit N caps the readings --all prints; give --all too")
    grammar = named_grammar(args)
    shown = progress_shown(args)
    if args.sentences:  # a few, typed on the command line: a bar only when asked
        sentences, total, shown = args.sentences, len(args.sentences), shown or False
    else:
        sentences, total = _stdin_lines(), None
    missed = 0
    for sentence in progress.counted(sentences, total, "sentences", shown, lambda _: 1):
        found = _records(grammar, sentence, args.all, args.limit)
        missed += not found
        sys.stdout.write(json.dumps(found, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if missed else 0


def _records(grammar, sentence: str, every: bool, limit: int | None) -> dict | list | None:
    """What parse prints of a sentence: its most probable reading's record (None when
    the grammar does not hold it), or with `every` (--all) the list of its readings'
    records, at most `limit`, the most probable first ([] when it does not hold it)."""
    if every:
        return [u.to_dict() for u in grammar.readings(sentence, limit)]
    utterance = grammar.parse(sentence)
    return None if utterance is None else utterance.to_dict()


def _stdin_lines():
    """Lines of standard input as text; a line that is not UTF-8 is a user error."""
    for number, raw in enumerate(sys.stdin.buffer, 1):
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as err:
            raise UsageError(
                f"<stdin>:{number}:{err.start + 1}: not valid UTF-8 (byte 0x{raw[err.start]:02X})"
            ) from None


def _count_arguments(p: argparse.ArgumentParser) -> None:
    grammar_arguments(p, _count)
    p.add_argument("--intent", action="append", metavar="I", help="count only this intent")
    budget_option(p, "exact counts")
    progress_options(p)


COUNT = Command(
    "count",
    help="count the distinct sentences of a grammar",
    description="Print the number of distinct sentences per intent and in total (a "
    "sentence of two intents counts once in the total): exact where the grammar's flat "
    "form fits the budget, else 'at most' the number of derivations, with the reason. "
    "Numbers too long for decimal are printed in scientific form.",
    add=_count_arguments,
)


def _count(args: argparse.Namespace) -> int:
    grammar = named_grammar(args)
    per_intent, total = grammar.sizes(args.intent, args.budget)
    for name, size in per_intent.items():
        sys.stdout.write(f"{name}\t{size}\n")
    sys.stdout.write(f"total\t{total}\n")
    return 0


def _check_arguments(p: argparse.ArgumentParser) -> None:
    grammar_arguments(p, _check, source_only=True)
    budget_option(p, "exact ambiguity and overlap checks")
    progress_options(p)


CHECK = Command(
    "check",
    help="report errors and warnings in a .grm grammar",
    description="Lint a grammar: errors (what compile would refuse, syntax errors "
    "and empty languages included) and warnings (unused or unreachable rules, repeated "
    "alternatives, ambiguous sentences, sentences of two intents: exact where the "
    "grammar's flat form fits the budget, else found on a sample of sentences), one per "
    "line on standard output, then a summary line. Exit status 1 on errors, 2 if the "
    "grammar cannot be read at all.",
    add=_check_arguments,
)


def _check(args: argparse.Namespace) -> int:
    from .. import check
    from ..grm import sources
    from ..grm.validate import Diagnostic

    if args.grammar.endswith(".far"):
        raise UsageError(f"check reads a .grm source, not the archive {args.grammar}")
    try:
        findings = check.check(sources.load_grammar(args.grammar, args.allow_path), args.budget)
    except GrammarError as err:  # one that stops the reading: a syntax error, an import
        if err.location is None or err.location == Location(str(Path(args.grammar))):
            raise  # the file itself cannot be read: nothing was checked
        findings = [Diagnostic("error", err.message, err.location)]
    findings = [dataclasses.replace(f, message=parameters.text(f.message)) for f in findings]
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    summary = f"{args.grammar}: {amount(errors, 'error')}, {amount(warnings, 'warning')}"
    sys.stdout.write("".join(f"{line}\n" for line in [*findings, summary]))
    return 1 if errors else 0


def _draw_arguments(p: argparse.ArgumentParser) -> None:
    grammar_arguments(p, _draw)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--intent", metavar="I", help="draw this intent")
    which.add_argument("--rule", metavar="R", help="draw this rule (without its $)")
    which.add_argument("--slot", metavar="S", help="draw this slot class")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.dot, .svg or .png")


DRAW = Command(
    "draw",
    help="draw an intent, rule or slot as a graph",
    description="Draw the transducer of an intent (default: every intent), a rule "
    "(needs the .grm source) or a slot class: words on the arcs, slots by their class "
    "names, each arc's probability of being taken. The output's ending chooses the "
    "format: .dot (Graphviz text, always), .svg or .png (need Graphviz's dot program).",
    add=_draw_arguments,
)


def _draw(args: argparse.Namespace) -> int:
    from .. import draw

    grammar = named_grammar(args)
    draw.write(
        grammar.draw(args.intent, args.rule and args.rule.lstrip("$"), args.slot), args.output
    )
    sys.stderr.write(f"wrote {args.output}\n")
    return 0
