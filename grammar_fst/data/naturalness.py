"""How natural new utterances look at their slot edges, and how diverse they are.

A slot value sits naturally where people put such words: the *naturalness* of a set of
utterances is the share of their slot occurrences whose two boundary bigrams (the word
before + the value's first word, the value's last word + the word after; `<s>` and `</s>`
at the sentence's ends) both occur in reference data written by people. The reference
should be data held out from whatever made the utterances; when it is the data they were
made from (`resample --report`), the utterance each was made from is left out of it.
Utterances that are in the reference themselves are not counted, nor copies of the
originals they were made from (resample keeps its input): neither is new.

A gate could win by saying little, so *diversity* is reported beside it: the number of
distinct fillings, (carrier phrase, slot position, value) triples, that the utterances
show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from . import distribution as dist
from .context import END, START, folded_words
from .records import Utterance


def boundaries(utterance: Utterance) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Each slot's left and right boundary bigrams, words case-folded."""
    text, found = utterance.text, []
    for slot in utterance.slots:
        before, after = folded_words(text[: slot.start]), folded_words(text[slot.end :])
        value = folded_words(slot.value) or [""]
        found.append(
            (
                (before[-1] if before else START, value[0]),
                (value[-1], after[0] if after else END),
            )
        )
    return found


def bigrams(utterance: Utterance) -> Counter:
    words = [START, *folded_words(utterance.text), END]
    return Counter(zip(words, words[1:]))


@dataclass(frozen=True)
class Measure:
    """Naturalness and diversity of a set of utterances."""

    utterances: int  # counted: not in the reference
    slots: int
    natural: int
    fillings: int

    def as_dict(self) -> dict:
        return {
            "utterances": self.utterances,
            "slots": self.slots,
            "natural": self.natural,
            "naturalness": self.naturalness if self.slots else None,
            "fillings": self.fillings,
        }

    @property
    def naturalness(self) -> float:
        return self.natural / self.slots if self.slots else float("nan")

    def __str__(self) -> str:
        share = "n/a" if not self.slots else f"{self.naturalness:.3f}"
        return (
            f"naturalness: {share} ({self.natural:,} of {self.slots:,} slot occurrences in "
            f"{self.utterances:,} new utterances have both boundary bigrams in the "
            f"reference)\ndiversity: {self.fillings:,} distinct (carrier, slot, value) "
            "fillings\n"
        )


def measure(
    utterances: Sequence[Utterance],
    reference: Sequence[Utterance],
    made_from: Sequence[Utterance | None] | None = None,
    originals: Sequence[Utterance] = (),
) -> Measure:
    """The naturalness of `utterances` against `reference` and their diversity. With
    `made_from` (one per utterance, or None), each utterance's source is left out of the
    reference when it is judged. The new utterances are those in neither `reference`
    nor `originals` (the data `utterances` were made from)."""
    counts: Counter = Counter()
    for u in reference:
        counts.update(bigrams(u))
    known = {_key(u) for u in (*reference, *originals)}
    slots = natural = counted = 0
    for i, u in enumerate(utterances):
        if _key(u) in known:
            continue
        counted += 1
        source = made_from[i] if made_from else None
        own = bigrams(source) if source is not None else Counter()
        for left, right in boundaries(u):
            slots += 1
            natural += counts[left] > own[left] and counts[right] > own[right]
    return Measure(counted, slots, natural, diversity(utterances))


def _key(utterance: Utterance) -> tuple[str, str]:
    """What makes two utterances one: their words case-folded, and their intent."""
    return " ".join(folded_words(utterance.text)), utterance.intent


def diversity(utterances: Sequence[Utterance]) -> int:
    """The number of distinct (carrier phrase, slot position, value) fillings, values
    case-folded."""
    return len(
        {
            (dist.carrier(u), k, " ".join(folded_words(s.value)))
            for u in utterances
            for k, s in enumerate(u.slots)
        }
    )
