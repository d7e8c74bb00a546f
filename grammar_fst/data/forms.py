"""Marked word forms: a word that is another word of the data with an ending the data
often adds ("restaurant's", "tomorrows", "hours"; "semanas" in Spanish), learned from the
data's own words, with no list of endings of any language.

An ending is *learned* when, of the data's distinct words, at least `MIN_SHARE` are
another of its words (of `MIN_STEM` characters or more) with that ending added: in SLURP
devel "s" (138 of 2,149 words) and "'s" (34), in the Spanish TOD data "s" and "r"; the
Thai data, written without such endings, has none. A word is *marked* with the longest
learned ending that leaves one of the data's words; and with an ending that most of the
words ending with it are marked with (`MOSTLY`), even when what it leaves is not a word of
the data: in SLURP, 34 of the 52 words ending in "'s" leave a word ("restaurant's"), so
"greg's" is marked too, but only 138 of the 333 ending in "s" do ("news" is not marked).

A marked form says something of where its value may go that its plain form does not: a
possessive stands before what it owns, a plural where more than one is meant. The context
gate (`context`) lets a value that ends with a marked word into a slot occurrence only
where the data shows a value of that slot type (or of any slot type) with a word of the
same ending before the occurrence's right neighbour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

MAX_ENDING = 2  # characters
MIN_STEM = 3  # characters of the word left without the ending
MIN_SHARE = 0.015  # of the distinct words; chosen on SLURP: see docs/resampling.md
MOSTLY = 0.5  # of the words with a learned ending, marked with it: it marks them all


def endings(words: Iterable[str]) -> dict[str, str]:
    """Each marked word of `words` (the data's distinct words), with its ending."""
    vocabulary = set(words)
    found: dict[str, list[str]] = {}
    for word in vocabulary:
        for size in range(1, MAX_ENDING + 1):
            if len(word) - size >= MIN_STEM and word[:-size] in vocabulary:
                found.setdefault(word, []).append(word[-size:])
    often = Counter(ending for word_endings in found.values() for ending in word_endings)
    learned = {e for e, n in often.items() if n >= MIN_SHARE * len(vocabulary)}
    marked = {}
    for word, word_endings in found.items():
        kept = [e for e in word_endings if e in learned]
        if kept:
            marked[word] = max(kept, key=len)
    for ending in sorted(learned, key=len):
        having = [w for w in vocabulary if w.endswith(ending) and len(w) - len(ending) >= MIN_STEM]
        if sum(marked.get(w) == ending for w in having) >= MOSTLY * len(having):
            marked.update((w, ending) for w in having if w not in marked)
    return marked
