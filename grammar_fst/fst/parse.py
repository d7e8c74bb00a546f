"""Text to intent and slots over the network of rule FSTs, without flattening it: a chart
parser that never expands a rule or a slot class into the places that use it.

For an FST and a start position, its states are explored in order (every FST is
topologically sorted, so a state is final once the lower ones are done) over the
sentence: a word arc consumes the next word, an epsilon-input arc (a tag) consumes
nothing, and a rule or slot class nonterminal consumes every span its FST derives from
that position, found the same way and memoized per (FST, position) for the sentence.
Rules never reach themselves, so this ends, and it costs a polynomial in the sentence's
length whatever the sharing. Each (state, position) keeps its best -log probability and a
back-pointer; the best derivation is spelled from them. A state's arcs are indexed by
input label the first time a parse reaches it, so a million-value catalogue costs a
lookup, not a walk of the catalogue.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from ..data.records import Utterance
from ..text import folding, scripts, tokens
from . import labels, openfst
from .compiler import CompiledFsts, Key
from .lattice import PASSED, Lattice, lattice, word_label
from .spelling import Speller
from .walks import LabelPath

_NONE = -1  # `callee` of an arc that enters no FST
_INDEXED = 32  # a state with more arcs than this finds its words by binary search
_NO_SPANS: dict = {}  # of an FST that cannot start where it is asked to


def _needed_first(first, step: Callable[[Any], list]) -> None:
    """Run `step` on `first` after what it needs: `step(x)` does x, or returns the
    things x needs done first (x is then run again after them). A stack, not recursion:
    a chain of rules may be long."""
    pending = [first]
    while pending:
        needed = step(pending[-1])
        if needed:
            pending.extend(needed)
        else:
            pending.pop()


class _Words:
    """The word arcs of a state with many arcs (a catalogue's first words), sorted by
    input label once, found by binary search."""

    def __init__(self, ilabel: np.ndarray, arcs: list[tuple[int, float, int]]):
        order = np.argsort(ilabel, kind="stable")
        self.ilabel = ilabel[order]
        self.arcs = [arcs[k] for k in order.tolist()]

    def get(self, label: int, default=None):
        low, high = np.searchsorted(self.ilabel, [label, label + 1]).tolist()
        return tuple(self.arcs[low:high]) if high > low else default


class _Fst:
    """One FST of the network, read as arrays once and indexed a state at a time: per
    state, its final weight, its word arcs by input label (`(olabel, weight, next)`),
    and its other arcs (`(callee, ilabel, olabel, weight, next)`: tags, with callee -1,
    and nonterminals)."""

    def __init__(self, read: Callable[[], openfst.Arrays], callee: dict[int, int], nonterminals):
        self.read = read  # the FST's arrays, read on first use
        self.callee = callee  # nonterminal label: number of the FST it enters
        self.nonterminals = nonterminals  # the same labels, as an array
        self._arrays: openfst.Arrays | None = None
        self.states: dict[int, tuple] = {}  # state: (final, words, others)
        self.start = -1
        self.first: set[int] | None = None  # labels that can start a non-empty span
        self.nullable = False  # (both found by `Chart._prepare` on first use)

    @property
    def arrays(self) -> openfst.Arrays:
        if self._arrays is None:
            self._arrays = self.read()
        return self._arrays

    def state(self, s: int) -> tuple:
        found = self.states.get(s)
        if found is None:
            found = self.states[s] = self._index(s)
        return found

    def _index(self, s: int) -> tuple:
        a = self.arrays
        low, high = int(a.arc_start[s]), int(a.arc_start[s + 1])
        ilabel = a.ilabel[low:high]
        callee = self.callee
        consuming = (ilabel != 0) & ~np.isin(ilabel, self.nonterminals)
        other = np.flatnonzero(~consuming)
        others = tuple(
            (callee.get(i, _NONE), i, o, w, n)
            for i, o, w, n in zip(
                ilabel[other].tolist(),
                a.olabel[low:high][other].tolist(),
                a.weight[low:high][other].tolist(),
                a.nextstate[low:high][other].tolist(),
            )
        )
        word = np.flatnonzero(consuming)
        arcs = list(
            zip(
                a.olabel[low:high][word].tolist(),
                a.weight[low:high][word].tolist(),
                a.nextstate[low:high][word].tolist(),
            )
        )
        if len(arcs) > _INDEXED:
            words = _Words(ilabel[word], arcs)
        else:
            words = {}
            for label, arc in zip(ilabel[word].tolist(), arcs):
                words[label] = (*words.get(label, ()), arc)
        return float(a.final[s]), words, others


class Recognizer:
    """Parses sentences against one compiled network; the FSTs are indexed as parses
    reach them and the index is kept for the next sentence."""

    def __init__(self, fsts: CompiledFsts):
        self.symbols = fsts.symbols
        keys: list[Key] = [("intent", n) for n in fsts.intents]
        keys += [("slot", n) for n in fsts.slots] + [("rule", n) for n in fsts.rules]
        self.number = {key: k for k, key in enumerate(keys)}
        self.intents = range(len(fsts.intents))  # the first numbers
        callee = {label: self.number[key] for label, key in fsts.nonterminals().items()}
        nonterminals = np.array(sorted(callee), dtype=np.int64)
        self.fsts = [
            _Fst(functools.partial(fsts.arrays, key), callee, nonterminals) for key in keys
        ]
        self.speller = Speller([fsts.symbols.find(i) for i in range(fsts.symbols.num_symbols())])
        self.slot_classes = {
            label for label, key in fsts.nonterminals().items() if key[0] == "slot"
        }
        self.tags: dict[int, tuple[str, str]] = {}
        for name in fsts.intents:
            self.tags[fsts.symbols.find(labels.intent_tag(name))] = ("intent", name)
        for name in fsts.slots:
            self.tags[fsts.symbols.find(labels.slot_open(name))] = ("open", name)
            self.tags[fsts.symbols.find(labels.slot_close(name))] = ("close", name)

    @functools.cached_property
    def _said(self) -> list[tuple[int, str]]:
        """The grammar's words with their labels, but for the tags of intents and slots."""
        words = enumerate(self.speller.words)
        return [(label, word) for label, word in words if labels.parse_tag(word) is None]

    @functools.cached_property
    def _folded(self) -> dict[str, int]:
        """Each word of the grammar case-folded (`folding.loose`), to its label (the
        first of words that fold alike); made when a sentence first has a word the
        grammar lacks as written."""
        folded: dict[str, int] = {}
        for label, word in self._said:
            folded.setdefault(folding.loose(word), label)
        return folded

    @functools.cached_property
    def _bare(self) -> dict[str, tuple[int, ...]]:
        """Each word of the grammar without its accents (`folding.bare`), to the labels
        of the words alike so (`esta`: `esta`, `está`); made when a sentence is first
        read."""
        bare: dict[str, list[int]] = {}
        for label, word in self._said:
            bare.setdefault(folding.bare(word), []).append(label)
        return {key: tuple(group) for key, group in bare.items()}

    @functools.cached_property
    def alike(self) -> Callable[[str, int], tuple[int, ...]] | None:
        """`alike(word, label)`: the labels of the grammar's words that are `word` but
        for accents, other than `label` (its own): `está` for `esta` typed where the
        grammar has both, so that the parser may read either (a word typed with accents
        is read as typed). None for a grammar without two such words (most), whose
        sentences need not be looked up so."""
        variants = {key: group for key, group in self._bare.items() if len(group) > 1}
        if not variants:
            return None

        def alike(word: str, label: int) -> tuple[int, ...]:
            if word.isascii():
                key = word.casefold()
            elif (key := folding.bare(word)) != folding.loose(word):
                return ()  # typed with its accents: read as typed
            return tuple(other for other in variants.get(key, ()) if other != label)

        return alike

    @functools.cached_property
    def _unspaced(self) -> tuple[dict[str, int], list[str]]:
        """The grammar's words that hold a script written without spaces, by label and
        sorted (where words of a sentence may start and end); found when such text is
        first met."""
        words = {folding.width(word): label for label, word in self._said if scripts.unspaced(word)}
        return words, sorted(words)

    def label(self, word: str) -> int:
        """The label of `word` as the grammar has it, read as `evaluate` reads held-out
        text: a word the grammar lacks is looked up case-folded (Unicode's folding, on
        both sides, their width forms and joiners folded too: `folding.loose`), then
        without the accents of Latin, Greek and Cyrillic letters (`folding.bare`); -1
        when it has it no way."""
        label = self.symbols.find(word)
        if label < 0:
            label = self._folded.get(folding.loose(word), -1)
        if label < 0:
            label = self._bare.get(folding.bare(word), (-1,))[0]
        return label

    def _kept(self, words: list[str]) -> list[int] | None:
        """The labels of `words` (see `label`), punctuation the grammar lacks (closing and
        opening marks, quotes) passed over; None when a word is not in the grammar."""
        ids = [word_label(word, self.label) for word in words]
        return None if -1 in ids else [label for label in ids if label != PASSED]

    def parse(self, text: str) -> Utterance | None:
        """The reading of the most probable derivation of `text`, or None when the
        grammar does not hold it."""
        found = self.best(text)
        return None if found is None else found[0]

    def best(self, text: str) -> tuple[Utterance, float] | None:
        """The most probable derivation's reading and its log probability, or None."""
        sentence = _Sentence(self, text)
        if not sentence.readable:
            return None
        chart = Chart(self, sentence.lattice)
        winner = self._winner(chart)
        if winner is None:
            return None
        path = chart.path(winner[0], 0, chart.n)
        return sentence.record(path, self.speller), -winner[1]

    def _winner(self, chart: Chart) -> tuple[int, float] | None:
        """The intent whose span over the whole sentence costs least (the first by name
        on a tie) and that cost, or None when none spans it."""
        winner = None
        for k in self.intents:
            cost = chart.spans(k, 0).get(chart.n)
            if cost is not None and (winner is None or cost[0] < winner[1]):
                winner = (k, cost[0])
        return winner

    def readings(self, text: str, limit: int | None = None) -> list[Utterance]:
        """The distinct readings of `text`: the most probable first (the one `parse`
        gives, so that `limit` 1 is it), then the others by intent name and by label
        path, an order the symbol table fixes; at most `limit`, and none when the
        grammar does not hold it."""
        sentence = _Sentence(self, text)
        if limit == 0 or not sentence.readable:
            return []
        chart = Chart(self, sentence.lattice, forest=True, limit=limit)
        winner = self._winner(chart)
        if winner is None:
            return []
        end = chart.n
        found = {sentence.record(chart.path(winner[0], 0, end), self.speller): None}
        for k in self.intents:
            if end in chart.spans(k, 0):
                for path in sorted(chart.paths(k, 0, end)):
                    if limit is not None and len(found) >= limit:
                        return list(found)
                    found.setdefault(sentence.record(list(path), self.speller))
        return list(found)

    def derives(self, intent: str, words: list[str], carrier: bool = False) -> bool:
        """Whether `intent` derives `words` (read as `parse` reads them); with `carrier`,
        each slot is the single word `labels.slot_class(name)` instead of one of its
        values."""
        ids = self._kept(words)
        if ids is None:
            return False
        k = self.number[("intent", intent)]
        return len(ids) in Chart(self, Lattice.of_labels(ids), carrier=carrier).spans(k, 0)



class _Sentence:
    """A sentence to parse: its text as the parser reads it (`folding`) as a lattice of
    the grammar's words, and how to give a reading back in the text as given, its slots'
    offsets in it."""

    def __init__(self, recognizer: Recognizer, text: str):
        self.given = text
        self.text, self._starts, self._ends = folding.folded(text)
        self.lattice = lattice(
            self.text, recognizer.label, lambda: recognizer._unspaced, recognizer.alike
        )
        self.readable = self.lattice.end > 0 and self.lattice.connected()

    def record(self, path: LabelPath, speller: Speller) -> Utterance:
        """The reading of a derivation's `path`, spelled from the grammar's words, with
        the sentence's text as given, each slot's value and offsets those of the words
        it covers there."""
        reading = self._read(path, speller)
        if self.given == self.text:
            return reading
        slots = []
        for slot in reading.slots:
            start, end = self._starts[slot.start], self._ends[slot.end]
            end = max(start, end)  # an empty value stays where it is
            slots.append(slot._replace(value=self.given[start:end], start=start, end=end))
        return reading._replace(text=self.given, slots=tuple(slots))

    def _read(self, path: LabelPath, speller: Speller) -> Utterance:
        """The reading in the text as the parser reads it."""
        reading = speller(path)
        if reading.text == self.text:
            return reading
        words = [i for i, _ in path if i]
        said = self.lattice.spans(words)
        if said is None:
            return reading
        # where each word starts and ends in the text as sampling spells it
        placed = tokens.spelled([[speller.words[i]] for i in words])[1]
        starts, ends = [a for a, _ in placed], [b for _, b in placed]
        slots = []
        for slot in reading.slots:
            first = bisect.bisect_left(starts, slot.start)
            last = bisect.bisect_right(ends, slot.end) - 1
            if first <= last:
                start, end = said[first][0], said[last][1]
            else:  # an empty value: where the next word starts, or at the end
                start = end = said[first][0] if first < len(said) else len(self.text)
            slots.append(slot._replace(value=self.text[start:end], start=start, end=end))
        return reading._replace(text=self.text, slots=tuple(slots))


class Chart:
    """The spans of one sentence: per (FST, start position), the end positions it can
    reach with the best cost (-log probability) and the final state there, and its
    items `(state, position) -> (cost, back-pointer)`, all its incoming arcs too when
    readings are wanted (`limit` is then the most paths kept per item)."""

    def __init__(
        self,
        recognizer: Recognizer,
        sentence: Lattice,
        forest: bool = False,
        limit: int | None = None,
        carrier: bool = False,
    ):
        self.fsts = recognizer.fsts
        self.edges = sentence.edges
        self.n = sentence.end
        self.forest = forest
        self.limit = limit
        self.matched = recognizer.slot_classes if carrier else frozenset()
        self.memo: dict[tuple[int, int], tuple] = {}
        self.label_paths: dict[tuple[int, int, int], set[tuple]] = {}

    def spans(self, k: int, i: int) -> dict[int, tuple[float, int]]:
        """`end: (cost, final item)` for every span FST `k` derives from position `i`
        (not to be modified). The FSTs a span enters are explored first, with a stack of
        suspended explorations rather than recursion: a chain of rules may be long."""
        found = self._known(k, i)
        if found is not None:
            return found
        jobs = [((k, i), self._explore(self.fsts[k], i))]
        given = None
        while True:
            key, job = jobs[-1]
            try:
                wanted = job.send(given)
            except StopIteration as done:
                self.memo[key] = done.value
                jobs.pop()
                given = done.value[0]
                if not jobs:
                    return given
            else:
                jobs.append((wanted, self._explore(self.fsts[wanted[0]], wanted[1])))
                given = None

    def _known(self, k: int, i: int) -> dict[int, tuple[float, int]] | None:
        """The spans of FST `k` from `i` if they are known without exploring it."""
        fst = self.fsts[k]
        if fst.first is None:
            self._prepare(fst)
        if not fst.nullable:
            for word, _, _ in self.edges[i]:
                if word in fst.first:
                    break
            else:
                return _NO_SPANS
        found = self.memo.get((k, i))
        return None if found is None else found[0]

    def _explore(self, fst: _Fst, i: int) -> Generator[tuple[int, int], dict, tuple]:
        """The spans of `fst` from `i`: its items in state order, each relaxed along its
        arcs (the hot loop of parsing, hence the local names). Yields (FST, position)
        when it needs spans not known yet, and is sent them."""
        edges, forest, matched = self.edges, self.forest, self.matched
        stride = self.n + 1
        first = fst.start * stride + i
        chart = {first: (0.0, None)}
        incoming: dict[int, list] = {}
        ends: dict[int, tuple[float, int]] = {}
        finals: dict[int, list[int]] = {}
        heap = [first]
        inf, states, pop, push = math.inf, fst.states, heapq.heappop, heapq.heappush
        while heap:
            item = pop(heap)
            cost = chart[item][0]
            s, pos = divmod(item, stride)
            final, words, others = states.get(s) or fst.state(s)
            if final < inf:
                total = cost + final
                if pos not in ends or total < ends[pos][0]:
                    ends[pos] = (total, item)
                if forest:
                    finals.setdefault(pos, []).append(item)
            steps = []
            add = steps.append
            for word, after, _ in edges[pos]:
                for olabel, w, nxt in words.get(word, ()):
                    add((nxt * stride + after, cost + w, (item, word, olabel)))
            for callee, ilabel, olabel, w, nxt in others:
                if callee < 0:
                    add((nxt * stride + pos, cost + w, (item, 0, olabel)))
                elif ilabel in matched:  # a slot class taken as its one symbol
                    for word, after, _ in edges[pos]:
                        if word == ilabel:
                            add((nxt * stride + after, cost + w, (item, ilabel, olabel)))
                else:
                    spans = self._known(callee, pos)
                    if spans is None:
                        spans = yield callee, pos
                    for end, (sub, _) in spans.items():
                        add((nxt * stride + end, cost + w + sub, (item, callee, pos, end)))
            for target, total, back in steps:
                old = chart.get(target)
                if old is None:
                    chart[target] = (total, back)
                    push(heap, target)
                elif total < old[0]:
                    chart[target] = (total, back)
                if forest:
                    incoming.setdefault(target, []).append(back)
        return ends, chart, (incoming, finals, stride, first)

    def _prepare(self, fst: _Fst) -> None:
        """Read `fst`, and find which labels can start a non-empty span of it and
        whether it derives the empty string, the FSTs it enters first (a stack, not
        recursion)."""
        _needed_first(fst, self._search)

    def _search(self, fst: _Fst) -> list[_Fst]:
        """Set `fst.first` and `fst.nullable` by a search from its start over the arcs
        that consume nothing, or return the FSTs it enters that need it first."""
        if fst.first is not None:
            return []
        fst.start = fst.arrays.start
        first: set[int] = set()
        nullable, unready = False, []
        seen, stack = {fst.start}, [fst.start] if fst.start >= 0 else []
        while stack:
            s = stack.pop()
            final, words, others = fst.state(s)
            nullable |= final < math.inf
            first.update(words.ilabel.tolist() if isinstance(words, _Words) else words)
            for callee, ilabel, _o, _w, nxt in others:
                passes = callee < 0
                if callee >= 0:
                    inner = self.fsts[callee]
                    if inner.first is None:
                        unready.append(inner)
                        continue
                    first.add(ilabel)  # a slot class taken as one word (carrier phrases)
                    first |= inner.first
                    passes = inner.nullable
                if passes and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        if not unready:
            fst.first, fst.nullable = first, nullable
        return unready

    def path(self, k: int, i: int, end: int) -> LabelPath:
        """The label pairs of the best derivation of FST `k` over `i:end`, rules and
        slot classes entered: back-pointers on a stack, a span's pushed last to first
        and so taken first to last, a nonterminal's replaced by its span's."""
        out: LabelPath = []
        todo: list[tuple] = [(-1, k, i, end)]
        memo = self.memo
        while todo:
            back = todo.pop()
            if len(back) == 3:
                if back[1] or back[2]:
                    out.append((back[1], back[2]))
                continue
            ends, chart, _ = memo[(back[1], back[2])]
            back = chart[ends[back[3]][1]][1]
            while back is not None:
                todo.append(back)
                back = chart[back[0]][1]
        return out

    def paths(self, k: int, i: int, end: int) -> set[tuple]:
        """The distinct label paths of FST `k` over `i:end` (at most `limit` per item),
        from every back-pointer of the chart; the spans it enters first (a stack)."""
        _needed_first((k, i, end), self._gather)
        return self.label_paths[(k, i, end)]

    def _gather(self, key: tuple[int, int, int]) -> list[tuple[int, int, int]]:
        """Find the label paths of span `key`, items in order, or return the spans it
        enters whose paths are needed first."""
        if key in self.label_paths:
            return []
        k, i, end = key
        _ends, _chart, (incoming, finals, _stride, first) = self.memo[(k, i)]
        wanted = set(finals.get(end, ()))
        live, stack = set(wanted), list(wanted)  # the items that lead to a wanted one
        while stack:
            for back in incoming.get(stack.pop(), ()):
                if back[0] not in live:
                    live.add(back[0])
                    stack.append(back[0])
        unready = {
            back[1:]
            for item in live
            for back in incoming.get(item, ())
            if len(back) == 4 and back[1:] not in self.label_paths
        }
        if unready:
            return sorted(unready)
        found: dict[int, set[tuple]] = {first: {()}}
        for item in sorted(live):
            if item == first:
                continue
            into: set[tuple] = set()
            for back in incoming.get(item, ()):
                heads = found.get(back[0])
                if not heads:
                    continue
                if len(back) == 4:
                    tails = self.label_paths[back[1:]]
                else:
                    tails = {((back[1], back[2]),)} if back[1] or back[2] else {()}
                into.update(head + tail for head in heads for tail in tails)
                if self.limit is not None and len(into) >= self.limit:
                    into = set(sorted(into)[: self.limit])
                    break
            found[item] = into
        self.label_paths[key] = set().union(*(found.get(item, set()) for item in wanted))
        return []
