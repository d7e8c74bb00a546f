"""Cutting sampled sentences into named sets (train, test, ...) that share no sentence.

`--partition train=0.8,test=0.2` writes OUT.train.json and OUT.test.json. The sentences
are grouped by text, so two readings of one sentence land in the same set; the groups are
shuffled with the seed and cut by the shares, so the same seed gives the same sets.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from ..errors import UsageError
from .records import Utterance

_PART = re.compile(r"\s*([A-Za-z][\w-]*)\s*=\s*([^,]+?)\s*\Z")


def parse_shares(spec: str) -> dict[str, float]:
    """`train=0.8,test=0.2` -> {"train": 0.8, "test": 0.2}; the shares add up to 1."""
    shares: dict[str, float] = {}
    for piece in spec.split(","):
        match = _PART.match(piece)
        try:
            share = float(match.group(2)) if match else math.nan
        except ValueError:
            share = math.nan
        if not match or not 0 < share <= 1:
            raise UsageError(
                f"bad --partition part '{piece.strip()}': write NAME=SHARE with a share "
                "above 0, e.g. train=0.8,test=0.2"
            )
        if match.group(1) in shares:
            raise UsageError(f"--partition names '{match.group(1)}' twice")
        shares[match.group(1)] = share
    if len(shares) < 2 or abs(sum(shares.values()) - 1) > 1e-6:
        raise UsageError(
            f"--partition {spec}: give two or more parts whose shares add up to 1 "
            "(e.g. train=0.8,test=0.2)"
        )
    return shares


def partition(
    utterances: list[Utterance], shares: dict[str, float], seed: int
) -> dict[str, list[Utterance]]:
    """The utterances cut into the named sets, none sharing a text; each set keeps the
    order the utterances came in."""
    groups: dict[str, list[int]] = {}
    for index, utterance in enumerate(utterances):
        groups.setdefault(utterance.text, []).append(index)
    order = list(groups.values())
    shuffled = [order[k] for k in np.random.default_rng(seed).permutation(len(order))]
    cuts = np.round(np.cumsum([0, *shares.values()]) * len(order)).astype(int)
    parts = {}
    for name, start, end in zip(shares, cuts, cuts[1:]):
        chosen = sorted(index for group in shuffled[start:end] for index in group)
        parts[name] = [utterances[index] for index in chosen]
    return parts


def part_path(output: str, name: str) -> str:
    """Where set `name` of `output` goes: `out.json` -> `out.train.json`."""
    path = Path(output)
    return str(path.with_name(f"{path.stem}.{name}{path.suffix}"))
