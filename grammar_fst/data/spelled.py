"""A batch of sampled sentences spelled as arrays: what `fst.spelling.Speller.spell`
makes, and what the formats' bulk writers (`formats/_bulk.py`) and the utterances are
made from. A record of the data layer, like `Utterance`, so that writing needs nothing of
the network."""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass

import numpy as np

from .records import SlotValue, Utterance


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

    def utterances(
        self, spaced: list[str], names: list, sentences: np.ndarray | None = None
    ) -> list[Utterance]:
        """The utterances of the batch (or of its `sentences`, in increasing order):
        `spaced` holds each label's word, then each after a space; `names` each label's
        tag name."""
        joined = "".join(_pick(spaced, self.said + (len(spaced) // 2) * self.space))
        cuts = self.slot_cuts
        if sentences is None:
            sentences, slot = np.arange(len(self.base)), np.arange(len(self.slot_label))
        else:
            counts = cuts[sentences + 1] - cuts[sentences]
            slot = np.repeat(cuts[sentences] - np.cumsum(counts) + counts, counts)
            slot += np.arange(len(slot))
        begin, start, end = self.slot_begin[slot], self.slot_start[slot], self.slot_end[slot]
        at, ends = begin.tolist(), (begin + end - start).tolist()
        values = [joined[a:b] for a, b in zip(at, ends)]
        canonicals: list[str | None] = [None] * len(values)
        for s, canonical in self.canonicals.items():
            k = int(np.searchsorted(slot, s))
            if k < len(slot) and slot[k] == s and canonical != values[k]:
                canonicals[k] = canonical
        names_of = _pick(names, self.slot_label[slot])
        slots = _records(SlotValue, names_of, values, start.tolist(), end.tolist(), canonicals)
        counts = (cuts[sentences + 1] - cuts[sentences]).tolist()
        grouped, k = [], 0
        for count in counts:
            grouped.append(tuple(slots[k : k + count]))
            k += count
        intents = _pick(names, self.intent[sentences])
        base, sizes = self.base[sentences].tolist(), self.sizes[sentences].tolist()
        texts = [joined[b : b + s] for b, s in zip(base, sizes)]
        return _records(Utterance, texts, intents, grouped)


def _pick(items: list, indices: np.ndarray) -> list:
    """`[items[i] for i in indices]`, done in C (itemgetter) for long batches."""
    if len(indices) == 0:
        return []
    picked = operator.itemgetter(*indices.tolist())(items)
    return list(picked) if len(indices) > 1 else [picked]


def _records(kind: type, *columns: list) -> list:
    """Named tuples of `kind` from columns of field values, made by `tuple.__new__`
    directly: a named tuple's own `__new__` is Python code, and costs twice as much."""
    return list(map(tuple.__new__, itertools.repeat(kind), zip(*columns)))
