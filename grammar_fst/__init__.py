"""grammar-fst: finite-state grammars for bootstrapping NLU training data.

import grammar_fst as gf
g = gf.load("grammars/toy.grm")       # .grm or .far
for u in g.sample(5, seed=1):
    print(u.text, u.intent, u.slots)
"""

from __future__ import annotations

import importlib

# Where each public name lives; a module is imported when one of its names is first used,
# so `grammar-fst --help` (and Ctrl-C during start-up) does not wait for pynini and numpy.
_HOMES = {
    "data.catalogue": (
        "Catalogue",
        "Entry",
        "catalogues_containing",
        "read_catalogue",
    ),
    "errors": (
        "CatalogueError",
        "FarError",
        "FormatError",
        "GrammarError",
        "GrammarFstError",
        "Location",
        "OpenFstError",
        "OutputError",
        "UsageError",
    ),
    "grm.ast": ("Grammar",),
    "induction": ("Induction", "induce"),
    "model": ("CompiledGrammar", "from_text", "load"),
    "sampling.walker": ("DEFAULT_SEED",),
    "grm.sources": ("load_grammar",),
    "grm.syntax": ("format_grammar", "parse"),
    "data.records": ("SlotValue", "Utterance"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    else:  # a submodule, as `grammar_fst.formats` after `import grammar_fst`
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Entry",
    "catalogues_containing",
    "read_catalogue",
    "CompiledGrammar",
    "DEFAULT_SEED",
    "FarError",
    "FormatError",
    "Grammar",
    "Induction",
    "GrammarError",
    "GrammarFstError",
    "Location",
    "OpenFstError",
    "OutputError",
    "SlotValue",
    "UsageError",
    "Utterance",
    "format_grammar",
    "from_text",
    "induce",
    "load",
    "load_grammar",
    "parse",
]
