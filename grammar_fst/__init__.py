"""grammar-fst: finite-state grammars for bootstrapping NLU training data.

import grammar_fst as gf
g = gf.load("grammars/toy.grm")       # .grm or .far
for u in g.sample(5, seed=1):
    print(u.text, u.intent, u.slots)
"""

from .catalogue import Catalogue, CatalogueError, Entry, catalogues_containing, read_catalogue
from .errors import FarError, GrammarError, GrammarFstError, Location, OpenFstError, UsageError
from .grammar import Grammar
from .induction import Induction, induce
from .model import CompiledGrammar, from_text, load
from .sampler import DEFAULT_SEED
from .sources import load_grammar
from .syntax import format_grammar, parse
from .utterance import SlotValue, Utterance

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
    "Grammar",
    "Induction",
    "GrammarError",
    "GrammarFstError",
    "Location",
    "OpenFstError",
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
