"""Paths through a compiled grammar, as label pairs, turned into utterances a batch at a
time: sampling spells tens of thousands of paths per call, so the character offsets of
words and slots are computed with numpy over the whole batch, and the batch's text is
one string joined once and cut into sentences.

A path's input side gives the surface words; its output side gives the intent tag, the
slot boundary tags and, inside a slot, the canonical value (the same words unless a
catalogue synonym was taken).
"""

from __future__ import annotations

import numpy as np

from ..data.records import Utterance
from ..data.spelled import Spelled
from ..text import scripts, tokens
from . import labels
from .walks import LabelPath, Walks

_GAP = np.array(scripts.GAP).ravel()  # indexed by a batch of script pairs at once
_SCRIPTS = len(scripts.GAP)
_WORD, _INTENT, _OPEN, _CLOSE, _CLASS = range(5)
_KINDS = {"intent": _INTENT, "open": _OPEN, "close": _CLOSE, "class": _CLASS, "rule": _CLASS}


class Speller:
    """Spells paths over one symbol table; each label's word and tag are looked up once."""

    def __init__(self, symbols: list[str]):
        self.words = symbols
        self.tags = tags = [labels.parse_tag(s) for s in symbols]  # (kind, name), None: a word
        self.kind = np.array([_WORD if t is None else _KINDS[t[0]] for t in tags], dtype=np.int8)
        self.tag_name = [None if t is None else t[1] for t in tags]
        self.length = np.array([len(s) for s in symbols], dtype=np.int64)
        edges = np.array([scripts.edges(s) for s in symbols], dtype=np.int64).reshape(-1, 2)
        self.lead, self.trail = edges[:, 0].copy(), _SCRIPTS * edges[:, 1]  # `_GAP`'s row
        self.spaced = symbols + [" " + s for s in symbols]  # each word, then after a space

    def __call__(self, path: LabelPath) -> Utterance:
        """The utterance of one path."""
        return self.walks(Walks.of([path]))[0]

    def walks(self, walks: Walks) -> list[Utterance]:
        """The utterances of a batch of paths."""
        return self.spell(walks).utterances(self.spaced, self.tag_name)

    def spell(self, walks: Walks) -> Spelled:
        """The words, spaces and slots of a batch of paths as arrays, from which its
        utterances, or its lines in a format, are made."""
        ilabel, olabel, ends = walks.ilabel, walks.olabel, walks.ends
        n = len(ends)
        is_word = ilabel != 0
        words_before = np.zeros(len(ilabel) + 1, dtype=np.int64)  # before each arc
        np.cumsum(is_word, out=words_before[1:])
        said = ilabel[is_word]
        word_cuts = words_before[np.concatenate(([0], ends))]
        # a space before each word, as scripts say, never before a sentence's first; one
        # more place, where a slot without words may stand at the end
        gaps = np.zeros(len(said) + 1, dtype=bool)
        gaps[1:-1] = _GAP[np.take(self.trail, said[:-1]) + np.take(self.lead, said[1:])]
        gaps[word_cuts] = False
        space = gaps[:-1]
        chars = np.zeros(len(said) + 1, dtype=np.int64)  # characters before each word
        np.cumsum(np.take(self.length, said) + space, out=chars[1:])
        base = chars[word_cuts[:-1]]
        kind = np.take(self.kind, olabel)
        opens = np.flatnonzero(kind == _OPEN)
        closes = np.flatnonzero(kind == _CLOSE)
        slot_sentence = np.searchsorted(ends, opens, side="right")
        first = words_before[opens]  # the slot's first word, if it has one
        stop = words_before[closes]  # the word after its last
        spaced = gaps[first] & (first < stop)
        slot_begin = chars[first] + spaced
        slot_start = slot_begin - base[slot_sentence]
        slot_end = np.maximum(chars[stop] - base[slot_sentence], slot_start)
        counts = np.bincount(slot_sentence, minlength=n)
        return Spelled(
            said=said,
            space=space,
            word_cuts=word_cuts,
            intent=olabel[kind == _INTENT],
            base=base,
            sizes=chars[word_cuts[1:]] - base,
            slot_label=olabel[opens],
            slot_first=first,
            slot_stop=stop,
            slot_spaced=spaced,
            slot_begin=slot_begin,
            slot_start=slot_start,
            slot_end=slot_end,
            slot_cuts=np.concatenate(([0], np.cumsum(counts))),
            canonicals=self._canonicals(ilabel, olabel, kind, opens, closes),
        )

    def _canonicals(self, ilabel, olabel, kind, opens, closes) -> dict[int, str]:
        """Per slot (by number) with an output word that is not the word said inside it,
        its output words."""
        changed = np.flatnonzero((ilabel != olabel) & (kind == _WORD))  # not tags
        slot = np.searchsorted(opens, changed) - 1  # the last slot opened before
        inside = slot >= 0
        inside[inside] = changed[inside] < closes[slot[inside]]
        return {
            k: self._canonical(olabel, opens[k], closes[k])
            for k in sorted(set(slot[inside].tolist()))
        }

    def _canonical(self, olabel: np.ndarray, open_at: int, close_at: int) -> str:
        """The output words between a slot's boundary tags."""
        return tokens.join([self.words[o] for o in olabel[open_at + 1 : close_at].tolist() if o])
