"""The `grammar-fst` command: the parser, one sub-command per module of this package, and
the one place where errors become messages and exit statuses; the work is done elsewhere.

Exit status: 0 success, 1 the command ran but found problems (`check` errors, `parse`
sentences outside the grammar), 2 user error (one line, `grammar-fst: error: ...`), 130
Ctrl-C, 128 + N signal N (SIGTERM, SIGHUP); see docs/security.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .. import __version__, progress, signals
from ..errors import GrammarFstError
from ..grm.sources import split_spec
from ..output import refuse_inputs, stdout_checked
from . import PROG, data, grammar, importing, induce, sample
from .io import progress_shown

COMMANDS = (  # in the order --help lists them
    grammar.add_compile,
    sample.add_sample,
    grammar.add_parse,
    grammar.add_count,
    grammar.add_check,
    data.add_convert,
    grammar.add_draw,
    data.add_resample,
    data.add_evaluate,
    induce.add_induce,
    importing.add_import,
)


class _Parser(argparse.ArgumentParser):
    """argparse with the project's one-line error form and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise SystemExit(_fail(f"{message} (see '{self.prog} --help')"))


def _fail(message: str) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    return 2


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
    for add in COMMANDS:
        add(commands)
    return parser


def _named_inputs(args: argparse.Namespace) -> list[str]:
    """The files named on the command line that the command reads (an archive that
    `compile --catalogue` rewrites in place is not one: replacing it is the point)."""
    rewritten = args.command == "compile" and args.grammar.endswith(".far")
    named = [getattr(args, key, None) for key in ("data", "heldout")]
    named += [None if rewritten else getattr(args, "grammar", None)]
    named += [split_spec(file)[0] for _, file in getattr(args, "catalogue", None) or []]
    return [name for name in named if name]


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
        progress.choose(progress_shown(args) if hasattr(args, "progress") else None)
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
