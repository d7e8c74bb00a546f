"""A plain NLU model trained from grammar-fst records, to measure what training data is
worth downstream: an intent classifier (TF-IDF word 1-2-grams, logistic regression) and a
slot tagger (a linear-chain CRF over BIO tags with ordinary lexical features), and the
usual scores: intent accuracy, slot micro-F1 on exact spans, exact-match accuracy.

Words are the runs of characters that are neither space nor punctuation, and each
punctuation mark alone (so combining marks stay in their word, in any script, and so do
symbols: "$20" is one word), case-folded; a word is inside a slot when it overlaps the
slot's characters. Needs the `bench` extra (scikit-learn, sklearn-crfsuite).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import sklearn_crfsuite
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import grammar_fst as gf

PUNCTUATION = re.escape(
    "".join(c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c)[0] == "P")
)
PUNCTUATION_MARK = re.compile(f"[{PUNCTUATION}]")
WORD = re.compile(rf"[^\s{PUNCTUATION}]+|{PUNCTUATION_MARK.pattern}")
OUTSIDE = "O"
# L-BFGS passes, fixed for speed before the benchmark ran (in a trial on a random split of
# the full files, 100 passes gave the same slot F1 within 0.1 point, at twice the time)
CRF_ITERATIONS = 50

Span = tuple[str, int, int]  # slot type, first word, word after the last


def words(text: str) -> list[tuple[str, int, int]]:
    """The case-folded words of `text` with their character offsets."""
    return [(m.group().casefold(), m.start(), m.end()) for m in WORD.finditer(text)]


def sentence_key(utterance: gf.Utterance) -> str:
    """What makes two utterances one sentence to the model: their words, punctuation
    aside ("play abba?" is "play abba")."""
    return " ".join(w for w, _, _ in words(utterance.text) if not PUNCTUATION_MARK.fullmatch(w))


def bio(utterance: gf.Utterance) -> tuple[list[str], list[str]]:
    """The utterance's words and their BIO tags."""
    found = words(utterance.text)
    tags = []
    for i, (_, start, end) in enumerate(found):
        tag = OUTSIDE
        for slot in utterance.slots:
            if start < slot.end and end > slot.start:
                previous = found[i - 1] if i else None
                inside = previous is not None and previous[2] > slot.start
                tag = ("I-" if inside else "B-") + slot.slot
                break
        tags.append(tag)
    return [w for w, _, _ in found], tags


def spans(tags: Sequence[str]) -> set[Span]:
    """The slot spans of a BIO sequence, read as conlleval does: an I- tag that does not
    continue a span of its type starts one."""
    found, current = set(), None
    for i, tag in enumerate([*tags, OUTSIDE]):
        kind = tag[2:] if tag != OUTSIDE else None
        continues = tag.startswith("I-") and current is not None and current[0] == kind
        if current is not None and not continues:
            found.add((current[0], current[1], i))
            current = None
        if kind is not None and current is None:
            current = (kind, i)
    return found


def features(sentence: Sequence[str], i: int) -> dict[str, object]:
    """Ordinary lexical features of word `i`: itself, its affixes and shape, its neighbours
    two either side, and the word bigrams it is in."""
    word = sentence[i]

    def at(k: int) -> str:
        j = i + k
        return sentence[j] if 0 <= j < len(sentence) else ("<s>" if j < 0 else "</s>")

    found: dict[str, object] = {
        "bias": 1.0,
        "w": word,
        "p3": word[:3],
        "s2": word[-2:],
        "s3": word[-3:],
        "digit": word.isdigit(),
    }
    for k in (-2, -1, 1, 2):
        found[f"w{k:+d}"] = at(k)
    found["w-1|w"] = f"{at(-1)}|{word}"
    found["w|w+1"] = f"{word}|{at(1)}"
    return found


def sentence_features(sentence: Sequence[str]) -> list[dict[str, object]]:
    return [features(sentence, i) for i in range(len(sentence))]


@dataclass
class Prediction:
    intent: str
    tags: list[str]


class Model:
    """The intent classifier and the slot tagger, trained together on utterances."""

    def __init__(self, training: Sequence[gf.Utterance], iterations: int = CRF_ITERATIONS):
        if len({u.intent for u in training}) < 2:
            raise ValueError("an intent classifier needs at least two intents to learn")
        self.classifier = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD.pattern),
            LogisticRegression(max_iter=1000),
        )
        self.classifier.fit([u.text.casefold() for u in training], [u.intent for u in training])
        tagged = [bio(u) for u in training]
        self.tagger = sklearn_crfsuite.CRF(
            algorithm="lbfgs",
            c1=0.1,
            c2=0.01,
            max_iterations=iterations,
            all_possible_transitions=True,
        )
        self.tagger.fit([sentence_features(ws) for ws, _ in tagged], [ts for _, ts in tagged])

    def predict(self, utterances: Sequence[gf.Utterance]) -> list[Prediction]:
        intents = self.classifier.predict([u.text.casefold() for u in utterances])
        sentences = [[w for w, _, _ in words(u.text)] for u in utterances]
        tags = self.tagger.predict([sentence_features(ws) for ws in sentences])
        return [Prediction(str(i), list(t)) for i, t in zip(intents, tags)]


@dataclass(frozen=True)
class Scores:
    intent_accuracy: float
    slot_precision: float
    slot_recall: float
    slot_f1: float
    exact_match: float


def score(truth: Sequence[gf.Utterance], predicted: Sequence[Prediction]) -> Scores:
    """Intent accuracy, slot micro-precision, recall and F1 over exact spans (type and
    words), and the share of utterances with the intent and every span right."""
    right_intents = exact = found = expected = matched = 0
    for u, p in zip(truth, predicted, strict=True):
        gold, guess = spans(bio(u)[1]), spans(p.tags)
        right_intents += p.intent == u.intent
        exact += p.intent == u.intent and gold == guess
        found += len(guess)
        expected += len(gold)
        matched += len(gold & guess)
    precision = matched / found if found else 0.0
    recall = matched / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    n = len(truth)
    return Scores(right_intents / n, precision, recall, f1, exact / n)
