"""A sentence to parse as a lattice of the grammar's words: every way its text can be
read as words the grammar has, between the character offsets where words meet.

Where a script puts spaces between words, the words are the segmenter's (`tokens.spans`),
one reading. Text written without spaces (Thai, Japanese) has no one right cut: ICU's
dictionary cuts `ฝนตก` alone as one word and as `ฝน`, `ตก` inside a sentence, while a
grammar holds the words its authors, or its golden utterances, cut. So in a chunk of
such text every substring that is a word of the grammar is a word of the lattice too, and
the parser takes the reading the grammar derives.

A word the grammar lacks is looked up case-folded, and punctuation it lacks (closing and
opening marks, quotes) is passed over, also glued to a word the grammar has (`«jazz»`):
its offsets and the next word's are one node. In a run of marks (`?!`, `??`, `¡¿`), the
one the grammar has next to the word is read, and the others it has may be passed over.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..text import scripts, tokens

Lookup = Callable[[str], int]  # a word's label in the grammar (-1: none)
PASSED = -2  # `word_label` of punctuation passed over
_EMOJI_PARTS = "\u200d\ufe0e\ufe0f\u20e3"  # the joiner, the variation selectors, the keycap
Unspaced = tuple[dict[str, int], list[str]]  # words written without spaces: labels, sorted
Alike = Callable[[str, int], tuple[int, ...]]  # other labels a word may be read as


@dataclass(frozen=True)
class Lattice:
    """`edges[node]`: the words that start at a node, `(label, next node, end)` in order,
    `end` where the word ends in `text`; node 0 is the sentence's start, the last node
    its end, and `offsets[node]` is where a node's words start."""

    text: str
    offsets: tuple[int, ...]
    edges: tuple[tuple[tuple[int, int, int], ...], ...]

    @classmethod
    def of_labels(cls, ids: list[int]) -> Lattice:
        """The lattice of one reading, a word per node (offsets count words)."""
        edges = (*(((w, k + 1, k + 1),) for k, w in enumerate(ids)), ())
        return cls("", tuple(range(len(ids) + 1)), edges)

    @property
    def end(self) -> int:
        return len(self.offsets) - 1

    def connected(self) -> bool:
        """Whether a path of words leads from the start to the end."""
        reached = [False] * len(self.offsets)
        reached[0] = True
        for node, edges in enumerate(self.edges):
            if reached[node]:
                for _, following, _ in edges:
                    reached[following] = True
        return reached[-1]

    def spans(self, words: list[int]) -> list[tuple[int, int]] | None:
        """The (start, end) in `text` of each of `words` (labels, in order) along a path
        of the lattice from its start to its end, the first in the edges' order; None
        when there is none."""
        stack: list[tuple[int, tuple[tuple[int, int], ...]]] = [(0, ())]
        while stack:
            node, found = stack.pop()
            if len(found) == len(words):
                if node == self.end:
                    return list(found)
                continue
            for label, following, end in reversed(self.edges[node]):
                if label == words[len(found)]:
                    stack.append((following, (*found, (self.offsets[node], end))))
        return None


def lattice(
    text: str, find: Lookup, unspaced: Callable[[], Unspaced], alike: Alike | None = None
) -> Lattice:
    """The lattice of `text` (NFC) over a grammar whose words `find` gives labels of
    (exact, case-folded, or -1); `unspaced()`, its words that hold a script written
    without spaces (by label, and sorted), is asked only when the text holds such a
    script; `alike(word, label)`, the labels of other words of the grammar a word of a
    spaced script may be read as too (the same but for accents; None: no other)."""
    chunks = _unspaced_chunks(text) if scripts.unspaced(text) else []
    if not chunks:
        return _chain(text, find, alike)
    words: dict[tuple[int, int], int] = {}  # (start, end) in text: label
    passed: list[tuple[int, int]] = []
    for a, b, label, _ in _labelled(text, find):  # a mark that may be passed over is read
        if label == PASSED:
            passed.append((a, b))
        elif label >= 0:
            words[(a, b)] = label
    known, ordered = unspaced()
    for chunk in chunks:
        _add_substrings(text, chunk, known, ordered, words)
        _add_spaced_runs(text, chunk, find, words)
    return _linked(text, words, passed)


def _chain(text: str, find: Lookup, alike: Alike | None) -> Lattice:
    """The lattice of text whose words are the segmenter's: one reading (none, when a
    word is not the grammar's), but that a word may be read as another `alike`, and a
    mark of a run that may be passed over (`_unmarked`) read or not."""
    offsets: list[int] = []
    edges: list[tuple[tuple[int, int, int], ...]] = []
    optional: list[int] = []  # the nodes that may be passed over
    for a, b, label, maybe in _labelled(text, find):
        if label >= 0:
            if maybe:
                optional.append(len(offsets))
            offsets.append(a)
            if alike is None or not (others := alike(text[a:b], label)):
                edges.append(((label, len(offsets), b),))
            else:
                edges.append(tuple((k, len(offsets), b) for k in (label, *others)))
        elif label != PASSED:
            return Lattice(text, (0, len(text)), ((), ()))  # no path
    if optional:
        return _with_optional(text, offsets, edges, set(optional))
    return Lattice(text, (*offsets, len(text)), (*edges, ()))


def _with_optional(text: str, offsets: list[int], edges: list, optional: set[int]) -> Lattice:
    """The chain of `offsets` and `edges` (one a node) where the marks at the nodes
    `optional` may also be passed over: each node's word leads to the next node, and past
    each optional one after it. The lattice starts at its first node, read: an optional
    mark said again right after (`¿¿qué`) is passed over, another one read."""
    while len(offsets) > 1 and 0 in optional and edges[0][0][0] == edges[1][0][0]:
        offsets = offsets[1:]
        edges = [tuple((w, k - 1, b) for w, k, b in node) for node in edges[1:]]
        optional = {k - 1 for k in optional if k}
    optional.discard(0)
    linked = []
    for node, words in enumerate(edges):
        ahead = [node + 1]
        while ahead[-1] in optional:
            ahead.append(ahead[-1] + 1)
        linked.append(tuple((label, k, end) for label, _, end in words for k in ahead))
    return Lattice(text, (*offsets, len(text)), (*linked, ()))


def _labelled(text: str, find: Lookup) -> Iterator[tuple[int, int, int, bool]]:
    """The segmenter's words of `text` with their labels (`word_label`) and whether they
    may be passed over, but for one the grammar lacks as written that is marks alone or
    marks around a word of the grammar (`_unmarked`)."""
    for a, b in tokens.spans(text):
        label = word_label(text[a:b], find)
        pieces = _unmarked(text, a, b, find) if b - a > 1 and label < 0 else []
        if pieces:
            yield from pieces
        else:
            yield a, b, label, False


def _unmarked(text: str, a: int, b: int, find: Lookup) -> list[tuple[int, int, int, bool]]:
    """The pieces of the word `text[a:b]` that the grammar lacks as written, when it is
    marks alone (`?!`, `¡¿`; `..` after `one am.`, which the segmenter keeps together) or
    marks around a word the grammar has (`«jazz»`, `"play`, which it keeps glued): the
    word, and each mark alone. A mark the grammar lacks is passed over; of those it has,
    the one nearest the word is read, and the others may be read or passed over
    (`madrid??`, `¿¿qué`, `clima?.`). Else none."""
    start, end = a, b
    while start < end and passable(text[start]):
        start += 1
    while end > start and passable(text[end - 1]):
        end -= 1
    word = text[start:end]
    if (start, end) == (a, b) or (word and find(word) < 0):
        return []
    opening = [(k, k + 1, word_label(text[k], find)) for k in range(a, start)]
    closing = [(k, k + 1, word_label(text[k], find)) for k in range(end, b)]
    if not word and not all(scripts.punctuation(text[k]) == scripts.OPENING for k in range(a, b)):
        opening, closing = [], opening  # marks alone, not all opening: after a word
    read = [piece for piece in opening if piece[2] >= 0][-1:] + [
        piece for piece in closing if piece[2] >= 0
    ][:1]
    pieces = [(*piece, piece not in read) for piece in opening + closing]
    if word:
        pieces.append((start, end, find(word), False))
    return sorted(pieces)


def word_label(word: str, find: Lookup) -> int:
    """The label `find` gives `word`; PASSED for punctuation the grammar lacks, which a
    sentence may hold; -1 for another word it lacks."""
    label = find(word)
    return PASSED if label < 0 and all(passable(ch) for ch in word) else label


def _unspaced_chunks(text: str) -> list[tuple[int, int]]:
    """The whitespace-free chunks of `text` that hold a script written without spaces."""
    return [m.span() for m in re.finditer(r"\S+", text) if scripts.unspaced(m.group())]


def _add_substrings(
    text: str, chunk: tuple[int, int], known: dict[str, int], ordered: list[str], words: dict
) -> None:
    """Every substring of the chunk that is one of the grammar's words `known` (those
    written without spaces, as written; `ordered`, the same sorted, tells when no word
    starts with a substring, so a longer one is not tried), neither starting nor ending
    inside a character's combining marks."""
    first, stop = chunk
    marks = [_combining(ch) for ch in text[first:stop]] + [False]
    for a in range(first, stop):
        if marks[a - first]:
            continue
        for b in range(a + 1, stop + 1):
            piece = text[a:b]
            k = bisect.bisect_left(ordered, piece)
            if k == len(ordered) or not ordered[k].startswith(piece):
                break
            if ordered[k] == piece and not marks[b - first] and (a, b) not in words:
                words[(a, b)] = known[piece]


def _add_spaced_runs(text: str, chunk: tuple[int, int], find: Lookup, words: dict) -> None:
    """Each run of the chunk in no script written without spaces that is one of the
    grammar's words, whole: `AC/DC` of `AC/DCをかけて`, which the segmenter cuts at the
    `/` (as it does not when the word stands alone)."""
    first, stop = chunk
    for run in scripts.spaced_runs().finditer(text, first, stop):
        label = find(run.group())
        if label >= 0 and run.span() not in words:
            words[run.span()] = label


def _linked(text: str, words: dict[tuple[int, int], int], passed: list) -> Lattice:
    """The lattice of these words: an offset and the next word's start are one node when
    only spaces and punctuation passed over lie between them."""
    skipped = {a: b for a, b in passed if b > a}

    def node_at(offset: int) -> int:
        while True:
            while offset < len(text) and text[offset].isspace():
                offset += 1
            if offset not in skipped:
                return offset
            offset = skipped[offset]

    linked = {
        (node_at(a), node_at(b), b): label
        for (a, b), label in words.items()
        if node_at(a) < node_at(b)  # not a word made of what is passed over
    }
    places = sorted({node_at(0), node_at(len(text))}.union(*((a, b) for a, b, _ in linked)))
    number = {offset: k for k, offset in enumerate(places)}
    edges: list[list[tuple[int, int, int]]] = [[] for _ in places]
    for (a, b, end), label in sorted(linked.items()):
        edges[number[a]].append((label, number[b], end))
    return Lattice(text, tuple(places), tuple(tuple(e) for e in edges))


def passable(ch: str) -> bool:
    """Punctuation a sentence may hold that its grammar lacks: marks that close or open
    in any script (`.`, `?`, `¿`, brackets, `。`, `、`, `？`, `「`) and quotes; not `&`, `/`
    or `-`, which may stand for words. Emoji and other symbols (`😀`, `♪`, `™`) too,
    with what joins and varies them."""
    category = unicodedata.category(ch)
    if category[0] == "P":
        return scripts.punctuation(ch) != scripts.SPACED or category in ("Pi", "Pf") or (
            ch in "\"'"
        )
    return category in ("So", "Sk") or ch in _EMOJI_PARTS


def _combining(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"
