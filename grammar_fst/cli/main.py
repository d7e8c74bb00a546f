"""The `grammar-fst` command: the parser, one sub-command per module of this package, and
the one place where errors become messages and exit statuses; the work is done elsewhere.

A run builds the arguments of the command it names only, and each command imports what
it needs when it runs: `grammar-fst --help` and `COMMAND --help` load neither pynini nor
numpy (tests/test_startup.py; benchmarks/startup.py measures it).

Exit status: 0 success, 1 the command ran but found problems (`check` errors, `parse`
sentences outside the grammar), 2 user error (one line, `grammar-fst: error: ...`), 130
Ctrl-C, 128 + N signal N (SIGTERM, SIGHUP); see docs/security.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Collection

from .. import __version__, progress
from ..errors import GrammarFstError
from . import PROG, data, grammar, importing, induce, printable, sample
from .io import progress_shown

COMMANDS = (  # in the order --help lists them
    grammar.COMPILE,
    sample.SAMPLE,
    grammar.PARSE,
    grammar.COUNT,
    grammar.CHECK,
    data.CONVERT,
    grammar.DRAW,
    data.RESAMPLE,
    data.EVALUATE,
    induce.INDUCE,
    importing.IMPORT,
)


class _Parser(argparse.ArgumentParser):
    """argparse with the project's one-line error form and exit status 2, and no options
    shortened: `--n 3` is not taken for `--no-unique` followed by a stray 3."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(_fail(f"{message} (see '{self.prog} --help')"))


def _fail(message: str) -> int:
    sys.stderr.write(printable(f"{PROG}: error: {message}\n"))
    return 2


def build_parser(wanted: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The full argument parser (also the source of docs/cli.md). Given `wanted`, only
    the commands named there get their arguments; the others have their name, help and
    description, all that `grammar-fst --help` shows."""
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
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.description)
        if wanted is None or command.name in wanted:
            command.add(sub)
    return parser


def _refuse_a_double_dash_value(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Refuse `--option=--`: argparse drops the `--` and leaves the option without a value
    (None where a number or a name must be), which no command expects."""
    for word in itertools.takewhile(lambda word: word != "--", argv):
        option, sep, value = word.partition("=")
        if word.startswith("-") and sep and value == "--":
            parser.error(f"argument {option}: '--' is no value; write {option} VALUE")


def _before_the_command(
    parser: argparse.ArgumentParser, argv: list[str]
) -> tuple[argparse.ArgumentParser, str]:
    """The parser to refuse an unknown option written before the command, and why: the
    command's, when the option is one of its own (it goes after the command), else the
    top level's, with the option meant."""
    commands = _commands(parser)
    named = next((word for word in argv if word in commands), None)
    option = argv[0].split("=")[0]
    if named is not None and option in _options(commands[named]):
        return commands[named], f"{option} goes after the command: {PROG} {named} {option} ..."
    return parser, _unrecognized(parser, argv[:1], argv)


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, by name."""
    return next(a for a in parser._actions if a.dest == "command").choices


def _options(parser: argparse.ArgumentParser) -> list[str]:
    """Every option string a parser takes (`-n`, `--seed`, ...)."""
    return [o for action in parser._actions for o in action.option_strings]


def _unrecognized(command: argparse.ArgumentParser, extra: list[str], argv: list[str]) -> str:
    """The message for arguments the command does not take, with the option meant where
    one is close to what was written (`--n` for `-n`); none for what follows `--`, which
    argparse drops from `extra`."""
    import difflib

    known = _options(command)
    options = set(argv[: argv.index("--")] if "--" in argv else argv)
    meant = [
        (given, close[0])
        for given in extra
        if given.startswith("-")
        and given in options
        and (close := difflib.get_close_matches(given, known, 1, 0.7))
    ]
    if len(meant) == 1:
        hint = f"; did you mean {meant[0][1]}?"
    else:
        hint = "".join(f"; {given}: did you mean {close}?" for given, close in meant)
    return f"unrecognized arguments: {' '.join(extra)}{hint}"


def _named_inputs(args: argparse.Namespace) -> list[str]:
    """The files named on the command line that the command reads (an archive that
    `compile --catalogue` rewrites in place is not one: replacing it is the point)."""
    from ..grm.sources import split_spec

    rewritten = args.command == "compile" and args.grammar.endswith(".far")
    named = [getattr(args, key, None) for key in ("data", "heldout")]
    named += [None if rewritten else getattr(args, "grammar", None)]
    named += [split_spec(file)[0] for _, file in getattr(args, "catalogue", None) or []]
    return [name for name in named if name]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for name in ("stdout", "stderr"):  # closed by the caller (`>&-`): write nowhere
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115
    try:
        argv = sys.argv[1:] if argv is None else argv
        parser = build_parser(wanted=set(argv))  # the command is one of the words
        if argv and argv[0].startswith("-") and argv[0] not in ("-", "--", *_options(parser)):
            where, message = _before_the_command(parser, argv)
            where.error(message)  # else argparse says "COMMAND is required"
        _refuse_a_double_dash_value(parser, argv)
        args, extra = parser.parse_known_args(argv)
        if extra and args.command == "parse" and not any(a.startswith("-") for a in extra):
            args.sentences += extra  # sentences written after an option
        elif extra:
            command = _commands(parser)[args.command]
            command.error(_unrecognized(command, extra, argv))
        from .. import signals
        from ..output import refuse_inputs, stdout_checked
        from . import logs

        with logs.shown_on_stderr():
            progress.choose(progress_shown(args) if hasattr(args, "progress") else None)
            refuse_inputs(getattr(args, "output", None), _named_inputs(args))
            with signals.stop_cleanly(PROG), stdout_checked():
                status = args.run(args)
                sys.stdout.flush()
        return status
    except GrammarFstError as err:
        from .parameters import error_line

        return _fail(error_line(err))
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
        progress.choose(False)  # as a library again


def _entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    _entry()
