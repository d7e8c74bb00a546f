"""`--lambda auto`: each intent's lambda chosen by cross-validation on its golden
utterances alone.

The utterances are dealt into FOLDS folds (utterance i to fold i mod FOLDS). For each
candidate lambda and each fold, states are merged on the other folds, and two things
are measured on the merged automaton itself (no grammar is compiled):

- recall: the share of the held-out fold's utterances that the automaton says (their
  slots as slot symbols, as induction sees them);
- precision: the share of SAMPLES random paths of the automaton whose every trigram
  (with sentence boundaries) occurs in some golden utterance of the intent: how much of
  what the generalized automaton says is attested.

The lambda chosen is the smallest whose mean recall is within TIE of the highest mean
recall among the lambdas whose mean precision is at least PRECISION_FLOOR: the least
generalization that recalls about as much. When none reaches the floor, the one with the
highest precision; when no lambda recalls a held-out utterance at all (a handful of
utterances, each unlike the others), the default; the default too when a fold's merge
takes more than STEPS steps per state (utterances that say a few words in many places,
where thirty merges would take minutes). Candidates are tried in increasing
order, and the search stops at the first below the floor: a larger lambda merges more
and is less precise. On SNIPS (50 golden utterances per intent) the floor sits near the
precision of the former fixed default, lambda 1, and the choices range from 0.25 to 3;
other floors, or recall plus a share of precision, trade recall for precision along the
same curve (benchmarks/induction_lambda_choice.py). Every draw is seeded, so the same
utterances give the same choice.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from .automaton import END, START, Automaton, Symbol
from .search import OverBudget, Steps, merge_states

CANDIDATES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
FOLDS = 5
SAMPLES = 200  # random paths per fold, for precision
PRECISION_FLOOR = 0.35
TIE = 0.02  # recall this close to the best counts as as good
MOST = 100  # utterances cross-validated, at most: a larger intent is subsampled (seeded)
STEPS = 200  # per state, in each fold's merge (`search.Steps`); SNIPS and SLURP take <= 110

Path = tuple[Symbol, ...]


@dataclass(frozen=True)
class Choice:
    """The lambda chosen for one intent, with its cross-validated scores."""

    weight: float
    recall: float  # mean held-out recall over the folds
    precision: float  # mean trigram precision of the folds' samples
    folds: int  # 0: not cross-validated (`unvalidated` says why), and the default was taken
    unvalidated: str = "too few utterances to cross-validate"

    @property
    def detail(self) -> str:
        """`1.5 (held-out recall 0.24, trigram precision 0.44, 5 folds)`."""
        if not self.folds:
            return f"{self.weight:g}, the default ({self.unvalidated})"
        if not self.recall:
            return f"{self.weight:g}, the default (no lambda recalled a held-out utterance)"
        return (
            f"{self.weight:g} (held-out recall {self.recall:.2f}, "
            f"trigram precision {self.precision:.2f}, {self.folds} folds)"
        )

    def __str__(self) -> str:
        return f"lambda {self.detail}"


def choose(paths: Sequence[Path], default: float) -> Choice:
    """The lambda for an intent whose golden utterances are `paths` (`default` when
    cross-validation cannot tell)."""
    paths = _validated(paths)
    folds = min(FOLDS, len(paths))
    if folds < 2:
        return Choice(default, math.nan, math.nan, 0)
    attested = {t for path in paths for t in trigrams(path)}
    scored: list[tuple[float, float, float]] = []
    for weight in CANDIDATES:  # increasing: more merging, so less precision
        try:
            scored.append((weight, *_score(paths, weight, folds, attested)))
        except OverBudget:  # thirty merges of utterances this repetitive would take minutes
            return Choice(
                default, math.nan, math.nan, 0, "utterances too repetitive to cross-validate"
            )
        if scored[-1][2] < PRECISION_FLOOR:
            break  # the larger lambdas would fall below the floor too
    picked = pick(scored, PRECISION_FLOOR)
    if picked is None:
        return Choice(default, 0.0, math.nan, folds)
    return Choice(*picked, folds)


def pick(
    scored: Sequence[tuple[float, float, float]], floor: float
) -> tuple[float, float, float] | None:
    """Of candidates (lambda, recall, precision) in increasing lambda, up to the first
    below `floor`: the smallest lambda whose recall is within TIE of the best recall of
    those at or above the floor (the most precise when none is); None when none of those
    recalls anything."""
    kept = []
    for candidate in scored:
        kept.append(candidate)
        if candidate[2] < floor:
            break
    precise = [c for c in kept if c[2] >= floor]
    if not precise:
        return max(kept, key=lambda c: (c[2], -c[0]))
    best = max(c[1] for c in precise)
    if best <= 0:
        return None
    return min((c for c in precise if c[1] >= best - TIE), key=lambda c: c[0])


def cross_validated(paths: Sequence[Path], weight: float) -> tuple[float, float]:
    """Mean held-out recall and trigram precision of `weight` on `paths`, as `choose`
    scores each candidate (on at least 2 paths)."""
    paths = _validated(paths)
    attested = {t for path in paths for t in trigrams(path)}
    return _score(paths, weight, min(FOLDS, len(paths)), attested)


def _validated(paths: Sequence[Path]) -> Sequence[Path]:
    """The paths cross-validated: at most MOST, drawn with a fixed seed."""
    return random.Random(len(paths)).sample(list(paths), MOST) if len(paths) > MOST else paths


def _score(
    paths: Sequence[Path], weight: float, folds: int, attested: set[tuple]
) -> tuple[float, float]:
    """Mean held-out recall and sample precision of `weight` over the folds."""
    recall = precision = 0.0
    for fold in range(folds):
        held = [p for i, p in enumerate(paths) if i % folds == fold]
        model = Automaton([p for i, p in enumerate(paths) if i % folds != fold], weight)
        merge_states(model, "", lambda step: None, Steps(STEPS * len(model.states)))
        recall += sum(says(model, p) for p in held) / len(held)
        rng, tables = random.Random(fold), dict[object, object]()
        drawn = [walk(model, rng, tables) for _ in range(SAMPLES)]
        precision += sum(set(trigrams(p)) <= attested for p in drawn) / SAMPLES
    return recall / folds, precision / folds


def says(model: Automaton, path: Path) -> bool:
    """Whether a path of states from START to END says `path`."""
    here = {START}
    for symbol in path:
        here = {t for s in here for t in model.out[s] if t != END and symbol in model.emit[t]}
        if not here:
            return False
    return any(END in model.out[s] for s in here)


def walk(model: Automaton, rng: random.Random, tables: dict | None = None) -> Path:
    """A random path of the automaton, its steps and symbols drawn by their counts;
    `tables` keeps what `_draw` orders, for walks of one model while it does not change."""
    tables = {} if tables is None else tables
    said: list[Symbol] = []
    state = _draw(model.out[START], rng, tables)
    while state != END:
        said.append(_draw(model.emit[state], rng, tables))
        state = _draw(model.out[state], rng, tables)
    return tuple(said)


def _draw(counts, rng: random.Random, tables: dict):
    """One key of a Counter, drawn in proportion to its count (keys in a fixed order)."""
    table = tables.get(id(counts))
    if table is None:
        keys = sorted(counts, key=str)
        table = tables[id(counts)] = (keys, list(itertools.accumulate(counts[k] for k in keys)))
    keys, cumulative = table
    return keys[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def trigrams(path: Path) -> list[tuple]:
    """The trigrams of a path, with two start marks and an end mark."""
    padded = ["<s>", "<s>", *map(str, path), "</s>"]
    return [tuple(padded[i : i + 3]) for i in range(len(padded) - 2)]
