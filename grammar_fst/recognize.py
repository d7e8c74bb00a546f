"""Text to intent and slots, through the same transducers that generate: the sentence as
a linear acceptor composed with the flat union of all intents; the most probable
reading wins.
"""

from __future__ import annotations

import pynini

from . import openfst, tokens
from .compiler import CompiledFsts, flatten
from .spelling import Speller
from .utterance import Utterance


class Recognizer:
    """Parses sentences against one compiled grammar (slots expanded once, up front)."""

    def __init__(self, fsts: CompiledFsts):
        self.symbols = fsts.symbols
        self.spell = Speller([fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())])
        flat = [flatten(fsts, name) for name in fsts.intents]
        with openfst.captured("preparing the parser"):
            self.fst = pynini.union(*flat).rmepsilon().arcsort("ilabel")

    def lattice(self, text: str) -> pynini.Fst | None:
        """All readings of `text` as an FST, or None when a word is unknown."""
        ids = [self.symbols.find(w) for w in tokens.words(text)]
        if not ids or min(ids) < 0:
            return None
        with openfst.captured("parsing"):
            lattice = pynini.compose(openfst.chain([(i, i) for i in ids]), self.fst)
            lattice.connect()
        return lattice if lattice.start() >= 0 else None

    def parse(self, text: str) -> Utterance | None:
        """The most probable reading of `text`, or None when it is not in the grammar."""
        lattice = self.lattice(text)
        if lattice is None:
            return None
        with openfst.captured("parsing"):
            best = pynini.shortestpath(pynini.arcmap(lattice, map_type="to_std"))
        return self.spell(openfst.single_path(best))

    def readings(self, text: str, limit: int | None = None) -> list[Utterance]:
        """The distinct readings of `text` (at most `limit`; empty when not in the grammar)."""
        lattice = self.lattice(text)
        if lattice is None:
            return []
        with openfst.captured("parsing"):
            lattice = openfst.optimize(lattice)  # one path per distinct reading
        found: dict[Utterance, None] = {}
        for path in _paths(lattice, lattice.start()):
            found.setdefault(self.spell(path))
            if limit is not None and len(found) >= limit:
                break
        return list(found)


def _paths(fst: pynini.Fst, state: int):
    if fst.final(state) != pynini.Weight.zero(fst.weight_type()):
        yield []
    for arc in fst.arcs(state):
        for tail in _paths(fst, arc.nextstate):
            yield [(arc.ilabel, arc.olabel)] + tail
