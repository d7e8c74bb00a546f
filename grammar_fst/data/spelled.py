"""A batch of sampled sentences spelled as arrays: what `fst.spelling.Speller.spell`
makes, and what the formats' bulk writers (`formats/_bulk.py`) and the utterances are
made from. A record of the data layer, like `Utterance`, so that writing needs nothing of
the network."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Spelled:
    """A batch of paths spelled as arrays: its words (`said`, with `space[i]` when a
    space comes before word i), sentence i's words at `word_cuts[i]:word_cuts[i+1]`, its
    intent's tag label, and its text at `base[i]` (`sizes[i]` characters) of the batch's
    joined text. Slot k (of sentence i's at `slot_cuts[i]:slot_cuts[i+1]`) has its open
    tag's label, its words at `slot_first[k]:slot_stop[k]` (the first after a space when
    `slot_spaced[k]`), its value at `slot_begin[k]` of the joined text, its offsets in
    its sentence; `canonicals[k]` holds its output words when one of them is not the
    word said (a catalogue synonym). Labels are those of the grammar's symbol table."""

    said: np.ndarray
    space: np.ndarray
    word_cuts: np.ndarray
    intent: np.ndarray
    base: np.ndarray
    sizes: np.ndarray
    slot_label: np.ndarray
    slot_first: np.ndarray
    slot_stop: np.ndarray
    slot_spaced: np.ndarray
    slot_begin: np.ndarray
    slot_start: np.ndarray
    slot_end: np.ndarray
    slot_cuts: np.ndarray
    canonicals: dict[int, str]
