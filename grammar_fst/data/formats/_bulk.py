"""A block of sampled sentences written as lines at once, from its spelled arrays
(`data.spelled.Spelled`, made by `fst.spelling.Speller.spell`), without an Utterance or
a string per record: the bytes of every piece a line can hold (each word, alone and
after a space, JSON-escaped where the format quotes it; each intent's and slot's fixed
text; each offset) are made once per grammar, numpy computes where each piece goes in
the block, and the block is one join. A piece is held as its UTF-8 bytes read as Latin-1
(`Pieces.add`): every string then has one byte a character, so the join and the
encoding of the block are copies of bytes (a block with one "é" made the join and the
UTF-8 encoding of the whole block character by character).

The bytes are those of the format's `line` writer for each utterance, newline after
each: JSON escaping goes character by character, so a quoted sentence is the quoted
words one after the other. A writer is made only for a symbol table whose every line it
writes as `line` would (`BulkWriter.made` gives None otherwise, for the utterances
to be written one by one and refused or not as `line` decides): MASSIVE needs words without
brackets and slot names its annotation reads back, `text` words without line breaks.

Imported when a sampling job writes a block (it needs numpy), never by the registry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ...text import tokens
from ..records import SlotValue
from . import bio
from .massive import DEFAULT_LOCALE, parse_annotation, scenario

if TYPE_CHECKING:
    from ..spelled import Spelled

ROWS = 1 << 22  # the most words times tags BIO numbers the pieces of (16 MB)
Tag = tuple[str, str] | None  # a symbol's (kind, name): ("intent", "PlayMusic"); None: a word
_quote = json.encoder.encode_basestring  # the escaping of jsonl.line and json.dumps
ANNOTATION = ', "annot_utt": "'  # what follows the slots of a jsonl record


def _escaped(text: str) -> str:
    return _quote(text)[1:-1]


def as_bytes(text: str) -> str:
    """The UTF-8 bytes of `text`, one character each (Latin-1): what a piece is held as.
    UnicodeEncodeError for a lone surrogate."""
    return text.encode().decode("latin-1")


def joined(pieces: list[str]) -> bytes:
    """The bytes of pieces held `as_bytes`, one after the other."""
    return "".join(pieces).encode("latin-1")


class Pieces:
    """The pieces of a block's lines (each `as_bytes`): a table of strings, grown by
    appending, and the regions of it indexed by symbol label (a word alone, after a
    space, ...)."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag]):
        self.symbols = list(symbols)
        self.table: list[str] = []
        self.tags = list(tags)
        self._array: np.ndarray | None = None
        self._tagged: dict[str, list[tuple[int, str]]] = {}  # per kind, (label, name)
        for label, tag in enumerate(self.tags):
            if tag is not None:
                self._tagged.setdefault(tag[0], []).append((label, tag[1]))

    def add(self, *pieces: str) -> int:
        """Append pieces; the index of the first."""
        at = len(self.table)
        self.table += map(as_bytes, pieces)
        self._array = None
        return at

    def region(self, piece) -> int:
        """Append `piece(symbol)` for every symbol; the index of label 0's, so that label
        i's is at that plus i."""
        return self.add(*map(piece, self.symbols))

    def tagged(self, kind: str, piece) -> int:
        """A region (as `region` gives) holding `piece(name)` for each symbol tagged
        (`kind`, name), nothing for the others: made without a call per symbol, which
        a catalogue of 40,000 words would pay for each region."""
        at = len(self.table)
        self.table += [""] * len(self.symbols)
        for label, name in self._tagged.get(kind, []):
            self.table[at + label] = as_bytes(piece(name))
        self._array = None
        return at

    def words(self, escape) -> int:
        """Each word alone, then each after a space (`escape`d): label i's word is at the
        index returned plus i, plus the number of symbols after a space."""
        at = self.region(escape)
        self.region(lambda s: escape(" " + s))
        return at

    def closed(self, words: int) -> int:
        """The `words` regions (see `words`) again, each word with a `]` after it: a
        slot's last word in an annotation."""
        at = len(self.table)
        self.table += [piece + "]" for piece in self.table[words : words + 2 * len(self.symbols)]]
        self._array = None
        return at

    def array(self, extra: Sequence[str] = ()) -> np.ndarray:
        """The table as an object array, with `extra` pieces (this block's own) after it."""
        if self._array is None:
            self._array = np.empty(len(self.table), dtype=object)
            self._array[:] = self.table
        if not extra:
            return self._array
        more = np.empty(len(extra), dtype=object)
        more[:] = [as_bytes(piece) for piece in extra]
        return np.concatenate([self._array, more])


class Layout:
    """Where a block's pieces go: each line is a sequence of sections, each section
    some pieces per sentence; `place` puts a section's piece ids at their positions."""

    def __init__(self, spelled: Spelled, sizes: list[np.ndarray]):
        """`sizes[j][i]`: how many pieces section j has in sentence i."""
        self.spelled = spelled
        counts = np.stack(sizes, axis=1) if sizes else np.zeros((0, 0), dtype=np.int64)
        ends = np.cumsum(counts.ravel())
        # section j of sentence i starts at [j, i] (a section's starts side by side)
        self.starts = (ends - counts.ravel()).reshape(counts.shape).T.copy()
        self.ids = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
        n = len(spelled.base)
        cuts = spelled.word_cuts
        self.word_sentence = np.repeat(np.arange(n), np.diff(cuts))
        self.word_rank = np.arange(len(spelled.said)) - cuts[self.word_sentence]
        self.slot_sentence = np.repeat(np.arange(n), np.diff(spelled.slot_cuts))

    def place(
        self,
        section: int,
        ids: np.ndarray | int,
        sentence: np.ndarray | None = None,
        rank: np.ndarray | int = 0,
    ) -> None:
        """Piece `ids[k]` at place `rank[k]` of section `section` of sentence
        `sentence[k]` (every sentence once, at place 0, when `sentence` is None)."""
        at = self.starts[section]
        self.ids[(at if sentence is None else at[sentence]) + rank] = ids

    def joined(self, table: np.ndarray) -> bytes:
        return joined(table[self.ids].tolist())  # faster than joining bytes


class BulkWriter:
    """What the bulk writers share: the words of the sentences as pieces, the MASSIVE
    annotation (jsonl's `annot_utt` too), and a slot's value as its utterance has it.
    A writer's `lines(spelled, numbers)` gives the lines of a block, sentence i written
    as `line(utterance, numbers[i])` would."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag]):
        self.pieces = Pieces(symbols, tags)
        self.size = len(self.pieces.symbols)

    @classmethod
    def made(cls, symbols: Sequence[str], tags: Sequence[Tag], **options) -> BulkWriter | None:
        """The writer for these symbols (with their `tags`), or None when some line over
        them must be written (or refused) by the format's `line` itself."""
        if not cls.fits(symbols, tags):
            return None
        try:
            return cls(symbols, tags, **options)
        except UnicodeEncodeError:  # a lone surrogate: `line`'s output cannot be UTF-8
            return None

    @staticmethod
    def fits(symbols: Sequence[str], tags: Sequence[Tag]) -> bool:
        return True

    def word_ids(self, spelled: Spelled, at: int) -> np.ndarray:
        """The piece of each word of the block, after its space."""
        return at + spelled.said + self.size * spelled.space

    def annotation(
        self,
        layout: Layout,
        section: int,
        text: np.ndarray,
        closed: int,
        opening: int,
        closing: int,
    ) -> None:
        """The MASSIVE annotation in `section`: each word (`text`, its piece in the text,
        from `word_ids`), a slot's value as `[slot : value]`, its space before the `[`
        (the `opening` region's pieces are `[slot : `, then ` [slot : `). A slot's last
        word carries its `]` (its piece `closed` on from the text's, one piece fewer a
        slot); `closing` is the `]` of a slot without words."""
        spelled = layout.spelled
        first, stop = spelled.slot_first, spelled.slot_stop
        words, empty = len(spelled.said), first == stop
        edges = _brackets(spelled)
        # per word, the brackets of their own before it in the block
        before = np.cumsum(np.bincount(np.concatenate([first, stop[empty]]), minlength=words + 1))
        ids = text.copy()
        spoken = ~empty
        ids[first[spoken]] -= self.size * spelled.slot_spaced[spoken]  # the space before the `[`
        ids[stop[spoken] - 1] += closed
        sentence = layout.word_sentence
        edges_before = edges[spelled.slot_cuts[:-1]]  # per sentence, in the sentences before
        layout.place(
            section, ids, sentence, layout.word_rank + before[:words] - edges_before[sentence]
        )
        slot = layout.slot_sentence
        at = first - spelled.word_cuts[slot] + edges[:-1] - edges_before[slot]
        label = spelled.slot_label
        layout.place(section, opening + label + self.size * spelled.slot_spaced, slot, at)
        layout.place(section, np.full(int(empty.sum()), closing), slot[empty], at[empty] + 1)

    def annotation_count(self, spelled: Spelled) -> np.ndarray:
        """Per sentence, the pieces of its annotation."""
        return self.word_count(spelled) + np.diff(_brackets(spelled)[spelled.slot_cuts])

    def word_count(self, spelled: Spelled) -> np.ndarray:
        return np.diff(spelled.word_cuts)

    def slot_count(self, spelled: Spelled) -> np.ndarray:
        return np.diff(spelled.slot_cuts)

    def value(self, spelled: Spelled, k: int) -> str:
        """The value of slot `k` as its utterance has it (its words as the text spells
        them)."""
        words = spelled.said[spelled.slot_first[k] : spelled.slot_stop[k]].tolist()
        spaces = spelled.space[spelled.slot_first[k] : spelled.slot_stop[k]].tolist()
        symbols = self.pieces.symbols
        return "".join(
            (" " if space and i else "") + symbols[w]
            for i, (w, space) in enumerate(zip(words, spaces))
        )


def _brackets(spelled: Spelled) -> np.ndarray:
    """Per slot of the block, then one more, how many brackets of its own the annotations
    have before that slot's `[`: every `[`, and the `]` of a slot without words (any
    other `]` is in the piece of the slot's last word)."""
    empty = spelled.slot_first == spelled.slot_stop
    return np.arange(len(empty) + 1) + np.concatenate(([0], np.cumsum(empty)))


class Jsonl(BulkWriter):
    """The grammar-fst record (`jsonl.line`). A line's pieces that always follow one
    another are one piece: a line's end and the next line's start, the annotation's
    start and the end of the slots (the last slot's record or the intent's `[`)."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag]):
        super().__init__(symbols, tags)
        p = self.pieces
        self.open_text = p.add('{"text": "')
        self.next_text = p.add('"}\n{"text": "')  # after the line before
        self.words = p.words(_escaped)
        self.closed = p.closed(self.words)
        self.intent = p.tagged("intent", lambda t: f'", "intent": {_quote(t)}, "slots": [')
        p.tagged("intent", lambda t: f'", "intent": {_quote(t)}, "slots": []{ANNOTATION}')
        self.head = p.tagged("open", lambda t: f'{{"slot": {_quote(t)}, "value": "')
        p.tagged("open", lambda t: f', {{"slot": {_quote(t)}, "value": "')
        self.opening = p.tagged("open", lambda t: f"[{_escaped(t)} : ")
        p.tagged("open", lambda t: f" [{_escaped(t)} : ")
        self.closing = p.add("]")
        self.close_line = p.add('"}\n')
        self.numbers = 0  # offsets below this have their pieces
        self.starts = self.ends = 0

    def _offsets(self, most: int) -> None:
        """Pieces for start and end offsets up to `most`: an end with the `}` that closes
        the slot's record, without (for a canonical value to follow), or with the end of
        the slots (the sentence's last slot)."""
        if most < self.numbers:
            return
        self.numbers = max(2 * most, 256)
        self.starts = self.pieces.add(*(f'", "start": {i}' for i in range(self.numbers)))
        self.ends = self.pieces.add(*(f', "end": {i}}}' for i in range(self.numbers)))
        self.pieces.add(*(f', "end": {i}' for i in range(self.numbers)))
        self.pieces.add(*(f', "end": {i}}}]{ANNOTATION}' for i in range(self.numbers)))

    def lines(self, spelled: Spelled, numbers: np.ndarray) -> bytes:
        n = len(spelled.base)
        self._offsets(int(spelled.sizes.max(initial=0)))
        words, slots = self.word_count(spelled), self.slot_count(spelled)
        last = np.zeros(len(spelled.slot_label), dtype=bool)  # the sentence's last slot
        last[spelled.slot_cuts[1:][slots > 0] - 1] = True
        synonyms = {
            k: f', "canonical": {_quote(canonical)}}}' + (f"]{ANNOTATION}" if last[k] else "")
            for k, canonical in sorted(spelled.canonicals.items())  # in slot order
            if canonical != self.value(spelled, k)
        }
        said = np.zeros(len(spelled.slot_label), dtype=np.int64)  # a canonical value
        said[list(synonyms)] = 1
        size = 3 + spelled.slot_stop - spelled.slot_first + said
        slot_pieces = np.diff(np.concatenate(([0], np.cumsum(size)))[spelled.slot_cuts])
        one = np.ones(n, dtype=np.int64)
        ending = np.zeros(n, dtype=np.int64)
        ending[-1:] = 1  # the block's last line
        annotation = self.annotation_count(spelled)
        layout = Layout(spelled, [one, words, one, slot_pieces, annotation, ending])
        starts = np.full(n, self.next_text)
        starts[:1] = self.open_text
        layout.place(0, starts)
        text = self.word_ids(spelled, self.words)
        layout.place(1, text, layout.word_sentence, layout.word_rank)
        layout.place(2, self.intent + spelled.intent + self.size * (slots == 0))
        self._slots(layout, size, said, last)
        closed = self.closed - self.words
        self.annotation(layout, 4, text, closed, self.opening, self.closing)
        layout.place(5, np.full(int(ending.sum()), self.close_line), np.arange(n)[-1:])
        return layout.joined(self.pieces.array(list(synonyms.values())))

    def _slots(self, layout: Layout, size: np.ndarray, said: np.ndarray, last: np.ndarray) -> None:
        """The slots' records in section 3, each `size` pieces: its name, its words, its
        offsets and, where `said`, the canonical value (the block's own pieces, after
        the table, in slot order); the `last` of a sentence ends the slots."""
        spelled = layout.spelled
        slot = layout.slot_sentence
        k = np.arange(len(slot))
        later = k > spelled.slot_cuts[slot]  # not the sentence's first slot: a comma first
        before = np.cumsum(size) - size
        rank = before - before[spelled.slot_cuts[slot]] if len(k) else before
        layout.place(3, self.head + spelled.slot_label + self.size * later, slot, rank)
        value_words = spelled.slot_stop - spelled.slot_first
        value_slot = np.repeat(k, value_words)
        value_rank = np.arange(len(value_slot)) - np.repeat(
            np.cumsum(value_words) - value_words, value_words
        )
        word = spelled.slot_first[value_slot] + value_rank
        spaced = spelled.space[word] & (value_rank > 0)
        layout.place(
            3,
            self.words + spelled.said[word] + self.size * spaced,
            slot[value_slot],
            rank[value_slot] + 1 + value_rank,
        )
        end = rank + 1 + value_words
        layout.place(3, self.starts + spelled.slot_start, slot, end)
        variant = np.where(said == 1, 1, 2 * last)  # closed, open for a canonical, last
        layout.place(3, self.ends + self.numbers * variant + spelled.slot_end, slot, end + 1)
        synonym = np.flatnonzero(said)
        base = len(self.pieces.table)
        layout.place(3, base + np.arange(len(synonym)), slot[synonym], end[synonym] + 2)


class Massive(BulkWriter):
    """MASSIVE records (`massive.line`), in a locale."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag], locale: str = DEFAULT_LOCALE):
        super().__init__(symbols, tags)
        p = self.pieces
        self.head = f'", "locale": {_quote(locale)}, "partition": "train", '
        self.intent = p.tagged(
            "intent",
            lambda t: f'"scenario": {_quote(scenario(t))}, "intent": {_quote(t)}, "utt": "',
        )
        self.words = p.words(_escaped)
        self.closed = p.closed(self.words)
        self.open_annotation = p.add('", "annot_utt": "')
        self.opening = p.tagged("open", lambda t: f"[{_escaped(t)} : ")
        p.tagged("open", lambda t: f" [{_escaped(t)} : ")
        self.closing = p.add("]")
        self.close_line = p.add('"}\n')

    @staticmethod
    def fits(symbols: Sequence[str], tags: Sequence[Tag]) -> bool:
        """Whether `massive.line` writes every sentence over these symbols: no word holds
        a bracket, and each slot's annotation reads back its name."""
        for symbol, tag in zip(symbols, tags):
            if tag is None and ("[" in symbol or "]" in symbol):
                return False
            if tag is not None and tag[0] == "open" and not _reads_back(tag[1]):
                return False
        return True

    def lines(self, spelled: Spelled, numbers: np.ndarray) -> bytes:
        n = len(spelled.base)
        words = self.word_count(spelled)
        one = np.ones(n, dtype=np.int64)
        layout = Layout(spelled, [one, one, words, one, self.annotation_count(spelled), one])
        base = len(self.pieces.table)
        layout.place(0, base + np.arange(n))
        layout.place(1, self.intent + spelled.intent)
        text = self.word_ids(spelled, self.words)
        layout.place(2, text, layout.word_sentence, layout.word_rank)
        layout.place(3, self.open_annotation)
        closed = self.closed - self.words
        self.annotation(layout, 4, text, closed, self.opening, self.closing)
        layout.place(5, self.close_line)
        heads = [f'{{"id": "{i}{self.head}' for i in numbers.tolist()]
        return layout.joined(self.pieces.array(heads))


def _reads_back(name: str) -> bool:
    """Whether `[name : v]` reads back as slot `name`, value `v`."""
    try:
        return parse_annotation(f"[{name} : v]") == ("v", (SlotValue(name, "v", 0, 1),))
    except Exception:  # noqa: BLE001  (any refusal means: write one by one)
        return False


class Text(BulkWriter):
    """The sentence alone (`text.line`)."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag]):
        super().__init__(symbols, tags)
        self.words = self.pieces.words(lambda s: s)
        self.close_line = self.pieces.add("\n")

    @staticmethod
    def fits(symbols: Sequence[str], tags: Sequence[Tag]) -> bool:
        """Whether `text.line` writes every sentence: no word holds a line break."""
        return not any("\n" in s or "\r" in s for s, tag in zip(symbols, tags) if tag is None)

    def lines(self, spelled: Spelled, numbers: np.ndarray) -> bytes:
        one = np.ones(len(spelled.base), dtype=np.int64)
        layout = Layout(spelled, [self.word_count(spelled), one])
        layout.place(0, self.word_ids(spelled, self.words), layout.word_sentence, layout.word_rank)
        layout.place(1, self.close_line)
        return layout.joined(self.pieces.array())


class Bio(BulkWriter):
    """BIO blocks (`bio.line`). A word's rows are those of its tokens, as the tokenizer
    finds them in the word alone, each tagged `O`, `B-slot` or `I-slot` (a piece per
    word and tag, made when first met). That holds where the words of a sentence are
    spaced apart; a sentence with two words written together (Thai, Japanese, a mark of
    punctuation against a word: the tokenizer reads them as one text), or with a slot
    without words, is written by `bio.line` itself."""

    def __init__(self, symbols: Sequence[str], tags: Sequence[Tag]):
        super().__init__(symbols, tags)
        p = self.pieces
        opens = [i for i, t in enumerate(tags) if t is not None and t[0] == "open"]
        self.codes = 1 + 2 * len(opens)  # O, then B- and I- of each slot
        self.slot = np.full(self.size, -1, dtype=np.int64)  # an open tag's slot number
        self.slot[opens] = np.arange(len(opens))
        self.tag_names = ["O"] + [
            f"{k}-{t[1]}" for t in tags if t is not None and t[0] == "open" for k in "BI"
        ]
        self.alone = np.array([s == s.strip() and s != "" for s in symbols])
        self.spaced = [*symbols, *(" " + s for s in symbols)]
        self.names = [None if t is None else t[1] for t in tags]
        self.intent = p.tagged("intent", lambda t: f"{bio.INTENT_PREFIX}{t}\n")
        self.close_block = p.add("\n")
        self.rows = np.full(self.size * self.codes, -1, dtype=np.int32)  # piece per word, tag

    @staticmethod
    def fits(symbols: Sequence[str], tags: Sequence[Tag]) -> bool:
        """Whether `bio.line` writes every sentence's intent and slot names, and the
        table of a piece per word and tag is not too large."""
        for tag in tags:
            if tag is not None and tag[0] == "intent" and not bio.writable_intent(tag[1]):
                return False
            if tag is not None and tag[0] == "open" and not bio.writable_slot(tag[1]):
                return False
        try:
            "".join(symbols).encode()  # the rows are made as they are met
        except UnicodeEncodeError:
            return False
        opens = sum(t is not None and t[0] == "open" for t in tags)
        return len(symbols) * (1 + 2 * opens) <= ROWS

    def lines(self, spelled: Spelled, numbers: np.ndarray) -> bytes:
        n = len(spelled.base)
        words = self.word_count(spelled)
        sentence = np.repeat(np.arange(n), words)
        value_words = spelled.slot_stop - spelled.slot_first
        apart = spelled.space.copy()
        apart[spelled.word_cuts[:-1][words > 0]] = True  # a sentence's first word
        fallback = np.zeros(n, dtype=bool)
        fallback[sentence[~(apart & np.take(self.alone, spelled.said))]] = True
        fallback[np.repeat(np.arange(n), self.slot_count(spelled))[value_words == 0]] = True
        kept = ~fallback
        one = kept.astype(np.int64)
        layout = Layout(spelled, [np.ones(n, dtype=np.int64), words * one, one])
        rank = layout.word_rank
        spoken = np.flatnonzero(kept[sentence])
        rows = self._rows(spelled, value_words, spoken)
        layout.place(1, rows, sentence[spoken], rank[spoken])
        by_record = np.flatnonzero(fallback)
        base = len(self.pieces.table)  # the block's own pieces, after the rows made
        layout.place(0, base + np.arange(len(by_record)), by_record)
        good = np.flatnonzero(kept)
        layout.place(0, self.intent + spelled.intent[good], good)
        layout.place(2, np.full(len(good), self.close_block), good)
        return layout.joined(self.pieces.array(self._by_record(spelled, by_record, numbers)))

    def _rows(self, spelled: Spelled, value_words: np.ndarray, spoken: np.ndarray) -> np.ndarray:
        """The piece of each word of the block numbered `spoken`: its rows with its tag
        (pieces made for the words and tags not met before)."""
        code = np.zeros(len(spelled.said), dtype=np.int64)
        owner = np.repeat(np.arange(len(value_words)), value_words)
        inside = (
            spelled.slot_first[owner]
            + np.arange(len(owner))
            - np.repeat(np.cumsum(value_words) - value_words, value_words)
        )
        code[inside] = 2 + 2 * self.slot[spelled.slot_label[owner]]
        code[spelled.slot_first[value_words > 0]] -= 1  # B- on the first word
        keys = spelled.said[spoken] * self.codes + code[spoken]
        new = np.unique(keys[self.rows[keys] < 0])
        if len(new):
            made = [self._row(*divmod(key, self.codes)) for key in new.tolist()]
            self.rows[new] = self.pieces.add(*made) + np.arange(len(new))
        return self.rows[keys]

    def _row(self, label: int, code: int) -> str:
        """The rows of word `label` alone, with tag `code` (a B- on its first token only)."""
        word = self.pieces.symbols[label]
        found = [word[a:b] for a, b in tokens.spans(word)]
        later = code + 1 if code % 2 else code  # B-slot, then I-slot
        tags = [self.tag_names[code]] + [self.tag_names[later]] * (len(found) - 1)
        return "".join(f"{token}\t{tag}\n" for token, tag in zip(found, tags))

    def _by_record(self, spelled: Spelled, sentences: np.ndarray, numbers: np.ndarray) -> list:
        """The blocks of `sentences` as `bio.line` writes them (and refuses them)."""
        if not len(sentences):
            return []
        utterances = spelled.utterances(self.spaced, self.names, sentences)
        return [bio.line(u, i) + "\n" for u, i in zip(utterances, numbers[sentences].tolist())]
