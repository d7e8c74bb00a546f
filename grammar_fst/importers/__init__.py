"""Templates written for other tools, turned into `.grm` grammars: Chatette and Chatito
template files and Alexa interaction models (intents with sample utterances).

Each importer reads its file into the grammar AST, with every node located in the source
file, so that a construct `.grm` cannot express, and any meaning error of the result
(recursion, a slot inside a slot, an empty sentence), is reported at FILE:LINE:COL of the
source. `import_template` picks the importer by the file's suffix, and makes the checks
every import shares: a template without an intent, or with a word holding a control
character, is refused whatever its format.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GrammarError, Location, not_a_folder
from ..grm import ast as g

if TYPE_CHECKING:
    from ._common import Imported

IMPORTERS = ("alexa", "chatette", "chatito")  # modules here with `read(path, output)`, imported
# when used: `import --help` need not load what they read with (alexa's catalogues: numpy)
SUFFIXES = {".chatette": "chatette", ".chatito": "chatito", ".json": "alexa"}


def import_template(
    path: str | Path, kind: str | None = None, output: str | None = None
) -> Imported:
    """The grammar of a template file, and the catalogues to write beside it; `kind`
    defaults to the one its suffix names. `output` is where the grammar will be written
    (None: standard output, read from the current folder): catalogue paths are relative
    to its folder. Checked as every import is: an intent at least, words without control
    characters, and no meaning error."""
    not_a_folder(path, "a template file", GrammarError)
    kind = kind or SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise GrammarError(
            "cannot tell what to import from the file's name: name a .chatette or .chatito "
            "template or an Alexa model .json, or give --from",
            Location(str(path)),
        )
    read = importlib.import_module(f"{__name__}.{kind}").read
    imported = read(Path(path), Path(output) if output else None)
    from ..grm.validate import errors
    from ._common import refuse_control_characters, require_intents

    require_intents(imported.grammar, "model" if kind == "alexa" else "template")
    refuse_control_characters(imported.grammar)
    found = errors(imported.grammar)
    if found:
        raise GrammarError(found[0].message, found[0].loc)
    return imported


def import_grammar(
    path: str | Path, kind: str | None = None, output: str | None = None
) -> g.Grammar:
    """The grammar of `import_template`, its catalogues left unwritten."""
    return import_template(path, kind, output).grammar


__all__ = ["IMPORTERS", "SUFFIXES", "import_grammar", "import_template"]
