"""`import`: Chatette, Chatito and Alexa templates as a .grm grammar (see docs/importing.md)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..plurals import amount
from . import PROG
from .arguments import Command, source_output


def _import_arguments(p: argparse.ArgumentParser) -> None:
    from ..importers import IMPORTERS

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
        help="write the grammar to OUT.grm (atomically) instead of standard output; an "
        "Alexa model outside OUT.grm's folder, which the grammar may not read, has its slot "
        "types written beside it as catalogues",
    )
    p.set_defaults(run=_import)


IMPORT = Command(
    "import",
    help="turn Chatette, Chatito or Alexa templates into a .grm grammar",
    description="Write a .grm grammar with the sentences of a Chatette (.chatette) or "
    "Chatito (.chatito) template file, or of the intents of an Alexa interaction model "
    "(.json; its slot types become catalogues). A construct .grm cannot express is an "
    "error at its FILE:LINE:COL; one that does not change the sentences (generation "
    "counts) is left out with a warning. See docs/importing.md.",
    add=_import_arguments,
)


def _import(args: argparse.Namespace) -> int:
    from ..grm.syntax import format_grammar
    from ..importers import import_template
    from ..output import atomic_file, refuse_inputs, write_text

    output = None if args.output in (None, "-") else args.output
    source_output(output, "import")
    refuse_inputs(output, [args.source])
    imported = import_template(args.source, args.kind, output)
    grammar = imported.grammar
    header = f"# Imported by {PROG} from {Path(args.source).name}.\n\n"
    folder = Path(output or ".").parent  # catalogues are written with -o only
    catalogues = {folder / name: text for name, text in imported.catalogues.items()}
    with contextlib.ExitStack() as written:  # put in place once the grammar is written
        for path, text in catalogues.items():
            refuse_inputs(path, [args.source])
            written.enter_context(atomic_file(path, "w")).write(text)
        write_text([header, format_grammar(grammar)], args.output)
    for path, text in catalogues.items():
        sys.stderr.write(f"wrote {path}: {amount(len(text.splitlines()) - 1, 'value')}\n")
    summary = (
        f"{amount(len(grammar.intents), 'intent')}, {amount(len(grammar.slots), 'slot')}, "
        f"{amount(len(grammar.rules), 'rule')}"
    )
    sys.stderr.write(f"wrote {output}: {summary}\n" if output else f"{summary}\n")
    return 0
