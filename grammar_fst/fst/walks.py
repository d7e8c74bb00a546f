"""Paths through a compiled grammar as label pairs, one path or many in flat arrays.

A path is what the walker draws, the parser finds and the speller turns into an utterance:
its (input, output) label pairs, the input side saying the words, the output side the
intent and slot tags. Many paths travel as `Walks`, concatenated numpy arrays, so a batch
of tens of thousands is one object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LabelPath = list[tuple[int, int]]


@dataclass
class Walks:
    """Paths as concatenated label arrays: path i is `ilabel[ends[i-1]:ends[i]]` (from 0
    for the first) on the input side, and the same range of `olabel` on the output."""

    ilabel: np.ndarray
    olabel: np.ndarray
    ends: np.ndarray

    def begins(self) -> np.ndarray:
        return np.concatenate(([0], self.ends))[: len(self.ends)].astype(np.int64)

    def keys(self) -> list[bytes]:
        """Per path, its input words as bytes: equal keys, equal texts (words hold no
        spaces), so repeats can be found before anything is spelled."""
        words = self.ilabel != 0
        buffer = self.ilabel[words].astype(np.int32).tobytes()
        counts = np.concatenate(([0], np.cumsum(words)))
        ends = (4 * counts[self.ends]).tolist()
        return [buffer[a:b] for a, b in zip((4 * counts[self.begins()]).tolist(), ends)]

    @classmethod
    def of(cls, paths: list[LabelPath]) -> Walks:
        """Walks from lists of (input, output) label pairs."""
        ends = np.cumsum([len(p) for p in paths], dtype=np.int64)
        pairs = np.array([pair for p in paths for pair in p], dtype=np.int64).reshape(-1, 2)
        return cls(pairs[:, 0], pairs[:, 1], ends)

    @classmethod
    def concat(cls, parts: list[Walks]) -> Walks:
        """The walks of `parts`, one after the other."""
        offsets = np.cumsum([0] + [len(p.ilabel) for p in parts[:-1]])
        return cls(
            np.concatenate([p.ilabel for p in parts]),
            np.concatenate([p.olabel for p in parts]),
            np.concatenate([p.ends + o for p, o in zip(parts, offsets)]).astype(np.int64),
        )

    def span(self, first: int, count: int) -> Walks:
        """The `count` walks from position `first` on (`take` of a range, without copying)."""
        begin = int(self.ends[first - 1]) if first else 0
        ends = self.ends[first : first + count]
        end = int(ends[-1]) if len(ends) else begin
        return Walks(self.ilabel[begin:end], self.olabel[begin:end], ends - begin)

    def take(self, chosen: np.ndarray) -> Walks:
        """The walks at the positions `chosen`, in that order."""
        begins, lengths = self.begins()[chosen], (self.ends - self.begins())[chosen]
        index = spans(begins, lengths)
        return Walks(self.ilabel[index], self.olabel[index], np.cumsum(lengths))


def distinct(values: np.ndarray) -> np.ndarray:
    """The values, each once, sorted: `np.unique` without its first call's import of
    `numpy.ma` (6 ms and more, a twentieth of sampling one sentence)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def spans(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The numbers first[i] .. first[i] + count[i] - 1, for every i, one after the other."""
    return np.arange(int(count.sum())) + np.repeat(first - np.cumsum(count) + count, count)
